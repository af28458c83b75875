package retryhttp

import (
	"math"
	"net/http"
	"time"
)

// maxSeconds is the largest whole number of seconds a time.Duration holds.
const maxSeconds = math.MaxInt64 / int64(time.Second)

// ParseRetryAfter parses the value of a Retry-After header (RFC 9110 §10.2.3) and
// returns how long after now it asks the client to wait. ok is false when value is
// not a valid Retry-After or names a time that is not after now; a caller then has
// no hint and should fall back to its own backoff.
//
// Two forms are accepted, strictly:
//
//   - delay-seconds: one or more ASCII digits and nothing else, so " 5", "+5",
//     "-1", "1.5", "5s" and "" are invalid. "0" is valid and gives 0. A number too
//     large for a time.Duration saturates at the largest one instead of
//     overflowing: the result is never negative.
//   - HTTP-date, in any of the three forms of RFC 9110 §5.6.7: IMF-fixdate
//     ("Sun, 06 Nov 1994 08:49:37 GMT"), the obsolete RFC 850 form
//     ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994").
//     The zone must be GMT, as the RFC requires (http.ParseTime would take any
//     abbreviation in the RFC 850 form, and read an unknown one as UTC), and a
//     two-digit year is the one that is not more than 50 years after now. A date at
//     or before now gives ok false.
//
// ParseRetryAfter does not cap the result; the Transport and CheckResponse clamp
// it to a maximum (see Transport.MaxRetryAfter).
func ParseRetryAfter(value string, now time.Time) (d time.Duration, ok bool) {
	if secs, isNum, valid := parseSeconds(value); isNum {
		if !valid {
			return 0, false
		}
		if secs > maxSeconds {
			return time.Duration(math.MaxInt64), true
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := parseHTTPDate(value, now)
	if err != nil {
		return 0, false
	}
	if d = t.Sub(now); d <= 0 { // Sub saturates rather than overflowing
		return 0, false
	}
	return d, true
}

// The three layouts of an HTTP-date; "GMT" is a literal, not a zone to interpret.
const (
	imfFixdate = "Mon, 02 Jan 2006 15:04:05 GMT"
	rfc850Date = "Monday, 02-Jan-06 15:04:05 GMT"
)

// parseHTTPDate parses an HTTP-date strictly, in UTC.
func parseHTTPDate(value string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(imfFixdate, value); err == nil {
		return t, nil
	}
	if t, err := time.Parse(rfc850Date, value); err == nil {
		// RFC 9110: a two-digit year that seems more than 50 years ahead means the
		// most recent past year with those digits.
		top := now.UTC().Year() + 50
		year := top - ((top-t.Year()%100)%100+100)%100
		return t.AddDate(year-t.Year(), 0, 0), nil
	}
	return time.Parse(time.ANSIC, value)
}

// parseSeconds reads delay-seconds, 1*DIGIT. isNum reports whether value starts
// with a digit (so it cannot be an HTTP-date, which starts with a letter); valid
// whether it is digits only. The count saturates just above maxSeconds.
func parseSeconds(value string) (secs int64, isNum, valid bool) {
	if value == "" || value[0] < '0' || value[0] > '9' {
		return 0, false, false
	}
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c < '0' || c > '9' {
			return 0, true, false
		}
		if secs <= maxSeconds {
			secs = secs*10 + int64(c-'0')
		}
	}
	return secs, true, true
}

// retryAfter returns the pause a response asks for through its Retry-After
// header, clamped to limit: only for 429 Too Many Requests and 503 Service
// Unavailable, the statuses whose meaning includes "come back later". Several
// Retry-After fields count only when they are all the same; otherwise, and when
// the value is invalid, in the past or limit is not positive, there is no hint (0).
func retryAfter(resp *http.Response, limit time.Duration) time.Duration {
	if limit <= 0 || resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0
	}
	values := resp.Header["Retry-After"]
	if len(values) == 0 {
		return 0
	}
	for _, v := range values[1:] {
		if v != values[0] {
			return 0
		}
	}
	d, ok := ParseRetryAfter(values[0], time.Now())
	if !ok {
		return 0
	}
	return min(d, limit)
}

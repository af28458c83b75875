package retryhttp

import (
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
)

// maxSeconds and maxMillis are the largest whole numbers of seconds and of
// milliseconds a time.Duration holds.
const (
	maxSeconds = math.MaxInt64 / int64(time.Second)
	maxMillis  = math.MaxInt64 / int64(time.Millisecond)
)

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
//     two-digit year is the one that is not more than 50 years after now. The
//     leap second the RFC allows, 23:59:60, is read as 23:59:59 plus one second
//     (time.Parse alone refuses it). A date at or before now gives ok false.
//
// ParseRetryAfter does not cap the result; the retry engine caps the pause it
// takes at Policy.MaxRetryAfter.
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

// leapSecond is the time of day of a leap second, which RFC 9110 §5.6.7 allows in
// an HTTP-date (second 60) and time.Parse refuses.
const leapSecond = "23:59:60"

// parseHTTPDate parses an HTTP-date strictly, in UTC, leap second included.
func parseHTTPDate(value string, now time.Time) (time.Time, error) {
	t, err := parseHTTPDateLayouts(value, now)
	if err == nil {
		return t, nil
	}
	// Only a time of day holds colons, so the one place a leap second can be is
	// the time: parse the second before it and add one.
	if i := strings.Index(value, leapSecond); i >= 0 {
		if t, err := parseHTTPDateLayouts(value[:i]+"23:59:59"+value[i+len(leapSecond):], now); err == nil {
			return t.Add(time.Second), nil
		}
	}
	return time.Time{}, err
}

// parseHTTPDateLayouts parses value in the three layouts of an HTTP-date.
func parseHTTPDateLayouts(value string, now time.Time) (time.Time, error) {
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
	if value == "" || !isDigit(value[0]) {
		return 0, false, false
	}
	for i := 0; i < len(value); i++ {
		c := value[i]
		if !isDigit(c) {
			return 0, true, false
		}
		if secs <= maxSeconds {
			secs = secs*10 + int64(c-'0')
		}
	}
	return secs, true, true
}

// parseRetryAfterMs parses the value of a retry-after-ms or x-ms-retry-after-ms
// header: a non-negative decimal number of milliseconds, one or more ASCII digits
// optionally followed by a dot and one or more digits. Anything else is not valid
// (ok false). Digits below the nanosecond are dropped, and a number too large for
// a time.Duration saturates at the largest one: the result is never negative.
func parseRetryAfterMs(value string) (d time.Duration, ok bool) {
	i, ms := 0, int64(0)
	for ; i < len(value) && isDigit(value[i]); i++ {
		if ms <= maxMillis { // past it, the count only has to stay above
			ms = ms*10 + int64(value[i]-'0')
		}
	}
	if i == 0 {
		return 0, false
	}
	var frac time.Duration // the fraction, in nanoseconds
	if i < len(value) && value[i] == '.' {
		i++
		start, scale := i, time.Duration(100_000) // the first fraction digit is 100µs
		for ; i < len(value) && isDigit(value[i]); i++ {
			frac += time.Duration(value[i]-'0') * scale
			scale /= 10
		}
		if i == start {
			return 0, false
		}
	}
	if i != len(value) {
		return 0, false
	}
	if ms > maxMillis {
		return backoff.Max, true
	}
	return backoff.Add(time.Duration(ms)*time.Millisecond, frac), true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// The headers of a server's hint, as canonical keys, in the order they are read.
const (
	headerRetryAfterMs    = "Retry-After-Ms"      // retry-after-ms
	headerXMsRetryAfterMs = "X-Ms-Retry-After-Ms" // x-ms-retry-after-ms
	headerXAmzRetryAfter  = "X-Amz-Retry-After"   // x-amz-retry-after
	headerRetryAfter      = "Retry-After"
	headerRateLimit       = "Ratelimit"         // RateLimit
	headerRateLimitReset  = "Ratelimit-Reset"   // RateLimit-Reset
	headerXRateLimitReset = "X-Ratelimit-Reset" // X-RateLimit-Reset
)

// hintHeaders are the headers of a server's hint in order of precedence: the
// explicit instructions to come back later before the rate-limit headers, which
// say when a quota resets; among the instructions, the millisecond headers,
// more precise, before Retry-After, whose HTTP-date also depends on the clocks
// agreeing; among the rate-limit headers, the draft's RateLimit, then its older
// RateLimit-Reset, then X-RateLimit-Reset, whose unit varies with the server.
// See StatusError.RetryAfter.
var hintHeaders = [...]string{
	headerRetryAfterMs,
	headerXMsRetryAfterMs,
	headerXAmzRetryAfter,
	headerRetryAfter,
	headerRateLimit,
	headerRateLimitReset,
	headerXRateLimitReset,
}

// retryAfter returns the pause a response asks for, uncapped: only for 429 Too
// Many Requests and 503 Service Unavailable, the statuses whose meaning includes
// "come back later". Without a valid hint, the result is 0.
func retryAfter(resp *http.Response) time.Duration {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0
	}
	return headerHint(resp.Header)
}

// headerHint returns the hint of the first of hintHeaders with a valid value,
// or 0. A header other than RateLimit that is sent several times counts only
// when all its values are the same; RateLimit's field lines make one list, as
// for any Structured Field. It reads the clock only for a header that may hold
// a time: Retry-After, RateLimit-Reset, X-RateLimit-Reset.
func headerHint(h http.Header) time.Duration {
	var now time.Time
	for _, key := range hintHeaders {
		values := h[key]
		if len(values) == 0 {
			continue
		}
		var d time.Duration
		ok := false
		if key == headerRateLimit {
			d, ok = parseRateLimit(values)
		} else if v, same := oneValue(values); same {
			switch key {
			case headerRetryAfterMs, headerXMsRetryAfterMs:
				d, ok = parseRetryAfterMs(v)
			case headerXAmzRetryAfter:
				d, ok = parseWholeMillis(v)
			default: // Retry-After, RateLimit-Reset, X-RateLimit-Reset
				if now.IsZero() {
					now = time.Now()
				}
				if key == headerRetryAfter {
					d, ok = ParseRetryAfter(v, now)
				} else {
					d, ok = parseRateLimitReset(v, now)
				}
			}
		}
		if ok {
			return d
		}
	}
	return 0
}

// oneValue returns the value of a header's fields when there is at least one
// and they are all the same.
func oneValue(values []string) (string, bool) {
	if len(values) == 0 {
		return "", false
	}
	for _, v := range values[1:] {
		if v != values[0] {
			return "", false
		}
	}
	return values[0], true
}

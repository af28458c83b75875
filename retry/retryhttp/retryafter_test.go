package retryhttp_test

import (
	"math"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/retry/retryhttp"
)

// now is the clock of the parser tests: Thursday, 26 November 2026, noon UTC.
var now = time.Date(2026, time.November, 26, 12, 0, 0, 0, time.UTC)

const maxDuration = time.Duration(math.MaxInt64)

var parseTests = []struct {
	value string
	want  time.Duration
	ok    bool
}{
	// delay-seconds
	{"0", 0, true},
	{"5", 5 * time.Second, true},
	{"120", 2 * time.Minute, true},
	{"007", 7 * time.Second, true},
	{"86400", 24 * time.Hour, true},
	{"9223372036", 9223372036 * time.Second, true}, // the largest whole number of seconds
	{"9223372037", maxDuration, true},
	{"99999999999999999999", maxDuration, true},
	{"184467440737095516160000000000", maxDuration, true},
	{"", 0, false},
	{" 5", 0, false},
	{"5 ", 0, false},
	{"+5", 0, false},
	{"-1", 0, false},
	{"1.5", 0, false},
	{"5s", 0, false},
	{"1e3", 0, false},
	{"0x10", 0, false},
	{"5,5", 0, false},
	{"５", 0, false}, // a fullwidth digit
	{"garbage", 0, false},
	// HTTP-date: IMF-fixdate, RFC 850, asctime
	{"Thu, 26 Nov 2026 12:00:30 GMT", 30 * time.Second, true},
	{"Thursday, 26-Nov-26 12:00:30 GMT", 30 * time.Second, true},
	{"Thu Nov 26 12:00:30 2026", 30 * time.Second, true},
	{"Thu Dec  3 12:00:30 2026", 7*24*time.Hour + 30*time.Second, true}, // asctime's padded day
	{"Fri, 27 Nov 2026 12:00:00 GMT", 24 * time.Hour, true},
	{"Fri, 31 Dec 9999 23:59:59 GMT", maxDuration, true}, // saturates
	{"Thu, 26 Nov 2026 12:00:00 GMT", 0, false},          // now is not after now
	{"Thu, 26 Nov 2026 11:59:00 GMT", 0, false},          // the past
	{"Sun, 06 Nov 1994 08:49:37 GMT", 0, false},
	{"Thu, 26 Nov 2026 12:00:30 PST", 0, false},    // IMF-fixdate is GMT only
	{"Thursday, 26-Nov-26 12:00:30 PST", 0, false}, // and so is RFC 850
	{"Thursday, 26-Nov-26 12:00:30 XYZ", 0, false},
	// RFC 850's two-digit year: not more than 50 years ahead of now (2026).
	{"Sunday, 01-Jan-68 00:00:00 GMT", time.Date(2068, 1, 1, 0, 0, 0, 0, time.UTC).Sub(now), true},
	{"Tuesday, 01-Jan-70 00:00:00 GMT", time.Date(2070, 1, 1, 0, 0, 0, 0, time.UTC).Sub(now), true},
	{"Friday, 01-Jan-77 00:00:00 GMT", 0, false}, // 2077 is too far: it means 1977
	// RFC 9110 §5.6.7: second 60, a leap second, is 23:59:59 plus one second.
	{"Thu, 31 Dec 2026 23:59:60 GMT", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).Sub(now), true},
	{"Thursday, 31-Dec-26 23:59:60 GMT", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).Sub(now), true},
	{"Thu Dec 31 23:59:60 2026", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).Sub(now), true},
	{"Tue, 30 Jun 2026 23:59:60 GMT", 0, false}, // a leap second in the past is past
	{"Thu, 26 Nov 2026 12:00:60 GMT", 0, false}, // second 60 only ends a day
	{"Thu, 31 Dec 2026 23:59:61 GMT", 0, false},
	{"Thu, 31 Dec 2026 23:59:60 PST", 0, false},
	{"Thu, 31 Dec 2026 24:00:00 GMT", 0, false},
	{"Thu, 26 Nov 2026 12:00:30", 0, false},
	{"Thu, 26 Nov 2026 12:00:30 GMT ", 0, false},
	{"26 Nov 2026 12:00:30 GMT", 0, false},
	{"2026-11-26T12:00:30Z", 0, false},
}

func TestParseRetryAfter(t *testing.T) {
	for _, tt := range parseTests {
		got, ok := retryhttp.ParseRetryAfter(tt.value, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %t; want %v, %t", tt.value, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzParseRetryAfter checks that the parser never panics, never returns a
// negative pause, accepts every string of digits, and that the hint a
// StatusError carries is never negative and, for delay-seconds, is the value
// parsed, uncapped (the engine caps it).
func FuzzParseRetryAfter(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.value)
	}
	f.Fuzz(func(t *testing.T, value string) {
		d, ok := retryhttp.ParseRetryAfter(value, now)
		if d < 0 || !ok && d != 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v, %t", value, d, ok)
		}
		if digitsOnly(value) {
			n, err := strconv.ParseInt(value, 10, 64)
			switch {
			case !ok:
				t.Fatalf("ParseRetryAfter(%q) rejected delay-seconds", value)
			case err == nil && n <= math.MaxInt64/int64(time.Second) && d != time.Duration(n)*time.Second:
				t.Fatalf("ParseRetryAfter(%q) = %v, want %ds", value, d, n)
			case (err != nil || n > math.MaxInt64/int64(time.Second)) && d != maxDuration:
				t.Fatalf("ParseRetryAfter(%q) = %v, want saturation", value, d)
			}
		}
		for _, code := range []int{429, 503} {
			resp := &http.Response{StatusCode: code, Header: http.Header{"Retry-After": {value}}}
			h := retryhttp.CheckResponse(resp).(*retryhttp.StatusError).RetryAfter()
			if h < 0 || digitsOnly(value) && h != d {
				t.Fatalf("RetryAfter() for %q = %v, want %v, never negative", value, h, d)
			}
		}
	})
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

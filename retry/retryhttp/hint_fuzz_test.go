package retryhttp_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/wait"
)

// fuzzHeaders are the seven hint headers in their order of precedence, as
// canonical keys.
var fuzzHeaders = [7]string{
	"Retry-After-Ms", "X-Ms-Retry-After-Ms", "X-Amz-Retry-After", "Retry-After",
	"Ratelimit", "Ratelimit-Reset", "X-Ratelimit-Reset",
}

// fuzzCodes are the statuses FuzzHintHeaders answers with.
var fuzzCodes = [...]int{429, 503, 500, 502, 200, 404}

// parseHeader parses the field lines of the i-th of fuzzHeaders as that header's
// parser does, each line on its own, without the rules of several lines.
func parseHeader(i int, v string, now time.Time) (time.Duration, bool) {
	switch i {
	case 0, 1:
		return retryhttp.ParseRetryAfterMs(v)
	case 2:
		return retryhttp.ParseWholeMillis(v)
	case 3:
		return retryhttp.ParseRetryAfter(v, now)
	case 4:
		return retryhttp.ParseRateLimit([]string{v})
	default:
		return retryhttp.ParseRateLimitReset(v, now)
	}
}

// FuzzHintHeaders sends a response with any of the seven hint headers, each with
// any value (a newline splits it into several field lines), under any status,
// at the parser tests' now. It checks that no parser panics or returns a
// negative pause, that each accepts what its grammar says and reads it as its
// unit says (saturating, never wrapping), that a StatusError carries the hint
// of the first valid header only on 429 and 503, and that the Transport's pause
// is that hint capped at MaxRetryAfter (plus at most half of it), or the Wait's
// without one: never negative, never above 1.5·MaxRetryAfter.
func FuzzHintHeaders(f *testing.F) {
	tricky := []string{
		"", "0", "5", "007", "-1", "-0", "+5", "1.5", "5.", ".5", " 5", "5 ", "\t5", "1e3", "1E3",
		"NaN", "Inf", "-Inf", "0x10", "1_000", "5s", "５", "soon", "\x00", "\xff",
		"999999999", "1000000000", "1000000001", "9223372036", "9223372037",
		"9223372036854", "9223372036855", "9223372036854775807", "9223372036854775808",
		"99999999999999999999", strings.Repeat("9", 100),
		unix(30 * time.Second), unix(0), unix(-30 * time.Second), unix(100 * 365 * 24 * time.Hour),
		unix(30*time.Second) + ".5",
		"5\n5", "5\n7", "\n", "5\n",
		"Thu, 26 Nov 2026 12:00:30 GMT", "Thu, 26 Nov 2026 11:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT",
		`"default";r=0;t=30`, `"default";r=5;t=30`, `"default";r=0`, `"d";r=0;t=0`,
		`"d";r=0;t=999999999999999`, `"d";r=0;t=1234567890123456`, `"d";r=0;t=-1`, `"d";r=0;t=1.5`,
		`"d";r=0;t="5"`, `"d";r;t=5`, `"d";r=0;t=5;t=7`, `("a" "b");r=0;t=5`, `"a";r=0;t=1,`,
		`"a";r=0;t=1, "b";r=0;t=9`, "\"a\";r=0;t=1\n\"b\";r=0;t=9", `%"f%c3%bc";r=0;t=3`, `%"%c3";r=0;t=3`,
		`"d";r=0;t=60;pk=:QXBwLTk5OQ==:`, `"unterminated;r=0;t=5`, `@-1;r=0;t=2`, `?1;r=0;t=2`,
	}
	for i := range fuzzHeaders {
		for j, v := range tricky {
			f.Add(uint8(1)<<i, uint8(j), v, v, v, v, v, v, v)
		}
	}
	f.Add(uint8(0x7f), uint8(0), "1000", "2000", "3000", "4", `"d";r=0;t=5`, "6", "7")
	f.Add(uint8(0x7c), uint8(1), "", "", "1.5", "soon", `"d";r=1;t=5`, "-1", unix(30*time.Second))
	f.Add(uint8(0x70), uint8(2), "", "", "", "", `"d";r=0;t=5`, "6", "7")
	f.Add(uint8(0x7f), uint8(4), "1", "1", "1", "1", `"d";r=0;t=1`, "1", "1")

	const (
		maxRetryAfter = 5 * time.Second
		waitPause     = 10 * time.Millisecond
	)
	f.Fuzz(func(t *testing.T, mask, codeIndex uint8, ms, xms, amz, ra, rl, rlr, xrlr string) {
		values := [7]string{ms, xms, amz, ra, rl, rlr, xrlr}
		code := fuzzCodes[int(codeIndex)%len(fuzzCodes)]
		synctest.Test(t, func(t *testing.T) {
			time.Sleep(time.Until(now)) // the clock of the parser tests

			// Each parser, on each field line.
			h := http.Header{}
			want := time.Duration(0) // the first valid hint, in order
			found := false
			for i, key := range fuzzHeaders {
				lines := strings.Split(values[i], "\n")
				for _, v := range lines {
					checkParser(t, i, v)
				}
				if mask&(1<<i) == 0 {
					continue
				}
				h[key] = lines
				if found {
					continue
				}
				var d time.Duration
				ok := false
				if i == 4 {
					d, ok = retryhttp.ParseRateLimit(lines)
				} else if allSame(lines) {
					d, ok = parseHeader(i, lines[0], now)
				}
				if ok {
					want, found = d, true
				}
			}
			if code != 429 && code != 503 {
				want = 0
			}

			// The StatusError's hint.
			resp := &http.Response{StatusCode: code, Header: h}
			err := retryhttp.CheckResponse(resp)
			if code/100 == 2 {
				if err != nil {
					t.Fatalf("CheckResponse(%d) = %v, want nil", code, err)
				}
			} else if got := err.(*retryhttp.StatusError).RetryAfter(); got != want {
				t.Fatalf("%d %q: RetryAfter() = %v, want %v", code, h, got, want)
			}

			// The Transport's pause.
			fk := &fake{script: func(n int, _ *http.Request) (*http.Response, error) {
				if n == 1 {
					return &http.Response{StatusCode: code, Status: http.StatusText(code), Header: h}, nil
				}
				return answer(http.StatusOK, ""), nil
			}}
			var delays []time.Duration
			tr := &retryhttp.Transport{Base: fk, Policy: &retry.Policy{
				Wait:          wait.Fixed(waitPause),
				MaxRetryAfter: maxRetryAfter,
				BeforeSleep:   retry.HookFunc(func(a retry.Attempt) { delays = append(delays, a.Delay) }),
			}}
			start := time.Now()
			got, rtErr := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
			if rtErr != nil {
				t.Fatalf("RoundTrip: %v", rtErr)
			}
			got.Body.Close()
			fk.checkClosed(t)
			took := time.Since(start)
			if took < 0 || took > maxRetryAfter*3/2 {
				t.Fatalf("%d %q: paused %v, want within [0, %v]", code, h, took, maxRetryAfter*3/2)
			}
			if code == 200 || code == 404 {
				if len(delays) != 0 || took != 0 {
					t.Fatalf("%d %q: paused %v, want no retry", code, h, delays)
				}
				return
			}
			lo, hi := waitPause, waitPause
			if want > 0 {
				lo = min(want, maxRetryAfter)
				hi = lo * 3 / 2
			}
			if len(delays) != 1 || delays[0] < lo || delays[0] > hi || took != delays[0] {
				t.Fatalf("%d %q: paused %v (pauses %v), want one pause within [%v, %v]", code, h, took, delays, lo, hi)
			}
		})
	})
}

// checkParser checks the i-th header's parser on one field line v against its
// grammar, at now.
func checkParser(t *testing.T, i int, v string) {
	t.Helper()
	d, ok := parseHeader(i, v, now)
	if d < 0 || !ok && d != 0 {
		t.Fatalf("parser of %s(%q) = %v, %t", fuzzHeaders[i], v, d, ok)
	}
	switch i {
	case 2: // x-amz-retry-after: whole milliseconds
		if ok != digitsOnly(v) {
			t.Fatalf("parseWholeMillis(%q) ok = %t, want %t", v, ok, !ok)
		}
		if ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err == nil && n <= maxMillis && d != time.Duration(n)*time.Millisecond ||
				(err != nil || n > maxMillis) && d != maxDuration {
				t.Fatalf("parseWholeMillis(%q) = %v", v, d)
			}
		}
	case 4: // RateLimit: whole seconds
		if ok && d != maxDuration && d%time.Second != 0 {
			t.Fatalf("parseRateLimit(%q) = %v, want whole seconds", v, d)
		}
		if ok && !strings.Contains(v, "r=") {
			t.Fatalf("parseRateLimit(%q) = %v, true without an r", v, d)
		}
	case 5, 6: // RateLimit-Reset, X-RateLimit-Reset: seconds, or a Unix time
		if ok && !digitsOnly(v) {
			t.Fatalf("parseRateLimitReset(%q) accepts what is not digits", v)
		}
		if !digitsOnly(v) {
			return
		}
		n, err := strconv.ParseInt(v, 10, 64)
		switch {
		case err == nil && n < retryhttp.UnixTimeThreshold:
			if !ok || d != time.Duration(n)*time.Second {
				t.Fatalf("parseRateLimitReset(%q) = %v, %t; want %ds", v, d, ok, n)
			}
		case err == nil && n <= now.Unix():
			if ok {
				t.Fatalf("parseRateLimitReset(%q) = %v, true for a past Unix time", v, d)
			}
		case err == nil && n-now.Unix() <= maxSeconds:
			if !ok || d != time.Duration(n-now.Unix())*time.Second {
				t.Fatalf("parseRateLimitReset(%q) = %v, %t; want %ds", v, d, ok, n-now.Unix())
			}
		default: // beyond any Duration
			if !ok || d != maxDuration {
				t.Fatalf("parseRateLimitReset(%q) = %v, %t; want saturation", v, d, ok)
			}
		}
	}
}

const maxSeconds = int64(maxDuration / time.Second)

// allSame reports whether every field line is the same.
func allSame(lines []string) bool {
	for _, v := range lines[1:] {
		if v != lines[0] {
			return false
		}
	}
	return true
}

// FuzzParseRateLimit checks the Structured Field parser of the RateLimit field
// alone, fast, by its relations: it never panics nor returns a negative or
// fractional wait; appending a valid exhausted item with t=0 (or a t of N) to
// a valid list gives the list's wait (or the larger of it and N), and appending
// it to a malformed one gives no hint; spaces around the field change nothing.
func FuzzParseRateLimit(f *testing.F) {
	for _, tt := range rateLimitTests {
		f.Add(strings.Join(tt.values, ", "), uint16(7))
	}
	f.Fuzz(func(t *testing.T, v string, n uint16) {
		d, ok := retryhttp.ParseRateLimit([]string{v})
		if d < 0 || !ok && d != 0 || ok && d != maxDuration && d%time.Second != 0 {
			t.Fatalf("parseRateLimit(%q) = %v, %t", v, d, ok)
		}
		if strings.Trim(v, " ") == "" {
			return // an empty list: appending to it makes a leading comma
		}
		d0, valid := retryhttp.ParseRateLimit([]string{v, `"z";r=0;t=0`})
		if valid && d0 != d {
			t.Fatalf("parseRateLimit(%q + t=0) = %v, want %v", v, d0, d)
		}
		if !valid && ok {
			t.Fatalf("parseRateLimit(%q) = %v, true, but the list is malformed", v, d)
		}
		tn := time.Duration(n) * time.Second
		dn, okn := retryhttp.ParseRateLimit([]string{v + `, "z";r=0;t=` + strconv.Itoa(int(n))})
		if okn != valid || valid && dn != max(d, tn) {
			t.Fatalf("parseRateLimit(%q + t=%d) = %v, %t; want %v, %t", v, n, dn, okn, max(d, tn), valid)
		}
		if d2, ok2 := retryhttp.ParseRateLimit([]string{"  " + v + "  "}); ok2 != ok || d2 != d {
			t.Fatalf("parseRateLimit(%q between spaces) = %v, %t; want %v, %t", v, d2, ok2, d, ok)
		}
	})
}

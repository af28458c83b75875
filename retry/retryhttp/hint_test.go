package retryhttp_test

import (
	"math"
	"math/big"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/wait"
)

// TestOwnWaitHonoursRetryAfter: a Policy with a Wait of its own, full jitter
// between 10ms and 50ms, still pauses the two seconds a 429's Retry-After asks for
// (plus up to half of it): the engine applies hints whatever the Wait. A negative
// MaxRetryAfter ignores the hint, and the Wait alone chooses.
func TestOwnWaitHonoursRetryAfter(t *testing.T) {
	tests := []struct {
		name          string
		maxRetryAfter time.Duration
		header        string
		value         string
		lo, hi        time.Duration
	}{
		{"Retry-After", 0, "Retry-After", "2", 2 * time.Second, 3 * time.Second},
		{"retry-after-ms", 0, "retry-after-ms", "2000", 2 * time.Second, 3 * time.Second},
		{"x-ms-retry-after-ms", 0, "x-ms-retry-after-ms", "1500.5", 1500500 * time.Microsecond, 2250750 * time.Microsecond},
		{"capped", time.Second, "Retry-After", "2", time.Second, 1500 * time.Millisecond},
		{"MaxRetryAfter -1 ignores it", -1, "Retry-After", "2", 0, 10 * time.Millisecond}, // the first pause of the Wait
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := &fake{script: func(n int, _ *http.Request) (*http.Response, error) {
					if n == 1 {
						resp := answer(http.StatusTooManyRequests, "")
						resp.Header.Set(tt.header, tt.value)
						return resp, nil
					}
					return answer(http.StatusOK, ""), nil
				}}
				tr := &retryhttp.Transport{Base: f, Policy: &retry.Policy{
					Wait:          wait.FullJitter(10*time.Millisecond, 50*time.Millisecond),
					MaxRetryAfter: tt.maxRetryAfter,
				}}
				start := time.Now()
				resp, err := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
				if err != nil || resp.StatusCode != http.StatusOK {
					t.Fatalf("RoundTrip = %v, %v; want 200", resp, err)
				}
				resp.Body.Close()
				if got := time.Since(start); got < tt.lo || got > tt.hi || f.n != 2 {
					t.Errorf("paused %v in %d attempts, want within [%v, %v] in 2", got, f.n, tt.lo, tt.hi)
				}
				f.checkClosed(t)
			})
		})
	}
}

// hintResponse returns a response with code and the given header fields, in
// pairs of name and value.
func hintResponse(code int, fields ...string) *http.Response {
	h := http.Header{}
	for i := 0; i < len(fields); i += 2 {
		h.Add(fields[i], fields[i+1])
	}
	return &http.Response{StatusCode: code, Header: h}
}

// TestHintHeaders checks which of retry-after-ms, x-ms-retry-after-ms and
// Retry-After a StatusError reads, and the precedence among them: the first
// valid one, in that order, wins.
func TestHintHeaders(t *testing.T) {
	const (
		ms  = "retry-after-ms"
		xms = "x-ms-retry-after-ms"
		ra  = "Retry-After"
	)
	tests := []struct {
		name   string
		code   int
		fields []string
		want   time.Duration
	}{
		{"retry-after-ms", 429, []string{ms, "1500"}, 1500 * time.Millisecond},
		{"x-ms-retry-after-ms", 503, []string{xms, "250"}, 250 * time.Millisecond},
		{"canonical names", 429, []string{"Retry-After-Ms", "7", "X-Ms-Retry-After-Ms", "8"}, 7 * time.Millisecond},
		{"a fraction", 429, []string{ms, "123.45"}, 123450 * time.Microsecond},
		{"below the nanosecond", 429, []string{ms, "0.0000019"}, time.Nanosecond},
		{"zero", 429, []string{ms, "0"}, 0},
		{"saturated", 429, []string{ms, "99999999999999999999"}, maxDuration},
		{"all three: retry-after-ms wins", 503, []string{ra, "3", xms, "200", ms, "100"}, 100 * time.Millisecond},
		{"x-ms-retry-after-ms before Retry-After", 503, []string{ra, "3", xms, "200"}, 200 * time.Millisecond},
		{"an invalid one is skipped", 503, []string{ms, "soon", xms, "200", ra, "3"}, 200 * time.Millisecond},
		{"two invalid ones are skipped", 503, []string{ms, "1e3", xms, "-5", ra, "3"}, 3 * time.Second},
		{"a valid zero wins", 503, []string{ms, "0", ra, "3"}, 0},
		{"disagreeing fields are skipped", 503, []string{ms, "100", ms, "200", ra, "3"}, 3 * time.Second},
		{"agreeing fields count", 503, []string{ms, "100", ms, "100", ra, "3"}, 100 * time.Millisecond},
		{"not on 404", 404, []string{ms, "100"}, 0},
		{"not on 502", 502, []string{ms, "100", xms, "100"}, 0},
		{"not on 500", 500, []string{xms, "100"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := retryhttp.CheckResponse(hintResponse(tt.code, tt.fields...))
			if got := err.(*retryhttp.StatusError).RetryAfter(); got != tt.want {
				t.Errorf("RetryAfter() = %v, want %v", got, tt.want)
			}
		})
	}
}

const maxMillis = math.MaxInt64 / int64(time.Millisecond)

var parseMsTests = []struct {
	value string
	want  time.Duration
	ok    bool
}{
	{"0", 0, true},
	{"1", time.Millisecond, true},
	{"1500", 1500 * time.Millisecond, true},
	{"007", 7 * time.Millisecond, true},
	{"123.45", 123450 * time.Microsecond, true},
	{"0.5", 500 * time.Microsecond, true},
	{"1.000001", time.Millisecond + time.Nanosecond, true},
	{"1.0000019", time.Millisecond + time.Nanosecond, true}, // below the nanosecond: dropped
	{"9223372036854", 9223372036854 * time.Millisecond, true},
	{"9223372036854.775807", maxDuration, true}, // exactly the largest
	{"9223372036854.775808", maxDuration, true}, // one past: saturates
	{"9223372036855", maxDuration, true},
	{"99999999999999999999", maxDuration, true},
	{"184467440737095516160000000000.5", maxDuration, true},
	{"", 0, false},
	{" 1", 0, false},
	{"1 ", 0, false},
	{"+1", 0, false},
	{"-1", 0, false},
	{"-0", 0, false},
	{"1e3", 0, false},
	{"1E3", 0, false},
	{"1ms", 0, false},
	{".5", 0, false},
	{"5.", 0, false},
	{"1.2.3", 0, false},
	{"1,5", 0, false},
	{"0x10", 0, false},
	{"1_000", 0, false},
	{"NaN", 0, false},
	{"Inf", 0, false},
	{"１", 0, false}, // a fullwidth digit
	{"Thu, 26 Nov 2026 12:00:30 GMT", 0, false},
}

func TestParseRetryAfterMs(t *testing.T) {
	for _, tt := range parseMsTests {
		got, ok := retryhttp.ParseRetryAfterMs(tt.value)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfterMs(%q) = %v, %t; want %v, %t", tt.value, got, ok, tt.want, tt.ok)
		}
	}
}

// msGrammar is the grammar of a valid number of milliseconds.
var msGrammar = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// FuzzRetryAfterMs checks that the parser of retry-after-ms never panics, never
// returns a negative pause, accepts exactly the grammar, reads whole numbers
// exactly and fractions to the nanosecond below (against math/big), saturates,
// and that a StatusError carries what it parsed.
func FuzzRetryAfterMs(f *testing.F) {
	for _, tt := range parseMsTests {
		f.Add(tt.value)
	}
	million := big.NewRat(int64(time.Millisecond), 1)
	f.Fuzz(func(t *testing.T, value string) {
		d, ok := retryhttp.ParseRetryAfterMs(value)
		if d < 0 || !ok && d != 0 {
			t.Fatalf("parseRetryAfterMs(%q) = %v, %t", value, d, ok)
		}
		if ok != msGrammar.MatchString(value) {
			t.Fatalf("parseRetryAfterMs(%q) ok = %t, want %t", value, ok, !ok)
		}
		if digitsOnly(value) {
			n, err := strconv.ParseInt(value, 10, 64)
			switch {
			case err == nil && n <= maxMillis && d != time.Duration(n)*time.Millisecond:
				t.Fatalf("parseRetryAfterMs(%q) = %v, want %dms", value, d, n)
			case (err != nil || n > maxMillis) && d != maxDuration:
				t.Fatalf("parseRetryAfterMs(%q) = %v, want saturation", value, d)
			}
		}
		if ok {
			r, _ := new(big.Rat).SetString(value)
			ns := new(big.Int).Quo(new(big.Rat).Mul(r, million).Num(), new(big.Rat).Mul(r, million).Denom())
			want := maxDuration
			if ns.IsInt64() {
				want = time.Duration(ns.Int64())
			}
			if d != want {
				t.Fatalf("parseRetryAfterMs(%q) = %v, want %v", value, d, want)
			}
		}
		resp := hintResponse(http.StatusServiceUnavailable, "Retry-After-Ms", value)
		if h := retryhttp.CheckResponse(resp).(*retryhttp.StatusError).RetryAfter(); h != d {
			t.Fatalf("RetryAfter() for retry-after-ms %q = %v, want %v", value, h, d)
		}
	})
}

// TestParseRetryAfterLeapSecond: RFC 9110 §5.6.7 allows second 60 in an
// HTTP-date; ParseRetryAfter reads 23:59:60 as 23:59:59 plus one second, in the
// three forms, and through a StatusError's hint.
func TestParseRetryAfterLeapSecond(t *testing.T) {
	now := time.Date(2016, time.December, 31, 23, 59, 58, 0, time.UTC)
	for _, v := range []string{
		"Sat, 31 Dec 2016 23:59:60 GMT",
		"Saturday, 31-Dec-16 23:59:60 GMT",
		"Sat Dec 31 23:59:60 2016",
	} {
		if d, ok := retryhttp.ParseRetryAfter(v, now); d != 2*time.Second || !ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %t; want 2s, true", v, d, ok)
		}
	}
	v := time.Now().Add(48*time.Hour).UTC().Format("Mon, 02 Jan 2006") + " 23:59:60 GMT"
	h := retryhttp.CheckResponse(hintResponse(503, "Retry-After", v)).(*retryhttp.StatusError).RetryAfter()
	if h < 24*time.Hour || h > 72*time.Hour {
		t.Errorf("RetryAfter() for %q = %v, want a hint between one and three days", v, h)
	}
}

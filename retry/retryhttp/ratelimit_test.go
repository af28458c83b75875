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

// unix returns now moved by d, as a Unix time in seconds.
func unix(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }

// atNow runs f in a synctest bubble whose clock reads now, so that the hint of
// a Unix time or an HTTP-date, which the Transport and CheckResponse measure
// from time.Now, is exact.
func atNow(t *testing.T, f func(t *testing.T)) {
	synctest.Test(t, func(t *testing.T) {
		time.Sleep(time.Until(now)) // the bubble's clock starts in 2000; this takes no time
		f(t)
	})
}

var amzTests = []struct {
	value string
	want  time.Duration
	ok    bool
}{
	{"0", 0, true},
	{"1", time.Millisecond, true},
	{"1500", 1500 * time.Millisecond, true},
	{"007", 7 * time.Millisecond, true},
	{"9223372036854", 9223372036854 * time.Millisecond, true}, // the largest whole number of ms
	{"9223372036855", maxDuration, true},                      // one past: saturates
	{"99999999999999999999", maxDuration, true},
	{strings.Repeat("9", 400), maxDuration, true},
	{"", 0, false},
	{" 5", 0, false},
	{"5 ", 0, false},
	{"+5", 0, false},
	{"-1", 0, false},
	{"-0", 0, false},
	{"1.5", 0, false}, // a whole number only
	{"1.0", 0, false},
	{"1e3", 0, false},
	{"5ms", 0, false},
	{"0x10", 0, false},
	{"1_000", 0, false},
	{"NaN", 0, false},
	{"Inf", 0, false},
	{"５", 0, false}, // a fullwidth digit
	{"Thu, 26 Nov 2026 12:00:30 GMT", 0, false},
}

func TestParseWholeMillis(t *testing.T) {
	for _, tt := range amzTests {
		if got, ok := retryhttp.ParseWholeMillis(tt.value); got != tt.want || ok != tt.ok {
			t.Errorf("parseWholeMillis(%q) = %v, %t; want %v, %t", tt.value, got, ok, tt.want, tt.ok)
		}
	}
}

var resetTests = []struct {
	value string
	want  time.Duration
	ok    bool
}{
	// seconds to wait
	{"0", 0, true},
	{"30", 30 * time.Second, true},
	{"007", 7 * time.Second, true},
	{"86400", 24 * time.Hour, true},                  // uncapped: the engine caps it
	{"999999999", 999999999 * time.Second, true},     // the largest number of seconds
	{"1000000000", 0, false},                         // the threshold: a Unix time, 2001, the past
	{"1000000001", 0, false},                         // and so is the next
	{unix(30 * time.Second), 30 * time.Second, true}, // a Unix time 30s ahead
	{unix(time.Hour), time.Hour, true},
	{unix(time.Second), time.Second, true},
	{unix(0), 0, false}, // now is not after now
	{unix(-time.Second), 0, false},
	{unix(-time.Hour), 0, false},
	{"9999999999", time.Unix(9999999999, 0).Sub(now), true}, // the year 2286
	{"99999999999", maxDuration, true},                      // the year 5138: saturates
	{"99999999999999999999", maxDuration, true},
	{strings.Repeat("9", 400), maxDuration, true},
	{"", 0, false},
	{" 30", 0, false},
	{"30 ", 0, false},
	{"+30", 0, false},
	{"-1", 0, false},
	{"-0", 0, false},
	{"1.5", 0, false},
	{unix(30*time.Second) + ".5", 0, false}, // a fractional Unix time
	{"1e9", 0, false},
	{"30s", 0, false},
	{"0x10", 0, false},
	{"NaN", 0, false},
	{"Inf", 0, false},
	{"３０", 0, false},
	{"Thu, 26 Nov 2026 12:00:30 GMT", 0, false},
}

func TestParseRateLimitReset(t *testing.T) {
	for _, tt := range resetTests {
		if got, ok := retryhttp.ParseRateLimitReset(tt.value, now); got != tt.want || ok != tt.ok {
			t.Errorf("parseRateLimitReset(%q) = %v, %t; want %v, %t", tt.value, got, ok, tt.want, tt.ok)
		}
	}
	if retryhttp.UnixTimeThreshold != 1e9 {
		t.Errorf("unixTimeThreshold = %d, want 1e9 as documented", retryhttp.UnixTimeThreshold)
	}
}

var rateLimitTests = []struct {
	name   string
	values []string
	want   time.Duration
	ok     bool
}{
	{"the draft's example", []string{`"default";r=0;t=30`}, 30 * time.Second, true},
	{"a token for the policy", []string{`default;r=0;t=30`}, 30 * time.Second, true},
	{"t before r", []string{`"default";t=30;r=0`}, 30 * time.Second, true},
	{"t=0", []string{`"default";r=0;t=0`}, 0, true},
	{"a partition key", []string{`"default";r=0;t=60;pk=:QXBwLTk5OQ==:`}, time.Minute, true},
	{"other parameters", []string{`"d";r=0;t=5;acme-burst=?1;x;y=1.5;z="s";w=@1700000000;v=%"f%c3%bc";*u=tok/en:1`}, 5 * time.Second, true},
	{"the last of two t", []string{`"d";r=0;t=5;t=7`}, 7 * time.Second, true},
	{"the largest t of the exhausted", []string{`"a";r=0;t=10, "b";r=0;t=40, "c";r=3;t=90`}, 40 * time.Second, true},
	{"an exhausted one without t", []string{`"a";r=0, "b";r=0;t=4`}, 4 * time.Second, true},
	{"two field lines", []string{`"a";r=0;t=10`, `"b";r=0;t=40`}, 40 * time.Second, true},
	{"spaces where allowed", []string{`  "a"; r=0; t=1 ,` + "\t" + `"b";r=0;t=2  `}, 2 * time.Second, true},
	{"the largest Integer", []string{`"d";r=0;t=999999999999999`}, maxDuration, true}, // above the largest Duration: saturates
	{"a day", []string{`"d";r=0;t=86400`}, 24 * time.Hour, true},                      // uncapped: the engine caps it
	{"items of every type", []string{`?1;r=0;t=1, @-5;r=0;t=2, :AB==:;r=0;t=3, %"x";r=0;t=4, 1.5;r=0;t=5, -7;r=0;t=6`}, 6 * time.Second, true},
	{"-0 is 0", []string{`"d";r=-0;t=3`}, 3 * time.Second, true},

	{"quota left", []string{`"default";r=5;t=30`}, 0, false},
	{"no t", []string{`"default";r=0`}, 0, false},
	{"empty", []string{``}, 0, false},
	{"spaces only", []string{`   `}, 0, false},
	{"no r", []string{`"d";t=5`}, 0, false},
	{"a Boolean r", []string{`"d";r;t=5`}, 0, false},
	{"a negative t", []string{`"d";r=0;t=-1`}, 0, false},
	{"a negative r", []string{`"d";r=-1;t=5`}, 0, false},
	{"a Decimal t", []string{`"d";r=0;t=1.5`}, 0, false},
	{"a Decimal r", []string{`"d";r=0.0;t=5`}, 0, false},
	{"a String t", []string{`"d";r=0;t="5"`}, 0, false},
	{"a Token t", []string{`"d";r=0;t=NaN`}, 0, false},
	{"an exponent", []string{`"d";r=0;t=1e3`}, 0, false},
	{"16 digits", []string{`"d";r=0;t=1234567890123456`}, 0, false},
	{"an uppercase key", []string{`"d";R=0;t=5`}, 0, false},
	{"an uppercase T", []string{`"d";r=0;T=5`}, 0, false},
	{"a space before ;", []string{`"d" ;r=0;t=5`}, 0, false},
	{"a leading tab", []string{"\t" + `"d";r=0;t=5`}, 0, false},
	{"a trailing ;", []string{`"d";r=0;t=5;`}, 0, false},
	{"a trailing comma", []string{`"d";r=0;t=5,`}, 0, false},
	{"a leading comma", []string{`,"d";r=0;t=5`}, 0, false},
	{"two commas", []string{`"a";r=0;t=5,,"b";r=0;t=1`}, 0, false},
	{"an Inner List", []string{`("a" "b");r=0;t=5`}, 0, false},
	{"an unclosed String", []string{`"d;r=0;t=5`}, 0, false},
	{"a bad escape", []string{`"\d";r=0;t=5`}, 0, false},
	{"a control character", []string{"\"a\x01\";r=0;t=5"}, 0, false},
	{"non-ASCII", []string{`"ü";r=0;t=5`}, 0, false},
	{"a bad Display String", []string{`%"%c3";r=0;t=5`}, 0, false},
	{"uppercase hex in a Display String", []string{`%"%C3%BC";r=0;t=5`}, 0, false},
	{"a bad Byte Sequence", []string{`:a b:;r=0;t=5`}, 0, false},
	{"a bad Boolean", []string{`?2;r=0;t=5`}, 0, false},
	{"a Decimal Date", []string{`@1.5;r=0;t=5`}, 0, false},
	{"a Decimal with 4 fraction digits", []string{`1.2345;r=0;t=5`}, 0, false},
	{"a Decimal with 13 integer digits", []string{`1234567890123.1;r=0;t=5`}, 0, false},
	{"a Decimal ending in a dot", []string{`1.;r=0;t=5`}, 0, false},
	{"a lone minus", []string{`-;r=0;t=5`}, 0, false},
	{"a member without r", []string{`"a";r=0;t=5, garbage!`}, 0, false},
	{"one malformed line spoils all", []string{`"a";r=0;t=10`, `oops(`}, 0, false},
	{"the old draft's syntax", []string{`limit=100, remaining=0, reset=30`}, 0, false},
	{"a bare number", []string{`30`}, 0, false},
}

func TestParseRateLimit(t *testing.T) {
	for _, tt := range rateLimitTests {
		if got, ok := retryhttp.ParseRateLimit(tt.values); got != tt.want || ok != tt.ok {
			t.Errorf("%s: parseRateLimit(%q) = %v, %t; want %v, %t", tt.name, tt.values, got, ok, tt.want, tt.ok)
		}
	}
}

// The hint headers, with the names servers send.
const (
	hMs   = "retry-after-ms"
	hXms  = "x-ms-retry-after-ms"
	hAmz  = "x-amz-retry-after"
	hRA   = "Retry-After"
	hRL   = "RateLimit"
	hRLR  = "RateLimit-Reset"
	hXRLR = "X-RateLimit-Reset"
)

// TestHintPrecedence checks the order in which a StatusError reads the seven hint
// headers: the millisecond ones, Retry-After, then RateLimit, RateLimit-Reset and
// X-RateLimit-Reset; an invalid value passes to the next, and a valid 0 wins.
func TestHintPrecedence(t *testing.T) {
	all := []string{hXRLR, "7", hRLR, "6", hRL, `"d";r=0;t=5`, hRA, "4", hAmz, "3000", hXms, "2000", hMs, "1000"}
	tests := []struct {
		name   string
		fields []string
		want   time.Duration
	}{
		{"all seven: retry-after-ms", all, time.Second},
		{"then x-ms-retry-after-ms", all[:12], 2 * time.Second},
		{"then x-amz-retry-after", all[:10], 3 * time.Second},
		{"then Retry-After", all[:8], 4 * time.Second},
		{"then RateLimit", all[:6], 5 * time.Second},
		{"then RateLimit-Reset", all[:4], 6 * time.Second},
		{"then X-RateLimit-Reset", all[:2], 7 * time.Second},
		{"x-amz-retry-after before a longer Retry-After", []string{hRA, "1", hAmz, "9000"}, 9 * time.Second},
		{"Retry-After before a longer RateLimit", []string{hRL, `"d";r=0;t=60`, hRA, "2"}, 2 * time.Second},
		{"a Retry-After date before RateLimit", []string{hRL, `"d";r=0;t=60`, hRA, "Thu, 26 Nov 2026 12:00:10 GMT"}, 10 * time.Second},
		{"RateLimit before RateLimit-Reset", []string{hRLR, "60", hRL, `"d";r=0;t=3`}, 3 * time.Second},
		{"RateLimit-Reset before X-RateLimit-Reset", []string{hXRLR, "60", hRLR, "3"}, 3 * time.Second},
		{"X-RateLimit-Reset as a Unix time", []string{hXRLR, unix(30 * time.Second)}, 30 * time.Second},
		{"RateLimit-Reset as a Unix time", []string{hRLR, unix(45 * time.Second)}, 45 * time.Second},
		{"canonical names", []string{"X-Amz-Retry-After", "5", "Ratelimit", `"d";r=0;t=1`}, 5 * time.Millisecond},
		{"lowercase names", []string{"x-ratelimit-reset", "8", "ratelimit-reset", "9"}, 9 * time.Second},

		{"a fractional x-amz-retry-after is skipped", []string{hAmz, "1.5", hRA, "3"}, 3 * time.Second},
		{"a garbled Retry-After is skipped", []string{hRA, "soon", hRL, `"d";r=0;t=8`}, 8 * time.Second},
		{"a past Retry-After date is skipped", []string{hRA, "Thu, 26 Nov 2026 11:00:00 GMT", hRLR, "8"}, 8 * time.Second},
		{"a RateLimit with quota left is skipped", []string{hRL, `"d";r=5;t=60`, hRLR, "8"}, 8 * time.Second},
		{"a malformed RateLimit is skipped", []string{hRL, `"d";r=0;t=1.5`, hXRLR, "8"}, 8 * time.Second},
		{"a past Unix time is skipped", []string{hRLR, unix(-time.Minute), hXRLR, "8"}, 8 * time.Second},
		{"disagreeing RateLimit-Reset lines are skipped", []string{hRLR, "5", hRLR, "6", hXRLR, "8"}, 8 * time.Second},
		{"agreeing RateLimit-Reset lines count", []string{hRLR, "5", hRLR, "5", hXRLR, "8"}, 5 * time.Second},
		{"disagreeing x-amz-retry-after lines are skipped", []string{hAmz, "5", hAmz, "6", hRA, "1"}, time.Second},
		{"RateLimit lines make one list", []string{hRL, `"a";r=0;t=5`, hRL, `"b";r=0;t=9`, hRLR, "1"}, 9 * time.Second},
		{"an empty value is skipped", []string{hAmz, "", hRLR, "", hXRLR, "8"}, 8 * time.Second},
		{"a past X-RateLimit-Reset: no hint", []string{hXRLR, unix(-time.Second)}, 0},
		{"every header garbled: no hint", []string{hMs, "x", hXms, "-1", hAmz, "1.5", hRA, "NaN", hRL, "?", hRLR, " 5", hXRLR, "1e3"}, 0},
		{"a valid 0 x-amz-retry-after wins", []string{hAmz, "0", hRA, "3"}, 0},
		{"a valid t=0 wins", []string{hRL, `"d";r=0;t=0`, hRLR, "30"}, 0},
		{"a valid 0 RateLimit-Reset wins", []string{hRLR, "0", hXRLR, "30"}, 0},
		{"huge values saturate", []string{hXRLR, "99999999999999999999"}, maxDuration},
		{"huge x-amz-retry-after saturates", []string{hAmz, "99999999999999999999"}, maxDuration},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			atNow(t, func(t *testing.T) {
				for _, code := range []int{429, 503} {
					err := retryhttp.CheckResponse(hintResponse(code, tt.fields...))
					if got := err.(*retryhttp.StatusError).RetryAfter(); got != tt.want {
						t.Errorf("%d: RetryAfter() = %v, want %v", code, got, tt.want)
					}
				}
			})
		})
	}
}

// TestHintOnlyOn429And503: a response of any other status carries no hint,
// whatever its headers, and a 2xx is no error at all.
func TestHintOnlyOn429And503(t *testing.T) {
	for _, fields := range [][]string{
		{hAmz, "3000"},
		{hRL, `"d";r=0;t=5`},
		{hRLR, "6"},
		{hXRLR, "7"},
		{hXRLR, unix(30 * time.Second)},
		{hXRLR, "7", hRLR, "6", hRL, `"d";r=0;t=5`, hRA, "4", hAmz, "3000", hXms, "2000", hMs, "1000"},
	} {
		atNow(t, func(t *testing.T) {
			for _, code := range []int{200, 204} {
				if err := retryhttp.CheckResponse(hintResponse(code, fields...)); err != nil {
					t.Errorf("CheckResponse(%d %q) = %v, want nil", code, fields, err)
				}
			}
			for _, code := range []int{300, 400, 404, 408, 500, 502, 504} {
				err := retryhttp.CheckResponse(hintResponse(code, fields...))
				if got := err.(*retryhttp.StatusError).RetryAfter(); got != 0 {
					t.Errorf("%d %q: RetryAfter() = %v, want 0", code, fields, got)
				}
			}
			for _, code := range []int{429, 503} {
				if got := retryhttp.CheckResponse(hintResponse(code, fields...)).(*retryhttp.StatusError).RetryAfter(); got <= 0 {
					t.Errorf("%d %q: RetryAfter() = %v, want a hint", code, fields, got)
				}
			}
		})
	}
}

// TestRateLimitHintsThroughTransport sends the new hint headers through a
// Transport, in a synctest bubble whose clock reads now: the pause is the hint,
// capped at MaxRetryAfter, plus up to half of it, whatever the Wait (a fixed
// 10ms, which sets the pause without a hint); a 500 or a garbled value gets the
// Wait, and a 200 is returned at once.
func TestRateLimitHintsThroughTransport(t *testing.T) {
	const waitPause = 10 * time.Millisecond
	tests := []struct {
		name   string
		code   int
		fields []string
		max    time.Duration // Policy.MaxRetryAfter
		hint   time.Duration // the capped hint; 0 for the Wait's pause
	}{
		{"x-amz-retry-after", 429, []string{hAmz, "2000"}, 0, 2 * time.Second},
		{"RateLimit", 429, []string{hRL, `"default";r=0;t=2`}, 0, 2 * time.Second},
		{"RateLimit-Reset", 503, []string{hRLR, "2"}, 0, 2 * time.Second},
		{"X-RateLimit-Reset seconds", 429, []string{hXRLR, "3"}, 0, 3 * time.Second},
		{"X-RateLimit-Reset Unix time", 429, []string{hXRLR, unix(4 * time.Second)}, 0, 4 * time.Second},
		{"Retry-After before RateLimit", 503, []string{hRL, `"d";r=0;t=4`, hRA, "1"}, 0, time.Second},
		{"a day capped at the default minute", 429, []string{hRLR, "86400"}, 0, time.Minute},
		{"a far Unix time capped", 429, []string{hXRLR, "9999999999"}, 5 * time.Second, 5 * time.Second},
		{"a huge x-amz-retry-after capped", 429, []string{hAmz, "99999999999999999999"}, 5 * time.Second, 5 * time.Second},
		{"a huge t capped", 503, []string{hRL, `"d";r=0;t=999999999999999`}, 5 * time.Second, 5 * time.Second},
		{"a huge RateLimit-Reset capped", 503, []string{hRLR, strings.Repeat("9", 100)}, 5 * time.Second, 5 * time.Second},
		{"garbled: the Wait", 429, []string{hAmz, "soon", hRL, `"d";r=0;t=-1`, hRLR, "-1", hXRLR, "1.5"}, 0, 0},
		{"a past Unix time: the Wait", 429, []string{hXRLR, unix(-time.Hour)}, 0, 0},
		{"MaxRetryAfter < 0 ignores it", 429, []string{hRL, `"d";r=0;t=2`}, -1, 0},
		{"500: the Wait", 500, []string{hAmz, "2000", hRL, `"d";r=0;t=2`, hRLR, "2", hXRLR, "2"}, 0, 0},
		{"502: the Wait", 502, []string{hAmz, "2000", hRL, `"d";r=0;t=2`, hRLR, "2", hXRLR, "2"}, 0, 0},
		{"200: returned at once", 200, []string{hAmz, "2000", hRL, `"d";r=0;t=2`, hRLR, "2", hXRLR, "2"}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			atNow(t, func(t *testing.T) {
				f := &fake{script: func(n int, _ *http.Request) (*http.Response, error) {
					if n == 1 {
						resp := hintResponse(tt.code, tt.fields...)
						resp.Status = http.StatusText(tt.code)
						return resp, nil
					}
					return answer(http.StatusOK, ""), nil
				}}
				var delays []time.Duration
				tr := &retryhttp.Transport{Base: f, Policy: &retry.Policy{
					Wait:          wait.Fixed(waitPause),
					MaxRetryAfter: tt.max,
					BeforeSleep:   retry.HookFunc(func(a retry.Attempt) { delays = append(delays, a.Delay) }),
				}}
				start := time.Now()
				resp, err := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
				if err != nil || resp.StatusCode != http.StatusOK {
					t.Fatalf("RoundTrip = %v, %v; want 200", resp, err)
				}
				resp.Body.Close()
				f.checkClosed(t)
				took := time.Since(start)
				if tt.code == 200 {
					if f.n != 1 || took != 0 || len(delays) != 0 {
						t.Errorf("%d attempts, %v, pauses %v; want 1 at once", f.n, took, delays)
					}
					return
				}
				lo, hi := tt.hint, tt.hint*3/2
				if tt.hint == 0 {
					lo, hi = waitPause, waitPause
				}
				if f.n != 2 || len(delays) != 1 || delays[0] < lo || delays[0] > hi || took != delays[0] {
					t.Errorf("%d attempts, paused %v (pauses %v); want 2 and one pause within [%v, %v]", f.n, took, delays, lo, hi)
				}
			})
		})
	}
}

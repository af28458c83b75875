package retryhttp_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
)

// TestRetryAfterFromServer sends each Retry-After through a Transport with the
// default Wait, with a request deadline two seconds away: a hint longer than that
// gives up at once with the hint in the error; no hint, or a short one, is slept.
// A hint's pause is the hint, capped at Policy.MaxRetryAfter, plus up to half of
// it: lo and hi bound the capped hint, and the pause is within [lo, 1.5·hi].
func TestRetryAfterFromServer(t *testing.T) {
	date := func(layout string, d time.Duration) func() string {
		return func() string { return time.Now().Add(d).UTC().Format(layout) }
	}
	fixed := func(v string) func() string { return func() string { return v } }
	const (
		imf    = http.TimeFormat
		rfc850 = "Monday, 02-Jan-06 15:04:05 GMT"
		ansiC  = time.ANSIC
	)
	const fallback = -1 // the pause is the jittered backoff, at most 100ms
	tests := []struct {
		name   string
		code   int
		values []func() string
		max    time.Duration
		lo, hi time.Duration // bounds of the capped hint (the pause is within [lo, 1.5·hi]); fallback for the backoff
		giveUp bool
	}{
		{"delay-seconds", 503, []func() string{fixed("5")}, 0, 5 * time.Second, 5 * time.Second, true},
		{"on 429", 429, []func() string{fixed("5")}, 0, 5 * time.Second, 5 * time.Second, true},
		{"IMF-fixdate", 503, []func() string{date(imf, 6*time.Second)}, 0, 4 * time.Second, 6 * time.Second, true},
		{"RFC 850", 503, []func() string{date(rfc850, 6*time.Second)}, 0, 4 * time.Second, 6 * time.Second, true},
		{"asctime", 503, []func() string{date(ansiC, 6*time.Second)}, 0, 4 * time.Second, 6 * time.Second, true},
		{"86400 capped", 503, []func() string{fixed("86400")}, 0, time.Minute, time.Minute, true},
		{"huge capped", 503, []func() string{fixed("99999999999999999999")}, 0, time.Minute, time.Minute, true},
		{"far date capped", 503, []func() string{fixed("Fri, 31 Dec 9999 23:59:59 GMT")}, 0, time.Minute, time.Minute, true},
		{"capped at MaxRetryAfter", 503, []func() string{fixed("5")}, 3 * time.Second, 3 * time.Second, 3 * time.Second, true},
		{"two equal headers", 503, []func() string{fixed("5"), fixed("5")}, 0, 5 * time.Second, 5 * time.Second, true},
		{"capped short is slept", 503, []func() string{fixed("86400")}, 20 * time.Millisecond, 20 * time.Millisecond, 20 * time.Millisecond, false},
		{"two different headers", 503, []func() string{fixed("5"), fixed("7")}, 0, fallback, fallback, false},
		{"past date", 503, []func() string{date(imf, -time.Hour)}, 0, fallback, fallback, false},
		{"garbage", 503, []func() string{fixed("soon")}, 0, fallback, fallback, false},
		{"negative", 503, []func() string{fixed("-1")}, 0, fallback, fallback, false},
		{"fraction", 503, []func() string{fixed("1.5")}, 0, fallback, fallback, false},
		{"zero", 503, []func() string{fixed("0")}, 0, fallback, fallback, false},
		{"ignored on 502", 502, []func() string{fixed("5")}, 0, fallback, fallback, false},
		{"ignored when MaxRetryAfter < 0", 503, []func() string{fixed("5")}, -1, fallback, fallback, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n == 1 {
					for _, v := range tt.values {
						w.Header().Add("Retry-After", v())
					}
					w.WriteHeader(tt.code)
					return
				}
				w.WriteHeader(200)
			})
			e.p.Wait, e.p.MaxRetryAfter = nil, tt.max
			var delays []time.Duration
			e.p.BeforeSleep = retry.HookFunc(func(a retry.Attempt) { delays = append(delays, a.Delay) })
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL, nil)
			resp, err := e.client.Do(req)
			lo, hi, ceiling := tt.lo, tt.hi*3/2, tt.max
			if lo == fallback {
				lo, hi = 0, 100*time.Millisecond // the first step of the default backoff
			}
			if ceiling == 0 {
				ceiling = time.Minute
			}
			if tt.giveUp {
				re, ok := errorAs[*retry.Error](err)
				if !ok || re.Reason != retry.ReasonDeadline || re.Delay < lo || re.Delay > hi || len(delays) != 0 {
					t.Fatalf("got %v, %v; want to give up at once with a pause in [%v, %v]", resp, err, lo, hi)
				}
				// The StatusError carries the server's hint, uncapped; the pause is
				// that hint capped, plus up to half of it.
				se, ok := errorAs[*retryhttp.StatusError](err)
				if !ok {
					t.Fatalf("err = %v, want it to wrap a StatusError", err)
				}
				if h := min(se.RetryAfter(), ceiling); h < tt.lo || h > tt.hi || re.Delay < h || re.Delay > h*3/2 {
					t.Errorf("StatusError in %v carries the hint %v, want it within [%v, %v] once capped at %v, and the pause %v within [hint, 1.5·hint]",
						err, se.RetryAfter(), tt.lo, tt.hi, ceiling, re.Delay)
				}
				if !strings.Contains(err.Error(), "next pause") {
					t.Errorf("error %q does not name the pause", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if code, _ := readAll(t, resp); code != 200 {
				t.Errorf("status = %d, want 200", code)
			}
			if len(delays) != 1 || delays[0] < lo || delays[0] > hi {
				t.Errorf("pauses = %v, want one in [%v, %v]", delays, lo, hi)
			}
		})
	}
}

package retryhttp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
)

// event is what a hook saw: the attempt, its status, and the pauses.
type event struct {
	Hook            string
	Number, Status  int
	Delay, Prev     time.Duration
	Slept           time.Duration
	SinceStartOfDay time.Duration
}

func statusOf(err error) int {
	if se, ok := errorAs[*retryhttp.StatusError](err); ok {
		return se.Code
	}
	return 0
}

// TestRetryAfterSlept checks, on virtual time, that the zero Transport sleeps
// what the server asks for, in delay-seconds and as an HTTP-date, plus the
// engine's spread of up to half of it, and that the hooks see each status and
// each pause, and the time pass by exactly those pauses.
func TestRetryAfterSlept(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fake{script: func(n int, _ *http.Request) (*http.Response, error) {
			switch n {
			case 1:
				return answer(503, "30"), nil
			case 2:
				return answer(429, time.Now().Add(45*time.Second).UTC().Format(http.TimeFormat)), nil
			}
			return answer(200, ""), nil
		}}
		start := time.Now()
		var events []event
		rec := func(name string) retry.Hook {
			return retry.HookFunc(func(a retry.Attempt) {
				hook := name
				if a.Reason != 0 {
					hook += " " + a.Reason.String()
				}
				events = append(events, event{hook, a.Number, statusOf(a.Err), a.Delay, a.PrevDelay, a.Slept, time.Since(start)})
			})
		}
		tr := &retryhttp.Transport{Base: f, Policy: &retry.Policy{Before: rec("before"), BeforeSleep: rec("sleep"), OnEnd: rec("end")}}
		var st retry.Stats
		req, _ := http.NewRequestWithContext(retry.WithStats(t.Context(), &st), "GET", "http://api.invalid/", nil)
		resp, err := tr.RoundTrip(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("RoundTrip = %v, %v; want 200", resp, err)
		}
		resp.Body.Close()
		s := time.Second
		if len(events) != 6 {
			t.Fatalf("hooks saw %+v, want 6 events", events)
		}
		d1, d2 := events[1].Delay, events[3].Delay
		// The HTTP-date has whole seconds: it asks for 45s less the fraction of a
		// second at which the second attempt was made, 30s and more after the start.
		hint2 := start.Add(d1 + 45*s).Truncate(s).Sub(start.Add(d1))
		if d1 < 30*s || d1 > 45*s || d2 < hint2 || d2 > hint2*3/2 {
			t.Errorf("pauses %v and %v, want within [30s, 45s] and [%v, %v]", d1, d2, hint2, hint2*3/2)
		}
		want := []event{
			{"before", 1, 0, 0, 0, 0, 0},
			{"sleep", 1, 503, d1, 0, 0, 0},
			{"before", 2, 0, 0, d1, d1, d1},
			{"sleep", 2, 429, d2, d1, d1, d1},
			{"before", 3, 0, 0, d2, d1 + d2, d1 + d2},
			{"end success", 3, 0, 0, d2, d1 + d2, d1 + d2},
		}
		if diff := cmp.Diff(want, events); diff != "" {
			t.Errorf("hooks saw (-want +got):\n%s", diff)
		}
		if st.Attempts != 3 || st.Slept != d1+d2 || time.Since(start) != d1+d2 {
			t.Errorf("stats = %+v after %v, want 3 attempts and %v slept", st, time.Since(start), d1+d2)
		}
		f.checkClosed(t)
	})
}

// TestRetryAfterClamped checks the cap of Policy.MaxRetryAfter on virtual time: a
// day-long Retry-After is slept as the cap, plus up to half of it.
func TestRetryAfterClamped(t *testing.T) {
	for _, tt := range []struct {
		max, want time.Duration
	}{{0, time.Minute}, {10 * time.Second, 10 * time.Second}, {time.Hour, time.Hour}} {
		synctest.Test(t, func(t *testing.T) {
			f := &fake{script: func(n int, _ *http.Request) (*http.Response, error) {
				if n == 1 {
					return answer(503, "86400"), nil
				}
				return answer(200, ""), nil
			}}
			tr := &retryhttp.Transport{Base: f, Policy: &retry.Policy{MaxRetryAfter: tt.max}}
			start := time.Now()
			resp, err := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := time.Since(start); got < tt.want || got > tt.want*3/2 {
				t.Errorf("MaxRetryAfter %v: slept %v, want within [%v, %v]", tt.max, got, tt.want, tt.want*3/2)
			}
			f.checkClosed(t)
		})
	}
}

// TestDefaultBackoff checks the zero Transport's schedule without hints: four
// attempts, full-jitter pauses within 100ms, 200ms and 400ms, and the last 503
// returned.
func TestDefaultBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fake{script: func(int, *http.Request) (*http.Response, error) { return answer(503, ""), nil }}
		var delays []time.Duration
		tr := &retryhttp.Transport{Base: f, Policy: &retry.Policy{BeforeSleep: retry.HookFunc(func(a retry.Attempt) { delays = append(delays, a.Delay) })}}
		start := time.Now()
		resp, err := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
		if err != nil || resp.StatusCode != 503 {
			t.Fatalf("RoundTrip = %v, %v; want the last 503", resp, err)
		}
		resp.Body.Close()
		if len(delays) != 3 || f.n != 4 {
			t.Fatalf("%d attempts, pauses %v; want 4 attempts, 3 pauses", f.n, delays)
		}
		var sum time.Duration
		for i, d := range delays {
			if ceiling := 100 * time.Millisecond << i; d < 0 || d > ceiling {
				t.Errorf("pause %d = %v, want within [0, %v]", i+1, d, ceiling)
			}
			sum += d
		}
		if time.Since(start) != sum {
			t.Errorf("took %v, want the sum of the pauses, %v", time.Since(start), sum)
		}
		f.checkClosed(t)
	})
}

// TestCancelWakesSleep cancels the request five seconds into an hour-long
// Retry-After: RoundTrip returns then, not an hour later.
func TestCancelWakesSleep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fake{script: func(int, *http.Request) (*http.Response, error) { return answer(429, "3600"), nil }}
		tr := &retryhttp.Transport{Base: f, Policy: &retry.Policy{MaxRetryAfter: 2 * time.Hour}}
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(5*time.Second, cancel)
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://api.invalid/", nil)
		start := time.Now()
		resp, err := tr.RoundTrip(req)
		if resp != nil || !errors.Is(err, context.Canceled) {
			t.Fatalf("RoundTrip = %v, %v; want nil and context.Canceled", resp, err)
		}
		if got := time.Since(start); got != 5*time.Second {
			t.Errorf("returned after %v, want 5s", got)
		}
		f.checkClosed(t)
	})
}

// TestDeadlineRefusesPause gives the request ten seconds and the server asks for
// thirty: RoundTrip gives up at once, with the pause it refused (the hint, plus
// up to half of it).
func TestDeadlineRefusesPause(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fake{script: func(int, *http.Request) (*http.Response, error) { return answer(503, "30"), nil }}
		var gaveUp int
		var reason retry.Reason
		tr := &retryhttp.Transport{Base: f, Policy: &retry.Policy{OnEnd: retry.HookFunc(func(a retry.Attempt) { gaveUp, reason = statusOf(a.Err), a.Reason })}}
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://api.invalid/", nil)
		start := time.Now()
		resp, err := tr.RoundTrip(req)
		re, ok := errorAs[*retry.Error](err)
		if resp != nil || !ok || re.Reason != retry.ReasonDeadline || re.Delay < 30*time.Second || re.Delay > 45*time.Second {
			t.Fatalf("RoundTrip = %v, %v; want nil and a deadline *retry.Error with Delay within [30s, 45s]", resp, err)
		}
		if time.Since(start) != 0 || gaveUp != 503 || reason != retry.ReasonDeadline {
			t.Errorf("gave up after %v, OnEnd saw %d, %v; want at once, 503, deadline", time.Since(start), gaveUp, reason)
		}
		f.checkClosed(t)
	})
}

// TestAttemptTimeoutVirtual lets two attempts hang past a two-second
// AttemptTimeout; the third answers. The returned body holds the third attempt's
// context, which closing it releases.
func TestAttemptTimeoutVirtual(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var last context.Context
		f := &fake{script: func(n int, req *http.Request) (*http.Response, error) {
			if n <= 2 {
				<-req.Context().Done()
				return nil, req.Context().Err()
			}
			last = req.Context()
			return answer(200, ""), nil
		}}
		var errs []error
		tr := &retryhttp.Transport{Base: f, Policy: &retry.Policy{AttemptTimeout: 2 * time.Second, After: retry.HookFunc(func(a retry.Attempt) { errs = append(errs, a.Err) })}}
		var st retry.Stats
		req, _ := http.NewRequestWithContext(retry.WithStats(t.Context(), &st), "GET", "http://api.invalid/", nil)
		start := time.Now()
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		if got := time.Since(start); got != 4*time.Second+st.Slept {
			t.Errorf("took %v, want 4s of timeouts plus %v of pauses", got, st.Slept)
		}
		if len(errs) != 3 || !errors.Is(errs[0], retry.ErrAttemptTimeout) || !errors.Is(errs[1], retry.ErrAttemptTimeout) {
			t.Errorf("attempt errors = %v, want two attempt timeouts", errs)
		}
		if last.Err() != nil {
			t.Fatalf("the returned response's context ended before its body was closed")
		}
		if b, _ := io.ReadAll(resp.Body); string(b) != "OK" {
			t.Errorf("body = %q, want OK", b)
		}
		resp.Body.Close()
		if !errors.Is(last.Err(), context.Canceled) {
			t.Errorf("after Close, the attempt's context: %v, want canceled", last.Err())
		}
		f.checkClosed(t)
	})
}

// TestCallerDeadlineNotRetried ends the caller's context during an attempt that
// also has an AttemptTimeout: the end is the caller's, and final.
func TestCallerDeadlineNotRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fake{script: func(_ int, req *http.Request) (*http.Response, error) {
			<-req.Context().Done()
			return nil, req.Context().Err()
		}}
		tr := &retryhttp.Transport{Base: f, Policy: &retry.Policy{AttemptTimeout: 10 * time.Second}}
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://api.invalid/", nil)
		_, err := tr.RoundTrip(req)
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, retry.ErrAttemptTimeout) || f.n != 1 {
			t.Errorf("err = %v after %d attempts, want the caller's deadline after 1", err, f.n)
		}
	})
}

package retry

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func TestTokenBucketArithmetic(t *testing.T) {
	type step struct {
		first, failed bool
		wantTokens    float64
		wantAllow     bool
	}
	fail := func(tokens float64, allow bool) step { return step{false, true, tokens, allow} }
	ok := func(tokens float64, allow bool) step { return step{false, false, tokens, allow} }
	tests := []struct {
		name       string
		max, ratio float64
		steps      []step
	}{
		{"gRPC example: 10 tokens, 0.1 per success", 10, 0.1, []step{
			fail(9, true), fail(8, true), fail(7, true), fail(6, true),
			fail(5, false), // at half: no more retries
			ok(5.1, true),  // just above half again
			fail(4.1, false), fail(3.1, false), fail(2.1, false), fail(1.1, false), fail(0.1, false),
			fail(0, false), // never below zero
			ok(0.1, false),
		}},
		{"successes never overfill", 3, 1, []step{
			ok(3, true), ok(3, true), fail(2, true), ok(3, true),
			fail(2, true), fail(1, false), ok(2, true), ok(3, true),
		}},
		{"first attempts count like any other", 2, 0.5, []step{
			{true, true, 1, false}, {true, false, 1.5, true}, {true, false, 2, true},
		}},
		{"a thousandth is the smallest ratio", 1, 0.0001, []step{
			fail(0, false), ok(0.001, false),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewTokenBucket(tt.max, tt.ratio)
			if b.Tokens() != tt.max || !b.AllowRetry() {
				t.Fatalf("a new bucket holds %v tokens, want %v and retries allowed", b.Tokens(), tt.max)
			}
			for i, s := range tt.steps {
				b.Attempted(s.first, s.failed)
				if got := b.Tokens(); got != s.wantTokens {
					t.Errorf("step %d: tokens = %v, want %v", i, got, s.wantTokens)
				}
				if got := b.AllowRetry(); got != s.wantAllow {
					t.Errorf("step %d: AllowRetry = %v, want %v", i, got, s.wantAllow)
				}
			}
		})
	}
}

func TestRatioBudgetArithmetic(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewRatioBudget(0.2, 0, 10*time.Second)
		if b.AllowRetry() {
			t.Fatal("no calls and no reserve: a retry must be refused")
		}
		for range 10 {
			b.Attempted(true, false) // 10 calls deposit 2 retries
		}
		b.Attempted(false, true) // later attempts deposit nothing
		if got := allowed(b, 3); got != 2 {
			t.Errorf("10 calls at ratio 0.2 allowed %d retries, want exactly 2", got)
		}
		time.Sleep(5 * time.Second)
		for range 5 {
			b.Attempted(true, false) // one more retry's worth
		}
		if !b.AllowRetry() || b.AllowRetry() {
			t.Error("5 more calls must allow exactly 1 more retry")
		}
		time.Sleep(5*time.Second + time.Millisecond) // the first 10 calls and 2 retries expire
		if b.AllowRetry() {
			t.Error("after expiry, 5 calls and 1 retry in the window leave nothing")
		}
		time.Sleep(10 * time.Second) // everything expires
		for range 10 {
			b.Attempted(true, false)
		}
		if got := allowed(b, 3); got != 2 {
			t.Errorf("a fresh window allowed %d retries, want 2 again", got)
		}
	})
}

// allowed asks b for n retries and counts the ones it allows.
func allowed(b Budget, n int) int {
	got := 0
	for range n {
		if b.AllowRetry() {
			got++
		}
	}
	return got
}

func TestRatioBudgetReserve(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewRatioBudget(0, 0.5, 10*time.Second) // 0.5/s over 10s: 5 retries
		for i := range 6 {
			if got, want := b.AllowRetry(), i < 5; got != want {
				t.Errorf("retry %d: AllowRetry = %v, want %v", i, got, want)
			}
		}
		time.Sleep(10 * time.Second)
		if !b.AllowRetry() {
			t.Error("time must restore the reserve")
		}
	})
}

func TestBudgetPanics(t *testing.T) {
	for _, tt := range []struct {
		name      string
		f         func()
		wantPanic string
	}{
		{"zero tokens", func() { NewTokenBucket(0, 0.1) }, "retry: NewTokenBucket: maxTokens must be in [0.001, 1e12], got 0"},
		{"NaN tokens", func() { NewTokenBucket(nan(), 0.1) }, "retry: NewTokenBucket: maxTokens must be in [0.001, 1e12], got NaN"},
		{"ratio above max", func() { NewTokenBucket(1, 2) }, "retry: NewTokenBucket: tokenRatio must be in (0, maxTokens], got 2"},
		{"zero ratio", func() { NewTokenBucket(1, 0) }, "retry: NewTokenBucket: tokenRatio must be in (0, maxTokens], got 0"},
		{"negative ratio", func() { NewRatioBudget(-0.1, 1, time.Second) }, "retry: NewRatioBudget: ratio must be in [0, 1000], got -0.1"},
		{"NaN per second", func() { NewRatioBudget(0.1, nan(), time.Second) }, "retry: NewRatioBudget: minPerSecond must be in [0, 1e9], got NaN"},
		{"short window", func() { NewRatioBudget(0.1, 1, time.Millisecond) }, "retry: NewRatioBudget: window must be at least 10ms, got 1ms"},
		{"valid", func() { NewTokenBucket(1e12, 1); NewRatioBudget(0, 0, 10*time.Millisecond) }, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if got, _ := recover().(string); got != tt.wantPanic {
					t.Errorf("panic = %q, want %q", got, tt.wantPanic)
				}
			}()
			tt.f()
		})
	}
}

func nan() float64 { zero := 0.0; return zero / zero }

// TestBudgetStopsRetryStorm: 100 callers against a service that always fails, 4
// attempts each. Without a budget that is 4 calls per request; with the default
// budget, barely more than one.
func TestBudgetStopsRetryStorm(t *testing.T) {
	for _, tt := range []struct {
		name     string
		budget   Budget
		min, max int64
	}{
		{"no budget", nil, 400, 400},
		{"default budget", DefaultBudget(), 100, 110},
		// A ratio budget's check and withdrawal are not one atomic step: callers
		// racing may pass a few retries beyond the limit, as its doc says.
		{"ratio budget", NewRatioBudget(0.1, 0, 10*time.Second), 100, 115},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var calls atomic.Int64
				r := Retrier[int]{
					Stop:   func(a Attempt) bool { return a.Number >= 4 },
					Wait:   func(Attempt) time.Duration { return 10 * time.Millisecond },
					Budget: tt.budget,
				}
				var budgetGiveUps atomic.Int64
				var wg sync.WaitGroup
				for range 100 {
					wg.Go(func() {
						_, err := r.Do(t.Context(), func(context.Context) (int, error) { calls.Add(1); return 0, errFlaky })
						var re *Error
						if !errors.As(err, &re) || !errors.Is(err, errFlaky) {
							t.Errorf("err = %v, want a give-up that keeps the last error", err)
						}
						if re != nil && re.Reason == ReasonBudget {
							budgetGiveUps.Add(1)
						}
					})
				}
				wg.Wait()
				if n := calls.Load(); n < tt.min || n > tt.max {
					t.Errorf("%d calls for 100 requests, want %d..%d", n, tt.min, tt.max)
				}
				if tt.budget != nil && budgetGiveUps.Load() < 90 {
					t.Errorf("%d calls gave up for the budget, want at least 90", budgetGiveUps.Load())
				}
				t.Logf("%d calls, amplification %.2f", calls.Load(), float64(calls.Load())/100)
			})
		})
	}
}

func TestBudgetKeepsRetryingAHealthyService(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := DefaultBudget()
		r := Retrier[int]{Wait: func(Attempt) time.Duration { return 0 }, Budget: b}
		failed := 0
		for i := range 1000 {
			n := 0
			_, err := r.Do(t.Context(), func(context.Context) (int, error) {
				if n++; n == 1 && i%10 == 0 {
					return 0, errFlaky // one request in ten fails once
				}
				return 1, nil
			})
			if err != nil {
				failed++
			}
		}
		if failed != 0 {
			t.Errorf("%d requests failed, want 0: a 10%% failure rate must still be retried", failed)
		}
	})
}

func TestBudgetRefusalReason(t *testing.T) {
	b := NewTokenBucket(2, 1)
	b.Attempted(false, true) // at half: no retries
	r := Retrier[int]{Wait: func(Attempt) time.Duration { return 0 }, Budget: b}
	_, err := r.Do(context.Background(), failing(5, errFlaky, 1))
	var re *Error
	if !errors.As(err, &re) || re.Reason != ReasonBudget || re.Attempts != 1 || re.Last != errFlaky {
		t.Fatalf("err = %#v, want ReasonBudget after 1 attempt with the last error", err)
	}
	if want := "retry: retry budget exhausted after 1 attempt: flaky"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}

func BenchmarkTokenBucket(b *testing.B) {
	tb := DefaultBudget()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			tb.Attempted(i%8 == 0, i%3 == 0)
			_ = tb.AllowRetry()
		}
	})
}

func BenchmarkRatioBudget(b *testing.B) {
	rb := NewRatioBudget(0.2, 10, 10*time.Second)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			rb.Attempted(i%4 == 0, false)
			_ = rb.AllowRetry()
		}
	})
}

func BenchmarkDoWithBudget(b *testing.B) {
	r := benchPolicy()
	r.Budget = DefaultBudget()
	benchDo(b, r)
}

// TestBudgetSharedAcrossGroupMapAndRetrier: one budget, three ways of calling.
func TestBudgetSharedAcrossGroupMapAndRetrier(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := DefaultBudget()
		var calls atomic.Int64
		op := func(context.Context) error { calls.Add(1); return errFlaky }
		p := Policy{Stop: func(a Attempt) bool { return a.Number >= 4 }, Wait: func(Attempt) time.Duration { return time.Millisecond }, Budget: b}

		g, _ := NewGroup(t.Context(), &p)
		g.CollectAll()
		for range 50 {
			g.Go(op)
		}
		_ = g.Wait()

		r := Retrier[int]{Stop: p.Stop, Wait: p.Wait, Budget: b}
		_, _ = MapAll(t.Context(), &r, make([]int, 30), 8, func(ctx context.Context, _ int) (int, error) { return 0, op(ctx) })
		for range 20 {
			_ = p.Run(t.Context(), op)
		}
		if n := calls.Load(); n > 110 {
			t.Errorf("%d calls for 100 requests through a Group, MapAll and Run, want at most 110", n)
		}
		if b.Tokens() != 0 {
			t.Errorf("tokens = %v, want 0 after only failures", b.Tokens())
		}
	})
}

// BenchmarkTokenBucketHealthy is the steady state of a healthy service: the bucket is
// full, so successes only read the shared word and never contend for it.
func BenchmarkTokenBucketHealthy(b *testing.B) {
	tb := DefaultBudget()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			tb.Attempted(true, false)
		}
	})
}

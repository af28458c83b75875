package budget_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/retry"
)

var errFlaky = errors.New("flaky")

func TestBudgetPanics(t *testing.T) {
	for _, tt := range []struct {
		name      string
		f         func()
		wantPanic string
	}{
		{"zero tokens", func() { budget.NewTokenBucket(0, 0.1) }, "budget: NewTokenBucket: maxTokens must be in [0.001, 1e12], got 0"},
		{"NaN tokens", func() { budget.NewTokenBucket(nan(), 0.1) }, "budget: NewTokenBucket: maxTokens must be in [0.001, 1e12], got NaN"},
		{"ratio above max", func() { budget.NewTokenBucket(1, 2) }, "budget: NewTokenBucket: tokenRatio must be in (0, maxTokens], got 2"},
		{"zero ratio", func() { budget.NewTokenBucket(1, 0) }, "budget: NewTokenBucket: tokenRatio must be in (0, maxTokens], got 0"},
		{"negative ratio", func() { budget.NewRatio(-0.1, 1, time.Second) }, "budget: NewRatio: ratio must be in [0, 1000], got -0.1"},
		{"NaN per second", func() { budget.NewRatio(0.1, nan(), time.Second) }, "budget: NewRatio: minPerSecond must be in [0, 1e9], got NaN"},
		{"short window", func() { budget.NewRatio(0.1, 1, time.Millisecond) }, "budget: NewRatio: window must be at least 10ms, got 1ms"},
		{"zero capacity", func() { budget.NewQuota(0, 1, 1) }, "budget: NewQuota: capacity must be in [1, 1e12], got 0"},
		{"transient cost above capacity", func() { budget.NewQuota(10, 11, 1) }, "budget: NewQuota: transientCost must be in [1, capacity], got 11"},
		{"zero throttled cost", func() { budget.NewQuota(10, 1, 0) }, "budget: NewQuota: throttledCost must be in [1, capacity], got 0"},
		{"valid", func() {
			budget.NewTokenBucket(1e12, 1)
			budget.NewRatio(0, 0, 10*time.Millisecond)
			budget.NewQuota(1, 1, 1)
		}, ""},
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
// attempts each. Without a budget that is 4 calls per request; with a budget,
// what its tokens pay for: the 2 retries a fresh default pays for, 35 in all for
// the AWS SDKs' quota.
func TestBudgetStopsRetryStorm(t *testing.T) {
	for _, tt := range []struct {
		name     string
		budget   retry.Budget
		min, max int64
	}{
		{"no budget", nil, 400, 400},
		{"default budget: the 2 retries its start pays for, then none", budget.Default(), 102, 102},
		{"the AWS SDKs' quota: 35 retries of 14 tokens, then none", budget.NewQuota(500, 14, 5), 135, 135},
		{"gRPC's token bucket", budget.NewTokenBucket(10, 0.2), 100, 110},
		// A ratio budget's check and withdrawal are not one atomic step: callers
		// racing may pass a few retries beyond the limit, as its doc says.
		{"ratio budget", budget.NewRatio(0.1, 0, 10*time.Second), 100, 115},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var calls atomic.Int64
				p := retry.Policy{
					Stop:   retry.StopFunc(func(a retry.Attempt) bool { return a.Number >= 4 }),
					Wait:   retry.WaitFunc(func(retry.Attempt) time.Duration { return 10 * time.Millisecond }),
					Budget: tt.budget,
				}
				var budgetGiveUps atomic.Int64
				var wg sync.WaitGroup
				for range 100 {
					wg.Go(func() {
						_, err := retry.Do(t.Context(), &p, func(context.Context) (int, error) { calls.Add(1); return 0, errFlaky })
						var re *retry.Error
						if !errors.As(err, &re) || !errors.Is(err, errFlaky) {
							t.Errorf("err = %v, want a give-up that keeps the last error", err)
						}
						if re != nil && re.Reason == retry.ReasonBudget {
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
		b := budget.Default()
		p := retry.Policy{Wait: retry.WaitFunc(func(retry.Attempt) time.Duration { return 0 }), Budget: b}
		failed := 0
		for i := range 1000 {
			n := 0
			_, err := retry.Do(t.Context(), &p, func(context.Context) (int, error) {
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

// TestBudgetSharedAcrossGroupMapAndRun: one budget, shared by two Policies and three
// ways of calling.
func TestBudgetSharedAcrossGroupMapAndRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := budget.NewQuota(500, 14, 5)
		var calls atomic.Int64
		op := func(context.Context) error { calls.Add(1); return errFlaky }
		p := retry.Policy{
			Stop:   retry.StopFunc(func(a retry.Attempt) bool { return a.Number >= 4 }),
			Wait:   retry.WaitFunc(func(retry.Attempt) time.Duration { return time.Millisecond }),
			Budget: b,
		}

		g, _ := retry.NewGroup(t.Context(), &p)
		g.CollectAll()
		for range 50 {
			g.Go(op)
		}
		_ = g.Wait()

		q := retry.Policy{Stop: p.Stop, Wait: p.Wait, Budget: b}
		_, _ = retry.MapAll(t.Context(), &q, make([]int, 30), 8, func(ctx context.Context, _ int) (int, error) { return 0, op(ctx) })
		for range 20 {
			_ = p.Run(t.Context(), op)
		}
		if n := calls.Load(); n != 135 {
			t.Errorf("%d calls for 100 requests through a Group, MapAll and Run, want 135: 35 retries of 14 tokens in all", n)
		}
		if b.Tokens() != 10 {
			t.Errorf("tokens = %v, want 10 after only failures: less than a retry costs", b.Tokens())
		}
	})
}

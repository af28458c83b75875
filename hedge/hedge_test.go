package hedge_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/retry"
)

func TestFixed(t *testing.T) {
	h := hedge.Fixed(50*time.Millisecond, 2)
	for inflight, want := range map[int]bool{1: true, 2: true, 3: false} {
		if d, ok := h.Delay(inflight); d != 50*time.Millisecond || ok != want {
			t.Errorf("Delay(%d) = %v, %v; want 50ms, %v", inflight, d, ok, want)
		}
	}
}

func TestQuantile(t *testing.T) {
	h := hedge.NewQuantile(0.9, 5*time.Millisecond, time.Second, 1)
	for i := 1; i < hedge.WarmUp; i++ {
		h.Observe(time.Duration(i) * time.Millisecond)
		if _, ok := h.Delay(1); ok {
			t.Fatalf("hedges after %d observations, want none before %d", i, hedge.WarmUp)
		}
	}
	h.Observe(hedge.WarmUp * time.Millisecond) // 1ms..32ms observed
	if d, ok := h.Delay(1); !ok || d != 29*time.Millisecond {
		t.Errorf("Delay = %v, %v after warm-up; want the 0.9-quantile of 1..32ms, 29ms", d, ok)
	}
	if _, ok := h.Delay(2); ok {
		t.Error("Delay(2) ok with maxExtra 1, want no second hedge")
	}
	for range hedge.Window { // the window forgets the old latencies
		h.Observe(2 * time.Second)
	}
	if d, _ := h.Delay(1); d != time.Second {
		t.Errorf("Delay = %v after slow attempts, want the max, 1s", d)
	}
	for range hedge.Window {
		h.Observe(0)
	}
	if d, _ := h.Delay(1); d != 5*time.Millisecond {
		t.Errorf("Delay = %v after instant attempts, want the floor, 5ms", d)
	}
}

func TestQuantileConcurrent(t *testing.T) {
	h := hedge.NewQuantile(0.5, 0, time.Hour, 3)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				h.Observe(time.Duration(g*1000+i) * time.Microsecond)
				if d, ok := h.Delay(1); ok && (d < 0 || d > 8*time.Millisecond) {
					t.Errorf("Delay = %v, out of the observed range", d)
				}
			}
		})
	}
	wg.Wait()
	if _, ok := h.Current(); !ok {
		t.Error("not warmed up after 8000 observations")
	}
}

func TestPanics(t *testing.T) {
	for _, tt := range []struct {
		name, wantPanic string
		f               func()
	}{
		{"negative delay", "hedge: Fixed: negative delay -1ns", func() { hedge.Fixed(-1, 1) }},
		{"no extra", "hedge: Fixed: maxExtra must be at least 1, got 0", func() { hedge.Fixed(0, 0) }},
		{"q of 1", "hedge: NewQuantile: q must be in (0, 1), got 1", func() { hedge.NewQuantile(1, 0, 1, 1) }},
		{"NaN q", "hedge: NewQuantile: q must be in (0, 1), got NaN", func() { zero := 0.0; hedge.NewQuantile(zero/zero, 0, 1, 1) }},
		{"negative floor", "hedge: NewQuantile: negative floor -1ns", func() { hedge.NewQuantile(0.5, -1, 1, 1) }},
		{"ceiling below floor", "hedge: NewQuantile: max 1ns below floor 2ns", func() { hedge.NewQuantile(0.5, 2, 1, 1) }},
		{"quantile without extra", "hedge: NewQuantile: maxExtra must be at least 1, got 0", func() { hedge.NewQuantile(0.5, 0, 1, 0) }},
		{"valid", "", func() { hedge.Fixed(0, 1); hedge.NewQuantile(0.99, 0, 0, 5) }},
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

// TestQuotaStopsHedgesInASlowOutage: every call is slow but succeeds, so
// every call would hedge. Hedges are paid from the budget: a losing hedge keeps its
// cost (14), the winner gives back 1, so the AWS quota NewQuota(500, 14, 5) (the
// former default) pays for 38 hedges, and from then on for one in 14 calls, what
// the successes earn: the load is not doubled for good. (budget.Default(), an
// earned budget, does not stop them: every success earns 2 tokens and a hedge
// costs 1, so every slow call hedges; see TestDefaultBudgetPaysHedgesOfSlowSuccesses.)
func TestQuotaStopsHedgesInASlowOutage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var attempts atomic.Int64
		r := retry.Retrier[int]{Policy: &retry.Policy{
			Hedger: hedge.Fixed(50*time.Millisecond, 1),
			Budget: budget.NewQuota(500, 14, 5),
		}}
		const calls = 200
		for range calls {
			_, err := r.Hedge(t.Context(), func(ctx context.Context) (int, error) {
				attempts.Add(1)
				select {
				case <-time.After(200 * time.Millisecond): // slow everywhere
					return 1, nil
				case <-ctx.Done():
					return 0, ctx.Err()
				}
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		// 38 hedges, then one per 14 calls for the 162 others: 49.
		if extra := attempts.Load() - calls; extra != 49 {
			t.Errorf("%d hedges for %d slow calls, want 49: the budget must stop them", extra, calls)
		}
	})
}

// TestDefaultBudgetCapsHedgesOfSlowSuccesses: with budget.Default(), an earned
// budget, a slow service that still succeeds earns 2 tokens a call from its
// first attempts, and a hedge costs 8 (four gains) and earns nothing, so at
// most one slow call in four hedges: hedging cannot pay for itself.
func TestDefaultBudgetCapsHedgesOfSlowSuccesses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var attempts atomic.Int64
		r := retry.Retrier[int]{Policy: &retry.Policy{
			Hedger: hedge.Fixed(50*time.Millisecond, 1),
			Budget: budget.Default(),
		}}
		const calls = 200
		for range calls {
			_, err := r.Hedge(t.Context(), func(ctx context.Context) (int, error) {
				attempts.Add(1)
				select {
				case <-time.After(200 * time.Millisecond):
					return 1, nil
				case <-ctx.Done():
					return 0, ctx.Err()
				}
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		// Tokens start at 2; each call's first attempt earns 2 (up to 16), a
		// hedge costs 8 and the hedge, which starts later, loses.
		want, tokens := 0, 2
		for range calls {
			if tokens >= 8 {
				tokens -= 8
				want++
			}
			tokens = min(tokens+2, 16)
		}
		if extra := attempts.Load() - calls; extra != int64(want) || want > calls/4+1 {
			t.Errorf("%d hedges for %d slow calls, want %d (at most one call in four)", extra, calls, want)
		}
	})
}

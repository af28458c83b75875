package budget_test

import (
	"fmt"
	"math"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/retry"
)

func TestEarnedArithmetic(t *testing.T) {
	const (
		S = retry.ClassSuccess
		A = retry.ClassAnswered
		T = retry.ClassTransient
		H = retry.ClassThrottled
		X = retry.ClassExtra
	)
	type step struct {
		allow         retry.Class // Allow(allow) if set, else Attempted(result, spent)
		result, spent retry.Class
		wantOK        bool
		wantTokens    float64
	}
	tests := []struct {
		name           string
		gain, capacity float64
		steps          []step
	}{
		{"starts with gain: two retries, then none", 2, 16, []step{
			{allow: T, wantOK: true, wantTokens: 1},
			{allow: T, wantOK: true, wantTokens: 0},
			{allow: T, wantOK: false, wantTokens: 0}, // a refusal takes nothing
			{allow: H, wantOK: false, wantTokens: 0},
			{allow: X, wantOK: false, wantTokens: 0},
		}},
		{"a retry costs a token, a throttled retry a quarter, a hedge four gains", 2, 16, []step{
			{result: S, spent: 0, wantTokens: 4},
			{allow: X, wantOK: false, wantTokens: 4}, // a hedge costs four gains, 8
			{result: S, spent: 0, wantTokens: 6},
			{result: S, spent: 0, wantTokens: 8},
			{allow: X, wantOK: true, wantTokens: 0},
			{result: S, spent: 0, wantTokens: 2},
			{allow: T, wantOK: true, wantTokens: 1},
			{allow: H, wantOK: true, wantTokens: 0.75},
			{allow: T, wantOK: false, wantTokens: 0.75},
			{allow: H, wantOK: true, wantTokens: 0.5},
			{allow: H, wantOK: true, wantTokens: 0.25},
			{allow: H, wantOK: true, wantTokens: 0},
			{allow: H, wantOK: false, wantTokens: 0},
		}},
		{"a hedge costs at most capacity", 2, 5, []step{
			{result: S, spent: 0, wantTokens: 4},
			{result: S, spent: 0, wantTokens: 5},
			{allow: X, wantOK: true, wantTokens: 0},
		}},
		{"success and answered deposit gain, whatever the retry cost; a hedge earns nothing", 2, 16, []step{
			{result: S, spent: 0, wantTokens: 4},
			{result: S, spent: T, wantTokens: 6},
			{result: S, spent: H, wantTokens: 8},
			{result: S, spent: X, wantTokens: 8},
			{result: A, spent: 0, wantTokens: 10},
			{result: A, spent: T, wantTokens: 12},
			{result: A, spent: X, wantTokens: 12},
		}},
		{"failures and ended attempts deposit nothing", 2, 16, []step{
			{result: T, spent: 0, wantTokens: 2},
			{result: T, spent: T, wantTokens: 2},
			{result: H, spent: H, wantTokens: 2},
			{result: 0, spent: 0, wantTokens: 2},
			{result: 0, spent: X, wantTokens: 2},
		}},
		{"never above capacity", 2, 5, []step{
			{result: S, wantTokens: 4},
			{result: S, wantTokens: 5},
			{result: A, wantTokens: 5},
			{allow: T, wantOK: true, wantTokens: 4},
			{result: S, wantTokens: 5},
		}},
		{"fractions are kept to a thousandth", 0.25, 1, []step{
			{allow: T, wantOK: false, wantTokens: 0.25},
			{result: S, wantTokens: 0.5},
			{result: S, wantTokens: 0.75},
			{allow: T, wantOK: false, wantTokens: 0.75},
			{result: A, wantTokens: 1},
			{allow: T, wantOK: true, wantTokens: 0},
		}},
		{"a gain below a thousandth counts as one", 0.0001, 1, []step{
			{result: S, wantTokens: 0.002},
		}},
		{"gain equal to capacity", 1, 1, []step{
			{allow: T, wantOK: true, wantTokens: 0},
			{result: S, wantTokens: 1},
			{result: S, wantTokens: 1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := budget.NewEarned(tt.gain, tt.capacity)
			if want := max(0.001, math.Round(tt.gain*1000)/1000); b.Tokens() != want {
				t.Fatalf("a new budget holds %v tokens, want gain, %v", b.Tokens(), want)
			}
			for i, s := range tt.steps {
				if s.allow != 0 {
					if ok := b.Allow(s.allow); ok != s.wantOK {
						t.Errorf("step %d: Allow(%v) = %v, want %v", i, s.allow, ok, s.wantOK)
					}
				} else {
					b.Attempted(s.result, s.spent)
				}
				if got := b.Tokens(); got != s.wantTokens {
					t.Errorf("step %d: tokens = %v, want %v", i, got, s.wantTokens)
				}
			}
		})
	}
}

func TestEarnedPanics(t *testing.T) {
	inf := math.Inf(1)
	for _, tt := range []struct {
		name      string
		f         func()
		wantPanic string
	}{
		{"zero gain", func() { budget.NewEarned(0, 16) }, "budget: NewEarned: gain must be in (0, 1e12], got 0"},
		{"negative gain", func() { budget.NewEarned(-1, 16) }, "budget: NewEarned: gain must be in (0, 1e12], got -1"},
		{"NaN gain", func() { budget.NewEarned(nan(), 16) }, "budget: NewEarned: gain must be in (0, 1e12], got NaN"},
		{"infinite gain", func() { budget.NewEarned(inf, inf) }, "budget: NewEarned: gain must be in (0, 1e12], got +Inf"},
		{"huge gain", func() { budget.NewEarned(2e12, 2e12) }, "budget: NewEarned: gain must be in (0, 1e12], got 2e+12"},
		{"capacity below 1", func() { budget.NewEarned(0.5, 0.9) }, "budget: NewEarned: capacity must be in [1, 1e12] and at least gain, got 0.9"},
		{"capacity below gain", func() { budget.NewEarned(3, 2) }, "budget: NewEarned: capacity must be in [1, 1e12] and at least gain, got 2"},
		{"NaN capacity", func() { budget.NewEarned(2, nan()) }, "budget: NewEarned: capacity must be in [1, 1e12] and at least gain, got NaN"},
		{"infinite capacity", func() { budget.NewEarned(2, inf) }, "budget: NewEarned: capacity must be in [1, 1e12] and at least gain, got +Inf"},
		{"huge capacity", func() { budget.NewEarned(2, 1e13) }, "budget: NewEarned: capacity must be in [1, 1e12] and at least gain, got 1e+13"},
		{"valid", func() {
			budget.NewEarned(1e12, 1e12)
			budget.NewEarned(0.0001, 1)
			budget.NewEarned(1, 1)
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

// TestEarnedLimits: at the largest capacity, the arithmetic stays exact and
// within bounds.
func TestEarnedLimits(t *testing.T) {
	b := budget.NewEarned(1e12, 1e12)
	b.Attempted(retry.ClassSuccess, 0)
	if b.Tokens() != 1e12 || !b.Allow(retry.ClassTransient) || b.Tokens() != 1e12-1 {
		t.Errorf("tokens = %v, want 1e12 - 1 after a deposit at capacity and a retry", b.Tokens())
	}
}

// TestEarnedConcurrent: goroutines spending and depositing at once lose no update:
// with a capacity never reached, the tokens left are the start plus the deposits
// less the retries allowed, and the retries allowed never exceed what was there.
func TestEarnedConcurrent(t *testing.T) {
	const workers, rounds = 8, 2000
	b := budget.NewEarned(0.5, 1e9)
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			n := 0
			for i := range rounds {
				if (i+w)%3 == 0 {
					b.Attempted(retry.ClassTransient, retry.ClassTransient) // deposits nothing
				} else {
					b.Attempted(retry.ClassSuccess, 0)
				}
				if b.Allow(retry.ClassTransient) {
					n++
				}
				if tok := b.Tokens(); tok < 0 {
					t.Errorf("tokens = %v, want never below 0", tok)
				}
			}
			mu.Lock()
			allowed += n
			mu.Unlock()
		})
	}
	wg.Wait()
	deposits := 0
	for w := range workers {
		for i := range rounds {
			if (i+w)%3 != 0 {
				deposits++
			}
		}
	}
	if want := 0.5 + 0.5*float64(deposits) - float64(allowed); b.Tokens() != want {
		t.Errorf("tokens = %v after %d deposits of 0.5 and %d retries, want %v", b.Tokens(), deposits, allowed, want)
	}
	if allowed > deposits/2+1 {
		t.Errorf("%d retries allowed, want at most %d: the deposits pay for one each two", allowed, deposits/2+1)
	}

	// Draining a full budget from many goroutines allows exactly its tokens.
	b = budget.NewEarned(1000, 1000)
	allowed = 0
	for range workers {
		wg.Go(func() {
			n := 0
			for range 200 {
				if b.Allow(retry.ClassTransient) {
					n++
				}
			}
			mu.Lock()
			allowed += n
			mu.Unlock()
		})
	}
	wg.Wait()
	if allowed != 1000 || b.Tokens() != 0 {
		t.Errorf("%d retries allowed, %v tokens left, want 1000 and 0", allowed, b.Tokens())
	}
}

func TestEarnedDoesNotAllocate(t *testing.T) {
	b := budget.Default()
	if n := testing.AllocsPerRun(100, func() {
		b.Attempted(retry.ClassSuccess, 0)
		b.Allow(retry.ClassTransient)
		b.Attempted(retry.ClassTransient, retry.ClassTransient)
		_ = b.Tokens()
	}); n != 0 {
		t.Errorf("%v allocations per call, want 0", n)
	}
}

// TestDefaultSurvivesABurst: a process sending 100 requests a second, one in ten
// failing once, suffers 16 more failures at the same moment as one of its own (17
// at once): the default budget, full by then at 16 tokens, refuses at most the
// 17th retry. The same at 10 requests a second. At one a second the burst comes
// after 5 calls, when the budget holds 11 tokens: it refuses at most 6 (3 here,
// as retries that succeed earn more while the others wait).
func TestDefaultSurvivesABurst(t *testing.T) {
	for _, tt := range []struct {
		rate     int
		refusals int64
	}{{100, 1}, {10, 1}, {1, 6}} {
		t.Run(fmt.Sprint(tt.rate, " per second"), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fail := func(i, n int) bool { return n == 1 && (i%10 == 0 || i >= 10*tt.rate) }
				attempts, calls, refused := traffic(t, budget.Default(), tt.rate, 10*time.Second, 16, fail)
				if refused > tt.refusals {
					t.Errorf("%d of %d calls gave up for the budget, want at most %d", refused, calls, tt.refusals)
				}
				t.Logf("%d per second: %d calls, %d attempts, %d refused", tt.rate, calls, attempts, refused)
			})
		})
	}
}

// TestDefaultHoldsAnOutage: after 10 healthy seconds, a minute of total outage
// costs exactly 16 retries with the default budget, whatever the rate: 1.003× the
// load at 100 requests a second, 1.027× at 10, 1.27× at 1. A process that starts
// into the outage retries twice in all.
func TestDefaultHoldsAnOutage(t *testing.T) {
	for _, rate := range []int{100, 10, 1} {
		t.Run(fmt.Sprint(rate, " per second"), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				healthy := 10 * rate
				attempts, calls, _ := traffic(t, budget.Default(), rate, 70*time.Second, 0, func(i, _ int) bool { return i >= healthy })
				if got := attempts - calls; got != 16 {
					t.Errorf("%d attempts for %d calls: %d retries, want 16", attempts, calls, got)
				}
				out := int64(60 * rate)
				t.Logf("%d per second: %.3f× over the outage", rate, float64(out+attempts-calls)/float64(out))

				attempts, calls, _ = traffic(t, budget.Default(), rate, time.Minute, 0, func(int, int) bool { return true })
				if got := attempts - calls; got != 2 {
					t.Errorf("cold start into the outage: %d retries, want 2", got)
				}
			})
		})
	}
}

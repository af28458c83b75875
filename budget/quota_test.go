package budget_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/retry"
)

// TestQuotaArithmetic walks the AWS model token by token: retries pay by class,
// successes give back what their attempt cost (1 for a first attempt); failures,
// other answers and ended contexts change nothing, and the quota never overfills.
func TestQuotaArithmetic(t *testing.T) {
	const (
		S = retry.ClassSuccess
		A = retry.ClassAnswered
		T = retry.ClassTransient
		H = retry.ClassThrottled
		X = retry.ClassExtra
	)
	type step struct {
		allow         retry.Class // Allow(allow) if not 0, else Attempted(result, spent)
		result, spent retry.Class
		wantOK        bool
		wantTokens    int
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"a transient retry costs 14, its success gives it back", []step{
			{allow: T, wantOK: true, wantTokens: 486},
			{result: S, spent: T, wantTokens: 500},
		}},
		{"a throttled retry costs 5, its success gives it back", []step{
			{allow: H, wantOK: true, wantTokens: 495},
			{result: S, spent: H, wantTokens: 500},
		}},
		{"an extra attempt costs what a transient retry does", []step{
			{allow: X, wantOK: true, wantTokens: 486},
			{result: S, spent: X, wantTokens: 500},
		}},
		{"a failed retry keeps its cost", []step{
			{allow: T, wantOK: true, wantTokens: 486},
			{result: T, spent: T, wantTokens: 486},
			{allow: H, wantOK: true, wantTokens: 481},
			{result: H, spent: H, wantTokens: 481},
			{result: 0, spent: T, wantTokens: 481}, // the caller's context ended it
			{result: S, spent: 0, wantTokens: 482}, // a first attempt succeeded: +1
			{result: S, spent: H, wantTokens: 487},
		}},
		{"an answer that is not a success gives nothing back", []step{
			{allow: T, wantOK: true, wantTokens: 486},
			{result: A, spent: T, wantTokens: 486},
			{result: A, spent: 0, wantTokens: 486},
		}},
		{"never overfills", []step{
			{result: S, spent: 0, wantTokens: 500},
			{result: S, spent: T, wantTokens: 500},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := budget.NewQuota(500, 14, 5)
			for i, s := range tt.steps {
				if s.allow != 0 {
					if ok := q.Allow(s.allow); ok != s.wantOK {
						t.Errorf("step %d: Allow(%v) = %v, want %v", i, s.allow, ok, s.wantOK)
					}
				} else {
					q.Attempted(s.result, s.spent)
				}
				if got := q.Tokens(); got != s.wantTokens {
					t.Errorf("step %d: tokens = %d, want %d", i, got, s.wantTokens)
				}
			}
		})
	}
}

// TestQuotaRefusesWhatItCannotPay: 35 transient retries empty the default quota to
// 10 tokens; then a transient retry (14) is refused and takes nothing, while a
// throttled one (5) still fits twice.
func TestQuotaRefusesWhatItCannotPay(t *testing.T) {
	q := budget.NewQuota(500, 14, 5)
	for i := range 35 {
		if !q.Allow(retry.ClassTransient) {
			t.Fatalf("retry %d refused with %d tokens", i, q.Tokens())
		}
	}
	if q.Tokens() != 10 || q.Allow(retry.ClassTransient) || q.Tokens() != 10 {
		t.Fatalf("tokens = %d, want 10 and the 36th transient retry refused", q.Tokens())
	}
	var allowed []bool
	for range 3 {
		allowed = append(allowed, q.Allow(retry.ClassThrottled))
	}
	if diff := cmp.Diff([]bool{true, true, false}, allowed); diff != "" || q.Tokens() != 0 {
		t.Errorf("three throttled retries (-want +got):\n%s\ntokens = %d, want 0 left", diff, q.Tokens())
	}
}

// TestQuotaConcurrent: many goroutines spending and refunding never drive the
// quota below zero or above capacity, and what was spent and refunded balances.
func TestQuotaConcurrent(t *testing.T) {
	q := budget.NewQuota(1000, 7, 3)
	var wg sync.WaitGroup
	var allowed atomic.Int64
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				c := retry.ClassTransient
				if (g+i)%2 == 0 {
					c = retry.ClassThrottled
				}
				if q.Allow(c) {
					allowed.Add(1)
					q.Attempted(retry.ClassSuccess, c) // every retry succeeds: refunded
				}
				if n := q.Tokens(); n < 0 || n > 1000 {
					t.Errorf("tokens = %d, out of [0, 1000]", n)
				}
			}
		})
	}
	wg.Wait()
	if q.Tokens() != 1000 || allowed.Load() == 0 {
		t.Errorf("tokens = %d after %d refunded retries, want 1000", q.Tokens(), allowed.Load())
	}
}

// traffic sends calls at rate per second of virtual time for d, plus, at d/2,
// burst more calls at once. Attempt n of call i fails when fail(i, n) says so; a
// call makes at most 4 attempts, 10ms apart. It returns the attempts made, the
// calls made, and the calls that gave up because the budget refused a retry.
func traffic(t *testing.T, b retry.Budget, rate int, d time.Duration, burst int, fail func(i, n int) bool) (attempts, calls, refused int64) {
	t.Helper()
	var att, ref atomic.Int64
	p := retry.Policy{
		Stop:   retry.StopFunc(func(a retry.Attempt) bool { return a.Number >= 4 }),
		Wait:   retry.WaitFunc(func(retry.Attempt) time.Duration { return 10 * time.Millisecond }),
		Budget: b,
	}
	var wg sync.WaitGroup
	start := time.Now()
	n := int(d.Seconds() * float64(rate))
	for i := 0; i < n; i++ {
		if i == n/2 {
			for k := range burst {
				j := n + k
				wg.Go(func() { do(t, &p, j, fail, &att, &ref) })
			}
		}
		wg.Go(func() { do(t, &p, i, fail, &att, &ref) })
		time.Sleep(time.Until(start.Add(time.Duration(i+1) * time.Second / time.Duration(rate))))
	}
	wg.Wait()
	return att.Load(), int64(n + burst), ref.Load()
}

// do makes call i of traffic.
func do(t *testing.T, p *retry.Policy, i int, fail func(i, n int) bool, att, ref *atomic.Int64) {
	n := 0
	_, err := retry.Do(t.Context(), p, func(context.Context) (int, error) {
		att.Add(1)
		if n++; fail(i, n) {
			return 0, errFlaky
		}
		return 1, nil
	})
	if re, ok := err.(*retry.Error); ok && re.Reason == retry.ReasonBudget {
		ref.Add(1)
	}
}

// TestQuotaSurvivesABurst: a process sending 100 requests a second, one in ten
// failing once, suffers 16 more failures at the same moment: the AWS SDKs' quota,
// NewQuota(500, 14, 5), refuses none of their retries. The same at 10 and 1
// requests a second.
func TestQuotaSurvivesABurst(t *testing.T) {
	for _, rate := range []int{100, 10, 1} {
		t.Run(fmt.Sprint(rate, " per second"), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fail := func(i, n int) bool { return n == 1 && (i%10 == 0 || i >= 10*rate) }
				attempts, calls, refused := traffic(t, budget.NewQuota(500, 14, 5), rate, 10*time.Second, 16, fail)
				if refused != 0 {
					t.Errorf("%d of %d calls gave up for the budget, want 0", refused, calls)
				}
				t.Logf("%d per second: %d calls, %d attempts, %d refused", rate, calls, attempts, refused)
				// The v0 default, gRPC's bucket of 10 tokens, stops retrying at half:
				// the same burst loses most of its retries.
				_, _, v0 := traffic(t, budget.NewTokenBucket(10, 0.2), rate, 10*time.Second, 16, fail)
				if v0 < 8 {
					t.Errorf("NewTokenBucket(10, 0.2) refused %d retries of the burst, want at least 8", v0)
				}
				t.Logf("%d per second, NewTokenBucket(10, 0.2): %d refused", rate, v0)
			})
		})
	}
}

// TestQuotaHoldsAnOutage: a minute of total outage at 100 and 10 requests a
// second costs at most 1.1× the load with NewQuota(500, 14, 5) (4× without a
// budget); at one request a second it allows 1.6×, and the smaller quota its doc
// advises holds 1.1×.
func TestQuotaHoldsAnOutage(t *testing.T) {
	for _, tt := range []struct {
		name   string
		b      func() retry.Budget
		rate   int
		wantAt float64 // at most this many attempts per call
	}{
		{"NewQuota(500, 14, 5), 100 per second", func() retry.Budget { return budget.NewQuota(500, 14, 5) }, 100, 1.1},
		{"NewQuota(500, 14, 5), 10 per second", func() retry.Budget { return budget.NewQuota(500, 14, 5) }, 10, 1.1},
		{"NewQuota(500, 14, 5), 1 per second", func() retry.Budget { return budget.NewQuota(500, 14, 5) }, 1, 1.6},
		{"NewQuota(84, 14, 5), 1 per second", func() retry.Budget { return budget.NewQuota(84, 14, 5) }, 1, 1.1},
		{"no budget, 10 per second", func() retry.Budget { return nil }, 10, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				attempts, calls, _ := traffic(t, tt.b(), tt.rate, time.Minute, 0, func(int, int) bool { return true })
				amp := float64(attempts) / float64(calls)
				if amp > tt.wantAt {
					t.Errorf("%d attempts for %d calls: %.3f×, want at most %.2f×", attempts, calls, amp, tt.wantAt)
				}
				t.Logf("%s: %d calls, %d attempts, %.3f×", tt.name, calls, attempts, amp)
			})
		})
	}
}

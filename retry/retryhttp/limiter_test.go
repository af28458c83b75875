package retryhttp_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/internal/limitersim"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/wait"
)

// limiterRun is how long clients start requests: 20s here, to stay quick under
// -race (60s in the benchmarks module).
const limiterRun = 20 * time.Second

// countingBudget is a Budget that counts the retries the budget it wraps refuses.
type countingBudget struct {
	retry.Budget
	refused atomic.Int64
}

func (b *countingBudget) Allow(c retry.Class) bool {
	ok := b.Budget.Allow(c)
	if !ok {
		b.refused.Add(1)
	}
	return ok
}

// limiterTransport returns the RoundTrip of a Transport over base whose Policy
// is the zero Policy but for Budget (nil for none) and a Wait that is the
// engine's default, full jitter up to 100ms·2^(n-1) after attempt n, at most
// 10s, drawn from src. That Wait never chooses a pause in the limiter scenario,
// as every refusal carries a Retry-After; it is seeded so that the runs stay
// deterministic if it ever does. The bare client calls base.RoundTrip in the same way.
func limiterTransport(base http.RoundTripper, src *limitersim.Source, b retry.Budget) limitersim.Do {
	return (&retryhttp.Transport{Base: base, Policy: &retry.Policy{
		Wait:   wait.FullJitter(100*time.Millisecond, 10*time.Second, wait.WithSource(src)),
		Budget: b,
	}}).RoundTrip
}

// TestLimiter is issue 12's limiter case, deterministic: 64 closed-loop clients
// against a server that admits 300 requests a second (burst 30) and refuses the
// rest with 429, or 503, and Retry-After: 1 (see internal/limitersim). With
// the default budget, or any budget of package budget, a client must never do
// worse than a bare client, and with no budget the zero Transport must get at
// least 99% of its requests through.
func TestLimiter(t *testing.T) {
	budgets := []struct {
		name string
		new  func() retry.Budget // called inside the bubble: a Ratio reads the clock
	}{
		{"budget.Default()", func() retry.Budget { return budget.Default() }},
		{"budget.NewTokenBucket(10, 0.2)", func() retry.Budget { return budget.NewTokenBucket(10, 0.2) }},
		{"budget.NewRatio(0.2, 10, 10s)", func() retry.Budget { return budget.NewRatio(0.2, 10, 10*time.Second) }},
	}
	for _, code := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			bare := limitersim.Run(t, code, limitersim.BareRun, func(base http.RoundTripper, _ *limitersim.Source) limitersim.Do {
				return base.RoundTrip
			}, nil)
			t.Logf("%d limiter, %-50s %v", code, "bare client (Base, no Transport):", bare)
			zero := limitersim.Run(t, code, limiterRun, func(base http.RoundTripper, src *limitersim.Source) limitersim.Do {
				return limiterTransport(base, src, nil)
			}, nil)
			t.Logf("%d limiter, %-50s %v", code, "zero Transport:", zero)
			if zero.Success() < 0.99 {
				t.Errorf("zero Transport: success %.1f%%, want at least 99%%", 100*zero.Success())
			}
			for _, b := range budgets {
				var counted *countingBudget
				got := limitersim.Run(t, code, limiterRun, func(base http.RoundTripper, src *limitersim.Source) limitersim.Do {
					counted = &countingBudget{Budget: b.new()}
					return limiterTransport(base, src, counted)
				}, nil)
				t.Logf("%d limiter, %-50s %v; %d retries refused", code, "zero Transport + "+b.name+":", got, counted.refused.Load())
				if got.Success() < bare.Success() {
					t.Errorf("with %s: success %.1f%%, want at least the bare client's %.1f%%",
						b.name, 100*got.Success(), 100*bare.Success())
				}
			}
		})
	}
}

// refuseAll is a Budget that refuses every retry.
type refuseAll struct{}

func (refuseAll) Allow(retry.Class) bool             { return false }
func (refuseAll) Attempted(retry.Class, retry.Class) {}

// TestLimiterRefusedRetryKeepsServerPace: in the limiter scenario, a client whose
// budget refuses every retry still waits out the server's Retry-After before its
// round trip returns the refusal, so that a caller who sends its next request at
// once is slowed to the server's pace: at most one refused request a second, where
// a bare client sends two hundred.
func TestLimiterRefusedRetryKeepsServerPace(t *testing.T) {
	for _, code := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			// perSecond counts the requests of client 0 that started in each
			// virtual second; refusals counts those that were refused.
			var perSecond, refusals [limiterRun / time.Second]int
			var held int
			check := func(r limitersim.Request) {
				if r.Status != http.StatusOK {
					// The round trip returned the server's last refusal: it
					// must have waited out its Retry-After first.
					if r.Status != code || r.Answer != code {
						t.Errorf("client %d got %d, server last answered %d: want %d", r.Client, r.Status, r.Answer, code)
					}
					if wait := r.End - r.AnsweredAt; wait < time.Second {
						t.Errorf("client %d: round trip returned the refusal of %v %v after it, want at least Retry-After's 1s",
							r.Client, r.AnsweredAt, wait)
					} else {
						held++
					}
				}
				if r.Client == 0 {
					perSecond[r.Start/time.Second]++
					if r.Status != http.StatusOK {
						refusals[r.Start/time.Second]++
					}
				}
			}
			res := limitersim.Run(t, code, limiterRun, func(base http.RoundTripper, src *limitersim.Source) limitersim.Do {
				return limiterTransport(base, src, refuseAll{})
			}, check)
			t.Logf("%d limiter, budget refusing every retry: %v; %d refusals held for Retry-After", code, res, held)
			t.Logf("client 0, requests started per virtual second: %v", perSecond)
			if res.Attempts != res.Requests {
				t.Errorf("%d attempts for %d requests, want one each: the budget refuses every retry", res.Attempts, res.Requests)
			}
			if held == 0 {
				t.Errorf("no request was refused: the scenario does not overload the server")
			}
			for s, n := range refusals {
				// A refused request ends at least 1s after it was refused.
				if n > 1 {
					t.Errorf("client 0 started %d requests that were refused in second %d, want at most 1", n, s)
				}
			}
			// 64 clients refused at Retry-After's pace offer at most 64 requests
			// a second beyond what the server admits (with 10% to spare); bare,
			// they would offer 12,800.
			if limit := (limitersim.Rate + limitersim.Clients) * int(limiterRun/time.Second) * 11 / 10; res.Attempts > limit {
				t.Errorf("server saw %d requests in %v, want at most %d", res.Attempts, limiterRun, limit)
			}
		})
	}
}

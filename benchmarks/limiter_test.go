package benchmarks

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/failsafehttp"
	"github.com/hashicorp/go-retryablehttp"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/internal/limitersim"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// Scenario 8, the limiter: issue 12's measurement against nginx, in miniature and
// in virtual time (testing/synctest), so that it is deterministic and takes a
// second or two. A server admits 300 requests a second (a token bucket holding
// up to 30) and answers the rest at once with a 429, or a 503, and Retry-After: 1;
// 64 clients each send their next request as soon as the last one ends, each
// request with a 10s deadline. Every round trip takes 5ms, so that 64 bare
// clients offer about 12,800 requests a second, 43 times what the server admits.
// The scenario is internal/limitersim, which TestLimiter in retry/retryhttp runs
// too; here it runs with the other libraries.
//
//	go test -run TestLimiter -v .
const (
	limiterRun = 60 * time.Second // clients start requests for this long
	// limiterAttempts is the attempts issue 12 gave go-retryablehttp and
	// failsafehttp: 5. The zero Transport makes 4.
	limiterAttempts = 5
)

// tenaciousLimiter is tenacious's zero Transport with b as its Budget (nil for
// none) and its default Wait seeded with src: full jitter from 100ms to 10s
// (retry's default), which never chooses a pause here, as every refusal carries a
// Retry-After.
func tenaciousLimiter(base http.RoundTripper, src *limitersim.Source, b retry.Budget) limitersim.Do {
	return (&retryhttp.Transport{Base: base, Policy: &retry.Policy{
		Wait:   wait.FullJitter(100*time.Millisecond, 10*time.Second, wait.WithSource(src)),
		Budget: b,
	}}).RoundTrip
}

// refuseAll is a Budget that refuses every retry.
type refuseAll struct{}

func (refuseAll) Allow(retry.Class) bool             { return false }
func (refuseAll) Attempted(retry.Class, retry.Class) {}

// limiterClient is one way of sending the scenario's requests. Names have no
// spaces: cmd/summarize reads them.
type limiterClient struct {
	name  string
	run   time.Duration
	newDo func(base http.RoundTripper, src *limitersim.Source) limitersim.Do
}

var limiterClientsUnderTest = []limiterClient{
	{"bare", limitersim.BareRun, func(base http.RoundTripper, _ *limitersim.Source) limitersim.Do {
		return base.RoundTrip
	}},
	{"tenacious", limiterRun, func(base http.RoundTripper, src *limitersim.Source) limitersim.Do {
		return tenaciousLimiter(base, src, nil)
	}},
	{"tenacious+budget.Default", limiterRun, func(base http.RoundTripper, src *limitersim.Source) limitersim.Do {
		return tenaciousLimiter(base, src, budget.Default())
	}},
	{"tenacious+budget.NewTokenBucket(10,0.2)", limiterRun, func(base http.RoundTripper, src *limitersim.Source) limitersim.Do {
		// gRPC's token bucket, the v0 default budget.
		return tenaciousLimiter(base, src, budget.NewTokenBucket(10, 0.2))
	}},
	{"tenacious+refusing-budget", limiterRun, func(base http.RoundTripper, src *limitersim.Source) limitersim.Do {
		// A budget that refuses every retry: each request makes one attempt,
		// and a refusal is returned after its Retry-After.
		return tenaciousLimiter(base, src, refuseAll{})
	}},
	{"tenacious-5-attempts", limiterRun, func(base http.RoundTripper, src *limitersim.Source) limitersim.Do {
		// The zero Transport with the peers' 5 attempts, for a like-for-like
		// comparison.
		return (&retryhttp.Transport{Base: base, Policy: &retry.Policy{
			Stop: stop.AfterAttempts(limiterAttempts),
			Wait: wait.FullJitter(100*time.Millisecond, 10*time.Second, wait.WithSource(src)),
		}}).RoundTrip
	}},
	{"go-retryablehttp", limiterRun, func(base http.RoundTripper, _ *limitersim.Source) limitersim.Do {
		// Its defaults, which honour Retry-After on a 429 or 503 (DefaultBackoff)
		// and retry both (DefaultRetryPolicy), with 5 attempts.
		c := retryablehttp.NewClient()
		c.HTTPClient = &http.Client{Transport: base}
		c.Logger = nil // it logs every request by default
		c.RetryMax = limiterAttempts - 1
		return c.StandardClient().Do
	}},
	{"failsafehttp", limiterRun, func(base http.RoundTripper, _ *limitersim.Source) limitersim.Do {
		// failsafehttp's retry policy, which retries a 429 or a 5xx but 501 and
		// waits for Retry-After (its DelayFunc), with 5 attempts.
		policy := failsafehttp.NewRetryPolicyBuilder().WithMaxAttempts(limiterAttempts).Build()
		return failsafehttp.NewRoundTripper(base, policy).RoundTrip
	}},
}

// limiterDiagnostics are runs that explain the table rather than belong in it:
// TestLimiter logs them, and cmd/summarize leaves them out.
var limiterDiagnostics = []limiterClient{
	{"tenacious-6-attempts", limiterRun, func(base http.RoundTripper, src *limitersim.Source) limitersim.Do {
		return (&retryhttp.Transport{Base: base, Policy: &retry.Policy{
			Stop: stop.AfterAttempts(6),
			Wait: wait.FullJitter(100*time.Millisecond, 10*time.Second, wait.WithSource(src)),
		}}).RoundTrip
	}},
	{"tenacious-fixed-1s-5-attempts", limiterRun, func(base http.RoundTripper, _ *limitersim.Source) limitersim.Do {
		// Hints ignored and a pause of exactly 1s, without jitter: what the
		// peers do with Retry-After: 1.
		return (&retryhttp.Transport{Base: base, Policy: &retry.Policy{
			Stop:          stop.AfterAttempts(limiterAttempts),
			Wait:          wait.Fixed(time.Second),
			MaxRetryAfter: -1,
		}}).RoundTrip
	}},
}

// TestLimiter runs scenario 8 for every client, against the 429 and the 503
// limiter, and logs a line per run that cmd/summarize reads ("limiter: CODE
// CLIENT requests=N ok=N attempts=N seconds=S"), then a table, then the
// diagnostic runs against the 429 limiter. It checks only
// what must hold for the comparison to mean anything: that the bare client fails
// most of its requests, and that no client does worse than it.
func TestLimiter(t *testing.T) {
	codes := []int{http.StatusTooManyRequests, http.StatusServiceUnavailable}
	results := map[string][]limitersim.Result{}
	for _, code := range codes {
		for _, c := range limiterClientsUnderTest {
			res := limitersim.Run(t, code, c.run, c.newDo, nil)
			t.Logf("limiter: %d %s requests=%d ok=%d attempts=%d seconds=%g",
				code, c.name, res.Requests, res.OK, res.Attempts, c.run.Seconds())
			results[c.name] = append(results[c.name], res)
		}
	}
	var table strings.Builder
	table.WriteString("\n| client | ok (429) | attempts/request | ok/s | ok (503) | attempts/request | ok/s |\n" +
		"| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	bare := results["bare"]
	for _, c := range limiterClientsUnderTest {
		fmt.Fprintf(&table, "| %s |", c.name)
		for i, r := range results[c.name] {
			fmt.Fprintf(&table, " %.2f%% | %.2f | %.0f |", 100*r.Success(), r.MeanAttempts(), float64(r.OK)/c.run.Seconds())
			if r.Success() < bare[i].Success() {
				t.Errorf("%d limiter, %s: success %.2f%%, below the bare client's %.2f%%",
					codes[i], c.name, 100*r.Success(), 100*bare[i].Success())
			}
		}
		table.WriteString("\n")
	}
	t.Log(table.String())
	for _, c := range limiterDiagnostics {
		res := limitersim.Run(t, http.StatusTooManyRequests, c.run, c.newDo, nil)
		t.Logf("diagnostic, 429 limiter, %s: %.2f%% ok, %.2f attempts/request, %.0f ok/s (requests=%d ok=%d attempts=%d)",
			c.name, 100*res.Success(), res.MeanAttempts(), float64(res.OK)/c.run.Seconds(), res.Requests, res.OK, res.Attempts)
	}
	for i, r := range bare {
		if r.Success() > 0.1 {
			t.Errorf("%d limiter, bare client: success %.2f%%, want under 10%%: the server is not overloaded",
				codes[i], 100*r.Success())
		}
	}
}

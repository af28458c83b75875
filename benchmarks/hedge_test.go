package benchmarks

import (
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/failsafehttp"
	"github.com/failsafe-go/failsafe-go/hedgepolicy"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
)

// The hedging scenario (issue 14): a loopback server whose latency is heavy-tailed,
// fastLatency for 95% of the requests it receives and slowLatency for the other
// 5%, drawn for each request it receives, hedges included, from a source seeded
// the same way for every setup. Closed-loop clients send GETs through one
// http.Client per hedging setup, over HTTP/1.1, and read each response whole.
//
// By default (as in CI) it measures 200 requests per setup, enough to see that
// everything works; the published numbers come from
//
//	cd benchmarks && go test -run TestHedgeLatency -v -args -requests 5000
var (
	hedgeRequests = flag.Int("requests", 200, "TestHedgeLatency: requests measured per hedging setup")
	hedgeClients  = flag.Int("clients", 8, "TestHedgeLatency: concurrent closed-loop clients")
	hedgeWarmUp   = flag.Int("warmup", 64, "TestHedgeLatency: requests per setup before the measure, for connections and adaptive delays")
)

// The server's latency: fastLatency, or slowLatency with probability slowShare.
const (
	fastLatency = 2 * time.Millisecond
	slowLatency = 100 * time.Millisecond
	slowShare   = 0.05
)

// hedgeSetup is one way of sending the scenario's requests.
type hedgeSetup struct {
	name string
	// client returns the RoundTripper that sends the requests through base, and
	// the budget that pays for its hedges, if any; it is called once per run.
	client func(base http.RoundTripper) (http.RoundTripper, *countingBudget)
}

// countingBudget is a Budget that counts the extra attempts (hedges) the budget
// it wraps refuses.
type countingBudget struct {
	retry.Budget
	refused atomic.Int64
}

func (b *countingBudget) Allow(c retry.Class) bool {
	ok := b.Budget.Allow(c)
	if !ok && c == retry.ClassExtra {
		b.refused.Add(1)
	}
	return ok
}

// hedgeSetups are the setups compared: no hedging, tenacious's fixed and adaptive
// delays (with the AWS quota, which pays for every hedge), and failsafe-go's hedge
// policy with the same delays.
var hedgeSetups = []hedgeSetup{
	{"no hedging", func(base http.RoundTripper) (http.RoundTripper, *countingBudget) {
		return &retryhttp.Transport{Base: base, Policy: &retry.Policy{Budget: budget.NewQuota(500, 14, 5)}}, nil
	}},
	tenaciousHedge("hedge.Fixed(10ms, 1)", func() retry.Hedger { return hedge.Fixed(10*time.Millisecond, 1) }),
	tenaciousHedge("hedge.Fixed(3ms, 1)", func() retry.Hedger { return hedge.Fixed(3*time.Millisecond, 1) }),
	tenaciousHedge("hedge.Fixed(3ms, 2)", func() retry.Hedger { return hedge.Fixed(3*time.Millisecond, 2) }),
	{"tenacious hedge.Fixed(3ms, 2), no budget", func(base http.RoundTripper) (http.RoundTripper, *countingBudget) {
		return &retryhttp.Transport{Base: base, Policy: &retry.Policy{Hedger: hedge.Fixed(3*time.Millisecond, 2)}}, nil
	}},
	tenaciousHedge("hedge.NewQuantile(0.95, 1ms, 50ms, 1)", func() retry.Hedger { return hedge.NewQuantile(0.95, time.Millisecond, 50*time.Millisecond, 1) }),
	tenaciousHedge("hedge.NewQuantile(0.9, 1ms, 50ms, 1)", func() retry.Hedger { return hedge.NewQuantile(0.9, time.Millisecond, 50*time.Millisecond, 1) }),
	failsafeHedge("NewWithDelay(10ms)", func() hedgepolicy.HedgePolicy[*http.Response] {
		return hedgepolicy.NewWithDelay[*http.Response](10 * time.Millisecond)
	}),
	failsafeHedge("NewWithDelay(3ms)", func() hedgepolicy.HedgePolicy[*http.Response] {
		return hedgepolicy.NewWithDelay[*http.Response](3 * time.Millisecond)
	}),
	failsafeHedge("NewBuilderWithDelay(3ms).WithMaxHedges(2)", func() hedgepolicy.HedgePolicy[*http.Response] {
		return hedgepolicy.NewBuilderWithDelay[*http.Response](3 * time.Millisecond).WithMaxHedges(2).Build()
	}),
	failsafeHedge("NewWithDelayQuantile(0.95, 256, 32)", func() hedgepolicy.HedgePolicy[*http.Response] {
		return hedgepolicy.NewWithDelayQuantile[*http.Response](0.95, 256, 32)
	}),
	failsafeHedge("NewWithDelayQuantile(0.9, 256, 32)", func() hedgepolicy.HedgePolicy[*http.Response] {
		return hedgepolicy.NewWithDelayQuantile[*http.Response](0.9, 256, 32)
	}),
}

// tenaciousHedge is a retryhttp.Transport whose Policy has the Hedger newHedger
// returns, made per run (a Quantile learns), and the AWS quota, which pays for
// every hedge: budget.NewQuota(500, 14, 5), the default budget when the README's
// figures were measured (budget.Default, since issue 23, pays a hedge with four
// accepted attempts' gains, so that hedges add at most one attempt for four
// calls).
func tenaciousHedge(name string, newHedger func() retry.Hedger) hedgeSetup {
	return hedgeSetup{"tenacious " + name, func(base http.RoundTripper) (http.RoundTripper, *countingBudget) {
		b := &countingBudget{Budget: budget.NewQuota(500, 14, 5)}
		return &retryhttp.Transport{Base: base, Policy: &retry.Policy{Hedger: newHedger(), Budget: b}}, b
	}}
}

// failsafeHedge is failsafe-go's RoundTripper with the hedge policy newPolicy
// returns, made per run.
func failsafeHedge(name string, newPolicy func() hedgepolicy.HedgePolicy[*http.Response]) hedgeSetup {
	return hedgeSetup{"failsafe-go hedgepolicy." + name, func(base http.RoundTripper) (http.RoundTripper, *countingBudget) {
		return failsafehttp.NewRoundTripper(base, newPolicy()), nil
	}}
}

// hedgeResult is what one run of a setup measured.
type hedgeResult struct {
	latencies []time.Duration // of the measured requests, sorted
	received  int             // requests the server received for them, hedges included
	conns     int             // connections the server accepted during the measure
	refused   int             // hedges the budget refused during the measure; -1 without a budget
}

func (r hedgeResult) quantile(q float64) time.Duration {
	i := int(math.Ceil(q*float64(len(r.latencies)))) - 1
	return r.latencies[min(max(i, 0), len(r.latencies)-1)]
}

// extra is the share of the requests sent beyond one per call.
func (r hedgeResult) extra() float64 {
	n := len(r.latencies)
	return float64(r.received-n) / float64(n)
}

// hedgeServer is the scenario's server: it draws each request's latency from a
// source seeded the same way for every run.
type hedgeServer struct {
	srv      *httptest.Server
	mu       sync.Mutex
	rnd      *rand.Rand
	received atomic.Int64
	conns    atomic.Int64
}

func newHedgeServer() *hedgeServer {
	s := &hedgeServer{rnd: rand.New(rand.NewPCG(14, 14))}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.received.Add(1)
		s.mu.Lock()
		d := fastLatency
		if s.rnd.Float64() < slowShare {
			d = slowLatency
		}
		s.mu.Unlock()
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-timer.C:
			_, _ = io.WriteString(w, "hello, tenacious")
		case <-r.Context().Done(): // a hedge that lost, canceled
		}
	}))
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.srv.Start()
	return s
}

// runHedge sends warmUp requests, then requests measured ones, through setup's
// client from clients closed-loop goroutines, against a fresh server.
func runHedge(t testing.TB, setup hedgeSetup, requests, clients, warmUp int) hedgeResult {
	s := newHedgeServer()
	defer s.srv.Close()
	base := &http.Transport{MaxIdleConnsPerHost: 4 * clients}
	defer base.CloseIdleConnections()
	rt, b := setup.client(base)
	client := &http.Client{Transport: rt}
	get := func() (time.Duration, error) {
		start := time.Now()
		resp, err := client.Get(s.srv.URL)
		if err != nil {
			return 0, err
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		took := time.Since(start)
		if err != nil || resp.StatusCode != http.StatusOK || string(body) != "hello, tenacious" {
			return 0, fmt.Errorf("got %d %q, %v", resp.StatusCode, body, err)
		}
		return took, nil
	}
	// Closed loop: each goroutine sends its share, one request after another.
	phase := func(n int, record bool) []time.Duration {
		var mu sync.Mutex
		var all []time.Duration
		var wg sync.WaitGroup
		for c := range clients {
			share := n / clients
			if c < n%clients {
				share++
			}
			wg.Go(func() {
				mine := make([]time.Duration, 0, share)
				for range share {
					d, err := get()
					if err != nil {
						t.Errorf("%s: %v", setup.name, err)
						return
					}
					mine = append(mine, d)
				}
				if record {
					mu.Lock()
					all = append(all, mine...)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return all
	}
	phase(warmUp, false)
	received, conns := s.received.Load(), s.conns.Load()
	refused := int64(0)
	if b != nil {
		refused = b.refused.Load()
	}
	latencies := phase(requests, true)
	slices.Sort(latencies)
	r := hedgeResult{
		latencies: latencies,
		received:  int(s.received.Load() - received),
		conns:     int(s.conns.Load() - conns),
		refused:   -1,
	}
	if b != nil {
		r.refused = int(b.refused.Load() - refused)
	}
	return r
}

// TestHedgeLatency runs every hedging setup against the heavy-tailed server and
// logs, as a Markdown table, the latency quantiles of the calls, the requests
// sent beyond one per call and the connections opened. It fails only if a call
// fails: the numbers depend on the machine.
func TestHedgeLatency(t *testing.T) {
	if *hedgeRequests < 1 || *hedgeClients < 1 || *hedgeWarmUp < 0 {
		t.Fatalf("-requests %d -clients %d -warmup %d: want at least 1, 1 and 0", *hedgeRequests, *hedgeClients, *hedgeWarmUp)
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%d requests after %d of warm-up, %d closed-loop clients; server: %v, or %v for %.0f%% of requests\n\n",
		*hedgeRequests, *hedgeWarmUp, *hedgeClients, fastLatency, slowLatency, 100*slowShare)
	table.WriteString("| Setup | p50 | p90 | p99 | p99.9 | max | p99/p50 | extra requests | hedges refused | new connections |\n")
	table.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, setup := range hedgeSetups {
		r := runHedge(t, setup, *hedgeRequests, *hedgeClients, *hedgeWarmUp)
		if t.Failed() {
			return
		}
		p50 := r.quantile(0.5)
		refused := "–"
		if r.refused >= 0 {
			refused = fmt.Sprint(r.refused)
		}
		fmt.Fprintf(&table, "| %s | %s | %s | %s | %s | %s | %.1f× | %.1f%% | %s | %d |\n", setup.name,
			ms(p50), ms(r.quantile(0.9)), ms(r.quantile(0.99)), ms(r.quantile(0.999)), ms(r.latencies[len(r.latencies)-1]),
			float64(r.quantile(0.99))/float64(p50), 100*r.extra(), refused, r.conns)
	}
	t.Log("\n" + table.String())
}

// ms formats d in milliseconds, with two decimals.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

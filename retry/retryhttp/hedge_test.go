package retryhttp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// slowBase is a Base, safe for concurrent use, for tests of hedging under
// testing/synctest: attempt n (1-based, in the order Base sees them) answers as
// plan says, after its latency. An attempt whose context ends first returns the
// context's error, and a body whose request's context has ended fails to read,
// as net/http's do, unless the attempt's plan ignores the context.
type slowBase struct {
	plan func(n int) plan

	mu       sync.Mutex
	n        int
	bodies   []*slowBody // the response bodies handed out, by attempt
	got      []string    // the request bodies received, by attempt
	starts   []time.Time // when each attempt reached Base
	inflight int         // attempts in Base's RoundTrip now
	most     int         // the most attempts in Base's RoundTrip at once
}

// plan is how an attempt of a slowBase answers.
type plan struct {
	latency    time.Duration
	code       int    // 200 if zero
	retryAfter string // the Retry-After header of the response, if any
	ignores    bool   // answers after latency even if its context ends first
}

func (b *slowBase) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		_ = req.Body.Close()
	}
	b.mu.Lock()
	b.n++
	n := b.n
	b.got = append(b.got, string(body))
	b.starts = append(b.starts, time.Now())
	b.inflight++
	b.most = max(b.most, b.inflight)
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		b.inflight--
		b.mu.Unlock()
	}()
	p := b.plan(n)
	if p.code == 0 {
		p.code = http.StatusOK
	}
	if p.ignores {
		time.Sleep(p.latency)
	} else {
		timer := time.NewTimer(p.latency)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
	rb := &slowBody{Reader: strings.NewReader(fmt.Sprintf("attempt %d", n)), n: n}
	if !p.ignores {
		rb.ctx = req.Context()
	}
	b.mu.Lock()
	b.bodies = append(b.bodies, rb)
	b.mu.Unlock()
	h := http.Header{}
	if p.retryAfter != "" {
		h.Set("Retry-After", p.retryAfter)
	}
	return &http.Response{StatusCode: p.code, Status: http.StatusText(p.code), Header: h, Body: rb, Request: req}, nil
}

// sent returns how many attempts Base saw.
func (b *slowBase) sent() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n
}

// gauge returns how many attempts are in Base's RoundTrip now, and the most
// that were at once.
func (b *slowBase) gauge() (now, most int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.inflight, b.most
}

// startsSince returns when each attempt reached Base, as offsets from t0.
func (b *slowBase) startsSince(t0 time.Time) []time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	var d []time.Duration
	for _, s := range b.starts {
		d = append(d, s.Sub(t0))
	}
	return d
}

// checkBodies fails the test unless every body handed out but the one of attempt
// returned was closed exactly once, and read to its end first (drained, so that
// its connection is reused).
func (b *slowBase) checkBodies(t *testing.T, returned int) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, body := range b.bodies {
		closes, drained := body.state()
		switch {
		case body.n == returned && closes != 0:
			t.Errorf("the body of attempt %d, returned, was closed %d times before the caller closed it", body.n, closes)
		case body.n != returned && (closes != 1 || !drained):
			t.Errorf("the body of attempt %d, discarded, was closed %d times (drained: %v), want once, drained", body.n, closes, drained)
		}
	}
}

// slowBody is a response body that records whether it was read to its end and how
// many times it was closed.
type slowBody struct {
	*strings.Reader
	n   int
	ctx context.Context // the request's, which ends the body; nil if the plan ignores it

	mu      sync.Mutex
	closes  int
	drained bool
}

func (b *slowBody) Read(p []byte) (int, error) {
	if b.ctx != nil && b.ctx.Err() != nil { // as net/http's bodies, which end with their request
		return 0, b.ctx.Err()
	}
	n, err := b.Reader.Read(p)
	if err == io.EOF {
		b.mu.Lock()
		b.drained = true
		b.mu.Unlock()
	}
	return n, err
}

func (b *slowBody) Close() error {
	b.mu.Lock()
	b.closes++
	b.mu.Unlock()
	return nil
}

func (b *slowBody) state() (closes int, drained bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closes, b.drained
}

// hedgeLog records the hooks of p's round trips, in order: the engine runs them
// one at a time, on the round trip's goroutine.
func hedgeLog(p *retry.Policy) *[]string {
	var log []string
	rec := func(name string) retry.Hook {
		return retry.HookFunc(func(a retry.Attempt) {
			e := fmt.Sprintf("%s %d", name, a.Number)
			if a.Hedge {
				e += " hedge"
			}
			var se *retryhttp.StatusError
			if errors.As(a.Err, &se) {
				e += fmt.Sprintf(" %d", se.Code)
			} else if a.Err != nil {
				e += " error"
			}
			if a.Reason != 0 {
				e += " " + a.Reason.String()
			}
			log = append(log, e)
		})
	}
	p.Before, p.After, p.BeforeSleep, p.OnEnd = rec("before"), rec("after"), rec("sleep"), rec("end")
	return &log
}

// readBody reads and closes resp's body.
func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	return string(b)
}

// TestHedgeSchedules runs hedged GETs (a Hedger that hedges after 100ms, once)
// through exact schedules: which attempt wins, when RoundTrip returns, what the
// hooks see, that no more than 2 attempts are in flight and no goroutine outlives
// the round trip, and that every response but the one returned is drained and
// closed exactly once.
func TestHedgeSchedules(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name     string
		plans    []plan // attempt n follows plans[n-1], the last one after
		stop     retry.Stop
		status   int           // of the response returned
		winner   int           // the attempt whose response is returned
		took     time.Duration // until RoundTrip returns
		hits     int           // attempts sent
		hooks    []string
		discards int // responses discarded
	}{
		{
			name:   "the hedge wins and the first, answered after, is drained",
			plans:  []plan{{latency: 150 * ms, ignores: true}, {latency: 10 * ms}},
			status: 200, winner: 2, took: 150 * ms, hits: 2, discards: 1,
			hooks: []string{"before 1", "before 2 hedge", "after 2 hedge", "end 2 hedge success"},
		},
		{
			name:   "the hedge wins and the first is canceled in flight",
			plans:  []plan{{latency: time.Second}, {latency: 10 * ms}},
			status: 200, winner: 2, took: 110 * ms, hits: 2,
			hooks: []string{"before 1", "before 2 hedge", "after 2 hedge", "end 2 hedge success"},
		},
		{
			name:   "the first wins before the hedge",
			plans:  []plan{{latency: 50 * ms}},
			status: 200, winner: 1, took: 50 * ms, hits: 1,
			hooks: []string{"before 1", "after 1", "end 1 success"},
		},
		{
			name:   "the first wins after the hedge started",
			plans:  []plan{{latency: 150 * ms}, {latency: time.Second}},
			status: 200, winner: 1, took: 150 * ms, hits: 2,
			hooks: []string{"before 1", "before 2 hedge", "after 1", "end 2 success"}, // OnEnd: 2 started
		},
		{
			// The 503 at 150ms starts nothing, the hedge being in flight; the
			// next hedge is due 100ms after the latest start, at 200ms.
			name:   "a 503 while the hedge runs waits for the next hedge",
			plans:  []plan{{latency: 150 * ms, code: 503}, {latency: time.Second}, {latency: 10 * ms}},
			status: 200, winner: 3, took: 210 * ms, hits: 3, discards: 1,
			hooks: []string{"before 1", "before 2 hedge", "after 1 503", "before 3 hedge", "after 3 hedge", "end 3 hedge success"},
		},
		{
			// The hedge fails at 180ms, before the next hedge is due (200ms).
			name:   "both fail: the last 503 is returned, the other discarded",
			plans:  []plan{{latency: 150 * ms, code: 503}, {latency: 80 * ms, code: 503}},
			stop:   stop.AfterAttempts(2),
			status: 503, winner: 2, took: 180 * ms, hits: 2, discards: 1,
			hooks: []string{"before 1", "before 2 hedge", "after 1 503", "after 2 hedge 503", "end 2 hedge 503 stop"},
		},
		{
			name:   "a 404 of the hedge ends the round trip",
			plans:  []plan{{latency: time.Second}, {latency: 10 * ms, code: 404}},
			status: 404, winner: 2, took: 110 * ms, hits: 2,
			hooks: []string{"before 1", "before 2 hedge", "after 2 hedge 404", "end 2 hedge 404 not_retried"},
		},
		{
			name:   "Stop leaves no attempt for a hedge",
			plans:  []plan{{latency: time.Second}},
			stop:   stop.AfterAttempts(1),
			status: 200, winner: 1, took: time.Second, hits: 1,
			hooks: []string{"before 1", "after 1", "end 1 success"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				base := &slowBase{plan: func(n int) plan { return tt.plans[min(n, len(tt.plans))-1] }}
				p := &retry.Policy{Hedger: hedge.Fixed(100*ms, 1), Wait: wait.None(), Stop: tt.stop}
				log := hedgeLog(p)
				tr := &retryhttp.Transport{Base: base, Policy: p}
				start := time.Now()
				resp, err := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
				took := time.Since(start)
				noCallLeft(t)
				if err != nil {
					t.Fatalf("RoundTrip: %v", err)
				}
				if _, most := base.gauge(); most > 2 {
					t.Errorf("%d attempts in flight at once, want at most 2", most)
				}
				base.checkBodies(t, tt.winner)
				body := readBody(t, resp)
				if resp.StatusCode != tt.status || body != fmt.Sprintf("attempt %d", tt.winner) || took != tt.took {
					t.Errorf("RoundTrip = %d %q after %v, want %d %q after %v", resp.StatusCode, body, took, tt.status, fmt.Sprintf("attempt %d", tt.winner), tt.took)
				}
				if got := base.sent(); got != tt.hits {
					t.Errorf("Base saw %d attempts, want %d", got, tt.hits)
				}
				if diff := cmp.Diff(tt.hooks, *log); diff != "" {
					t.Errorf("hooks (-want +got):\n%s", diff)
				}
				discarded := 0
				for _, b := range base.bodies {
					if b.n != tt.winner {
						discarded++
					}
				}
				if discarded != tt.discards {
					t.Errorf("%d responses discarded, want %d", discarded, tt.discards)
				}
			})
		})
	}
}

// TestHedgeReplaysBody: a hedged PUT sends its body, whole, with every attempt,
// and never modifies the request.
func TestHedgeReplaysBody(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		base := &slowBase{plan: func(n int) plan {
			if n == 1 {
				return plan{latency: time.Second}
			}
			return plan{latency: 10 * time.Millisecond}
		}}
		tr := &retryhttp.Transport{Base: base, Policy: &retry.Policy{Hedger: hedge.Fixed(100*time.Millisecond, 1)}}
		req, _ := http.NewRequest(http.MethodPut, "http://api.invalid/", strings.NewReader("payload"))
		before := snap(req)
		resp, err := tr.RoundTrip(req)
		noCallLeft(t)
		if err != nil {
			t.Fatal(err)
		}
		if got := readBody(t, resp); got != "attempt 2" || resp.Request != req {
			t.Errorf("RoundTrip = %q for request %p, want the hedge's answer for the caller's request %p", got, resp.Request, req)
		}
		if diff := cmp.Diff([]string{"payload", "payload"}, base.got); diff != "" {
			t.Errorf("bodies received (-want +got):\n%s", diff)
		}
		bodyOpt := cmp.Comparer(func(a, b io.ReadCloser) bool { return a == b })
		ctxOpt := cmp.Comparer(func(a, b context.Context) bool { return a == b })
		if diff := cmp.Diff(before, snap(req), bodyOpt, ctxOpt); diff != "" {
			t.Errorf("request modified (-before +after):\n%s", diff)
		}
	})
}

// TestHedgeOnlySafeRequests: with a Hedger, a slow request that is not safe to
// send twice (a POST, a body without GetBody, a request made with
// retry.WithoutRetry) is sent once, and one made safe (an Idempotency-Key,
// WithIdempotent) is hedged.
func TestHedgeOnlySafeRequests(t *testing.T) {
	tests := []struct {
		name string
		req  func() *http.Request
		want int // attempts sent
	}{
		{"POST", func() *http.Request {
			req, _ := http.NewRequest(http.MethodPost, "http://api.invalid/", strings.NewReader("x"))
			return req
		}, 1},
		{"PATCH", func() *http.Request {
			req, _ := http.NewRequest(http.MethodPatch, "http://api.invalid/", strings.NewReader("x"))
			return req
		}, 1},
		{"PUT without GetBody", func() *http.Request {
			req, _ := http.NewRequest(http.MethodPut, "http://api.invalid/", opaque{strings.NewReader("x")})
			return req
		}, 1},
		{"GET WithoutRetry", func() *http.Request {
			req, _ := http.NewRequestWithContext(retry.WithoutRetry(context.Background()), http.MethodGet, "http://api.invalid/", nil)
			return req
		}, 1},
		{"POST with an Idempotency-Key", func() *http.Request {
			req, _ := http.NewRequest(http.MethodPost, "http://api.invalid/", strings.NewReader("x"))
			req.Header.Set("Idempotency-Key", "k1")
			return req
		}, 2},
		{"POST WithIdempotent", func() *http.Request {
			req, _ := http.NewRequestWithContext(retryhttp.WithIdempotent(context.Background()), http.MethodPost, "http://api.invalid/", strings.NewReader("x"))
			return req
		}, 2},
		{"GET", func() *http.Request {
			req, _ := http.NewRequest(http.MethodGet, "http://api.invalid/", nil)
			return req
		}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				base := &slowBase{plan: func(int) plan { return plan{latency: time.Second} }}
				p := &retry.Policy{Hedger: hedge.Fixed(100*time.Millisecond, 1)}
				log := hedgeLog(p)
				tr := &retryhttp.Transport{Base: base, Policy: p}
				start := time.Now()
				resp, err := tr.RoundTrip(tt.req())
				noCallLeft(t)
				if err != nil {
					t.Fatal(err)
				}
				if got := base.sent(); got != tt.want || time.Since(start) != time.Second {
					t.Errorf("Base saw %d attempts, RoundTrip took %v; want %d, 1s (hooks: %q)", got, time.Since(start), tt.want, *log)
				}
				base.checkBodies(t, 1)
				readBody(t, resp)
			})
		})
	}
}

// refusingBudget is a Budget that refuses extra attempts (hedges) and allows
// retries, and counts what it was asked.
type refusingBudget struct {
	extra, retries atomic.Int32
}

func (b *refusingBudget) Allow(c retry.Class) bool {
	if c == retry.ClassExtra {
		b.extra.Add(1)
		return false
	}
	b.retries.Add(1)
	return true
}

func (b *refusingBudget) Attempted(retry.Class, retry.Class) {}

// TestHedgeBudgetRefuses: a Budget that refuses the hedge leaves the round trip
// to wait for its first attempt; hooks see no hedge.
func TestHedgeBudgetRefuses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		base := &slowBase{plan: func(int) plan { return plan{latency: time.Second} }}
		b := &refusingBudget{}
		p := &retry.Policy{Hedger: hedge.Fixed(100*time.Millisecond, 1), Budget: b}
		log := hedgeLog(p)
		tr := &retryhttp.Transport{Base: base, Policy: p}
		start := time.Now()
		resp, err := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
		noCallLeft(t)
		if err != nil {
			t.Fatal(err)
		}
		readBody(t, resp)
		if base.sent() != 1 || time.Since(start) != time.Second || b.extra.Load() != 1 {
			t.Errorf("Base saw %d attempts in %v, the budget refused %d hedges; want 1, 1s, 1", base.sent(), time.Since(start), b.extra.Load())
		}
		if diff := cmp.Diff([]string{"before 1", "after 1", "end 1 success"}, *log); diff != "" {
			t.Errorf("hooks (-want +got):\n%s", diff)
		}
	})
}

// TestHedgeDefaultBudgetStopsHedges: in an outage where every request is slow but
// succeeds, budget.Default pays each hedge 8 tokens (four gains) that a hedge
// never earns back, while each answered first attempt earns 2: hedging comes
// once in four requests at most. The server sees the requests of that schedule,
// token for token, and not twice the load.
func TestHedgeDefaultBudgetStopsHedges(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		base := &slowBase{plan: func(int) plan { return plan{latency: time.Second} }}
		b := budget.Default()
		tr := &retryhttp.Transport{Base: base, Policy: &retry.Policy{Hedger: hedge.Fixed(100*time.Millisecond, 1), Budget: b}}
		const requests = 200
		var hedges []int // the requests that hedged
		for i := range requests {
			before := base.sent()
			resp, err := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
			if err != nil {
				t.Fatal(err)
			}
			readBody(t, resp)
			if base.sent()-before == 2 {
				hedges = append(hedges, i)
			}
		}
		// The default's schedule: it starts with 2 tokens; a hedge costs 8 (four
		// gains) and earns nothing (it loses: the first attempt answers first);
		// each first attempt that succeeds earns 2, up to 16. So hedges add at
		// most one attempt for four calls.
		var want []int
		tokens := 2.0
		for i := range requests {
			if tokens >= 8 {
				tokens -= 8
				want = append(want, i)
			}
			tokens = min(tokens+2, 16)
		}
		if diff := cmp.Diff(want, hedges); diff != "" {
			t.Errorf("requests that hedged (-want +got):\n%s", diff)
		}
		if len(want) > requests/4+1 || base.sent() != requests+len(want) {
			t.Errorf("%d hedges, %d requests sent for %d calls", len(hedges), base.sent(), requests)
		}
		if b.Tokens() != tokens {
			t.Errorf("the budget holds %v tokens, want %v", b.Tokens(), tokens)
		}
	})
}

// TestHedgeContextCanceled: when the request context ends with both attempts in
// flight, RoundTrip cancels both, waits for them and returns ReasonContext.
func TestHedgeContextCanceled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		base := &slowBase{plan: func(int) plan { return plan{latency: time.Second} }}
		tr := &retryhttp.Transport{Base: base, Policy: &retry.Policy{Hedger: hedge.Fixed(100*time.Millisecond, 1)}}
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(150*time.Millisecond, cancel)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://api.invalid/", nil)
		start := time.Now()
		resp, err := tr.RoundTrip(req)
		noCallLeft(t)
		var ge *retry.Error
		if resp != nil || !errors.As(err, &ge) || ge.Reason != retry.ReasonContext || !errors.Is(err, context.Canceled) {
			t.Errorf("RoundTrip = %v, %v; want a *retry.Error of ReasonContext", resp, err)
		}
		if time.Since(start) != 150*time.Millisecond || base.sent() != 2 {
			t.Errorf("RoundTrip returned after %v with %d attempts sent, want 150ms and 2", time.Since(start), base.sent())
		}
	})
}

// TestHedgeDeadlineTooClose: no hedge starts when the request's deadline leaves
// less time than the hedge delay.
func TestHedgeDeadlineTooClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		base := &slowBase{plan: func(int) plan { return plan{latency: 80 * time.Millisecond} }}
		tr := &retryhttp.Transport{Base: base, Policy: &retry.Policy{Hedger: hedge.Fixed(100*time.Millisecond, 1)}}
		ctx, cancel := context.WithTimeout(t.Context(), 90*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://api.invalid/", nil)
		resp, err := tr.RoundTrip(req)
		noCallLeft(t)
		if err != nil {
			t.Fatal(err)
		}
		readBody(t, resp)
		if base.sent() != 1 {
			t.Errorf("Base saw %d attempts, want 1", base.sent())
		}
	})
}

// TestHedgeAttemptTimeout: with an AttemptTimeout, each hedged attempt has its
// own, and the body of the winner stays readable after the round trip returns,
// until that timeout.
func TestHedgeAttemptTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		base := &slowBase{plan: func(n int) plan {
			if n == 1 {
				return plan{latency: time.Hour}
			}
			return plan{latency: 10 * time.Millisecond}
		}}
		var sawTimeout atomic.Bool
		p := &retry.Policy{
			Hedger:         hedge.Fixed(100*time.Millisecond, 1),
			AttemptTimeout: time.Second,
			After: retry.HookFunc(func(a retry.Attempt) {
				if errors.Is(a.Err, retry.ErrAttemptTimeout) {
					sawTimeout.Store(true)
				}
			}),
		}
		tr := &retryhttp.Transport{Base: base, Policy: p}
		start := time.Now()
		resp, err := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
		if err != nil {
			t.Fatal(err)
		}
		if time.Since(start) != 110*time.Millisecond || sawTimeout.Load() {
			t.Errorf("RoundTrip took %v (a timeout seen: %v), want 110ms and none", time.Since(start), sawTimeout.Load())
		}
		time.Sleep(500 * time.Millisecond) // the winner's attempt context still lives
		if got := readBody(t, resp); got != "attempt 2" {
			t.Errorf("body %q, want attempt 2", got)
		}
		resp, err = tr.RoundTrip(mustGet(t, "http://api.invalid/"))
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Second) // past the attempt's timeout
		if _, err := io.ReadAll(resp.Body); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("reading the body after the attempt's timeout: %v, want a deadline error", err)
		}
		resp.Body.Close()
	})
}

// TestHedgeConcurrent runs many hedged round trips at once through one Transport
// and one Quantile, with 503s retried while hedges are in flight (run with
// -race): each gets its own answer, and every response but those returned is
// drained and closed exactly once.
func TestHedgeConcurrent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const ms = time.Millisecond
		var n atomic.Int32
		bases := make([]*slowBase, 64)
		h := hedge.NewQuantile(0.9, 5*ms, time.Second, 2)
		p := &retry.Policy{Hedger: h, Wait: wait.Fixed(ms), Budget: budget.NewTokenBucket(1000, 1), Stop: stop.AfterAttempts(6)}
		var wg sync.WaitGroup
		for i := range bases {
			// Round trip i's attempts: slow one time in three, a 503 one time in five.
			bases[i] = &slowBase{plan: func(k int) plan {
				m := int(n.Add(1))
				p := plan{latency: time.Duration(1+m%7) * ms}
				if m%3 == 0 {
					p.latency = 200 * ms
				}
				if m%5 == 0 && k < 4 {
					p.code = 503
				}
				return p
			}}
			tr := &retryhttp.Transport{Base: bases[i], Policy: p}
			wg.Go(func() {
				for range 8 {
					req, _ := http.NewRequest(http.MethodPut, "http://api.invalid/", strings.NewReader("x"))
					resp, err := tr.RoundTrip(req)
					if err != nil {
						t.Error(err)
						return
					}
					body := readBody(t, resp)
					if resp.StatusCode != 200 || !strings.HasPrefix(body, "attempt ") {
						t.Errorf("round trip %d: %d %q", i, resp.StatusCode, body)
					}
				}
			})
		}
		wg.Wait()
		hedged := 0
		for _, b := range bases {
			b.mu.Lock()
			for _, body := range b.bodies {
				if closes, _ := body.state(); closes != 1 {
					t.Errorf("a body was closed %d times, want once", closes)
				}
			}
			hedged += b.n - 8
			b.mu.Unlock()
		}
		if hedged == 0 {
			t.Errorf("no round trip sent more than one attempt")
		}
		if d, ok := h.Current(); !ok {
			t.Errorf("the Quantile did not warm up: %v", d)
		}
	})
}

// TestHedgeLoopback hedges GETs to a loopback server whose first attempt of
// every request stalls: the hedges win, every loser's body is closed whether it
// answered or was canceled in flight, and no goroutine is left.
func TestHedgeLoopback(t *testing.T) {
	for _, answers := range []bool{false, true} {
		t.Run(fmt.Sprintf("loser answers: %v", answers), func(t *testing.T) {
			var mu sync.Mutex
			hedged := map[string]chan struct{}{} // closed when request id's hedge arrives
			e := newEnv(t, func(_ int, w http.ResponseWriter, r *http.Request) {
				id := r.URL.Query().Get("id")
				mu.Lock()
				ch, seen := hedged[id]
				if !seen {
					ch = make(chan struct{})
					hedged[id] = ch
				}
				mu.Unlock()
				if seen { // the hedge: answer at once
					_, _ = io.WriteString(w, "hedge "+id)
					w.(http.Flusher).Flush()
					close(ch)
					return
				}
				select { // the first attempt: stall until the hedge came, or for good
				case <-ch:
					if answers {
						_, _ = io.WriteString(w, "first "+id)
						return
					}
					<-r.Context().Done()
				case <-r.Context().Done():
				}
			})
			e.p.Hedger = hedge.Fixed(5*time.Millisecond, 1)
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Go(func() {
					for i := range 10 {
						id := fmt.Sprintf("%d-%d", g, i)
						resp, err := e.client.Get(e.srv.URL + "?id=" + id)
						if err != nil {
							t.Error(err)
							return
						}
						code, body := readAll(t, resp)
						if code != 200 || body != "hedge "+id && body != "first "+id {
							t.Errorf("request %s: %d %q", id, code, body)
						}
					}
				})
			}
			wg.Wait()
			if got := e.hits.Load(); got != 80 {
				t.Errorf("the server saw %d requests for 40 calls, want 80", got)
			}
			// env's cleanup checks that every body was closed and no goroutine is left.
		})
	}
}

// TestHedgeLoserConnection measures what a hedge that loses in flight costs in
// connections, as the Transport's documentation says: over HTTP/1.1 net/http
// closes the connection of the canceled attempt, so each such hedge dials a new
// one; over HTTP/2 (here unencrypted) it resets the stream and the one
// connection stays.
func TestHedgeLoserConnection(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		t.Run(map[bool]string{false: "HTTP/1.1", true: "HTTP/2"}[h2], func(t *testing.T) {
			var conns atomic.Int32
			var mu sync.Mutex
			hedged := map[string]chan struct{}{}
			e := newEnv(t, func(_ int, w http.ResponseWriter, r *http.Request) {
				id := r.URL.Query().Get("id")
				mu.Lock()
				_, seen := hedged[id]
				if !seen {
					hedged[id] = make(chan struct{})
				}
				mu.Unlock()
				if seen || id == "warm-up" {
					_, _ = io.WriteString(w, "ok")
					return
				}
				<-r.Context().Done() // the first attempt stalls until canceled
			}, func(s *http.Server) {
				s.ConnState = func(_ net.Conn, st http.ConnState) {
					if st == http.StateNew {
						conns.Add(1)
					}
				}
				if h2 {
					s.Protocols = new(http.Protocols)
					s.Protocols.SetHTTP1(true)
					s.Protocols.SetUnencryptedHTTP2(true)
				}
			})
			if h2 {
				e.bodies.base = h2cBase(t)
			}
			e.p.Hedger = hedge.Fixed(5*time.Millisecond, 1)
			get := func(id string) {
				resp, err := e.client.Get(e.srv.URL + "?id=" + id)
				if err != nil {
					t.Fatal(err)
				}
				if code, body := readAll(t, resp); code != 200 || body != "ok" || (resp.ProtoMajor == 2) != h2 {
					t.Fatalf("request %s: %d %q over %s", id, code, body, resp.Proto)
				}
			}
			get("warm-up")
			before := conns.Load()
			const requests = 10
			for i := range requests {
				get(fmt.Sprint(i))
			}
			newConns := conns.Load() - before
			if h2 && newConns != 0 || !h2 && newConns < requests {
				t.Errorf("%d hedges that won opened %d new connections", requests, newConns)
			}
			t.Logf("%d hedged requests whose first attempt lost in flight: %d new connections", requests, newConns)
		})
	}
}

// TestUnhedgedAllocatesOnlyTheLayerMark: a Hedger in the Policy costs nothing to
// a request that is not hedged, a POST, that succeeds at once: it allocates only
// the engine's layer mark and the request's copy that carries it to Base.
func TestUnhedgedAllocatesOnlyTheLayerMark(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes sync.Pool's behaviour")
	}
	resp := &http.Response{StatusCode: 200, Body: http.NoBody}
	base := roundTripFunc(func(*http.Request) (*http.Response, error) { return resp, nil })
	tr := &retryhttp.Transport{Base: base, Policy: &retry.Policy{Hedger: hedge.Fixed(time.Millisecond, 1), Budget: budget.Default()}}
	req, _ := http.NewRequest(http.MethodPost, "http://api.invalid/", http.NoBody)
	if a := testing.AllocsPerRun(100, func() { _, _ = tr.RoundTrip(req) }); a != 2 {
		t.Errorf("%v allocations per round trip, want 2", a)
	}
}

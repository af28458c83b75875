package retryhttp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/wait"
)

// The Policy's Gate (retry.Gate) through the Transport's public API.

// errGateShut is the error of testGate's refusals.
var errGateShut = errors.New("gate shut")

// testGate is a retry.Gate that admits the attempts its script admits (all if
// admit is nil), and records what it is asked and what it hears of each
// attempt it admitted, counting a done func called more than once. It is safe
// for concurrent use.
type testGate struct {
	admit func(n int, c retry.Class) bool // n counts the calls of Admit, from 1

	mu      sync.Mutex
	asked   []retry.Class
	heard   []retry.Class
	pending int // attempts admitted, not yet heard of
	twice   int // done funcs called more than once
}

func (g *testGate) Admit(_ context.Context, c retry.Class) (func(retry.Class), error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.asked = append(g.asked, c)
	if g.admit != nil && !g.admit(len(g.asked), c) {
		return nil, errGateShut
	}
	g.pending++
	called := false
	return func(result retry.Class) {
		g.mu.Lock()
		defer g.mu.Unlock()
		if called {
			g.twice++
			return
		}
		called = true
		g.pending--
		g.heard = append(g.heard, result)
	}, nil
}

// check fails the test unless the gate was asked for asked and heard heard,
// in order, once for each attempt it admitted.
func (g *testGate) check(t *testing.T, asked, heard []retry.Class) {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	if !slices.Equal(g.asked, asked) {
		t.Errorf("the gate was asked for %v, want %v", g.asked, asked)
	}
	if !slices.Equal(g.heard, heard) {
		t.Errorf("the gate heard %v, want %v", g.heard, heard)
	}
	if g.pending != 0 || g.twice != 0 {
		t.Errorf("the gate never heard of %d admitted attempts, and heard %d twice; want every one once", g.pending, g.twice)
	}
}

// refuseFrom returns a script that admits the first n-1 questions and refuses
// the rest.
func refuseFrom(n int) func(int, retry.Class) bool {
	return func(k int, _ retry.Class) bool { return k < n }
}

// trackedBody is a request body that counts its closes.
type trackedBody struct {
	io.Reader
	closes *atomic.Int32
}

func (b *trackedBody) Close() error {
	b.closes.Add(1)
	return nil
}

// newTrackedRequest returns a request of method to url with a body whose
// closes, and those of the bodies its GetBody makes, closes counts; made
// counts the bodies made, the first included.
func newTrackedRequest(t *testing.T, method, url string, closes, made *atomic.Int32) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	body := func() io.ReadCloser {
		made.Add(1)
		return &trackedBody{Reader: strings.NewReader("payload"), closes: closes}
	}
	req.Body, req.ContentLength = body(), int64(len("payload"))
	req.GetBody = func() (io.ReadCloser, error) { return body(), nil }
	return req
}

// denyAll is a Budget that refuses every retry.
type denyAll struct{}

func (denyAll) Attempted(retry.Class, retry.Class) {}
func (denyAll) Allow(retry.Class) bool             { return false }

// TestGateFirstAttemptRefused: a request whose first attempt the gate refuses
// is not sent; RoundTrip returns a *retry.Error of reason gate after no
// attempt, whose Refusal is the gate's error, and no response; Before and
// After do not run and OnEnd sees retry.ReasonGate; the request body is
// closed, as the RoundTripper contract asks ("including on errors"), through
// Transport.RoundTrip and through an http.Client.
func TestGateFirstAttemptRefused(t *testing.T) {
	for _, via := range []string{"RoundTrip", "Client"} {
		t.Run(via, func(t *testing.T) {
			e := newEnv(t, statuses(http.StatusOK))
			g := &testGate{admit: refuseFrom(1)}
			var before, after, ends []retry.Attempt
			e.p.Gate = g
			e.p.Before = retry.HookFunc(func(a retry.Attempt) { before = append(before, a) })
			e.p.After = retry.HookFunc(func(a retry.Attempt) { after = append(after, a) })
			e.p.OnEnd = retry.HookFunc(func(a retry.Attempt) { ends = append(ends, a) })
			var closes, made atomic.Int32
			req := newTrackedRequest(t, http.MethodPut, e.srv.URL, &closes, &made)
			var resp *http.Response
			var err error
			if via == "RoundTrip" {
				resp, err = e.tr.RoundTrip(req)
			} else {
				resp, err = e.client.Do(req)
			}
			if resp != nil {
				resp.Body.Close()
				t.Fatalf("RoundTrip returned a response %d with the error, want none", resp.StatusCode)
			}
			ge, ok := errorAs[*retry.Error](err)
			if !ok || ge.Reason != retry.ReasonGate || ge.Attempts != 0 || ge.Refusal != errGateShut || ge.Last != nil {
				t.Fatalf("err = %#v, want a *retry.Error of reason gate, no attempt, the gate's Refusal", err)
			}
			if !errors.Is(err, errGateShut) {
				t.Error("errors.Is(err, the gate's error) = false, want true")
			}
			if n := e.hits.Load(); n != 0 {
				t.Errorf("the server saw %d requests, want none", n)
			}
			if len(before) != 0 || len(after) != 0 {
				t.Errorf("Before ran %d times, After %d, want neither", len(before), len(after))
			}
			if len(ends) != 1 || ends[0].Reason != retry.ReasonGate || ends[0].Number != 0 {
				t.Errorf("OnEnd saw %+v, want one end of reason gate after no attempt", ends)
			}
			g.check(t, []retry.Class{0}, nil)
			if made.Load() != 1 {
				t.Errorf("%d request bodies made, want the caller's only", made.Load())
			}
			if closes.Load() != 1 {
				t.Errorf("the request body was closed %d times, want once", closes.Load())
			}
		})
	}
}

// TestGateRetryRefused: a GET answered 503, whose retry the gate refuses after
// the pause, reaches the server once, and the round trip ends with OnEnd's
// retry.ReasonGate after 1 attempt; no response body is left open. The
// Transport's convention for a Budget that refuses the same retry (checked
// here first) is the last response, the 503, with a nil error and its body
// readable: RoundTrip returns an error only when no response can be given; the
// gate's refusal must return the same.
func TestGateRetryRefused(t *testing.T) {
	type outcome struct {
		code   int
		body   string
		err    error
		hits   int32
		reason retry.Reason
	}
	run := func(t *testing.T, g retry.Gate, b retry.Budget) outcome {
		e := newEnv(t, statuses(http.StatusServiceUnavailable))
		e.p.Gate, e.p.Budget = g, b
		var reason retry.Reason
		e.p.OnEnd = retry.HookFunc(func(a retry.Attempt) { reason = a.Reason })
		resp, err := e.tr.RoundTrip(mustGet(t, e.srv.URL))
		o := outcome{err: err, hits: e.hits.Load(), reason: reason}
		if resp != nil {
			o.code, o.body = readAll(t, resp)
		}
		if err != nil {
			if se, ok := errorAs[*retryhttp.StatusError](err); ok {
				// The last attempt's response, inside the error: its body
				// must be closed, as RoundTrip's documentation says.
				if _, rerr := se.Response.Body.Read(make([]byte, 1)); rerr == nil {
					t.Errorf("the body of the response inside the error is still readable, want it closed")
				}
			}
		}
		return o
	}

	budget := run(t, nil, denyAll{})
	if budget.err != nil || budget.code != http.StatusServiceUnavailable || budget.body != "Service Unavailable" ||
		budget.hits != 1 || budget.reason != retry.ReasonBudget {
		t.Fatalf("a Budget's refusal: %+v; want the 503, readable, a nil error, 1 request, reason budget", budget)
	}

	g := &testGate{admit: refuseFrom(2)}
	got := run(t, g, nil)
	if got.hits != 1 || got.reason != retry.ReasonGate {
		t.Errorf("the server saw %d requests, OnEnd reason %v; want 1, gate", got.hits, got.reason)
	}
	g.check(t, []retry.Class{0, retry.ClassTransient}, []retry.Class{retry.ClassTransient})
	if got.err != nil || got.code != budget.code || got.body != budget.body {
		t.Errorf("the gate's refusal: %d %q, %v; want what a Budget's refusal returns: %d %q, nil",
			got.code, got.body, got.err, budget.code, budget.body)
	}
}

// TestGateHedgeRefused: a hedge the gate refuses is not sent, and no body is
// made for it that outlives the round trip; the round trip waits for its
// first attempt, whose response it returns. A hedge the gate admits that wins
// has the first attempt, the loser, canceled, and the gate hears of it as
// zero; every attempt admitted is heard of once.
func TestGateHedgeRefused(t *testing.T) {
	for _, tt := range []struct {
		name         string
		admit        func(int, retry.Class) bool
		plan         func(n int) plan
		sent         int
		took         time.Duration
		body         string
		asked, heard []retry.Class
	}{
		{"refused", func(_ int, c retry.Class) bool { return c != retry.ClassExtra },
			func(int) plan { return plan{latency: time.Second} }, 1, time.Second, "attempt 1",
			[]retry.Class{0, retry.ClassExtra}, []retry.Class{retry.ClassSuccess}},
		{"admitted, wins", nil,
			func(n int) plan {
				if n == 1 {
					return plan{latency: time.Second}
				}
				return plan{}
			}, 2, 100 * time.Millisecond, "attempt 2",
			[]retry.Class{0, retry.ClassExtra}, []retry.Class{retry.ClassSuccess, 0}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				base := &slowBase{plan: tt.plan}
				g := &testGate{admit: tt.admit}
				p := &retry.Policy{Hedger: hedge.Fixed(100*time.Millisecond, 1), Gate: g}
				log := hedgeLog(p)
				tr := &retryhttp.Transport{Base: base, Policy: p}
				var closes, made atomic.Int32
				req := newTrackedRequest(t, http.MethodPut, "http://api.invalid/", &closes, &made)
				start := time.Now()
				resp, err := tr.RoundTrip(req)
				took := time.Since(start)
				noCallLeft(t)
				if err != nil {
					t.Fatal(err)
				}
				if got := readBody(t, resp); got != tt.body {
					t.Errorf("body %q, want %q", got, tt.body)
				}
				if base.sent() != tt.sent || took != tt.took {
					t.Errorf("Base saw %d attempts in %v, want %d in %v", base.sent(), took, tt.sent, tt.took)
				}
				var befores int
				for _, l := range *log {
					if strings.HasPrefix(l, "before ") {
						befores++
					}
				}
				if befores != tt.sent {
					t.Errorf("hooks saw %q, want one Before per attempt sent", *log)
				}
				g.check(t, tt.asked, tt.heard)
				if made.Load() != closes.Load() {
					t.Errorf("%d request bodies made, %d closed, want every one closed", made.Load(), closes.Load())
				}
			})
		})
	}
}

// TestGateHears: the gate hears of each attempt it admitted once, with its
// class: ClassSuccess for a response it returns as a success, ClassTransient
// for a 503 (retried), ClassThrottled for a 429 or a Retry-After (with a Budget,
// which the engine needs to tell the two apart), ClassAnswered for a 404, and
// for a POST's 503, which the Transport does not send again, what the Budget
// hears of it: a failure worth retrying, a sign of overload.
func TestGateHears(t *testing.T) {
	const (
		success   = retry.ClassSuccess
		transient = retry.ClassTransient
		throttled = retry.ClassThrottled
		answered  = retry.ClassAnswered
	)
	for _, tt := range []struct {
		name         string
		codes        []int
		method       string
		budget       bool
		asked, heard []retry.Class
	}{
		{"success", []int{200}, http.MethodGet, false, []retry.Class{0}, []retry.Class{success}},
		{"503, 503, 200", []int{503, 503, 200}, http.MethodGet, false,
			[]retry.Class{0, transient, transient}, []retry.Class{transient, transient, success}},
		{"429, 200, Budget", []int{429, 200}, http.MethodGet, true,
			[]retry.Class{0, throttled}, []retry.Class{throttled, success}},
		{"404", []int{404}, http.MethodGet, false, []retry.Class{0}, []retry.Class{answered}},
		{"POST 503, Budget", []int{503}, http.MethodPost, true, []retry.Class{0}, []retry.Class{transient}},
		{"POST 503", []int{503}, http.MethodPost, false, []retry.Class{0}, []retry.Class{transient}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, statuses(tt.codes...))
			g := &testGate{}
			e.p.Gate, e.p.Wait = g, wait.None()
			b := &recordingBudget{}
			if tt.budget {
				e.p.Budget = b
			}
			req, err := http.NewRequest(tt.method, e.srv.URL, http.NoBody)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := e.tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			readAll(t, resp)
			if tt.budget {
				var bh []retry.Class
				for _, h := range b.heard {
					if h.Call == "attempted" {
						bh = append(bh, h.Result)
					}
				}
				if !slices.Equal(bh, tt.heard) {
					t.Errorf("the Budget heard %v, want %v", bh, tt.heard)
				}
			}
			g.check(t, tt.asked, tt.heard)
		})
	}
}

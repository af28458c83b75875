package retryhttp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// The rules of a hedged round trip, each tested below on virtual time (a slowBase
// in a synctest bubble, exact to the instant) and, for the schedules a server
// sees, against loopback servers over HTTP/1.1 and HTTP/2:
//
//   - a hedge starts only while an attempt is in flight, once the Hedger's delay
//     has passed since the latest start, and never beyond Delay's maximum in
//     flight; a failure with others in flight starts nothing by itself;
//   - with nothing in flight the round trip is on the retry path, and pauses as
//     an unhedged one does: a server that fails at once sees the same requests;
//   - after a server's hint, nothing starts before the hint has passed;
//   - Attempt.Elapsed is current wherever it is read;
//   - a panic cancels and awaits every attempt, then reaches the caller;
//   - a hedge that cannot be built (GetBody fails) is skipped;
//   - every response not returned is drained and closed exactly once.

// hedgeOutcome is what a hedged round trip on a slowBase did.
type hedgeOutcome struct {
	Starts []time.Duration // when each attempt reached Base, from the round trip's start
	Took   time.Duration   // until RoundTrip returned
	Most   int             // the most attempts in Base's RoundTrip at once
	Status int             // of the response returned, if any
	Body   string          // of the response returned: "attempt n"
	Reason retry.Reason    // of the *retry.Error returned, if any
	Hooks  []string        // as hedgeLog records them
}

// hedgeRun sends req through a Transport of p over base, in a synctest bubble, and
// returns what happened; log is hedgeLog's record of p's hooks, if installed. It
// checks that no goroutine of the round trip outlives it, and that every response
// but the one returned was drained and closed exactly once.
func hedgeRun(t *testing.T, req *http.Request, base *slowBase, p *retry.Policy, log *[]string) hedgeOutcome {
	t.Helper()
	tr := &retryhttp.Transport{Base: base, Policy: p}
	start := time.Now()
	resp, err := tr.RoundTrip(req)
	o := hedgeOutcome{Took: time.Since(start)}
	noCallLeft(t)
	o.Starts = base.startsSince(start)
	_, o.Most = base.gauge()
	winner := 0
	if resp != nil {
		o.Status = resp.StatusCode
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Errorf("reading the body: %v", err)
		}
		o.Body = string(b)
		_, _ = fmt.Sscanf(o.Body, "attempt %d", &winner)
	}
	base.checkBodies(t, winner)
	if resp != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		if ge, ok := errorAs[*retry.Error](err); ok {
			o.Reason = ge.Reason
		} else {
			t.Errorf("RoundTrip: %v, want a response or a *retry.Error", err)
		}
	}
	if log != nil {
		o.Hooks = *log
	}
	return o
}

// getWith returns a GET request of the fake API with ctx.
func getWith(t *testing.T, ctx context.Context) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://api.invalid/", nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// callGoroutines returns the stacks of the goroutines that run code of package
// retry or retryhttp: those of a round trip still in progress. The test's own
// goroutine, once its round trip has returned, runs neither.
func callGoroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var found []string
	for g := range bytes.SplitSeq(buf, []byte("\n\n")) {
		if bytes.Contains(g, []byte("tenacious/retry.")) || bytes.Contains(g, []byte("tenacious/retry/retryhttp.")) {
			found = append(found, string(g))
		}
	}
	return found
}

// noCallLeft fails the test if, once every goroutine of the synctest bubble is
// blocked or gone, a goroutine of a round trip remains: after RoundTrip returns,
// or panics, none may.
func noCallLeft(t *testing.T) {
	t.Helper()
	synctest.Wait()
	if gs := callGoroutines(); len(gs) > 0 {
		t.Errorf("%d goroutines of the round trip outlived it:\n%s", len(gs), strings.Join(gs, "\n\n"))
	}
}

// within fails the test unless d lies in [lo, lo+spread].
func within(t *testing.T, what string, d, lo, spread time.Duration) {
	t.Helper()
	if d < lo || d > lo+spread {
		t.Errorf("%s at %v, want it in [%v, %v]", what, d, lo, lo+spread)
	}
}

// TestHedgeFailFastSendsWhatUnhedgedSends: against a server that fails at once, no
// attempt is ever in flight when the hedge delay passes, so a hedged round trip is
// on the retry path only: it sends what an unhedged Transport with the same Policy
// sends, when that one sends it, and gives up as it does. A hedge never stands in
// for the pause.
func TestHedgeFailFastSendsWhatUnhedgedSends(t *testing.T) {
	const ms = time.Millisecond
	t.Run("virtual time", func(t *testing.T) {
		tests := []struct {
			name     string
			deadline time.Duration // of the request context, if any
			stop     retry.Stop
			want     hedgeOutcome // of both round trips
		}{
			{
				// The first attempt fails at 1ms, nothing is in flight, and the
				// pause, 2s, outlasts the 379ms left: the round trip gives up at once.
				name: "the pause outlasts the deadline", deadline: 380 * ms,
				want: hedgeOutcome{
					Starts: []time.Duration{0}, Took: ms, Most: 1, Reason: retry.ReasonDeadline,
					Hooks: []string{"before 1", "after 1 503", "end 1 503 deadline"},
				},
			},
			{
				// The second attempt, at 2.001s, fails at once too, and the next
				// pause outlasts the 998ms left.
				name: "the second pause outlasts the deadline", deadline: 3 * time.Second, stop: stop.Never(),
				want: hedgeOutcome{
					Starts: []time.Duration{0, 2001 * ms}, Took: 2002 * ms, Most: 1, Reason: retry.ReasonDeadline,
					Hooks: []string{"before 1", "after 1 503", "sleep 1 503", "before 2", "after 2 503", "end 2 503 deadline"},
				},
			},
			{
				// Each attempt fails at once and waits the 2s of Wait; the third's
				// 503 is returned.
				name: "each attempt waits the pause", stop: stop.AfterAttempts(3),
				want: hedgeOutcome{
					Starts: []time.Duration{0, 2001 * ms, 4002 * ms}, Took: 4003 * ms, Most: 1, Status: 503, Body: "attempt 3",
					Hooks: []string{
						"before 1", "after 1 503", "sleep 1 503",
						"before 2", "after 2 503", "sleep 2 503",
						"before 3", "after 3 503", "end 3 503 stop",
					},
				},
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					run := func(h retry.Hedger) hedgeOutcome {
						base := &slowBase{plan: func(int) plan { return plan{latency: ms, code: 503} }}
						p := &retry.Policy{Hedger: h, Wait: wait.Fixed(2 * time.Second), Stop: tt.stop}
						log := hedgeLog(p)
						ctx := t.Context()
						if tt.deadline > 0 {
							var cancel context.CancelFunc
							ctx, cancel = context.WithTimeout(ctx, tt.deadline)
							defer cancel()
						}
						return hedgeRun(t, getWith(t, ctx), base, p, log)
					}
					unhedged := run(nil)
					hedged := run(hedge.Fixed(20*ms, 1))
					if diff := cmp.Diff(tt.want, unhedged); diff != "" {
						t.Errorf("unhedged round trip (-want +got):\n%s", diff)
					}
					if diff := cmp.Diff(unhedged, hedged); diff != "" {
						t.Errorf("hedged round trip (-unhedged +hedged):\n%s", diff)
					}
				})
			})
		}
	})

	t.Run("loopback", func(t *testing.T) {
		noLeaks(t) // once every subtest is over
		tests := []struct {
			name     string
			deadline time.Duration
			wait     time.Duration
			stop     retry.Stop
			want     loopbackOutcome
		}{
			{
				name: "the pause outlasts the deadline", deadline: 380 * ms, wait: 2 * time.Second,
				want: loopbackOutcome{Requests: 1, Reason: retry.ReasonDeadline},
			},
			{
				name: "each attempt waits the pause", wait: time.Second, stop: stop.AfterAttempts(2),
				want: loopbackOutcome{Requests: 2, Status: 503},
			},
		}
		for _, h2 := range []bool{false, true} {
			for _, tt := range tests {
				t.Run(protoName(h2)+" "+tt.name, func(t *testing.T) {
					t.Parallel()
					unhedgedSrv := newHedgeServer(t, h2, func(_ int, w http.ResponseWriter, _ *http.Request) {
						w.WriteHeader(http.StatusServiceUnavailable)
					})
					hedgedSrv := newHedgeServer(t, h2, func(_ int, w http.ResponseWriter, _ *http.Request) {
						w.WriteHeader(http.StatusServiceUnavailable)
					})
					var unhedged, hedged loopbackOutcome
					var wg sync.WaitGroup
					wg.Go(func() {
						unhedged = unhedgedSrv.get(t, &retry.Policy{Wait: wait.Fixed(tt.wait), Stop: tt.stop}, tt.deadline)
					})
					wg.Go(func() {
						p := &retry.Policy{Hedger: hedge.Fixed(loopbackHedgeDelay, 1), Wait: wait.Fixed(tt.wait), Stop: tt.stop}
						hedged = hedgedSrv.get(t, p, tt.deadline)
					})
					wg.Wait()
					if diff := cmp.Diff(tt.want, unhedged); diff != "" {
						t.Errorf("unhedged round trip (-want +got):\n%s", diff)
					}
					if diff := cmp.Diff(unhedged, hedged); diff != "" {
						t.Errorf("hedged round trip (-unhedged +hedged):\n%s", diff)
					}
					if a := hedgedSrv.arrivals(); len(a) == 2 && a[1].Sub(a[0]) < tt.wait {
						t.Errorf("the hedged round trip's second request came %v after the first, want at least %v", a[1].Sub(a[0]), tt.wait)
					}
				})
			}
		}
	})
}

// TestHedgeWaitsOutServerHint: after a 429 or a 503 whose Retry-After asks for a
// second, nothing starts before that second has passed: not the retry, which
// pauses as without hedging, nor a hedge beside an attempt still in flight.
func TestHedgeWaitsOutServerHint(t *testing.T) {
	const ms = time.Millisecond
	t.Run("virtual time", func(t *testing.T) {
		tests := []struct {
			name   string
			plans  []plan
			hinted int          // the attempt the hint holds back
			want   hedgeOutcome // with the earliest start of attempt hinted
		}{
			{
				name:   "429 with Retry-After: 1",
				plans:  []plan{{latency: 5 * ms, code: 429, retryAfter: "1"}, {latency: 10 * ms}},
				hinted: 2,
				want: hedgeOutcome{
					Starts: []time.Duration{0, 1005 * ms}, Took: 1015 * ms, Most: 1, Status: 200, Body: "attempt 2",
					Hooks: []string{"before 1", "after 1 429", "sleep 1 429", "before 2", "after 2", "end 2 success"},
				},
			},
			{
				name:   "503 with Retry-After: 1",
				plans:  []plan{{latency: 5 * ms, code: 503, retryAfter: "1"}, {latency: 10 * ms}},
				hinted: 2,
				want: hedgeOutcome{
					Starts: []time.Duration{0, 1005 * ms}, Took: 1015 * ms, Most: 1, Status: 200, Body: "attempt 2",
					Hooks: []string{"before 1", "after 1 503", "sleep 1 503", "before 2", "after 2", "end 2 success"},
				},
			},
			{
				// The hedge fails at 25ms with a hint while the first is in flight:
				// that starts nothing, and the next hedge, due at 40ms, waits until
				// the hint has passed; it is a hedge, beside the first, and wins.
				name:   "the hint of a hedge holds back the next hedge",
				plans:  []plan{{latency: 3 * time.Second}, {latency: 5 * ms, code: 503, retryAfter: "1"}, {latency: 10 * ms}},
				hinted: 3,
				want: hedgeOutcome{
					Starts: []time.Duration{0, 20 * ms, 1025 * ms}, Took: 1035 * ms, Most: 2, Status: 200, Body: "attempt 3",
					Hooks: []string{"before 1", "before 2 hedge", "after 2 hedge 503", "before 3 hedge", "after 3 hedge", "end 3 hedge success"},
				},
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					base := &slowBase{plan: func(n int) plan { return tt.plans[min(n, len(tt.plans))-1] }}
					p := &retry.Policy{Hedger: hedge.Fixed(20*ms, 1), Wait: wait.None()}
					log := hedgeLog(p)
					got := hedgeRun(t, getWith(t, t.Context()), base, p, log)
					want := tt.want
					if i := tt.hinted - 1; i < len(got.Starts) {
						// The pause is the hint plus up to half of it at random.
						within(t, fmt.Sprintf("attempt %d", tt.hinted), got.Starts[i], want.Starts[i], 500*ms)
						shift := got.Starts[i] - want.Starts[i]
						want.Starts = append([]time.Duration(nil), want.Starts...)
						want.Starts[i] += shift
						want.Took += shift
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("round trip (-want +got):\n%s", diff)
					}
				})
			})
		}
	})

	t.Run("loopback", func(t *testing.T) {
		noLeaks(t)
		for _, h2 := range []bool{false, true} {
			for _, code := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
				t.Run(fmt.Sprintf("%s %d", protoName(h2), code), func(t *testing.T) {
					t.Parallel()
					s := newHedgeServer(t, h2, func(n int, w http.ResponseWriter, _ *http.Request) {
						if n == 1 {
							w.Header().Set("Retry-After", "1")
							w.WriteHeader(code)
						}
					})
					p := &retry.Policy{Hedger: hedge.Fixed(loopbackHedgeDelay, 1), Wait: wait.None()}
					if diff := cmp.Diff(loopbackOutcome{Requests: 2, Status: 200}, s.get(t, p, 0)); diff != "" {
						t.Errorf("round trip (-want +got):\n%s", diff)
					}
					if a := s.arrivals(); len(a) >= 2 && a[1].Sub(a[0]) < time.Second {
						t.Errorf("the second request came %v after the first, want at least the 1s of Retry-After", a[1].Sub(a[0]))
					}
				})
			}
		}
	})
}

// TestHedgeInFlightBound: a first attempt that fails at once leaves nothing in
// flight, so the retry waits out the pause; then hedges start beside it, one per
// delay since the latest start, up to what Delay allows: hedge.Fixed(d, k) keeps at
// most 1+k attempts in flight.
func TestHedgeInFlightBound(t *testing.T) {
	const ms = time.Millisecond
	t.Run("virtual time", func(t *testing.T) {
		tests := []struct {
			maxExtra int
			want     hedgeOutcome
		}{
			{
				// 0: the first, fails at 5ms; 55ms: the retry; 75ms: a hedge; then 2
				// are in flight, the most Fixed(20ms, 1) allows; the retry wins.
				maxExtra: 1,
				want: hedgeOutcome{
					Starts: []time.Duration{0, 55 * ms, 75 * ms}, Took: 1055 * ms, Most: 2, Status: 200, Body: "attempt 2",
					Hooks: []string{"before 1", "after 1 503", "sleep 1 503", "before 2", "before 3 hedge", "after 2", "end 3 success"},
				},
			},
			{
				maxExtra: 2,
				want: hedgeOutcome{
					Starts: []time.Duration{0, 55 * ms, 75 * ms, 95 * ms}, Took: 1055 * ms, Most: 3, Status: 200, Body: "attempt 2",
					Hooks: []string{"before 1", "after 1 503", "sleep 1 503", "before 2", "before 3 hedge", "before 4 hedge", "after 2", "end 4 success"},
				},
			},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("maxExtra %d", tt.maxExtra), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					base := &slowBase{plan: func(n int) plan {
						if n == 1 {
							return plan{latency: 5 * ms, code: 503}
						}
						return plan{latency: time.Second}
					}}
					p := &retry.Policy{Hedger: hedge.Fixed(20*ms, tt.maxExtra), Wait: wait.Fixed(50 * ms)}
					log := hedgeLog(p)
					got := hedgeRun(t, getWith(t, t.Context()), base, p, log)
					if diff := cmp.Diff(tt.want, got); diff != "" {
						t.Errorf("round trip (-want +got):\n%s", diff)
					}
				})
			})
		}
	})

	t.Run("loopback", func(t *testing.T) {
		noLeaks(t)
		for _, h2 := range []bool{false, true} {
			t.Run(protoName(h2), func(t *testing.T) {
				t.Parallel()
				// The first request fails at once; the others answer after 500ms.
				s := newHedgeServer(t, h2, func(n int, w http.ResponseWriter, r *http.Request) {
					if n == 1 {
						w.WriteHeader(http.StatusServiceUnavailable)
						return
					}
					select {
					case <-time.After(500 * time.Millisecond):
					case <-r.Context().Done():
					}
				})
				// Wait is more than twice the hedge delay, so that hedges started
				// during the pause would show.
				p := &retry.Policy{Hedger: hedge.Fixed(loopbackHedgeDelay, 1), Wait: wait.Fixed(3 * loopbackHedgeDelay)}
				if diff := cmp.Diff(loopbackOutcome{Requests: 3, Status: 200}, s.get(t, p, 0)); diff != "" {
					t.Errorf("round trip (-want +got):\n%s", diff)
				}
				if most := s.most(); most > 2 {
					t.Errorf("the server had %d requests in flight at once, want at most 2", most)
				}
			})
		}
	})
}

// checkElapsed wraps p's Stop, Wait and hooks, whichever are set, so that each
// checks that Attempt.Elapsed is the time since start, in a synctest bubble; it
// returns what they found wrong. It runs on the round trip's goroutine only.
// The wrapped Stop and Wait read time only if p's own do (see retry.ReadsTime),
// so that the wrappers do not make the round trip read a clock that p's own
// strategies would not; the wrapped hooks read time, since they check it.
func checkElapsed(p *retry.Policy, start time.Time) *[]string {
	var wrong []string
	check := func(what string, a retry.Attempt) {
		if now := time.Since(start); a.Elapsed != now {
			wrong = append(wrong, fmt.Sprintf("%s (attempt %d) saw Elapsed %v at %v", what, a.Number, a.Elapsed, now))
		}
	}
	hook := func(what string, h retry.Hook) retry.Hook {
		if h == nil {
			return nil
		}
		return retry.HookFunc(func(a retry.Attempt) { check(what, a); h.Run(a) })
	}
	p.Before, p.After, p.BeforeSleep, p.OnEnd = hook("Before", p.Before), hook("After", p.After), hook("BeforeSleep", p.BeforeSleep), hook("OnEnd", p.OnEnd)
	if s := p.Stop; s != nil {
		p.Stop = checkedStop{s, check}
	}
	if w := p.Wait; w != nil {
		p.Wait = checkedWait{w, check}
	}
	return &wrong
}

// checkedStop is a Stop that checks each Attempt it sees before it asks s; it
// reads time if s does.
type checkedStop struct {
	s     retry.Stop
	check func(string, retry.Attempt)
}

func (c checkedStop) Stop(a retry.Attempt) bool { c.check("Stop", a); return c.s.Stop(a) }
func (c checkedStop) ReadsTime() bool           { return retry.ReadsTime(c.s) }

// checkedWait is a Wait that checks each Attempt it sees before it asks w; it
// reads time if w does.
type checkedWait struct {
	w     retry.Wait
	check func(string, retry.Attempt)
}

func (c checkedWait) Wait(a retry.Attempt) time.Duration { c.check("Wait", a); return c.w.Wait(a) }
func (c checkedWait) ReadsTime() bool                    { return retry.ReadsTime(c.w) }

// TestHedgeStopAfterElapsed: stop.AfterElapsed ends a hedged round trip, with or
// without hooks, since Stop, Wait and the hooks see Attempt.Elapsed as it is when
// they run.
func TestHedgeStopAfterElapsed(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name  string
		plan  plan // of every attempt
		wait  retry.Wait
		want  hedgeOutcome
		hooks []string // Want.Hooks, with hooks
	}{
		{
			// 0: the first; 20ms: a hedge; 30ms: the first fails, which starts
			// nothing; 40ms: a hedge, 20ms after the latest start; 50ms: the
			// second fails; 60ms: the next hedge is due, but 60ms have passed;
			// 70ms: the third fails and Stop ends the round trip.
			name: "slow failures, hedged",
			plan: plan{latency: 30 * ms, code: 503},
			wait: wait.None(),
			want: hedgeOutcome{Starts: []time.Duration{0, 20 * ms, 40 * ms}, Took: 70 * ms, Most: 2, Status: 503, Body: "attempt 3"},
			hooks: []string{
				"before 1", "before 2 hedge", "after 1 503", "before 3 hedge",
				"after 2 hedge 503", "after 3 hedge 503", "end 3 hedge 503 stop",
			},
		},
		{
			// Attempts of 4ms, pauses of 10ms: the fifth fails at 60ms.
			name: "fast failures, retried",
			plan: plan{latency: 4 * ms, code: 503},
			wait: wait.Fixed(10 * ms),
			want: hedgeOutcome{Starts: []time.Duration{0, 14 * ms, 28 * ms, 42 * ms, 56 * ms}, Took: 60 * ms, Most: 1, Status: 503, Body: "attempt 5"},
			hooks: []string{
				"before 1", "after 1 503", "sleep 1 503",
				"before 2", "after 2 503", "sleep 2 503",
				"before 3", "after 3 503", "sleep 3 503",
				"before 4", "after 4 503", "sleep 4 503",
				"before 5", "after 5 503", "end 5 503 stop",
			},
		},
	}
	for _, tt := range tests {
		for _, withHooks := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, hooks: %v", tt.name, withHooks), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					base := &slowBase{plan: func(int) plan { return tt.plan }}
					p := &retry.Policy{Hedger: hedge.Fixed(20*ms, 1), Wait: tt.wait, Stop: stop.AfterElapsed(50 * ms)}
					var log *[]string
					want := tt.want
					if withHooks {
						log = hedgeLog(p)
						want.Hooks = tt.hooks
					}
					wrong := checkElapsed(p, time.Now())
					// A deadline ends the round trip if Stop never does.
					ctx, cancel := context.WithTimeout(t.Context(), time.Second)
					defer cancel()
					got := hedgeRun(t, getWith(t, ctx), base, p, log)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("round trip (-want +got):\n%s", diff)
					}
					if w := *wrong; len(w) > 0 {
						t.Errorf("Elapsed stale in %d calls, first: %s", len(w), strings.Join(w[:min(3, len(w))], "; "))
					}
				})
			})
		}
	}
}

// hookPanic is the value a test's hook or strategy panics with.
type hookPanic string

// TestHedgePanicCancelsAndAwaits: when a hook, Stop or Retry panics during a
// hedged round trip, every attempt in flight is canceled and Base's RoundTrip has
// returned for each before the panic, with its own value, reaches the caller;
// no goroutine of the round trip remains, and no response is left open.
func TestHedgePanicCancelsAndAwaits(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name     string
		plans    []plan // under hedge.Fixed(100ms, 1)
		inflight int    // attempts in Base when it panics, or -1 for any
		install  func(p *retry.Policy, boom func())
	}{
		{
			// Before of the hedge, at 100ms, with the first in flight.
			name: "Before", plans: []plan{{latency: time.Second}}, inflight: 1,
			install: func(p *retry.Policy, boom func()) {
				p.Before = retry.HookFunc(func(a retry.Attempt) {
					if a.Number == 2 {
						boom()
					}
				})
			},
		},
		{
			// After of the hedge's 503, at 110ms, with the first in flight.
			name: "After", plans: []plan{{latency: time.Second}, {latency: 10 * ms, code: 503}}, inflight: 1,
			install: func(p *retry.Policy, boom func()) { p.After = retry.HookFunc(func(retry.Attempt) { boom() }) },
		},
		{
			// Retry of the hedge's 503, at 110ms, with the first in flight.
			name: "Retry", plans: []plan{{latency: time.Second}, {latency: 10 * ms, code: 503}}, inflight: 1,
			install: func(p *retry.Policy, boom func()) {
				p.Retry = retry.PredicateFunc(func(retry.Attempt) bool { boom(); return true })
			},
		},
		{
			// Stop, asked for the hedge at 100ms, with the first in flight.
			name: "Stop", plans: []plan{{latency: time.Second}}, inflight: 1,
			install: func(p *retry.Policy, boom func()) {
				p.Stop = retry.StopFunc(func(retry.Attempt) bool { boom(); return false })
			},
		},
		{
			// BeforeSleep of the first pause: the first fails at 150ms, after the
			// hedge failed at 110ms.
			name: "BeforeSleep", plans: []plan{{latency: 150 * ms, code: 503}, {latency: 10 * ms, code: 503}}, inflight: -1,
			install: func(p *retry.Policy, boom func()) { p.BeforeSleep = retry.HookFunc(func(retry.Attempt) { boom() }) },
		},
		{
			// OnEnd of the hedge's win, at 110ms: the response is not returned.
			name: "OnEnd", plans: []plan{{latency: time.Second}, {latency: 10 * ms}}, inflight: -1,
			install: func(p *retry.Policy, boom func()) { p.OnEnd = retry.HookFunc(func(retry.Attempt) { boom() }) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				base := &slowBase{plan: func(n int) plan { return tt.plans[min(n, len(tt.plans))-1] }}
				p := &retry.Policy{Hedger: hedge.Fixed(100*ms, 1), Wait: wait.None()}
				want := hookPanic("panic in " + tt.name)
				atPanic := -1
				tt.install(p, func() {
					atPanic, _ = base.gauge()
					panic(want)
				})
				tr := &retryhttp.Transport{Base: base, Policy: p}
				got, inflight := func() (got any, inflight int) {
					defer func() {
						got = recover()
						inflight, _ = base.gauge()
					}()
					resp, err := tr.RoundTrip(getWith(t, t.Context()))
					if resp != nil {
						_ = resp.Body.Close()
					}
					t.Errorf("RoundTrip = %v, %v; want a panic", resp, err)
					return nil, 0
				}()
				if got != want {
					t.Errorf("recovered %#v, want %#v", got, want)
				}
				if tt.inflight >= 0 && atPanic != tt.inflight {
					t.Errorf("%d attempts in flight when %s panicked, want %d", atPanic, tt.name, tt.inflight)
				}
				if inflight != 0 {
					t.Errorf("%d attempts still in Base's RoundTrip when the panic reached the caller, want 0", inflight)
				}
				noCallLeft(t)
				base.mu.Lock()
				defer base.mu.Unlock()
				for _, b := range base.bodies {
					if closes, _ := b.state(); closes != 1 {
						t.Errorf("the body of attempt %d was closed %d times, want once", b.n, closes)
					}
				}
			})
		})
	}
}

// TestHedgeSkipsUnbuildableHedge: when the hedge's request cannot be built, as
// GetBody fails, the hedge is skipped as a Budget's refusal would skip it: no
// Before hook for it, and the first attempt goes on and its response is returned.
func TestHedgeSkipsUnbuildableHedge(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		base := &slowBase{plan: func(int) plan { return plan{latency: time.Second} }}
		p := &retry.Policy{Hedger: hedge.Fixed(100*time.Millisecond, 1)}
		log := hedgeLog(p)
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, "http://api.invalid/", strings.NewReader("payload"))
		if err != nil {
			t.Fatal(err)
		}
		var getBodies atomic.Int32
		req.GetBody = func() (io.ReadCloser, error) {
			getBodies.Add(1)
			return nil, errors.New("the body is gone")
		}
		got := hedgeRun(t, req, base, p, log)
		want := hedgeOutcome{
			Starts: []time.Duration{0}, Took: time.Second, Most: 1, Status: 200, Body: "attempt 1",
			Hooks: []string{"before 1", "after 1", "end 1 success"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
		if n := getBodies.Load(); n != 1 {
			t.Errorf("GetBody called %d times, want once, for the one hedge due", n)
		}
	})
}

// loopbackHedgeDelay is the hedge delay of the loopback tests: longer than an
// answer on a warm loopback connection takes, with a margin for a busy machine,
// so that an attempt that fails at once is over before a hedge is due.
const loopbackHedgeDelay = 50 * time.Millisecond

func protoName(h2 bool) string {
	if h2 {
		return "HTTP2"
	}
	return "HTTP1"
}

// hedgeServer is a loopback server, over HTTP/1.1 or HTTP/2 with TLS, and a Base
// that talks to it: the server's own client Transport, warmed up with one
// connection, whose response bodies are counted. It records when each request
// arrived and how many were in its handler at once. Its cleanup checks that every
// response body was closed and that every request came over the protocol asked
// for.
type hedgeServer struct {
	url  string
	base *bodyCounter

	mu       sync.Mutex
	arrived  []time.Time
	protos   []int // the ProtoMajor of each request
	inflight int
	peak     int
}

// newHedgeServer starts a hedgeServer whose handler answers request n (1-based,
// the warm-up request not counted) with handle, then a status 200 if handle wrote
// nothing.
func newHedgeServer(t *testing.T, h2 bool, handle func(n int, w http.ResponseWriter, r *http.Request)) *hedgeServer {
	t.Helper()
	s := new(hedgeServer)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/warm" {
			return
		}
		s.mu.Lock()
		s.arrived = append(s.arrived, time.Now())
		s.protos = append(s.protos, r.ProtoMajor)
		n := len(s.arrived)
		s.inflight++
		s.peak = max(s.peak, s.inflight)
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.inflight--
			s.mu.Unlock()
		}()
		handle(n, w, r)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if h2 {
		srv.EnableHTTP2 = true
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	tr := srv.Client().Transport
	t.Cleanup(func() { tr.(interface{ CloseIdleConnections() }).CloseIdleConnections() })
	s.url = srv.URL + "/"
	s.base = &bodyCounter{base: tr}
	t.Cleanup(func() {
		if open := s.base.open(); open != 0 {
			t.Errorf("%d response bodies left open", open)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		for i, p := range s.protos {
			if want := map[bool]int{false: 1, true: 2}[h2]; p != want {
				t.Errorf("request %d came over HTTP/%d, want HTTP/%d", i+1, p, want)
			}
		}
	})
	// One request first, so that the attempts under test find a connection
	// (and, over TLS, a handshake) ready.
	resp, err := s.base.RoundTrip(mustGet(t, srv.URL+"/warm"))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return s
}

// loopbackOutcome is what a round trip to a hedgeServer did, as the server saw it.
type loopbackOutcome struct {
	Requests int          // requests the server received
	Status   int          // of the response returned, if any
	Reason   retry.Reason // of the *retry.Error returned, if any
}

// get sends a GET through a Transport of p, with a request context that has the
// deadline, if positive, and returns what happened. The body of the response, if
// any, is read and closed.
func (s *hedgeServer) get(t *testing.T, p *retry.Policy, deadline time.Duration) loopbackOutcome {
	ctx := t.Context()
	if deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, deadline)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		t.Error(err)
		return loopbackOutcome{}
	}
	resp, err := (&retryhttp.Transport{Base: s.base, Policy: p}).RoundTrip(req)
	var o loopbackOutcome
	if resp != nil {
		o.Status = resp.StatusCode
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
	if err != nil {
		if ge, ok := errorAs[*retry.Error](err); ok {
			o.Reason = ge.Reason
		} else {
			t.Errorf("RoundTrip: %v, want a response or a *retry.Error", err)
		}
	}
	o.Requests = len(s.arrivals())
	return o
}

// arrivals returns when each request arrived.
func (s *hedgeServer) arrivals() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.arrived...)
}

// most returns the most requests that were in the handler at once.
func (s *hedgeServer) most() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

package retry

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// everyHedger hedges after a fixed delay, up to max extra attempts, and records
// what it observes.
type everyHedger struct {
	delay time.Duration
	max   int

	mu       sync.Mutex
	observed []time.Duration
}

func (h *everyHedger) Delay(inflight int) (time.Duration, bool) { return h.delay, inflight <= h.max }

func (h *everyHedger) Observe(d time.Duration) {
	h.mu.Lock()
	h.observed = append(h.observed, d)
	h.mu.Unlock()
}

// slowOp returns an operation whose attempt n takes latency[n-1] (the last entry
// for later ones) and then returns n, or fails with fail[n-1] if set; an attempt
// that ignores is true for runs on past cancellation.
func slowOp(latency []time.Duration, fail []error, ignores bool) func(context.Context) (int, error) {
	var calls atomic.Int64
	return func(ctx context.Context) (int, error) {
		n := int(calls.Add(1))
		d := latency[min(n, len(latency))-1]
		if ignores {
			time.Sleep(d)
		} else {
			select {
			case <-time.After(d):
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		}
		if n <= len(fail) && fail[n-1] != nil {
			return 0, fail[n-1]
		}
		return n, nil
	}
}

// hookLog records the hooks of a call, in order.
func hookLog(p *Policy) *[]string {
	var log []string
	rec := func(name string) Hook {
		return HookFunc(func(a Attempt) {
			e := fmt.Sprintf("%s %d", name, a.Number)
			if a.Hedge {
				e += " hedge"
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

func TestHedgeSchedules(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name     string
		latency  []time.Duration
		fail     []error
		budget   Budget
		deadline time.Duration
		want     int // the winning attempt, or 0 for a failure
		took     time.Duration
		hooks    []string
	}{
		{"the hedge wins", []time.Duration{time.Second, 10 * ms}, nil, nil, 0, 2, 110 * ms,
			[]string{"before 1", "before 2 hedge", "after 2 hedge", "end 2 hedge success"}},
		{"the first wins before the hedge", []time.Duration{50 * ms}, nil, nil, 0, 1, 50 * ms,
			[]string{"before 1", "after 1", "end 1 success"}},
		{"the first wins after the hedge started", []time.Duration{150 * ms, time.Second}, nil, nil, 0, 1, 150 * ms,
			[]string{"before 1", "before 2 hedge", "after 1", "end 2 success"}}, // OnEnd: 2 attempts started, the first decided
		{"a failure while the hedge runs starts nothing: the next hedge follows the delay", []time.Duration{150 * ms, time.Second, 10 * ms}, []error{errFlaky}, nil, 0, 3, 210 * ms,
			[]string{"before 1", "before 2 hedge", "after 1", "before 3 hedge", "after 3 hedge", "end 3 hedge success"}},
		{"a failure with nothing in flight is retried after Wait", []time.Duration{50 * ms, 10 * ms}, []error{errFlaky}, nil, 0, 2, 60 * ms,
			[]string{"before 1", "after 1", "sleep 1", "before 2", "after 2", "end 2 success"}},
		{"the budget refuses the hedge", []time.Duration{time.Second}, nil, &recordingBudget{refuse: true}, 0, 1, time.Second,
			[]string{"before 1", "after 1", "end 1 success"}},
		{"the deadline is too close for a hedge", []time.Duration{80 * ms}, nil, nil, 90 * ms, 1, 80 * ms,
			[]string{"before 1", "after 1", "end 1 success"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := t.Context()
				if tt.deadline > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.deadline)
					defer cancel()
				}
				h := &everyHedger{delay: 100 * ms, max: 1}
				r := Retrier[int]{Policy: &Policy{Hedger: h, Budget: tt.budget, Wait: WaitFunc(func(Attempt) time.Duration { return 0 })}}
				log := hookLog(r.Policy)
				start := time.Now()
				got, err := r.Hedge(ctx, slowOp(tt.latency, tt.fail, false))
				if err != nil || got != tt.want || time.Since(start) != tt.took {
					t.Errorf("Do = %d, %v after %v; want %d, nil after %v", got, err, time.Since(start), tt.want, tt.took)
				}
				if diff := cmp.Diff(tt.hooks, *log); diff != "" {
					t.Errorf("hooks (-want +got):\n%s", diff)
				}
				if starts := countPrefix(tt.hooks, "before"); len(h.observed) != starts {
					t.Errorf("the hedger observed %d attempts, want every one of the %d started", len(h.observed), starts)
				}
			})
		})
	}
}

func countPrefix(hooks []string, prefix string) int {
	n := 0
	for _, h := range hooks {
		if strings.HasPrefix(h, prefix) {
			n++
		}
	}
	return n
}

// TestHedgeLosersAreDiscardedOnce: a loser that ignores its context still runs to
// its end, the call waits for it, and its result goes to Discard exactly once.
func TestHedgeLosersAreDiscardedOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var discarded []int
		r := Retrier[int]{
			Policy:  &Policy{Hedger: &everyHedger{delay: 100 * time.Millisecond, max: 2}},
			Discard: func(v int) { discarded = append(discarded, v) },
		}
		start := time.Now()
		got, err := r.Hedge(t.Context(), slowOp([]time.Duration{time.Second, 500 * time.Millisecond, 50 * time.Millisecond}, nil, true))
		if err != nil || got != 3 {
			t.Fatalf("Do = %d, %v; want 3 (the second hedge), nil", got, err)
		}
		if took := time.Since(start); took != time.Second {
			t.Errorf("Do returned after %v, want 1s: it waits for the losers, which ignore their contexts", took)
		}
		if diff := cmp.Diff([]int{2, 1}, discarded); diff != "" {
			t.Errorf("discarded (-want +got):\n%s", diff)
		}
	})
}

func TestHedgeGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &everyHedger{delay: 100 * time.Millisecond, max: 1}
		r := Retrier[int]{Policy: &Policy{Hedger: h, Stop: StopFunc(func(a Attempt) bool { return a.Number >= 3 }), Wait: WaitFunc(func(Attempt) time.Duration { return 0 })}}
		log := hookLog(r.Policy)
		// 1 fails at 150ms; hedge 2, started at 100ms, fails first, at 130ms, which
		// starts nothing; with nothing in flight at 150ms the call retries: 3, which
		// fails at 300ms, when Stop says no more.
		_, err := r.Hedge(t.Context(), slowOp([]time.Duration{150 * time.Millisecond, 30 * time.Millisecond, 150 * time.Millisecond}, []error{errFlaky, errFlaky, errFlaky}, false))
		var re *Error
		if !errors.As(err, &re) || re.Reason != ReasonStop || re.Attempts != 3 || re.Hedges != 1 || !errors.Is(err, errFlaky) {
			t.Fatalf("err = %#v, want ReasonStop after 3 attempts, 1 of them a hedge", err)
		}
		want := []string{
			"before 1", "before 2 hedge", "after 2 hedge", "after 1", "sleep 2", "before 3",
			"after 3", "end 3 stop",
		}
		if diff := cmp.Diff(want, *log); diff != "" {
			t.Errorf("hooks (-want +got):\n%s", diff)
		}
		if len(h.observed) != 3 {
			t.Errorf("the hedger observed %d attempts, want 3", len(h.observed))
		}
	})
}

func TestHedgeNotRetriedEndsTheCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		notFound := errors.New("not found")
		r := Retrier[int]{Policy: &Policy{Hedger: &everyHedger{delay: 100 * time.Millisecond, max: 1}, Retry: PredicateFunc(func(a Attempt) bool { return a.Err != notFound })}}
		start := time.Now()
		_, err := r.Hedge(t.Context(), slowOp([]time.Duration{time.Second, 10 * time.Millisecond}, []error{nil, notFound}, false))
		if err != notFound || time.Since(start) != 110*time.Millisecond {
			t.Errorf("Do = %v after %v, want not found unchanged after 110ms, the first attempt canceled", err, time.Since(start))
		}
	})
}

func TestHedgeCanceled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(150*time.Millisecond, cancel)
		b := new(recordingBudget)
		r := Retrier[int]{Policy: &Policy{Hedger: &everyHedger{delay: 100 * time.Millisecond, max: 1}, Budget: b}}
		start := time.Now()
		_, err := r.Hedge(ctx, slowOp([]time.Duration{time.Second}, nil, false))
		var re *Error
		if !errors.As(err, &re) || re.Reason != ReasonContext || !errors.Is(err, context.Canceled) || time.Since(start) != 150*time.Millisecond {
			t.Fatalf("err = %v after %v, want ReasonContext at 150ms", err, time.Since(start))
		}
		if diff := cmp.Diff([]string{"allow extra", "attempted Class(0) Class(0)", "attempted Class(0) extra"}, sortedTail(b.events)); diff != "" {
			t.Errorf("the budget heard (-want +got):\n%s", diff)
		}
	})
}

// sortedTail sorts the events after the first, whose order between goroutines'
// ends is not fixed.
func sortedTail(events []string) []string {
	out := append([]string(nil), events...)
	tail := out[1:]
	for i := range tail {
		for j := i + 1; j < len(tail); j++ {
			if tail[j] < tail[i] {
				tail[i], tail[j] = tail[j], tail[i]
			}
		}
	}
	return out
}

// TestOnlyHedgeHedges: Do, Run and Retrier.Do run one attempt at a time whatever
// the Policy holds; Hedge without a Hedger is Do.
func TestOnlyHedgeHedges(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Policy{Hedger: &everyHedger{delay: 100 * time.Millisecond, max: 1}}
		r := Retrier[int]{Policy: &p}
		for name, call := range map[string]func(op func(context.Context) (int, error)) (int, error){
			"Do":         func(op func(context.Context) (int, error)) (int, error) { return Do(t.Context(), &p, op) },
			"Retrier.Do": func(op func(context.Context) (int, error)) (int, error) { return r.Do(t.Context(), op) },
			"Run": func(op func(context.Context) (int, error)) (int, error) {
				return 0, p.Run(t.Context(), func(ctx context.Context) error { _, err := op(ctx); return err })
			},
			"Hedge, none": func(op func(context.Context) (int, error)) (int, error) {
				return (&Retrier[int]{}).Hedge(t.Context(), op)
			},
		} {
			start := time.Now()
			_, err := call(slowOp([]time.Duration{time.Second, 10 * time.Millisecond}, nil, false))
			if err != nil || time.Since(start) != time.Second {
				t.Errorf("%s = %v after %v, want nil after 1s: no hedge", name, err, time.Since(start))
			}
		}
	})
}

func TestHedgeConcurrentCalls(t *testing.T) {
	h := &everyHedger{delay: time.Millisecond, max: 2}
	r := Retrier[int]{Policy: &Policy{Hedger: h, Wait: WaitFunc(func(Attempt) time.Duration { return 0 })}}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			var calls atomic.Int64
			got, err := r.Hedge(context.Background(), func(ctx context.Context) (int, error) {
				n := calls.Add(1)
				if (int(n)+i)%3 == 0 {
					return 0, errFlaky
				}
				select {
				case <-time.After(time.Duration(i%4) * time.Millisecond):
				case <-ctx.Done():
					return 0, ctx.Err()
				}
				return int(n), nil
			})
			if err != nil || got == 0 {
				t.Errorf("call %d: Do = %d, %v", i, got, err)
			}
		})
	}
	wg.Wait()
}

// scriptedOp returns an operation whose attempt n runs for latency(n), while its
// context lives, then returns fail(n) (nil: n itself). It records when each
// attempt started and how many ran at once at most.
type scriptedOp struct {
	latency func(n int) time.Duration
	fail    func(n int) error

	mu       sync.Mutex
	calls    int
	running  int
	peak     int
	startsAt []time.Duration
	t0       time.Time
}

func (s *scriptedOp) op(ctx context.Context) (int, error) {
	s.mu.Lock()
	if s.t0.IsZero() {
		s.t0 = time.Now()
	}
	s.calls++
	n := s.calls
	s.running++
	s.peak = max(s.peak, s.running)
	s.startsAt = append(s.startsAt, time.Since(s.t0))
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.running--
		s.mu.Unlock()
	}()
	if d := s.latency(n); d > 0 {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	if s.fail != nil {
		if err := s.fail(n); err != nil {
			return 0, err
		}
	}
	return n, nil
}

func always(d time.Duration) func(int) time.Duration { return func(int) time.Duration { return d } }
func failAll(err error) func(int) error              { return func(int) error { return err } }

// TestHedgeFailingFastSendsWhatDoSends: a service that fails at once sees exactly
// the attempts Do would send, at the same times, whatever the hedge delay.
func TestHedgeFailingFastSendsWhatDoSends(t *testing.T) {
	const ms = time.Millisecond
	for _, deadline := range []time.Duration{380 * ms, 5 * time.Second} {
		t.Run(fmt.Sprint("deadline ", deadline), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				run := func(hedged bool) (*scriptedOp, error) {
					ctx, cancel := context.WithTimeout(t.Context(), deadline)
					defer cancel()
					s := &scriptedOp{latency: always(0), fail: failAll(errFlaky)}
					r := Retrier[int]{Policy: &Policy{Wait: WaitFunc(func(Attempt) time.Duration { return 2 * time.Second }), Stop: StopFunc(func(a Attempt) bool { return a.Number >= 10 })}}
					if hedged {
						r.Policy.Hedger = &everyHedger{delay: 20 * ms, max: 1}
					}
					_, err := r.Hedge(ctx, s.op)
					return s, err
				}
				plain, plainErr := run(false)
				hedged, hedgedErr := run(true)
				if diff := cmp.Diff(plain.startsAt, hedged.startsAt); diff != "" {
					t.Errorf("attempts started at (-Do +Hedge):\n%s", diff)
				}
				var pe, he *Error
				if !errors.As(plainErr, &pe) || !errors.As(hedgedErr, &he) || pe.Reason != he.Reason || he.Hedges != 0 {
					t.Errorf("Do gave %v, Hedge %v; want the same give-up, no hedge", plainErr, hedgedErr)
				}
				synctest.Wait()
				if n := goroutinesRunning(t, "retry.(*scriptedOp).op"); n != 0 {
					t.Errorf("%d attempts still running after the call", n)
				}
			})
		})
	}
}

// TestHedgeWaitsOutServerHint: after a failure that carried a server's hint, no
// attempt starts, hedge or retry, before the hint has passed.
func TestHedgeWaitsOutServerHint(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name    string
		latency func(n int) time.Duration
		fail    func(n int) error
		minNext time.Duration // the earliest the attempt after the hinted failure may start
		hinted  int           // the attempt that carries the hint
	}{
		{
			name:    "the only attempt in flight is throttled",
			latency: always(0),
			fail: func(n int) error {
				if n == 1 {
					return &hintError{after: time.Second}
				}
				return nil
			},
			hinted: 1, minNext: time.Second,
		},
		{
			name: "a hedge is throttled while the first attempt runs on",
			latency: func(n int) time.Duration {
				if n == 1 {
					return 3 * time.Second
				}
				return 10 * ms
			},
			fail: func(n int) error {
				if n == 2 {
					return &hintError{after: time.Second}
				}
				return nil
			},
			hinted: 2, minNext: 20*ms + 10*ms + time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := &scriptedOp{latency: tt.latency, fail: tt.fail}
				r := Retrier[int]{Policy: &Policy{Hedger: &everyHedger{delay: 20 * ms, max: 1}}}
				if _, err := r.Hedge(t.Context(), s.op); err != nil {
					t.Fatalf("Hedge: %v", err)
				}
				if len(s.startsAt) <= tt.hinted {
					t.Fatalf("attempts started at %v: none after the hinted attempt %d", s.startsAt, tt.hinted)
				}
				if next := s.startsAt[tt.hinted]; next < tt.minNext {
					t.Errorf("attempts started at %v: attempt %d at %v, before the hint passed at %v", s.startsAt, tt.hinted+1, next, tt.minNext)
				}
			})
		})
	}
}

// TestHedgeInFlightBound: no more attempts run at once than the Hedger allows, even
// when an attempt fails while a hedge runs.
func TestHedgeInFlightBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &scriptedOp{
			latency: func(n int) time.Duration { return time.Duration(30+7*n) * time.Millisecond },
			fail: func(n int) error {
				if n < 6 {
					return errFlaky
				}
				return nil
			},
		}
		r := Retrier[int]{Policy: &Policy{
			Hedger: &everyHedger{delay: 20 * time.Millisecond, max: 1},
			Wait:   WaitFunc(func(Attempt) time.Duration { return 0 }),
			Stop:   StopFunc(func(a Attempt) bool { return a.Number >= 10 }),
		}}
		if _, err := r.Hedge(t.Context(), s.op); err != nil {
			t.Fatalf("Hedge: %v", err)
		}
		if s.peak > 2 {
			t.Errorf("%d attempts ran at once, want at most 2 (the first and one hedge)", s.peak)
		}
	})
}

// TestHedgeElapsedIsCurrent: Stop, Wait and every hook read an Elapsed that is
// the time since the call began, so a Stop on elapsed time ends a hedged call.
func TestHedgeElapsedIsCurrent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var start time.Time
		var stale []string
		check := func(who string) func(a Attempt) {
			return func(a Attempt) {
				if now := time.Since(start); a.Elapsed != now {
					stale = append(stale, fmt.Sprintf("%s saw %v at %v", who, a.Elapsed, now))
				}
			}
		}
		hook := func(who string) Hook { return HookFunc(check(who)) }
		r := Retrier[int]{Policy: &Policy{
			Hedger: &everyHedger{delay: 5 * time.Millisecond, max: 1},
			Stop: StopFunc(func(a Attempt) bool {
				check("Stop")(a)
				return a.Elapsed >= 50*time.Millisecond
			}),
			Wait: WaitFunc(func(a Attempt) time.Duration {
				check("Wait")(a)
				return time.Millisecond
			}),
			Before: hook("Before"), After: hook("After"), BeforeSleep: hook("BeforeSleep"), OnEnd: hook("OnEnd"),
		}}
		s := &scriptedOp{latency: always(8 * time.Millisecond), fail: failAll(errFlaky)}
		start = time.Now()
		_, err := r.Hedge(t.Context(), s.op)
		var re *Error
		if !errors.As(err, &re) || re.Reason != ReasonStop {
			t.Fatalf("err = %v, want a give-up by Stop", err)
		}
		if took := time.Since(start); took > 60*time.Millisecond {
			t.Errorf("the call took %v and %d attempts; Stop asked to end it after 50ms", took, re.Attempts)
		}
		if len(stale) > 0 {
			t.Errorf("stale Elapsed:\n%s", strings.Join(stale, "\n"))
		}
	})
}

// TestHedgePanicCancelsAndAwaits: a panic in a hook or a strategy of a hedged call
// cancels every attempt in flight and waits for it before it reaches the caller.
func TestHedgePanicCancelsAndAwaits(t *testing.T) {
	const ms = time.Millisecond
	boom := HookFunc(func(Attempt) { panic("boom") })
	// Attempt 1 runs 1s; hedge 2, at 20ms, fails at 30ms (After and Retry run
	// then); Stop is asked at 40ms, before hedge 3, which succeeds at 50ms
	// (RetryResult and OnEnd run then), all while attempt 1 runs on.
	inFlight := func() *scriptedOp {
		return &scriptedOp{
			latency: func(n int) time.Duration {
				return [...]time.Duration{time.Second, 10 * ms, 10 * ms, 10 * ms}[min(n, 4)-1]
			},
			fail: func(n int) error {
				if n == 2 {
					return errFlaky
				}
				return nil
			},
		}
	}
	// Every attempt fails at once: the call is on the retry path, where Wait
	// and BeforeSleep run.
	failing := func() *scriptedOp { return &scriptedOp{latency: always(0), fail: failAll(errFlaky)} }
	tests := []struct {
		name string
		op   func() *scriptedOp
		set  func(r *Retrier[int])
	}{
		{"Before of the hedge", inFlight, func(r *Retrier[int]) {
			r.Policy.Before = HookFunc(func(a Attempt) {
				if a.Hedge {
					panic("boom")
				}
			})
		}},
		{"After", inFlight, func(r *Retrier[int]) { r.Policy.After = boom }},
		{"Retry", inFlight, func(r *Retrier[int]) { r.Policy.Retry = PredicateFunc(func(Attempt) bool { panic("boom") }) }},
		{"Stop", inFlight, func(r *Retrier[int]) { r.Policy.Stop = StopFunc(func(Attempt) bool { panic("boom") }) }},
		{"RetryResult", inFlight, func(r *Retrier[int]) { r.RetryResult = func(int) bool { panic("boom") } }},
		{"OnEnd", inFlight, func(r *Retrier[int]) { r.Policy.OnEnd = boom }},
		{"Discard", inFlight, func(r *Retrier[int]) {
			r.RetryResult = func(v int) bool { return v == 3 }
			r.Discard = func(int) { panic("boom") }
		}},
		{"Wait", failing, func(r *Retrier[int]) { r.Policy.Wait = WaitFunc(func(Attempt) time.Duration { panic("boom") }) }},
		{"BeforeSleep", failing, func(r *Retrier[int]) { r.Policy.BeforeSleep = boom }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := tt.op()
				r := Retrier[int]{Policy: &Policy{Hedger: &everyHedger{delay: 20 * ms, max: 1}, Stop: StopFunc(func(a Attempt) bool { return a.Number >= 5 })}}
				tt.set(&r)
				var running int
				got := func() (v any) {
					defer func() {
						v = recover()
						s.mu.Lock()
						running = s.running
						s.mu.Unlock()
					}()
					r.Hedge(t.Context(), s.op)
					return nil
				}()
				if got != "boom" {
					t.Fatalf("recovered %v, want the panic boom", got)
				}
				if running != 0 {
					t.Errorf("%d attempts still running when the panic reached the caller", running)
				}
				synctest.Wait()
				if n := goroutinesRunning(t, "retry.(*scriptedOp).op"); n != 0 {
					t.Errorf("%d attempts left behind", n)
				}
			})
		})
	}
}

// TestDiscardGetsEveryResultNotReturned: a result that RetryResult rejected and a
// later attempt superseded goes to Discard exactly once, in Do and in Hedge, and
// so does the result of a hedge that lost; the result returned never does.
func TestDiscardGetsEveryResultNotReturned(t *testing.T) {
	const ms = time.Millisecond
	tests := []struct {
		name          string
		hedge         bool
		latency       func(n int) time.Duration
		reject        func(v int) bool
		want          int
		wantDiscarded []int
	}{
		{"Do: rejected twice, then taken", false, always(0), func(v int) bool { return v < 3 }, 3, []int{1, 2}},
		{"Do: rejected to the last", false, always(0), func(int) bool { return true }, 3, []int{1, 2}},
		{"Hedge: rejected, then superseded by a retry", true, always(0), func(v int) bool { return v < 2 }, 2, []int{1}},
		{
			// 1 answers at 100ms; hedge 2 answers at 25ms, rejected; hedge 3,
			// at 45ms, runs past 100ms: it loses, and is canceled in flight.
			"Hedge: a rejected hedge superseded by the first attempt", true,
			func(n int) time.Duration { return [...]time.Duration{100 * ms, 5 * ms, time.Second}[n-1] },
			func(v int) bool { return v == 2 }, 1, []int{2},
		},
		{
			// Hedge 2 wins at 25ms; 1, canceled in flight, has no result.
			"Hedge: the hedge wins", true,
			func(n int) time.Duration { return [...]time.Duration{100 * ms, 5 * ms}[n-1] },
			func(int) bool { return false }, 2, nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var discarded []int
				r := Retrier[int]{
					Policy:      &Policy{Wait: WaitFunc(func(Attempt) time.Duration { return 0 }), Stop: StopFunc(func(a Attempt) bool { return a.Number >= 3 })},
					RetryResult: tt.reject,
					Discard:     func(v int) { discarded = append(discarded, v) },
				}
				s := &scriptedOp{latency: tt.latency}
				call := r.Do
				if tt.hedge {
					r.Policy.Hedger = &everyHedger{delay: 20 * ms, max: 2}
					call = r.Hedge
				}
				got, _ := call(t.Context(), s.op)
				if got != tt.want {
					t.Errorf("call returned %d, want %d", got, tt.want)
				}
				if diff := cmp.Diff(tt.wantDiscarded, discarded); diff != "" {
					t.Errorf("discarded (-want +got):\n%s", diff)
				}
			})
		})
	}
}

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
		return func(a Attempt) {
			e := fmt.Sprintf("%s %d", name, a.Number)
			if a.Hedge {
				e += " hedge"
			}
			if a.Reason != 0 {
				e += " " + a.Reason.String()
			}
			log = append(log, e)
		}
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
		{"a failure is retried while the hedge runs", []time.Duration{200 * ms, time.Second, 10 * ms}, []error{errFlaky}, nil, 0, 3, 210 * ms,
			[]string{"before 1", "before 2 hedge", "after 1", "sleep 2", "before 3", "after 3", "end 3 success"}},
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
				r := Retrier[int]{Policy: Policy{Hedger: h, Budget: tt.budget, Wait: func(Attempt) time.Duration { return 0 }}}
				log := hookLog(&r.Policy)
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
			Policy:  Policy{Hedger: &everyHedger{delay: 100 * time.Millisecond, max: 2}},
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
		r := Retrier[int]{Policy: Policy{Hedger: h, Stop: func(a Attempt) bool { return a.Number >= 3 }, Wait: func(Attempt) time.Duration { return 0 }}}
		log := hookLog(&r.Policy)
		_, err := r.Hedge(t.Context(), slowOp([]time.Duration{150 * time.Millisecond}, []error{errFlaky, errFlaky, errFlaky}, false))
		var re *Error
		if !errors.As(err, &re) || re.Reason != ReasonStop || re.Attempts != 3 || re.Hedges != 1 || !errors.Is(err, errFlaky) {
			t.Fatalf("err = %#v, want ReasonStop after 3 attempts, 1 of them a hedge", err)
		}
		want := []string{
			"before 1", "before 2 hedge", "after 1", "sleep 2", "before 3",
			"after 2 hedge", "after 3", "end 3 stop",
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
		r := Retrier[int]{Policy: Policy{Hedger: &everyHedger{delay: 100 * time.Millisecond, max: 1}, Retry: func(a Attempt) bool { return a.Err != notFound }}}
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
		r := Retrier[int]{Policy: Policy{Hedger: &everyHedger{delay: 100 * time.Millisecond, max: 1}, Budget: b}}
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
		r := Retrier[int]{Policy: p}
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
	r := Retrier[int]{Policy: Policy{Hedger: h, Wait: func(Attempt) time.Duration { return 0 }}}
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

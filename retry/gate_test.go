package retry

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

var errClosed = errors.New("gate closed")

// scriptGate admits attempts while admit says so, and records what it was
// asked and what it heard. Safe for concurrent use, as a Gate must be.
type scriptGate struct {
	admit func(n int, c Class) bool // n counts the calls of Admit, from 1

	mu      sync.Mutex
	asked   []Class
	results []Class
	pending int // admitted attempts not yet reported
}

func (g *scriptGate) Admit(_ context.Context, c Class) (func(Class), error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.asked = append(g.asked, c)
	if !g.admit(len(g.asked), c) {
		return nil, errClosed
	}
	g.pending++
	once := false
	return func(result Class) {
		g.mu.Lock()
		defer g.mu.Unlock()
		if once {
			panic("done called twice")
		}
		once = true
		g.pending--
		g.results = append(g.results, result)
	}, nil
}

func (g *scriptGate) check(t *testing.T, asked, results []Class) {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	if diff := cmp.Diff(asked, g.asked); diff != "" {
		t.Errorf("Admit asked for (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(results, g.results); diff != "" {
		t.Errorf("outcomes heard (-want +got):\n%s", diff)
	}
	if g.pending != 0 {
		t.Errorf("%d admitted attempts never reported", g.pending)
	}
}

// gateRecorder records the hooks of a call.
type gateRecorder struct{ before, after, ends []Attempt }

func (r *gateRecorder) policy(g Gate) *Policy {
	return &Policy{
		Gate: g, Wait: blindWait(time.Second), Retry: blindPredicate(true), Stop: blindStop(4),
		Before: HookFunc(func(a Attempt) { r.before = append(r.before, a) }),
		After:  HookFunc(func(a Attempt) { r.after = append(r.after, a) }),
		OnEnd:  HookFunc(func(a Attempt) { r.ends = append(r.ends, a) }),
	}
}

func TestGateRefusesFirstAttempt(t *testing.T) {
	shapes := map[string]func(ctx context.Context, p *Policy, op func(context.Context) (int, error)) (int, error){
		"Do": func(ctx context.Context, p *Policy, op func(context.Context) (int, error)) (int, error) {
			return Do(ctx, p, op)
		},
		"Run": func(ctx context.Context, p *Policy, op func(context.Context) (int, error)) (int, error) {
			return 0, p.Run(ctx, func(ctx context.Context) error { _, err := op(ctx); return err })
		},
		"Loop": func(ctx context.Context, p *Policy, op func(context.Context) (int, error)) (int, error) {
			l := p.Loop(ctx)
			for a := range l.Attempts() {
				if _, err := op(a.Context()); err != nil {
					a.Fail(err)
				}
			}
			return 0, l.Err()
		},
		"Hedge": func(ctx context.Context, p *Policy, op func(context.Context) (int, error)) (int, error) {
			p.Hedger = &everyHedger{delay: time.Second, max: 1}
			return (&Retrier[int]{Policy: p}).Hedge(ctx, op)
		},
	}
	for name, call := range shapes {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := &scriptGate{admit: func(int, Class) bool { return false }}
				var rec gateRecorder
				var stats Stats
				calls := 0
				_, err := call(WithStats(context.Background(), &stats), rec.policy(g), func(context.Context) (int, error) {
					calls++
					return 1, nil
				})
				var e *Error
				if !errors.As(err, &e) || e.Reason != ReasonGate || e.Attempts != 0 || e.Refusal != errClosed || e.Last != nil {
					t.Fatalf("got %#v, want an *Error of ReasonGate, no attempt, Refusal errClosed", err)
				}
				if !errors.Is(err, errClosed) {
					t.Error("errors.Is(err, the gate's error) = false")
				}
				if want := "retry: refused by the gate after 0 attempts (gate closed)"; err.Error() != want {
					t.Errorf("message %q, want %q", err.Error(), want)
				}
				if calls != 0 || len(rec.before) != 0 || len(rec.after) != 0 {
					t.Errorf("operation ran %d times, Before %d, After %d: want none", calls, len(rec.before), len(rec.after))
				}
				if len(rec.ends) != 1 || rec.ends[0].Reason != ReasonGate || rec.ends[0].Number != 0 {
					t.Errorf("OnEnd saw %+v, want once with ReasonGate and Number 0", rec.ends)
				}
				if stats.Attempts != 0 {
					t.Errorf("Stats.Attempts = %d, want 0", stats.Attempts)
				}
				g.check(t, []Class{0}, nil)
			})
		})
	}
}

func TestGateRefusesRetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Admits the first attempt and the first retry, refuses the second.
		g := &scriptGate{admit: func(n int, _ Class) bool { return n <= 2 }}
		var rec gateRecorder
		var stats Stats
		calls := 0
		start := time.Now()
		_, err := Do(WithStats(context.Background(), &stats), rec.policy(g), func(context.Context) (int, error) {
			calls++
			return 0, errFlaky
		})
		var e *Error
		if !errors.As(err, &e) || e.Reason != ReasonGate || e.Attempts != 2 || e.Last != errFlaky || e.Refusal != errClosed {
			t.Fatalf("got %#v, want an *Error of ReasonGate after 2 attempts, Last errFlaky", err)
		}
		if !errors.Is(err, errFlaky) || !errors.Is(err, errClosed) {
			t.Error("the error does not match both the last attempt's error and the refusal")
		}
		if calls != 2 || len(rec.before) != 2 || len(rec.after) != 2 || stats.Attempts != 2 {
			t.Errorf("calls %d, Before %d, After %d, Stats.Attempts %d: want 2 each", calls, len(rec.before), len(rec.after), stats.Attempts)
		}
		// The gate is asked last before the pause, as the Budget is: the
		// refused retry's pause is not taken, and the error says what it was.
		if got := time.Since(start); got != time.Second || e.Delay != time.Second {
			t.Errorf("the call took %v, Error.Delay %v; want 1s (one pause, then the refusal) and 1s", got, e.Delay)
		}
		if len(rec.ends) != 1 || rec.ends[0].Reason != ReasonGate || rec.ends[0].Number != 2 || rec.ends[0].Err != errFlaky {
			t.Errorf("OnEnd saw %+v, want ReasonGate, Number 2, Err errFlaky", rec.ends)
		}
		g.check(t, []Class{0, ClassTransient, ClassTransient}, []Class{ClassTransient, ClassTransient})
	})
}

func TestGateHearsEveryOutcome(t *testing.T) {
	errPermanent := errors.New("not found")
	tests := []struct {
		name    string
		op      func(context.Context) (int, error)
		results []Class
	}{
		{"success", failing(0, errFlaky, 1), []Class{ClassSuccess}},
		{"two failures, then success", failing(2, errFlaky, 1), []Class{ClassTransient, ClassTransient, ClassSuccess}},
		{"not retried", func(context.Context) (int, error) { return 0, Permanent(errPermanent) }, []Class{ClassAnswered}},
		{"given up", failing(9, errFlaky, 1), []Class{ClassTransient, ClassTransient, ClassTransient, ClassTransient}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &scriptGate{admit: func(int, Class) bool { return true }}
			p := &Policy{Gate: g, Wait: blindWait(0), Stop: blindStop(4)}
			_, _ = Do(context.Background(), p, tt.op)
			asked := []Class{0}
			for range len(tt.results) - 1 {
				asked = append(asked, ClassTransient)
			}
			g.check(t, asked, tt.results)
		})
	}
}

func TestGateCanceledAttemptTellsNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := &scriptGate{admit: func(int, Class) bool { return true }}
		ctx, cancel := context.WithCancel(context.Background())
		_, err := Do(ctx, &Policy{Gate: g}, func(ctx context.Context) (int, error) {
			cancel()
			<-ctx.Done()
			return 0, ctx.Err()
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Do: %v", err)
		}
		g.check(t, []Class{0}, []Class{0})
	})
}

func TestGateRefusesHedge(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Admits first attempts and retries, refuses every hedge.
		g := &scriptGate{admit: func(_ int, c Class) bool { return c != ClassExtra }}
		r := Retrier[int]{Policy: &Policy{Gate: g, Hedger: &everyHedger{delay: 10 * time.Millisecond, max: 2}}}
		calls := 0
		v, err := r.Hedge(context.Background(), func(context.Context) (int, error) {
			calls++
			time.Sleep(50 * time.Millisecond)
			return 7, nil
		})
		if v != 7 || err != nil || calls != 1 {
			t.Fatalf("got %v, %v after %d calls; want 7, nil after 1 (no hedge admitted)", v, err, calls)
		}
		asked := g.asked
		if len(asked) < 2 || asked[0] != 0 || slices.ContainsFunc(asked[1:], func(c Class) bool { return c != ClassExtra }) {
			t.Errorf("Admit asked for %v, want the first attempt and then hedges only", asked)
		}
		g.check(t, asked, []Class{ClassSuccess})
	})
}

func TestGateHedgesReportLosers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := &scriptGate{admit: func(int, Class) bool { return true }}
		r := Retrier[int]{Policy: &Policy{Gate: g, Hedger: &everyHedger{delay: 10 * time.Millisecond, max: 1}}}
		var calls atomic.Int32 // the attempts run at once
		v, err := r.Hedge(context.Background(), func(ctx context.Context) (int, error) {
			n := calls.Add(1)
			if n == 1 { // the first attempt is slow and loses
				select {
				case <-time.After(time.Second):
				case <-ctx.Done():
					return 0, ctx.Err()
				}
			}
			return int(n), nil
		})
		if v != 2 || err != nil {
			t.Fatalf("got %v, %v; want the hedge's 2", v, err)
		}
		g.check(t, []Class{0, ClassExtra}, []Class{ClassSuccess, 0})
	})
}

// TestGateRefusalDecidesForLayerAbove: a call inside an attempt whose Gate
// refuses decides, as a Budget's refusal does, so the call above does not retry.
func TestGateRefusalDecidesForLayerAbove(t *testing.T) {
	inner := &Policy{Gate: &scriptGate{admit: func(n int, _ Class) bool { return n == 1 }}, Wait: blindWait(0)}
	outer := &Policy{Wait: blindWait(0)}
	var end Attempt
	outer.OnEnd = HookFunc(func(a Attempt) { end = a })
	attempts := 0
	_, err := Do(context.Background(), outer, func(ctx context.Context) (int, error) {
		return Do(ctx, inner, func(context.Context) (int, error) {
			attempts++
			return 0, errFlaky
		})
	})
	var e *Error
	if !errors.As(err, &e) || e.Reason != ReasonGate {
		t.Fatalf("got %v, want the inner call's refusal", err)
	}
	if attempts != 1 || end.Reason != ReasonLayerBelow || end.Number != 1 {
		t.Errorf("%d attempts, outer ended with %v after %d: want 1 attempt and layer_below after 1", attempts, end.Reason, end.Number)
	}
}

func TestGateReason(t *testing.T) {
	if ReasonGate.String() != "gate" || !ReasonGate.Refused() {
		t.Errorf("ReasonGate: String %q, Refused %v; want \"gate\", true", ReasonGate.String(), ReasonGate.Refused())
	}
}

func TestGateRefusesHedgedCallsRetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := &scriptGate{admit: func(n int, _ Class) bool { return n == 1 }}
		r := Retrier[int]{Policy: &Policy{Gate: g, Wait: blindWait(time.Second), Hedger: &everyHedger{delay: time.Minute, max: 1}}}
		calls := 0
		_, err := r.Hedge(context.Background(), func(context.Context) (int, error) {
			calls++
			return 0, errFlaky
		})
		var e *Error
		if !errors.As(err, &e) || e.Reason != ReasonGate || e.Attempts != 1 || e.Last != errFlaky || e.Refusal != errClosed {
			t.Fatalf("got %#v, want an *Error of ReasonGate after 1 attempt", err)
		}
		if calls != 1 {
			t.Errorf("%d calls, want 1", calls)
		}
		g.check(t, []Class{0, ClassTransient}, []Class{ClassTransient})
	})
}

// TestGateRefusedRetryKeepsResult: a retry the Gate refuses is a give-up, which
// returns the last result and does not discard it.
func TestGateRefusedRetryKeepsResult(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := &scriptGate{admit: func(n int, _ Class) bool { return n == 1 }}
		var discarded []int
		r := Retrier[int]{
			Policy:      &Policy{Gate: g, Wait: blindWait(time.Second)},
			RetryResult: func(v int) bool { return v < 10 },
			Discard:     func(v int) { discarded = append(discarded, v) },
		}
		v, err := r.Do(context.Background(), func(context.Context) (int, error) { return 3, nil })
		var e *Error
		if v != 3 || !errors.As(err, &e) || e.Reason != ReasonGate || e.Result != 3 || e.Attempts != 1 {
			t.Fatalf("got %v, %#v; want 3 and an *Error of ReasonGate whose Result is 3", v, err)
		}
		if len(discarded) != 0 {
			t.Errorf("discarded %v, want nothing: the result is returned", discarded)
		}
		// A rejected result tells the service answered: the Gate hears it as
		// a failure worth retrying, as the Budget does.
		g.check(t, []Class{0, ClassTransient}, []Class{ClassTransient})
	})
}

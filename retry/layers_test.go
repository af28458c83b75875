package retry

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// shape runs op once as a call of one entry point of p, and returns its error.
type shape func(ctx context.Context, p *Policy, op func(context.Context) error) error

// shapes are the entry points of the core, each made to run an error-only op.
var shapes = map[string]shape{
	"Do": func(ctx context.Context, p *Policy, op func(context.Context) error) error {
		_, err := Do(ctx, p, func(ctx context.Context) (int, error) { return 0, op(ctx) })
		return err
	},
	"Run": func(ctx context.Context, p *Policy, op func(context.Context) error) error {
		return p.Run(ctx, op)
	},
	"Retrier.Do": func(ctx context.Context, p *Policy, op func(context.Context) error) error {
		r := Retrier[int]{Policy: p}
		_, err := r.Do(ctx, func(ctx context.Context) (int, error) { return 0, op(ctx) })
		return err
	},
	"Retrier.Hedge": func(ctx context.Context, p *Policy, op func(context.Context) error) error {
		hp := *p
		hp.Hedger = &everyHedger{delay: time.Hour, max: 1} // in flight briefly: never hedges
		r := Retrier[int]{Policy: &hp}
		_, err := r.Hedge(ctx, func(ctx context.Context) (int, error) { return 0, op(ctx) })
		return err
	},
	"Retrier.Wrap": func(ctx context.Context, p *Policy, op func(context.Context) error) error {
		r := Retrier[int]{Policy: p}
		_, err := r.Wrap(func(ctx context.Context) (int, error) { return 0, op(ctx) })(ctx)
		return err
	},
	"Wrap": func(ctx context.Context, p *Policy, op func(context.Context) error) error {
		f := Wrap(p, func(ctx context.Context, _ struct{}) (int, error) { return 0, op(ctx) })
		_, err := f(ctx, struct{}{})
		return err
	},
	"Loop": func(ctx context.Context, p *Policy, op func(context.Context) error) error {
		loop := p.Loop(ctx)
		for a := range loop.Attempts() {
			a.Fail(op(a.Context()))
		}
		return loop.Err()
	},
	"Group": func(ctx context.Context, p *Policy, op func(context.Context) error) error {
		g, _ := NewGroup(ctx, p)
		g.Go(op)
		return g.Wait()
	},
	"Map": func(ctx context.Context, p *Policy, op func(context.Context) error) error {
		_, err := Map(ctx, p, []int{1}, 1, func(ctx context.Context, _ int) (int, error) { return 0, op(ctx) })
		return err
	},
}

// TestLayersDoNotMultiply stacks every entry point inside every other, with an
// operation that always fails, and counts its calls: the inner layer retries as
// its Policy says, and the outer one does not retry what the inner gave up on.
func TestLayersDoNotMultiply(t *testing.T) {
	for outerName, outer := range shapes {
		for innerName, inner := range shapes {
			t.Run(outerName+"/"+innerName, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					var calls atomic.Int64
					var outerEnds, innerEnds []Reason
					innerP := &Policy{Wait: zeroWait, OnEnd: HookFunc(func(a Attempt) { innerEnds = append(innerEnds, a.Reason) })}
					outerP := &Policy{
						Stop:  StopFunc(func(a Attempt) bool { return a.Number >= 3 }),
						Wait:  zeroWait,
						OnEnd: HookFunc(func(a Attempt) { outerEnds = append(outerEnds, a.Reason) }),
					}
					err := outer(t.Context(), outerP, func(ctx context.Context) error {
						return inner(ctx, innerP, func(context.Context) error {
							calls.Add(1)
							return errFlaky
						})
					})
					// The inner layer retries, and decides for the outer; inside
					// a hedged call, the hedged call retries, each layer below
					// making one attempt.
					wantCalls, wantInner, wantOuter := DefaultAttempts, []Reason{ReasonStop}, []Reason{ReasonLayerBelow}
					if outerName == "Retrier.Hedge" {
						wantCalls, wantOuter = 3, []Reason{ReasonStop}
						wantInner = []Reason{ReasonNotRetried, ReasonNotRetried, ReasonNotRetried}
					}
					if got := calls.Load(); got != int64(wantCalls) {
						t.Errorf("the operation ran %d times, want %d", got, wantCalls)
					}
					if !errors.Is(err, errFlaky) {
						t.Errorf("err = %v, want one that wraps errFlaky", err)
					}
					if diff := cmp.Diff(wantInner, innerEnds); diff != "" {
						t.Errorf("inner OnEnd reasons (-want +got):\n%s", diff)
					}
					if diff := cmp.Diff(wantOuter, outerEnds); diff != "" {
						t.Errorf("outer OnEnd reasons (-want +got):\n%s", diff)
					}
				})
			})
		}
	}
}

// TestThreeLayersDoNotMultiply: the decision travels up through every layer.
func TestThreeLayersDoNotMultiply(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &Policy{Wait: zeroWait}
		calls := 0
		err := p.Run(t.Context(), func(ctx context.Context) error {
			return p.Run(ctx, func(ctx context.Context) error {
				return p.Run(ctx, func(context.Context) error { calls++; return errFlaky })
			})
		})
		var re *Error
		if calls != 4 || !errors.As(err, &re) || re.Reason != ReasonStop || re.Attempts != 4 {
			t.Errorf("calls = %d, err = %v; want 4 calls and the innermost give-up after 4 attempts", calls, err)
		}
	})
}

// TestLayerBelowDecidesWithoutAnError: an inner layer whose give-up the caller
// turns into an error of its own (as with retryhttp's last response, returned
// with a nil error) still decides for the layer above.
func TestLayerBelowDecidesWithoutAnError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		errByHand := errors.New("status 503")
		p := &Policy{Wait: zeroWait}
		calls, outer := 0, 0
		var reason Reason
		q := *p
		q.OnEnd = HookFunc(func(a Attempt) { reason = a.Reason })
		err := q.Run(t.Context(), func(ctx context.Context) error {
			outer++
			_ = p.Run(ctx, func(context.Context) error { calls++; return errFlaky }) // the error is dropped
			return errByHand
		})
		if err != errByHand || calls != 4 || outer != 1 || reason != ReasonLayerBelow {
			t.Errorf("err = %v, %d inner calls, %d outer attempts, OnEnd %v; want errByHand unchanged, 4, 1, layer_below", err, calls, outer, reason)
		}
	})
}

// TestRejectedResultOfADecidedAttemptIsNotASuccess: a result that RetryResult
// rejects, on an attempt a layer below decided, gives up with an *Error that
// carries it, rather than returning it as a success.
func TestRejectedResultOfADecidedAttemptIsNotASuccess(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &Policy{Wait: zeroWait}
		r := Retrier[int]{Policy: p, RetryResult: func(v int) bool { return v < 0 }}
		v, err := r.Do(t.Context(), func(ctx context.Context) (int, error) {
			_ = p.Run(ctx, func(context.Context) error { return errFlaky })
			return -1, nil
		})
		var re *Error
		if v != -1 || !errors.As(err, &re) || re.Reason != ReasonLayerBelow || re.Result != -1 || re.Attempts != 1 {
			t.Errorf("Do = %d, %v; want -1 and an *Error of layer_below after 1 attempt with Result -1", v, err)
		}
	})
}

// TestInnerLayersThatDidNotRetryLeaveItToTheOuter: an inner call that made one
// attempt (WithoutRetry, a Stop of one attempt), or whose caller's time ended
// (the outer attempt's timeout), or whose error was not retried, did not decide:
// the outer layer retries as its Policy says.
func TestInnerLayersThatDidNotRetryLeaveItToTheOuter(t *testing.T) {
	once := StopFunc(func(a Attempt) bool { return a.Number >= 1 })
	tests := []struct {
		name  string
		outer Policy
		inner func(ctx context.Context, calls *int) error
	}{
		{"WithoutRetry", Policy{Wait: zeroWait}, func(ctx context.Context, calls *int) error {
			return (&Policy{}).Run(WithoutRetry(ctx), func(context.Context) error { *calls++; return errFlaky })
		}},
		{"a Stop of one attempt", Policy{Wait: zeroWait}, func(ctx context.Context, calls *int) error {
			return (&Policy{Stop: once}).Run(ctx, func(context.Context) error { *calls++; return errFlaky })
		}},
		{"not retried", Policy{Wait: zeroWait}, func(ctx context.Context, calls *int) error {
			return (&Policy{Retry: PredicateFunc(func(Attempt) bool { return false })}).Run(ctx, func(context.Context) error { *calls++; return errFlaky })
		}},
		{"the outer attempt's timeout", Policy{Wait: zeroWait, AttemptTimeout: time.Second}, func(ctx context.Context, calls *int) error {
			return (&Policy{Wait: WaitFunc(func(Attempt) time.Duration { return 10 * time.Second })}).Run(ctx, func(ctx context.Context) error {
				*calls++
				<-ctx.Done()
				return ctx.Err()
			})
		}},
		{"the outer attempt's timeout, during the inner's pause", Policy{Wait: zeroWait, AttemptTimeout: time.Second}, func(ctx context.Context, calls *int) error {
			return (&Policy{Wait: WaitFunc(func(Attempt) time.Duration { return 600 * time.Millisecond })}).Run(ctx, func(context.Context) error { *calls++; return errFlaky })
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				calls, outer := 0, 0
				var reason Reason
				tt.outer.OnEnd = HookFunc(func(a Attempt) { reason = a.Reason })
				_ = tt.outer.Run(t.Context(), func(ctx context.Context) error {
					outer++
					return tt.inner(ctx, &calls)
				})
				if outer != DefaultAttempts || reason != ReasonStop {
					t.Errorf("outer made %d attempts and ended with %v; want %d and stop", outer, reason, DefaultAttempts)
				}
			})
		})
	}
}

// TestInnerBudgetRefusalDecides: a layer whose Budget refused a retry answered
// "overloaded; don't retry", even after one attempt.
func TestInnerBudgetRefusalDecides(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inner := &Policy{Budget: &recordingBudget{refuse: true}}
		calls, outer := 0, 0
		_ = (&Policy{Wait: zeroWait}).Run(t.Context(), func(ctx context.Context) error {
			outer++
			return inner.Run(ctx, func(context.Context) error { calls++; return errFlaky })
		})
		if calls != 1 || outer != 1 {
			t.Errorf("%d calls in %d outer attempts, want 1 and 1", calls, outer)
		}
	})
}

// TestWithIgnoreLayersRetriesWhatALayerBelowDecided: a caller that means it (a
// failover to another region) retries at the outer layer too.
func TestWithIgnoreLayersRetriesWhatALayerBelowDecided(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &Policy{Wait: zeroWait}
		var budget recordingBudget
		outerP := &Policy{Wait: zeroWait, Stop: StopFunc(func(a Attempt) bool { return a.Number >= 2 }), Budget: &budget}
		calls := 0
		err := outerP.Run(WithIgnoreLayers(t.Context()), func(ctx context.Context) error {
			return p.Run(ctx, func(context.Context) error { calls++; return errFlaky })
		})
		var re *Error
		if calls != 8 || !errors.As(err, &re) || re.Attempts != 2 {
			t.Errorf("calls = %d, err = %v; want 8 calls and an outer give-up after 2 attempts", calls, err)
		}
		if budget.asked.Load() != 1 {
			t.Errorf("the outer Budget was asked %d times, want 1: the retry still costs", budget.asked.Load())
		}
	})
}

// TestLayersInsideAHedgedCallMakeOneAttempt: a hedged call may run several
// attempts at once, so the layers below it do not retry: the hedged call does,
// and the service sees at most its attempts, hedges included.
func TestLayersInsideAHedgedCallMakeOneAttempt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inner := &Policy{Wait: zeroWait}
		var mu sync.Mutex // the flights' inner calls run concurrently
		var innerEnds []Reason
		inner.OnEnd = HookFunc(func(a Attempt) {
			mu.Lock()
			innerEnds = append(innerEnds, a.Reason)
			mu.Unlock()
		})
		var served atomic.Int64
		r := Retrier[int]{Policy: &Policy{Wait: zeroWait, Hedger: &everyHedger{delay: 10 * time.Millisecond, max: 1}}}
		_, err := r.Hedge(t.Context(), func(ctx context.Context) (int, error) {
			return Do(ctx, inner, func(ctx context.Context) (int, error) {
				served.Add(1)
				time.Sleep(20 * time.Millisecond) // a server that fails slowly
				return 0, errFlaky
			})
		})
		var re *Error
		if !errors.As(err, &re) || re.Reason != ReasonStop || re.Attempts != DefaultAttempts {
			t.Errorf("Hedge = %v, want a give-up of the hedged call after %d attempts", err, DefaultAttempts)
		}
		if served.Load() != DefaultAttempts {
			t.Errorf("the service saw %d calls, want %d: the hedged call's attempts, hedges included", served.Load(), DefaultAttempts)
		}
		for _, reason := range innerEnds {
			if reason != ReasonNotRetried {
				t.Errorf("an inner call ended with %v, want not_retried", reason)
			}
		}
	})
}

// TestInnerGiveUpAtTheCallersDeadlineDecides: an inner call that retried until
// the caller's own deadline left no room for a pause decided; the outer one,
// under the same deadline, does not start again with a shorter pause.
func TestInnerGiveUpAtTheCallersDeadlineDecides(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		ten := StopFunc(func(a Attempt) bool { return a.Number >= 10 })
		inner := &Policy{Stop: ten, Wait: WaitFunc(func(Attempt) time.Duration { return 3 * time.Second })}
		outer := &Policy{Stop: ten, Wait: WaitFunc(func(Attempt) time.Duration { return 100 * time.Millisecond })}
		calls := 0
		err := outer.Run(ctx, func(ctx context.Context) error {
			return inner.Run(ctx, func(context.Context) error { calls++; return errFlaky })
		})
		var re *Error
		if calls != 4 || !errors.As(err, &re) || re.Reason != ReasonDeadline {
			t.Errorf("calls = %d, err = %v; want 4 (at 0, 3, 6 and 9s) and the inner give-up before the deadline", calls, err)
		}
	})
}

// TestOverridesApplyToOneCall: WithoutRetry, WithPolicy and WithIgnoreLayers
// change the call made with the context, and not the calls inside its
// attempts, whose contexts descend from it.
func TestOverridesApplyToOneCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &Policy{Wait: zeroWait}
		outer, inner := 0, 0
		err := p.Run(WithoutRetry(t.Context()), func(ctx context.Context) error {
			outer++
			return (&Policy{Wait: zeroWait, Stop: StopFunc(func(a Attempt) bool { return a.Number >= 3 })}).Run(ctx, func(context.Context) error {
				inner++
				return Permanent(errFlaky) // not retried: the outer judges it itself
			})
		})
		if err != errFlaky || outer != 1 || inner != 1 {
			t.Errorf("err = %v, %d outer and %d inner attempts; want errFlaky, 1, 1", err, outer, inner)
		}

		outer, inner = 0, 0
		three := &Policy{Wait: zeroWait, Stop: StopFunc(func(a Attempt) bool { return a.Number >= 3 })}
		_ = p.Run(WithPolicy(t.Context(), three), func(ctx context.Context) error {
			outer++
			return p.Run(ctx, func(context.Context) error { inner++; return errFlaky })
		})
		if outer != 1 || inner != 4 {
			t.Errorf("WithPolicy: %d outer and %d inner attempts; want 1 and 4 (the inner call keeps its own Policy)", outer, inner)
		}
	})
}

// TestWithoutRetry: one attempt, the error unchanged, ReasonNotRetried, and
// the Budget hears what the attempt told of the service.
func TestWithoutRetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var budget recordingBudget
		var reason Reason
		p := &Policy{Budget: &budget, OnEnd: HookFunc(func(a Attempt) { reason = a.Reason })}
		calls := 0
		err := p.Run(WithoutRetry(t.Context()), func(context.Context) error { calls++; return errFlaky })
		if err != errFlaky || calls != 1 || reason != ReasonNotRetried {
			t.Errorf("err = %v after %d calls, OnEnd %v; want errFlaky after 1, not_retried", err, calls, reason)
		}
		if budget.failed.Load() != 1 || budget.asked.Load() != 0 {
			t.Errorf("the Budget heard %d failures and was asked %d times; want 1 and 0", budget.failed.Load(), budget.asked.Load())
		}
		r := Retrier[int]{Policy: p, RetryResult: func(v int) bool { return v < 0 }}
		v, err := r.Do(WithoutRetry(t.Context()), func(context.Context) (int, error) { return -1, nil })
		var re *Error
		if v != -1 || !errors.As(err, &re) || re.Reason != ReasonNotRetried || re.Result != -1 {
			t.Errorf("a rejected result: Do = %d, %v; want -1 and an *Error of not_retried", v, err)
		}
	})
}

// TestWithPolicy: the Policy of the context replaces the call's, a nil one
// being the zero Policy; the innermost WithPolicy wins.
func TestWithPolicy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		two := &Policy{Wait: zeroWait, Stop: StopFunc(func(a Attempt) bool { return a.Number >= 2 })}
		five := &Policy{Wait: zeroWait, Stop: StopFunc(func(a Attempt) bool { return a.Number >= 5 })}
		for _, tt := range []struct {
			ctx  context.Context
			want int
		}{
			{WithPolicy(t.Context(), two), 2},
			{WithPolicy(WithPolicy(t.Context(), two), five), 5},
			{WithPolicy(t.Context(), nil), DefaultAttempts},
			{WithoutRetry(WithPolicy(t.Context(), five)), 1},
			{WithPolicy(WithoutRetry(t.Context()), five), 1},
		} {
			calls := 0
			_ = (&Policy{Wait: zeroWait, Stop: StopFunc(func(Attempt) bool { return true })}).Run(tt.ctx, func(context.Context) error { calls++; return errFlaky })
			if calls != tt.want {
				t.Errorf("%v attempts, want %d", calls, tt.want)
			}
		}
	})
}

// TestLayerMarkCostsOneAllocation: the one allocation of a call is its mark
// in the attempt's context, nested or not.
func TestLayerMarkCostsOneAllocation(t *testing.T) {
	var p Policy
	op := func(context.Context) (int, error) { return 1, nil }
	nested := func(ctx context.Context) (int, error) { return Do(ctx, &p, op) }
	for name, f := range map[string]func(){
		"alone":  func() { _, _ = Do(context.Background(), &p, op) },
		"nested": func() { _, _ = Do(context.Background(), &p, nested) },
	} {
		want := map[string]float64{"alone": 1, "nested": 2}[name]
		if a := testing.AllocsPerRun(100, f); a != want {
			t.Errorf("%s: %v allocations, want %v (one per call)", name, a, want)
		}
	}
}

func ExampleWithIgnoreLayers() {
	svc := &Policy{Wait: WaitFunc(func(Attempt) time.Duration { return 0 })}
	failover := &Policy{Wait: svc.Wait, Stop: StopFunc(func(a Attempt) bool { return a.Number >= 2 })}
	calls := 0
	region := []string{"eu-west", "us-east"}
	err := failover.Run(WithIgnoreLayers(context.Background()), func(ctx context.Context) error {
		// Each region gets the service's own retries; the failover layer
		// repeats what a region gave up on, in the next region.
		return svc.Run(ctx, func(context.Context) error {
			calls++
			return fmt.Errorf("%s: unavailable", region[(calls-1)/4])
		})
	})
	fmt.Println(calls, "calls:", err)
	// Output: 8 calls: retry: gave up after 2 attempts: retry: gave up after 4 attempts: us-east: unavailable
}

// TestStatsAreTheCallsOwn: WithStats reports the call made with the context,
// and the calls inside its attempts, concurrent ones included, do not write
// it.
func TestStatsAreTheCallsOwn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var st Stats
		p := &Policy{Wait: zeroWait}
		err := p.Run(WithStats(t.Context(), &st), func(ctx context.Context) error {
			_, err := Map(ctx, p, []int{1, 2, 3}, 3, func(ctx context.Context, n int) (int, error) {
				return Do(ctx, p, failing(1, errFlaky, n))
			})
			return err
		})
		if err != nil || st.Attempts != 1 {
			t.Errorf("err = %v, Stats.Attempts = %d; want nil and 1, the outer call's", err, st.Attempts)
		}
	})
}

package retry

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

var errFlaky = errors.New("flaky")

// failing returns an operation that fails with err n times, then returns v.
func failing[T any](n int, err error, v T) func(context.Context) (T, error) {
	calls := 0
	return func(context.Context) (T, error) {
		calls++
		if calls <= n {
			var zero T
			return zero, err
		}
		return v, nil
	}
}

var zeroWait = WaitFunc(func(Attempt) time.Duration { return 0 })

func TestZeroPolicySucceedsAfterFailures(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var p Policy
		var st Stats
		got, err := Do(WithStats(t.Context(), &st), &p, failing(2, errFlaky, "ok"))
		if err != nil || got != "ok" {
			t.Fatalf("Do = %q, %v; want ok, nil", got, err)
		}
		if st.Attempts != 3 {
			t.Errorf("Attempts = %d, want 3", st.Attempts)
		}
		// Full jitter: pause 1 in [0, 100ms], pause 2 in [0, 200ms].
		if st.Slept < 0 || st.Slept > 300*time.Millisecond || st.Elapsed != st.Slept {
			t.Errorf("Slept = %v, Elapsed = %v; want equal and within [0, 300ms]", st.Slept, st.Elapsed)
		}
	})
}

func TestZeroPolicyGivesUpAfterFourAttempts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var p Policy
		v, err := Do(t.Context(), &p, failing(10, errFlaky, 1))
		var re *Error
		if !errors.As(err, &re) {
			t.Fatalf("err = %v, want *Error", err)
		}
		if re.Reason != ReasonStop || re.Attempts != 4 || re.Last != errFlaky || v != 0 {
			t.Errorf("got reason %v, attempts %d, last %v, v %d; want stop, 4, flaky, 0", re.Reason, re.Attempts, re.Last, v)
		}
		if !errors.Is(err, errFlaky) {
			t.Errorf("errors.Is(err, errFlaky) = false, want true")
		}
		if got, want := err.Error(), "retry: gave up after 4 attempts: flaky"; got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	})
}

func TestNotRetriedErrorsComeBackUnchanged(t *testing.T) {
	notFound := errors.New("not found")
	wrapped := fmt.Errorf("lookup: %w", Permanent(notFound))
	tests := []struct {
		name    string
		p       Policy
		err     error
		want    error
		wantEnd int // OnEnd calls with ReasonNotRetried
	}{
		{"permanent is unwrapped", Policy{}, Permanent(notFound), notFound, 1},
		{"wrapped permanent stays wrapped", Policy{}, wrapped, wrapped, 1},
		{"permanent beats an always-retry predicate", Policy{Retry: PredicateFunc(func(Attempt) bool { return true })}, Permanent(notFound), notFound, 1},
		{"predicate says no", Policy{Retry: PredicateFunc(func(a Attempt) bool { return a.Err != notFound })}, notFound, notFound, 1},
		{"context error by default", Policy{}, context.Canceled, context.Canceled, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls, notRetried := 0, 0
			tt.p.OnEnd = HookFunc(func(a Attempt) {
				if a.Reason == ReasonNotRetried {
					notRetried++
				}
			})
			_, err := Do(t.Context(), &tt.p, func(context.Context) (int, error) { calls++; return 0, tt.err })
			want := tt.want
			if want == nil {
				want = tt.err
			}
			if err != want {
				t.Errorf("err = %v, want %v (unchanged)", err, want)
			}
			if calls != 1 || notRetried != tt.wantEnd {
				t.Errorf("calls = %d, OnEnd with ReasonNotRetried = %d; want 1, %d", calls, notRetried, tt.wantEnd)
			}
		})
	}
}

func TestHookOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var events []string
		rec := func(name string) Hook {
			return HookFunc(func(a Attempt) {
				e := fmt.Sprintf("%s n=%d err=%v delay=%v prev=%v slept=%v", name, a.Number, a.Err, a.Delay, a.PrevDelay, a.Slept)
				if a.Reason != 0 {
					e += " reason=" + a.Reason.String()
				}
				events = append(events, e)
			})
		}
		p := Policy{
			Stop: StopFunc(func(a Attempt) bool {
				events = append(events, fmt.Sprintf("stop n=%d delay=%v", a.Number, a.Delay))
				return a.Number >= 3
			}),
			Wait:        WaitFunc(func(a Attempt) time.Duration { return time.Duration(a.Number) * time.Second }),
			Retry:       PredicateFunc(func(a Attempt) bool { events = append(events, fmt.Sprintf("retry n=%d", a.Number)); return true }),
			Before:      rec("before"),
			After:       rec("after"),
			BeforeSleep: rec("sleep"),
			OnEnd:       rec("end"),
			Budget:      &eventBudget{events: &events},
		}
		_, err := Do(t.Context(), &p, failing(5, errFlaky, 0))
		if err == nil {
			t.Fatal("Do succeeded, want give-up")
		}
		want := []string{
			"before n=1 err=<nil> delay=0s prev=0s slept=0s",
			"after n=1 err=flaky delay=0s prev=0s slept=0s",
			"retry n=1",
			"budget: attempted transient spent=Class(0)",
			"stop n=1 delay=1s",
			"budget: allow transient?",
			"sleep n=1 err=flaky delay=1s prev=0s slept=0s",
			"before n=2 err=<nil> delay=0s prev=1s slept=1s",
			"after n=2 err=flaky delay=0s prev=1s slept=1s",
			"retry n=2",
			"budget: attempted transient spent=transient",
			"stop n=2 delay=2s",
			"budget: allow transient?",
			"sleep n=2 err=flaky delay=2s prev=1s slept=1s",
			"before n=3 err=<nil> delay=0s prev=2s slept=3s",
			"after n=3 err=flaky delay=0s prev=2s slept=3s",
			"retry n=3",
			"budget: attempted transient spent=transient",
			"stop n=3 delay=3s",
			"end n=3 err=flaky delay=3s prev=2s slept=3s reason=stop",
		}
		if diff := cmp.Diff(want, events); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

func TestElapsedAndSleptAreExact(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var elapsed []time.Duration
		p := Policy{
			Stop:  StopFunc(func(a Attempt) bool { return a.Number >= 4 }),
			Wait:  WaitFunc(func(Attempt) time.Duration { return 500 * time.Millisecond }),
			After: HookFunc(func(a Attempt) { elapsed = append(elapsed, a.Elapsed) }),
		}
		var st Stats
		_, err := Do(WithStats(t.Context(), &st), &p, func(context.Context) (int, error) {
			time.Sleep(100 * time.Millisecond) // each attempt takes 100ms
			return 0, errFlaky
		})
		if err == nil {
			t.Fatal("want an error")
		}
		want := []time.Duration{100 * time.Millisecond, 700 * time.Millisecond, 1300 * time.Millisecond, 1900 * time.Millisecond}
		if diff := cmp.Diff(want, elapsed); diff != "" {
			t.Errorf("Elapsed per attempt (-want +got):\n%s", diff)
		}
		if want := (Stats{Attempts: 4, Slept: 1500 * time.Millisecond, Elapsed: 1900 * time.Millisecond}); st != want {
			t.Errorf("Stats = %+v, want %+v", st, want)
		}
	})
}

func TestCancelDuringSleepReturnsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(t.Context())
		cause := errors.New("shutting down")
		time.AfterFunc(3*time.Second, func() { cancel(cause) })
		p := Policy{Stop: StopFunc(func(Attempt) bool { return false }), Wait: WaitFunc(func(Attempt) time.Duration { return time.Hour })}
		start := time.Now()
		_, err := Do(ctx, &p, failing(100, errFlaky, 0))
		if d := time.Since(start); d != 3*time.Second {
			t.Errorf("Do returned after %v, want 3s (at cancellation)", d)
		}
		var re *Error
		if !errors.As(err, &re) || re.Reason != ReasonContext || re.Attempts != 1 {
			t.Fatalf("err = %#v, want *Error with ReasonContext after 1 attempt", err)
		}
		for _, target := range []error{errFlaky, context.Canceled, cause} {
			if !errors.Is(err, target) {
				t.Errorf("errors.Is(err, %v) = false, want true", target)
			}
		}
		if got, want := err.Error(), "retry: context ended after 1 attempt (context canceled: shutting down): flaky"; got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	})
}

func TestCancelDuringAttemptIsFinal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		p := Policy{Retry: PredicateFunc(func(Attempt) bool { return true }), Stop: StopFunc(func(Attempt) bool { return false })}
		calls := 0
		_, err := Do(ctx, &p, func(ctx context.Context) (int, error) {
			calls++
			<-ctx.Done()
			return 0, fmt.Errorf("op: %w", ctx.Err())
		})
		var re *Error
		if !errors.As(err, &re) || re.Reason != ReasonContext || calls != 1 {
			t.Fatalf("err = %v after %d calls, want ReasonContext after 1", err, calls)
		}
		if !errors.Is(err, context.DeadlineExceeded) || re.Context != context.DeadlineExceeded || re.Cause != nil {
			t.Errorf("Context = %v, Cause = %v; want DeadlineExceeded, nil", re.Context, re.Cause)
		}
	})
}

func TestDeadlineAwareGiveUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		var slept []time.Duration
		p := Policy{
			Stop:        StopFunc(func(Attempt) bool { return false }),
			Wait:        WaitFunc(func(a Attempt) time.Duration { return time.Duration(a.Number) * 3 * time.Second }),
			BeforeSleep: HookFunc(func(a Attempt) { slept = append(slept, a.Delay) }),
		}
		start := time.Now()
		_, err := Do(ctx, &p, failing(100, errFlaky, 0))
		// Pauses of 3s and 6s fit (9s); the next, 9s, would end at 18s > 10s.
		if d := time.Since(start); d != 9*time.Second {
			t.Errorf("gave up after %v, want 9s: without sleeping into the deadline", d)
		}
		var re *Error
		if !errors.As(err, &re) || re.Reason != ReasonDeadline || re.Attempts != 3 || re.Delay != 9*time.Second {
			t.Fatalf("err = %#v, want ReasonDeadline after 3 attempts with Delay 9s", err)
		}
		if diff := cmp.Diff([]time.Duration{3 * time.Second, 6 * time.Second}, slept); diff != "" {
			t.Errorf("BeforeSleep delays (-want +got):\n%s", diff)
		}
		if !errors.Is(err, errFlaky) || !errors.Is(err, context.DeadlineExceeded) || re.Context != nil {
			t.Errorf("want errors.Is(err, errFlaky) and errors.Is(err, context.DeadlineExceeded) (the call ran out of time), and no Context (it never ended)")
		}
		if want := "retry: gave up before the deadline after 3 attempts (next pause 9s): flaky"; err.Error() != want {
			t.Errorf("Error() = %q, want %q", err.Error(), want)
		}
	})
}

func TestAttemptTimeoutIsRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Policy{
			AttemptTimeout: time.Second,
			Retry:          PredicateFunc(func(Attempt) bool { return false }), // the timeout is retried anyway
			Wait:           zeroWait,
		}
		calls := 0
		start := time.Now()
		v, err := Do(t.Context(), &p, func(ctx context.Context) (int, error) {
			calls++
			if calls < 3 {
				<-ctx.Done()
				return 0, ctx.Err()
			}
			if _, ok := ctx.Deadline(); !ok {
				return 0, errors.New("attempt context has no deadline")
			}
			return 7, nil
		})
		if err != nil || v != 7 || calls != 3 {
			t.Fatalf("Do = %d, %v after %d calls; want 7, nil after 3", v, err, calls)
		}
		if d := time.Since(start); d != 2*time.Second {
			t.Errorf("took %v, want 2s (two timed-out attempts)", d)
		}
	})
}

func TestAttemptTimeoutErrorOnGiveUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Policy{AttemptTimeout: time.Second, Wait: zeroWait}
		_, err := Do(t.Context(), &p, func(ctx context.Context) (int, error) { <-ctx.Done(); return 0, ctx.Err() })
		var re *Error
		if !errors.As(err, &re) || re.Reason != ReasonStop || re.Attempts != DefaultAttempts {
			t.Fatalf("err = %v, want give-up after %d attempts", err, DefaultAttempts)
		}
		if !errors.Is(err, ErrAttemptTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("want errors.Is ErrAttemptTimeout and DeadlineExceeded: %v", err)
		}
		var te interface{ Timeout() bool }
		if !errors.As(err, &te) || !te.Timeout() {
			t.Errorf("want an error with Timeout() true in the chain")
		}
		if want := "retry: gave up after 4 attempts: retry: attempt timed out after 1s: context deadline exceeded"; err.Error() != want {
			t.Errorf("Error() = %q, want %q", err.Error(), want)
		}
	})
}

func TestRetryResult(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := Retrier[string]{Policy: &Policy{Wait: zeroWait}, RetryResult: func(s string) bool { return s == "pending" }}
		results := []string{"pending", "pending", "done"}
		i := 0
		op := func(context.Context) (string, error) { i++; return results[i-1], nil }
		if got, err := r.Do(t.Context(), op); got != "done" || err != nil {
			t.Fatalf("Do = %q, %v; want done, nil", got, err)
		}

		got, err := r.Do(t.Context(), func(context.Context) (string, error) { return "pending", nil })
		var re *Error
		if !errors.As(err, &re) || re.Last != nil || re.Result != "pending" || got != "pending" {
			t.Fatalf("Do = %q, %#v; want pending and an *Error with Result pending, Last nil", got, err)
		}
		if want := "retry: gave up after 4 attempts: result rejected"; err.Error() != want {
			t.Errorf("Error() = %q, want %q", err.Error(), want)
		}
	})
}

func TestStopSeesTheChosenDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Stop before total elapsed time would pass 10s, tenacity's stop_before_delay.
		p := Policy{
			Wait: WaitFunc(func(Attempt) time.Duration { return 4 * time.Second }),
			Stop: StopFunc(func(a Attempt) bool { return a.Elapsed+a.Delay > 10*time.Second }),
		}
		start := time.Now()
		_, err := Do(t.Context(), &p, failing(100, errFlaky, 0))
		var re *Error
		if !errors.As(err, &re) || re.Attempts != 3 || time.Since(start) != 8*time.Second {
			t.Errorf("gave up after %v and %d attempts, want 8s and 3", time.Since(start), re.Attempts)
		}
	})
}

func TestRun(t *testing.T) {
	var p Policy
	calls := 0
	err := p.Run(context.Background(), func(context.Context) error {
		calls++
		if calls < 2 {
			return Permanent(errFlaky)
		}
		return nil
	})
	if err != errFlaky || calls != 1 {
		t.Errorf("Run = %v after %d calls, want flaky after 1", err, calls)
	}
	p.Wait = zeroWait
	calls = 0
	if err := p.Run(context.Background(), func(context.Context) error {
		calls++
		if calls < 3 {
			return errFlaky
		}
		return nil
	}); err != nil || calls != 3 {
		t.Errorf("Run = %v after %d calls, want nil after 3", err, calls)
	}
}

func TestNegativeWaitCountsAsZero(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Policy{Wait: WaitFunc(func(Attempt) time.Duration { return -time.Hour })}
		start := time.Now()
		if _, err := Do(t.Context(), &p, failing(2, errFlaky, 1)); err != nil || time.Since(start) != 0 {
			t.Errorf("err = %v after %v, want nil after 0s", err, time.Since(start))
		}
	})
}

func TestConcurrentUse(t *testing.T) {
	p := Policy{Wait: zeroWait, Stop: StopFunc(func(a Attempt) bool { return a.Number >= 5 })}
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() {
			var st Stats
			v, err := Do(WithStats(context.Background(), &st), &p, failing(i%4, errFlaky, i))
			if err != nil || v != i || st.Attempts != i%4+1 {
				t.Errorf("goroutine %d: Do = %d, %v, %d attempts; want %d, nil, %d", i, v, err, st.Attempts, i, i%4+1)
			}
		})
	}
	wg.Wait()
}

func TestZeroDelayRetriesAllocateNothing(t *testing.T) {
	p := Policy{
		Stop:  StopFunc(func(a Attempt) bool { return a.Number >= 4 }),
		Wait:  zeroWait,
		Retry: PredicateFunc(func(a Attempt) bool { return a.Err == errFlaky }),
	}
	ctx := context.Background()
	allocs := testing.AllocsPerRun(100, func() {
		n := 0
		_, _ = Do(ctx, &p, func(context.Context) (int, error) {
			if n++; n < 4 {
				return 0, errFlaky
			}
			return n, nil
		})
	})
	if allocs != 1 {
		t.Errorf("three zero-delay retries allocated %v times, want 1 (the layer mark; no timer)", allocs)
	}
}

func TestOneTimerPerCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		allocsFor := func(sleeps int) float64 {
			p := Policy{
				Stop: StopFunc(func(a Attempt) bool { return a.Number > sleeps }),
				Wait: WaitFunc(func(Attempt) time.Duration { return time.Millisecond }),
			}
			return testing.AllocsPerRun(20, func() {
				_, _ = Do(context.Background(), &p, failing(sleeps, errFlaky, 1))
			})
		}
		one, many := allocsFor(1), allocsFor(8)
		if one != many {
			t.Errorf("1 sleep allocates %v, 8 sleeps %v: want the same (one timer reused)", one, many)
		}
	})
}

// TestSuccessAllocatesOnce: a call that succeeds at once allocates only its mark
// in the attempt's context (see internal/layer).
func TestSuccessAllocatesOnce(t *testing.T) {
	for name, p := range map[string]*Policy{
		"zero":              {},
		"configured":        {Stop: StopFunc(func(a Attempt) bool { return a.Number >= 4 }), Wait: zeroWait, After: HookFunc(func(Attempt) {})},
		"named, with OnEnd": {Name: "op", OnEnd: HookFunc(func(Attempt) {})},
	} {
		op := func(context.Context) (int, error) { return 1, nil }
		if a := testing.AllocsPerRun(100, func() { _, _ = Do(context.Background(), p, op) }); a != 1 {
			t.Errorf("%s: success allocated %v times, want 1", name, a)
		}
	}
}

func TestConstructionPanics(t *testing.T) {
	op := func(context.Context) (int, error) { return 0, nil }
	var p Policy
	tests := []struct {
		name      string
		f         func()
		wantPanic string
	}{
		{"WithStats nil", func() { WithStats(context.Background(), nil) }, "retry: WithStats: nil *Stats"},
		{"Do nil context", func() { _, _ = Do(nil, &p, op) }, "retry: Do: nil Context"}, //lint:ignore SA1012 testing the panic
		{"Do nil op", func() { _, _ = Do[int](context.Background(), &p, nil) }, "retry: Do: nil operation"},
		{"Retrier.Do nil op", func() { _, _ = (&Retrier[int]{}).Do(context.Background(), nil) }, "retry: Retrier.Do: nil operation"},
		{"Run nil op", func() { _ = p.Run(context.Background(), nil) }, "retry: Policy.Run: nil operation"},
		{"Loop nil context", func() { p.Loop(nil) }, "retry: Policy.Loop: nil Context"}, //lint:ignore SA1012 testing the panic
		{"Wrap nil f", func() { Wrap[int, int](&p, nil) }, "retry: Wrap: nil function"},
		{"valid", func() { _, _ = Do(context.Background(), nil, op) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				got, _ := recover().(string)
				if got != tt.wantPanic {
					t.Errorf("panic = %q, want %q", got, tt.wantPanic)
				}
			}()
			tt.f()
		})
	}
}

func TestReasonString(t *testing.T) {
	for r, want := range map[Reason]string{
		ReasonSuccess: "success", ReasonNotRetried: "not_retried", ReasonStop: "stop", ReasonDeadline: "deadline",
		ReasonBudget: "budget", ReasonContext: "context", 0: "Reason(0)", 200: "Reason(200)",
	} {
		if got := r.String(); got != want {
			t.Errorf("Reason(%d).String() = %q, want %q", r, got, want)
		}
	}
}

func TestPermanent(t *testing.T) {
	if Permanent(nil) != nil {
		t.Error("Permanent(nil) != nil")
	}
	p := Permanent(errFlaky)
	if !errors.Is(p, errFlaky) || p.Error() != "flaky" || !IsPermanent(fmt.Errorf("x: %w", p)) || IsPermanent(errFlaky) {
		t.Error("Permanent must unwrap to its error, keep its message, and be found by IsPermanent")
	}
	joined := errors.Join(errFlaky, fmt.Errorf("y: %w", p))
	if !IsPermanent(joined) {
		t.Error("IsPermanent must look inside joined errors")
	}
	if a := testing.AllocsPerRun(100, func() { IsPermanent(joined) }); a != 0 {
		t.Errorf("IsPermanent allocated %v times, want 0", a)
	}
}

func TestPanicsPassThrough(t *testing.T) {
	var p Policy
	defer func() {
		if recover() != "boom" {
			t.Error("the operation's panic was not passed through")
		}
	}()
	_ = p.Run(context.Background(), func(context.Context) error { panic("boom") })
}

func TestSleptExcludesHookTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Policy{
			Wait:        WaitFunc(func(Attempt) time.Duration { return 2 * time.Second }),
			BeforeSleep: HookFunc(func(Attempt) { time.Sleep(time.Second) }), // a slow hook
		}
		var st Stats
		if _, err := Do(WithStats(t.Context(), &st), &p, failing(1, errFlaky, 1)); err != nil {
			t.Fatal(err)
		}
		if st.Slept != 2*time.Second || st.Elapsed != 3*time.Second {
			t.Errorf("Slept = %v, Elapsed = %v; want 2s, 3s", st.Slept, st.Elapsed)
		}
	})
}

func TestPolicyOnTheStackDoesNotEscape(t *testing.T) {
	op := func(context.Context) (int, error) { return 1, nil }
	stop := StopFunc(func(a Attempt) bool { return a.Number >= 2 })
	allocs := testing.AllocsPerRun(100, func() {
		p := Policy{Stop: stop} // a Policy built on the stack for one call
		_, _ = Do(context.Background(), &p, op)
		_ = p.Run(context.Background(), func(context.Context) error { return nil })
		r := Retrier[int]{Policy: &p, RetryResult: func(int) bool { return false }}
		_, _ = r.Do(context.Background(), op)
	})
	if allocs != 3 { // one layer mark per call
		t.Errorf("a Policy on the stack allocated %v times for three calls, want 3", allocs)
	}
}

// eventBudget allows every retry and records when the engine consults it.
type eventBudget struct{ events *[]string }

func (b *eventBudget) Attempted(result, spent Class) {
	*b.events = append(*b.events, fmt.Sprintf("budget: attempted %v spent=%v", result, spent))
}

func (b *eventBudget) Allow(c Class) bool {
	*b.events = append(*b.events, fmt.Sprintf("budget: allow %v?", c))
	return true
}

func TestPermanentPastAttemptTimeoutComesBackUnchanged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		errX := errors.New("x")
		p := Policy{AttemptTimeout: time.Second}
		calls := 0
		_, err := Do(t.Context(), &p, func(context.Context) (int, error) {
			calls++
			time.Sleep(2 * time.Second) // ignores its context
			return 0, Permanent(errX)
		})
		if err != errX || calls != 1 {
			t.Errorf("Do = %v after %d calls, want x itself after 1", err, calls)
		}
	})
}

func TestUnrelatedErrorPastAttemptTimeoutGoesToThePredicate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		errX := errors.New("bad request")
		p := Policy{AttemptTimeout: time.Second, Retry: PredicateFunc(func(Attempt) bool { return false })}
		calls := 0
		_, err := Do(t.Context(), &p, func(context.Context) (int, error) {
			calls++
			time.Sleep(2 * time.Second)
			return 0, errX
		})
		if err != errX || calls != 1 {
			t.Errorf("Do = %v after %d calls, want the unretried error after 1", err, calls)
		}
	})
}

// TestOnEndSeesHowTheCallEnded runs one call per ending and checks the Reason that
// OnEnd sees, that it runs exactly once, and that it agrees with the error returned.
func TestOnEndSeesHowTheCallEnded(t *testing.T) {
	errNotFound := errors.New("not found")
	tests := []struct {
		name    string
		timeout time.Duration // of the caller's context; 0 for none
		cancel  time.Duration // cancels the caller's context after this; 0 for never
		p       Policy
		op      func(context.Context) (int, error)
		want    Reason
		with    func(context.Context) context.Context // an override, if any
	}{
		{"success", 0, 0, Policy{}, failing(0, errFlaky, 1), ReasonSuccess, nil},
		{"success after retries", 0, 0, Policy{}, failing(2, errFlaky, 1), ReasonSuccess, nil},
		{"not retried", 0, 0, Policy{Retry: PredicateFunc(func(a Attempt) bool { return a.Err != errNotFound })}, failing(1, errNotFound, 1), ReasonNotRetried, nil},
		{"permanent", 0, 0, Policy{}, failing(1, Permanent(errFlaky), 1), ReasonNotRetried, nil},
		{"stop", 0, 0, Policy{}, failing(5, errFlaky, 1), ReasonStop, nil},
		{"deadline", 10 * time.Second, 0, Policy{Wait: WaitFunc(func(Attempt) time.Duration { return time.Minute })}, failing(5, errFlaky, 1), ReasonDeadline, nil},
		{"budget", 0, 0, Policy{Budget: &recordingBudget{refuse: true}}, failing(5, errFlaky, 1), ReasonBudget, nil},
		{"context during a pause", 0, time.Second, Policy{Wait: WaitFunc(func(Attempt) time.Duration { return time.Minute })}, failing(5, errFlaky, 1), ReasonContext, nil},
		{"without retry", 0, 0, Policy{}, failing(5, errFlaky, 1), ReasonNotRetried, WithoutRetry},
		{"layer below", 0, 0, Policy{}, func(ctx context.Context) (int, error) {
			return Do(ctx, &Policy{Wait: zeroWait}, failing(5, errFlaky, 1))
		}, ReasonLayerBelow, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := t.Context()
				if tt.timeout > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.timeout)
					defer cancel()
				}
				if tt.cancel > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithCancel(ctx)
					time.AfterFunc(tt.cancel, cancel)
				}
				if tt.with != nil {
					ctx = tt.with(ctx)
				}
				var seen []Reason
				tt.p.Name = "op " + tt.name
				tt.p.OnEnd = HookFunc(func(a Attempt) {
					if a.Name != tt.p.Name {
						t.Errorf("Attempt.Name = %q, want %q", a.Name, tt.p.Name)
					}
					seen = append(seen, a.Reason)
				})
				tt.p.Before = HookFunc(func(a Attempt) {
					if a.Reason != 0 {
						t.Errorf("Before saw Reason %v, want zero while the call goes on", a.Reason)
					}
				})
				_, err := Do(ctx, &tt.p, tt.op)
				if diff := cmp.Diff([]Reason{tt.want}, seen); diff != "" {
					t.Fatalf("OnEnd reasons (-want +got):\n%s", diff)
				}
				var re *Error
				switch isErr := errors.As(err, &re); {
				case tt.want == ReasonSuccess && err != nil:
					t.Errorf("err = %v, want nil", err)
				case tt.want == ReasonNotRetried && isErr:
					t.Errorf("err = %v, want the operation's error unchanged", err)
				case tt.want == ReasonLayerBelow && (!isErr || re.Reason != ReasonStop):
					t.Errorf("err = %v, want the layer below's give-up unchanged", err)
				case tt.want > ReasonLayerBelow && (!isErr || re.Reason != tt.want):
					t.Errorf("err = %v, want an *Error with Reason %v", err, tt.want)
				}
			})
		})
	}
}

func TestZeroPolicyReadsNoClock(t *testing.T) {
	// Not observable from outside but through Elapsed: a zero Policy's call with
	// statistics reads it, one without leaves every Attempt's durations to nobody.
	synctest.Test(t, func(t *testing.T) {
		var st Stats
		var p Policy
		_, err := Do(WithStats(t.Context(), &st), &p, func(context.Context) (int, error) {
			time.Sleep(time.Second)
			return 1, nil
		})
		if err != nil || st.Elapsed != time.Second {
			t.Errorf("Stats.Elapsed = %v (err %v), want 1s: statistics make a zero Policy read the clock", st.Elapsed, err)
		}
	})
}

// TestLowerLayerDeadlineIsRetried: a deadline error from below (a driver's own
// timeout) while the caller's context lives is transient; only the caller's own
// context ending is final.
func TestLowerLayerDeadlineIsRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		driverTimeout := fmt.Errorf("driver: %w", context.DeadlineExceeded)
		var p Policy
		got, err := Do(t.Context(), &p, failing(2, driverTimeout, 7))
		if err != nil || got != 7 {
			t.Errorf("Do = %d, %v; want 7, nil: the driver's timeout is retried", got, err)
		}
		p.Retry = PredicateFunc(func(a Attempt) bool { return errors.Is(a.Err, context.DeadlineExceeded) })
		if got, err := Do(t.Context(), &p, failing(2, driverTimeout, 7)); err != nil || got != 7 {
			t.Errorf("Do = %d, %v; want 7, nil: a predicate need not look at the context", got, err)
		}
	})
}

// TestCallerContextEndIsFinal: once the caller's context has ended, the call ends
// with ReasonContext whatever the operation returned and whatever the predicate
// would say, and the budget does not count it as the service's failure.
func TestCallerContextEndIsFinal(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  func(ctx context.Context) error
	}{
		{"the context's own error", func(ctx context.Context) error { return ctx.Err() }},
		{"a wrapped deadline", func(ctx context.Context) error { return fmt.Errorf("op: %w", ctx.Err()) }},
		{"an unrelated error", func(context.Context) error { return errFlaky }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(t.Context(), time.Second)
				defer cancel()
				b := new(recordingBudget)
				asked := 0
				p := Policy{Budget: b, Retry: PredicateFunc(func(Attempt) bool { asked++; return true })}
				calls := 0
				err := p.Run(ctx, func(ctx context.Context) error {
					calls++
					<-ctx.Done()
					return tt.err(ctx)
				})
				var re *Error
				if !errors.As(err, &re) || re.Reason != ReasonContext || calls != 1 || asked != 0 {
					t.Fatalf("err = %v after %d calls, Retry asked %d times; want ReasonContext after 1, never asked", err, calls, asked)
				}
				if !errors.Is(err, context.DeadlineExceeded) || re.Context != context.DeadlineExceeded {
					t.Errorf("want errors.Is(err, context.DeadlineExceeded) and Context set: %v", err)
				}
				if b.failed.Load() != 0 {
					t.Errorf("budget counted %d failures, want 0: the caller's deadline is not the service's failure", b.failed.Load())
				}
			})
		})
	}
}

package retry

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestGroupThousandTasksShareOneRetrier(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Policy{Stop: StopFunc(func(a Attempt) bool { return a.Number >= 5 }), Wait: WaitFunc(func(Attempt) time.Duration { return 10 * time.Millisecond })}
		g, _ := NewGroup(t.Context(), &p)
		var calls atomic.Int64
		var done [1000]atomic.Bool
		for i := range 1000 {
			failures := i % 4 // each task fails 0..3 times before it succeeds
			n := 0
			g.Go(func(context.Context) error {
				calls.Add(1)
				if n++; n <= failures {
					return errFlaky
				}
				done[i].Store(true)
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			t.Fatalf("Wait = %v, want nil", err)
		}
		if got, want := calls.Load(), int64(1000+250*(0+1+2+3)); got != want {
			t.Errorf("calls = %d, want %d", got, want)
		}
		for i := range done {
			if !done[i].Load() {
				t.Fatalf("task %d did not succeed", i)
			}
		}
	})
}

func TestGroupPermanentFailureCancelsSleepingSiblings(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Policy{Stop: StopFunc(func(Attempt) bool { return false }), Wait: WaitFunc(func(Attempt) time.Duration { return time.Hour })}
		g, ctx := NewGroup(t.Context(), &p)
		errFatal := errors.New("fatal")
		for range 999 {
			g.Go(func(context.Context) error { return errFlaky }) // sleeps an hour after each failure
		}
		g.Go(func(context.Context) error {
			time.Sleep(time.Second) // let the siblings fall asleep
			return Permanent(errFatal)
		})
		start := time.Now()
		err := g.Wait()
		if d := time.Since(start); d != time.Second {
			t.Errorf("Wait returned after %v of virtual time, want 1s (at the failure)", d)
		}
		if err != errFatal {
			t.Errorf("Wait = %v, want the permanent failure itself", err)
		}
		if ctx.Err() == nil || context.Cause(ctx) != errFatal {
			t.Errorf("group context cause = %v, want %v", context.Cause(ctx), errFatal)
		}
	})
}

func TestGroupWaitReturnsGiveUpNotCancellation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Policy{Wait: WaitFunc(func(Attempt) time.Duration { return time.Second })}
		g, _ := NewGroup(t.Context(), &p)
		g.Go(func(context.Context) error { return errFlaky }) // gives up after 4 attempts, 3s
		for range 10 {
			g.Go(func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
		}
		err := g.Wait()
		var re *Error
		if !errors.As(err, &re) || re.Reason != ReasonStop || !errors.Is(err, errFlaky) {
			t.Errorf("Wait = %v, want the give-up *Error of the failing task", err)
		}
	})
}

func TestGroupDeadlineBoundsEveryTask(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		p := Policy{Stop: StopFunc(func(Attempt) bool { return false }), Wait: WaitFunc(func(Attempt) time.Duration { return 2 * time.Second })}
		g, _ := NewGroup(ctx, &p)
		g.CollectAll()
		for range 3 {
			g.Go(func(context.Context) error { return errFlaky })
		}
		start := time.Now()
		err := g.Wait()
		// Pauses at 0→2s and 2→4s fit; the third would end at 6s > 5s: give up at 4s.
		if d := time.Since(start); d != 4*time.Second {
			t.Errorf("Wait after %v, want 4s: no task sleeps past the deadline", d)
		}
		var be *BatchError
		if !errors.As(err, &be) || len(be.Failures) != 3 {
			t.Fatalf("Wait = %v, want 3 failures", err)
		}
		for _, f := range be.Failures {
			var re *Error
			if !errors.As(f, &re) || re.Reason != ReasonDeadline {
				t.Errorf("task %d: %v, want ReasonDeadline", f.Index, f.Err)
			}
		}
	})
}

func TestGroupCollectAll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Policy{Wait: WaitFunc(func(Attempt) time.Duration { return time.Millisecond })}
		g, ctx := NewGroup(t.Context(), &p)
		g.CollectAll()
		g.SetLimit(3)
		errBad := errors.New("bad input")
		var ok atomic.Int64
		for i := range 10 {
			g.Go(func(context.Context) error {
				switch i {
				case 2, 7:
					return Permanent(fmt.Errorf("item %d: %w", i, errBad))
				case 5:
					return errFlaky
				}
				ok.Add(1)
				return nil
			})
		}
		err := g.Wait()
		if ok.Load() != 7 {
			t.Errorf("%d tasks succeeded, want 7: every task runs to its end", ok.Load())
		}
		var be *BatchError
		if !errors.As(err, &be) {
			t.Fatalf("Wait = %v, want *BatchError", err)
		}
		var idx []int
		for _, f := range be.Failures {
			idx = append(idx, f.Index)
		}
		if diff := cmp.Diff([]int{2, 5, 7}, idx); diff != "" {
			t.Errorf("failed tasks (-want +got):\n%s", diff)
		}
		if !errors.Is(err, errBad) || !errors.Is(err, errFlaky) {
			t.Errorf("errors.Is must see every task's error: %v", err)
		}
		want := "retry: 3 tasks failed\ntask 2: item 2: bad input\ntask 5: retry: gave up after 4 attempts: flaky\ntask 7: item 7: bad input"
		if err.Error() != want {
			t.Errorf("Error() = %q, want %q", err.Error(), want)
		}
		if ctx.Err() == nil {
			t.Error("the group's context must end when Wait returns")
		}
	})
}

func TestGroupZeroValue(t *testing.T) {
	var g Group
	var got atomic.Int64
	for range 5 {
		g.Go(func(ctx context.Context) error {
			if ctx == nil || ctx.Err() != nil {
				return errors.New("want a live context")
			}
			got.Add(1)
			return nil
		})
	}
	if err := g.Wait(); err != nil || got.Load() != 5 {
		t.Errorf("Wait = %v with %d tasks done, want nil and 5", err, got.Load())
	}
	var g2 Group
	g2.Go(func(context.Context) error { return Permanent(errFlaky) })
	if err := g2.Wait(); err != errFlaky {
		t.Errorf("Wait = %v, want %v", err, errFlaky)
	}
}

func TestGroupLimitAndTryGo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g, _ := NewGroup(t.Context(), nil)
		g.SetLimit(2)
		release := make(chan struct{})
		var running, peak atomic.Int64
		task := func(context.Context) error {
			n := running.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			<-release
			running.Add(-1)
			return nil
		}
		for i := range 2 {
			if !g.TryGo(task) {
				t.Fatalf("TryGo %d refused below the limit", i)
			}
		}
		synctest.Wait()
		if g.TryGo(task) {
			t.Error("TryGo started a task at the limit")
		}
		close(release)
		if err := g.Wait(); err != nil || peak.Load() != 2 {
			t.Errorf("Wait = %v, peak = %d; want nil, 2", err, peak.Load())
		}
	})
}

func TestGroupCollectAllAfterGoPanics(t *testing.T) {
	var g Group
	g.Go(func(context.Context) error { return nil })
	defer func() {
		if recover() == nil {
			t.Error("CollectAll after Go did not panic")
		}
		_ = g.Wait()
	}()
	g.CollectAll()
}

func TestFailedGroupDoesNotCallQueuedTasks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		errX := errors.New("x")
		g, _ := NewGroup(t.Context(), nil)
		g.SetLimit(1)
		var calls atomic.Int64
		g.Go(func(context.Context) error { calls.Add(1); return Permanent(errX) })
		for range 5 {
			g.Go(func(context.Context) error { calls.Add(1); return nil })
		}
		if err := g.Wait(); err != errX || calls.Load() != 1 {
			t.Errorf("Wait = %v after %d calls, want x after 1: queued tasks must not run", err, calls.Load())
		}
	})
}

func TestGroupOnEndedContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g, _ := NewGroup(ctx, nil)
	called := false
	g.Go(func(context.Context) error { called = true; return nil })
	if err := g.Wait(); !errors.Is(err, context.Canceled) || called {
		t.Errorf("Wait = %v, called = %v; want context.Canceled and no call", err, called)
	}
}

func TestGroupMisusePanicsWithAMessage(t *testing.T) {
	var g Group
	for _, tt := range []struct {
		name, want string
		f          func()
	}{
		{"Go nil", "retry: Group.Go: nil task", func() { g.Go(nil) }},
		{"TryGo nil", "retry: Group.TryGo: nil task", func() { g.TryGo(nil) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if got, _ := recover().(string); got != tt.want {
					t.Errorf("panic = %q, want %q", got, tt.want)
				}
			}()
			tt.f()
		})
	}
}

package retry

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// Regression tests for review findings: the edges of AttemptTimeout, the loop's
// break path, queued group tasks and misuse.

func TestPermanentPastAttemptTimeoutComesBackUnchanged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		errX := errors.New("x")
		r := Retrier[int]{AttemptTimeout: time.Second}
		calls := 0
		_, err := r.Do(t.Context(), func(context.Context) (int, error) {
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
		r := Retrier[int]{AttemptTimeout: time.Second, Retry: func(Attempt) bool { return false }}
		calls := 0
		_, err := r.Do(t.Context(), func(context.Context) (int, error) {
			calls++
			time.Sleep(2 * time.Second)
			return 0, errX
		})
		if err != errX || calls != 1 {
			t.Errorf("Do = %v after %d calls, want the unretried error after 1", err, calls)
		}
	})
}

type recordingBudget struct{ attempted, failed, asked atomic.Int64 }

func (b *recordingBudget) Attempted(_, failed bool) {
	b.attempted.Add(1)
	if failed {
		b.failed.Add(1)
	}
}
func (b *recordingBudget) AllowRetry() bool { b.asked.Add(1); return true }

func TestLoopBreakUnmarksAndTellsTheBudget(t *testing.T) {
	errX := errors.New("x")
	b := new(recordingBudget)
	r := Retrier[int]{Budget: b}
	loop := r.Loop(context.Background())
	for a := range loop.Attempts() {
		a.Fail(Permanent(errX))
		break
	}
	if loop.Err() != errX {
		t.Errorf("Err = %v, want x without its Permanent mark", loop.Err())
	}
	if b.attempted.Load() != 1 || b.failed.Load() != 0 || b.asked.Load() != 0 {
		t.Errorf("budget saw %d attempts (%d failed), %d questions; want 1, 0, 0",
			b.attempted.Load(), b.failed.Load(), b.asked.Load())
	}
}

func TestBudgetSeesEveryAttempt(t *testing.T) {
	b := new(recordingBudget)
	r := Retrier[int]{Wait: func(Attempt) time.Duration { return 0 }, Budget: b}
	if _, err := r.Do(context.Background(), failing(2, errFlaky, 1)); err != nil {
		t.Fatal(err)
	}
	if b.attempted.Load() != 3 || b.failed.Load() != 2 || b.asked.Load() != 2 {
		t.Errorf("budget saw %d attempts (%d failed), %d questions; want 3, 2, 2",
			b.attempted.Load(), b.failed.Load(), b.asked.Load())
	}
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

func TestMisusePanicsWithAMessage(t *testing.T) {
	var r Retrier[int]
	var g Group
	op := func(context.Context) (int, error) { return 0, nil }
	var nilCtx context.Context
	for _, tt := range []struct {
		name, want string
		f          func()
	}{
		{"Do nil ctx", "retry: Retrier.Do: nil Context", func() { _, _ = r.Do(nilCtx, op) }},
		{"Do nil op", "retry: Retrier.Do: nil operation", func() { _, _ = r.Do(context.Background(), nil) }},
		{"Run nil op", "retry: Retrier.Run: nil operation", func() { _ = r.Run(context.Background(), nil) }},
		{"Go nil", "retry: Group.Go: nil task", func() { g.Go(nil) }},
		{"TryGo nil", "retry: Group.TryGo: nil task", func() { g.TryGo(nil) }},
		{"tiny bucket", "retry: NewTokenBucket: maxTokens must be in [0.001, 1e12], got 0.0004", func() { NewTokenBucket(0.0004, 0.0004) }},
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

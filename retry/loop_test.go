package retry

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLoopRetriesUntilSuccess(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var events []string
		p := Policy{
			Wait:        WaitFunc(func(Attempt) time.Duration { return time.Second }),
			BeforeSleep: HookFunc(func(a Attempt) { events = append(events, fmt.Sprintf("sleep %d", a.Number)) }),
		}
		var st Stats
		loop := p.Loop(WithStats(t.Context(), &st))
		start := time.Now()
		for a := range loop.Attempts() {
			events = append(events, fmt.Sprintf("body %d", a.Number()))
			if a.Number() < 3 {
				a.Fail(errFlaky)
			}
		}
		if err := loop.Err(); err != nil {
			t.Fatalf("Err = %v, want nil", err)
		}
		want := []string{"body 1", "sleep 1", "body 2", "sleep 2", "body 3"}
		if diff := cmp.Diff(want, events); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
		if time.Since(start) != 2*time.Second || st.Attempts != 3 {
			t.Errorf("took %v and %d attempts, want 2s and 3", time.Since(start), st.Attempts)
		}
	})
}

func TestLoopGivesUpLikeDo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Policy{Wait: WaitFunc(func(Attempt) time.Duration { return 0 })}
		loop := p.Loop(t.Context())
		n := 0
		for a := range loop.Attempts() {
			n++
			a.Fail(errFlaky)
		}
		var re *Error
		if err := loop.Err(); !errors.As(err, &re) || re.Attempts != 4 || n != 4 || !errors.Is(err, errFlaky) {
			t.Errorf("Err = %v after %d bodies, want a give-up after 4", err, n)
		}

		// Not retried: comes back unchanged after one attempt.
		n = 0
		for a := range loop.Attempts() { // a second range is a new call
			n++
			a.Fail(Permanent(errFlaky))
		}
		if loop.Err() != errFlaky || n != 1 {
			t.Errorf("Err = %v after %d bodies, want flaky after 1", loop.Err(), n)
		}
	})
}

func TestLoopBreakEndsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hooks := 0
		var ended []Reason
		p := Policy{
			Wait:        WaitFunc(func(Attempt) time.Duration { return time.Hour }),
			After:       HookFunc(func(Attempt) { hooks++ }),
			BeforeSleep: HookFunc(func(Attempt) { hooks++ }),
			OnEnd:       HookFunc(func(a Attempt) { ended = append(ended, a.Reason) }),
		}
		loop := p.Loop(t.Context())
		start := time.Now()
		for a := range loop.Attempts() {
			a.Fail(errFlaky)
			break
		}
		if time.Since(start) != 0 || hooks != 0 {
			t.Errorf("break: %v slept and %d After/BeforeSleep hooks ran, want none", time.Since(start), hooks)
		}
		if loop.Err() != errFlaky {
			t.Errorf("Err = %v, want the error given to Fail", loop.Err())
		}
		for range loop.Attempts() {
			break // without Fail: a success
		}
		if diff := cmp.Diff([]Reason{ReasonNotRetried, ReasonSuccess}, ended); diff != "" {
			t.Errorf("OnEnd reasons (-want +got):\n%s", diff)
		}
	})
}

func TestLoopBreakUnmarksAndTellsTheBudget(t *testing.T) {
	errX := errors.New("x")
	b := new(recordingBudget)
	p := Policy{Budget: b}
	loop := p.Loop(context.Background())
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

func TestLoopReturnInBody(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Policy{Wait: WaitFunc(func(Attempt) time.Duration { return time.Hour })}
		find := func() int {
			for a := range p.Loop(t.Context()).Attempts() {
				return a.Number() * 10
			}
			return -1
		}
		start := time.Now()
		if got := find(); got != 10 || time.Since(start) != 0 {
			t.Errorf("find() = %d after %v, want 10 at once", got, time.Since(start))
		}
	})
}

func TestLoopPanicPassesThrough(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Policy{AttemptTimeout: time.Minute}
		var kept *Try
		func() {
			defer func() {
				if recover() != "boom" {
					t.Error("the body's panic did not pass through")
				}
			}()
			for a := range p.Loop(t.Context()).Attempts() {
				kept = a
				panic("boom")
			}
		}()
		if kept.ctx.Err() != context.Canceled {
			t.Errorf("attempt context: %v, want canceled (released on the panic)", kept.ctx.Err())
		}
		defer func() {
			if recover() == nil {
				t.Error("a Try used after its iteration did not panic")
			}
		}()
		kept.Context()
	})
}

func TestLoopHandleInvalidAfterIteration(t *testing.T) {
	var p Policy
	var kept *Try
	loop := p.Loop(context.Background())
	for a := range loop.Attempts() {
		kept = a
	}
	defer func() {
		if msg := recover(); msg != "retry: Try.Fail called after its iteration ended" {
			t.Errorf("panic = %v", msg)
		}
	}()
	kept.Fail(errFlaky)
}

func TestLoopAttemptTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Policy{AttemptTimeout: time.Second, Wait: WaitFunc(func(Attempt) time.Duration { return 0 })}
		loop := p.Loop(t.Context())
		start := time.Now()
		for a := range loop.Attempts() {
			if a.Number() < 3 {
				<-a.Context().Done()
				a.Fail(a.Context().Err())
			}
		}
		if loop.Err() != nil || time.Since(start) != 2*time.Second {
			t.Errorf("Err = %v after %v, want nil after 2s", loop.Err(), time.Since(start))
		}
	})
}

func TestLoopCancelDuringSleep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(time.Second, cancel)
		p := Policy{Wait: WaitFunc(func(Attempt) time.Duration { return time.Hour })}
		loop := p.Loop(ctx)
		for a := range loop.Attempts() {
			a.Fail(errFlaky)
		}
		var re *Error
		if !errors.As(loop.Err(), &re) || re.Reason != ReasonContext || !errors.Is(loop.Err(), context.Canceled) {
			t.Errorf("Err = %v, want ReasonContext", loop.Err())
		}
	})
}

package retrygrpc_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

// TestUnaryCanceledInPause checks that the end of the caller's context during a
// pause ends the call at once, with a give-up of reason context that reads as
// CANCELLED and keeps the last status and the context's error.
func TestUnaryCanceledInPause(t *testing.T) {
	srv, addr := serve(t, func(string, int) answer { return answer{err: unavailable} })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	conn := dial(t, addr, &retry.Policy{Wait: wait.Fixed(time.Hour), BeforeSleep: retry.HookFunc(func(retry.Attempt) { cancel() })}, nil)
	start := time.Now()
	_, err := call(ctx, conn, echoGet, "x")
	var ge *retry.Error
	if !errors.As(err, &ge) || ge.Reason != retry.ReasonContext || ge.Delay != time.Hour {
		t.Fatalf("err = %v, want a give-up of reason context with the hour's pause", err)
	}
	if !errors.Is(err, context.Canceled) || status.Code(err) != codes.Canceled || status.Code(ge.Last) != codes.Unavailable {
		t.Errorf("err = %v, want context.Canceled, CANCELLED, and the last status, UNAVAILABLE", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("returned after %v, want at once", el)
	}
	if srv.count(echoGet) != 1 {
		t.Errorf("server received %d attempts, want 1", srv.count(echoGet))
	}
}

// TestUnaryDeadlineGiveUp checks that a pause that would outlast the caller's
// deadline is not taken.
func TestUnaryDeadlineGiveUp(t *testing.T) {
	_, addr := serve(t, func(string, int) answer { return answer{err: unavailable} })
	conn := dial(t, addr, &retry.Policy{Wait: wait.Fixed(time.Minute)}, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err := call(ctx, conn, echoGet, "x")
	var ge *retry.Error
	if !errors.As(err, &ge) || ge.Reason != retry.ReasonDeadline || ge.Delay != time.Minute ||
		!errors.Is(err, context.DeadlineExceeded) || status.Code(err) != codes.DeadlineExceeded ||
		status.Code(ge.Last) != codes.Unavailable {
		t.Errorf("err = %v, want a give-up of reason deadline, the minute's pause, DEADLINE_EXCEEDED, last UNAVAILABLE", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("returned after %v, want at once", el)
	}
}

// TestUnaryCallerDeadlineNotRetried checks that a DEADLINE_EXCEEDED is not
// retried when it is the caller's own: the call ends with the caller's context,
// after one attempt, whoever noticed the deadline first, client or server.
func TestUnaryCallerDeadlineNotRetried(t *testing.T) {
	for i := range 5 { // the client's and the server's timers race: try both outcomes
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			srv, addr := serve(t, func(m string, _ int) answer { return answer{stall: m == echoGet} })
			var before counter
			conn := dial(t, addr, &retry.Policy{Wait: wait.None(), Before: &before}, nil)
			if _, err := call(t.Context(), conn, echoPut, "connect"); err != nil {
				t.Fatal(err)
			}
			before = counter{}
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
			defer cancel()
			_, err := call(ctx, conn, echoGet, "x")
			var ge *retry.Error
			if !errors.As(err, &ge) || ge.Reason != retry.ReasonContext || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want a give-up of reason context, context.DeadlineExceeded", err)
			}
			// On a slow machine, the deadline may pass before the server receives
			// the call: it then receives none.
			if before.count() != 1 || srv.count(echoGet) > 1 {
				t.Errorf("%d attempts made, %d received; want 1", before.count(), srv.count(echoGet))
			}
		})
	}
}

// TestUnaryAttemptTimeout checks that attempts that run out of AttemptTimeout
// are retried, that the server sees each attempt's deadline, and that the
// give-up reads as DEADLINE_EXCEEDED and matches retry.ErrAttemptTimeout.
func TestUnaryAttemptTimeout(t *testing.T) {
	srv, addr := serve(t, func(string, int) answer { return answer{stall: true} })
	conn := dial(t, addr, &retry.Policy{Wait: wait.None(), AttemptTimeout: 20 * time.Millisecond}, nil)
	_, err := call(t.Context(), conn, echoGet, "x")
	var ge *retry.Error
	if !errors.As(err, &ge) || ge.Reason != retry.ReasonStop || ge.Attempts != 4 {
		t.Fatalf("err = %v, want a give-up after 4 attempts", err)
	}
	if !errors.Is(err, retry.ErrAttemptTimeout) || status.Code(err) != codes.DeadlineExceeded {
		t.Errorf("err = %v, want an attempt timeout, DEADLINE_EXCEEDED", err)
	}
	srv.mu.Lock()
	deadlines := slices.Clone(srv.timeouts)
	srv.mu.Unlock()
	if !slices.Equal(deadlines, []bool{true, true, true, true}) {
		t.Errorf("server saw deadlines %v, want one on each attempt", deadlines)
	}
}

// TestUnaryAttemptTimeoutThenSuccess checks a call whose first attempt hangs
// and whose second succeeds.
func TestUnaryAttemptTimeoutThenSuccess(t *testing.T) {
	_, addr := serve(t, failFirst(1, answer{stall: true}, answer{}))
	conn := dial(t, addr, &retry.Policy{Wait: wait.None(), AttemptTimeout: 20 * time.Millisecond}, nil)
	if got, err := call(t.Context(), conn, echoGet, "x"); err != nil || got != "ok x" {
		t.Errorf("call = %q, %v; want ok x, nil", got, err)
	}
}

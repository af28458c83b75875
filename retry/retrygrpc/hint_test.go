package retrygrpc_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// pushback is a trailer with the values of grpc-retry-pushback-ms.
func pushback(values ...string) metadata.MD {
	md := metadata.MD{}
	for _, v := range values {
		md.Append(retrygrpc.PushbackKey, v)
	}
	return md
}

// retryInfo returns a status error of code with a RetryInfo asking for d.
func retryInfo(t *testing.T, code codes.Code, d *durationpb.Duration) error {
	t.Helper()
	st, err := status.New(code, "busy").WithDetails(&errdetails.RetryInfo{RetryDelay: d})
	if err != nil {
		t.Fatal(err)
	}
	return st.Err()
}

// TestHints checks the server's hints, call by call: the number of attempts the
// server receives when it always answers the same, and the pause the engine
// chose after the first (BeforeSleep's Attempt.Delay), which a hint sets,
// whatever the Wait (wait.None here), within [hint, 1.5·hint] once capped by
// MaxRetryAfter.
func TestHints(t *testing.T) {
	const ms = time.Millisecond
	unavailable := status.Error(codes.Unavailable, "down")
	exhausted := status.Error(codes.ResourceExhausted, "quota")
	tests := []struct {
		name       string
		answer     answer
		maxAfter   time.Duration
		attempts   int
		delay, top time.Duration // the first pause, in [delay, top]
	}{
		{"pushback", answer{err: unavailable, trailer: pushback("6")}, 0, 4, 6 * ms, 9 * ms},
		{"pushback zero", answer{err: unavailable, trailer: pushback("0")}, 0, 4, 0, 0},
		{"pushback on RESOURCE_EXHAUSTED", answer{err: exhausted, trailer: pushback("3")}, 0, 4, 3 * ms, 4500 * time.Microsecond},
		{"pushback zero on RESOURCE_EXHAUSTED", answer{err: exhausted, trailer: pushback("0")}, 0, 4, 0, 0},
		{"RESOURCE_EXHAUSTED without a hint", answer{err: exhausted}, 0, 1, 0, 0},
		{"pushback negative", answer{err: unavailable, trailer: pushback("-1")}, 0, 1, 0, 0},
		{"pushback negative on RESOURCE_EXHAUSTED", answer{err: exhausted, trailer: pushback("-5")}, 0, 1, 0, 0},
		{"pushback not a number", answer{err: unavailable, trailer: pushback("soon")}, 0, 1, 0, 0},
		{"pushback with a fraction", answer{err: unavailable, trailer: pushback("1.5")}, 0, 1, 0, 0},
		{"pushback with a sign", answer{err: unavailable, trailer: pushback("+5")}, 0, 1, 0, 0},
		{"pushback with a space", answer{err: unavailable, trailer: pushback(" 5")}, 0, 1, 0, 0},
		{"pushback empty", answer{err: unavailable, trailer: pushback("")}, 0, 1, 0, 0},
		{"pushback twice", answer{err: unavailable, trailer: pushback("5", "5")}, 0, 1, 0, 0},
		{"pushback huge, capped", answer{err: unavailable, trailer: pushback("99999999999999999999999")}, 10 * ms, 4, 10 * ms, 15 * ms},
		{"pushback of a day, capped", answer{err: unavailable, trailer: pushback("86400000")}, 10 * ms, 4, 10 * ms, 15 * ms},
		{"pushback ignored", answer{err: unavailable, trailer: pushback("60000")}, -1, 4, 0, 0},
		{"pushback says no to a status not retried", answer{err: status.Error(codes.NotFound, "x"), trailer: pushback("5")}, 0, 1, 0, 0},
		{"RetryInfo", answer{err: retryInfo(t, codes.Unavailable, durationpb.New(8*ms))}, 0, 4, 8 * ms, 12 * ms},
		{"RetryInfo on RESOURCE_EXHAUSTED", answer{err: retryInfo(t, codes.ResourceExhausted, durationpb.New(2*ms))}, 0, 4, 2 * ms, 3 * ms},
		{"RetryInfo without a delay", answer{err: retryInfo(t, codes.ResourceExhausted, nil)}, 0, 4, 0, 0},
		{"RetryInfo negative", answer{err: retryInfo(t, codes.ResourceExhausted, durationpb.New(-ms))}, 0, 1, 0, 0},
		{"pushback before RetryInfo", answer{err: retryInfo(t, codes.Unavailable, durationpb.New(time.Hour)), trailer: pushback("4")}, 0, 4, 4 * ms, 6 * ms},
		{"pushback no before RetryInfo", answer{err: retryInfo(t, codes.Unavailable, durationpb.New(ms)), trailer: pushback("-1")}, 0, 1, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, addr := serve(t, func(string, int) answer { return tt.answer })
			var sleeps counter
			p := &retry.Policy{Wait: wait.None(), MaxRetryAfter: tt.maxAfter, BeforeSleep: &sleeps}
			conn := dial(t, addr, p, nil)
			_, err := call(t.Context(), conn, echoGet, "x")
			if got := srv.count(echoGet); got != tt.attempts {
				t.Fatalf("server received %d attempts, want %d (err: %v)", got, tt.attempts, err)
			}
			if got := status.Code(err); got != status.Code(tt.answer.err) {
				t.Errorf("status.Code(err) = %v, want %v", got, status.Code(tt.answer.err))
			}
			if tt.attempts == 1 {
				var ge *retry.Error
				if errors.As(err, &ge) {
					t.Errorf("err = %v, want gRPC's error unchanged", err)
				}
				return
			}
			if d := sleeps.attempts()[0].Delay; d < tt.delay || d > tt.top {
				t.Errorf("first pause %v, want within [%v, %v]", d, tt.delay, tt.top)
			}
		})
	}
}

// TestHintStopped checks that a hint a Stop refuses shows in the give-up's
// Delay, capped at a minute by default.
func TestHintStopped(t *testing.T) {
	_, addr := serve(t, func(string, int) answer {
		return answer{err: status.Error(codes.Unavailable, "down"), trailer: pushback("86400000")}
	})
	conn := dial(t, addr, &retry.Policy{Stop: stop.AfterAttempts(1)}, nil)
	_, err := call(t.Context(), conn, echoGet, "x")
	var ge *retry.Error
	if !errors.As(err, &ge) || ge.Reason != retry.ReasonStop {
		t.Fatalf("err = %v, want a *retry.Error of reason stop", err)
	}
	if ge.Delay < time.Minute || ge.Delay > 90*time.Second {
		t.Errorf("Delay = %v, want within [1m, 1m30s]", ge.Delay)
	}
}

// TestHintPastDeadline checks that a hint that would outlast the caller's
// deadline is not waited for: the call gives up at once, with
// ReasonDeadline, an error that is context.DeadlineExceeded and reads as
// DEADLINE_EXCEEDED, and whose last attempt's status stays reachable.
func TestHintPastDeadline(t *testing.T) {
	srv, addr := serve(t, func(string, int) answer {
		return answer{err: status.Error(codes.Unavailable, "down"), trailer: pushback("30000")}
	})
	conn := dial(t, addr, nil, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err := call(ctx, conn, echoGet, "x")
	var ge *retry.Error
	if !errors.As(err, &ge) || ge.Reason != retry.ReasonDeadline || ge.Delay < 30*time.Second {
		t.Fatalf("err = %v, want a *retry.Error of reason deadline with the pause", err)
	}
	var last *retrygrpc.StatusError
	if !errors.Is(err, context.DeadlineExceeded) || status.Code(err) != codes.DeadlineExceeded ||
		!errors.As(err, &last) || last.Code() != codes.Unavailable {
		t.Errorf("err = %v, want context.DeadlineExceeded, DEADLINE_EXCEEDED, the last status UNAVAILABLE", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("gave up after %v, want at once", el)
	}
	if srv.count(echoGet) != 1 {
		t.Errorf("server received %d attempts, want 1", srv.count(echoGet))
	}
}

// TestStatusErrorSeesHint checks what the Policy's hooks and predicate see: a
// *StatusError with the status, the trailer and the hint.
func TestStatusErrorSeesHint(t *testing.T) {
	_, addr := serve(t, func(_ string, n int) answer {
		if n == 1 {
			return answer{err: status.Error(codes.Unavailable, "down"), trailer: pushback("2")}
		}
		return answer{}
	})
	var after counter
	conn := dial(t, addr, &retry.Policy{After: &after}, nil)
	if _, err := call(t.Context(), conn, echoGet, "x"); err != nil {
		t.Fatal(err)
	}
	var se *retrygrpc.StatusError
	if as := after.attempts(); len(as) != 2 || !errors.As(as[0].Err, &se) {
		t.Fatalf("After saw %+v, want two attempts, the first a *StatusError", as)
	}
	if se.Code() != codes.Unavailable || se.RetryAfter() != 2*time.Millisecond || !se.Hinted() || se.DoNotRetry() ||
		se.Trailer.Get(retrygrpc.PushbackKey)[0] != "2" {
		t.Errorf("StatusError = %+v, want Unavailable, a 2ms hint, the trailer", se)
	}
}

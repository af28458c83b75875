package retrygrpc_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
	"github.com/tenacious-go/tenacious/wait"
)

// allCodes are the status codes a call can fail with.
var allCodes = []codes.Code{
	codes.Canceled, codes.Unknown, codes.InvalidArgument, codes.DeadlineExceeded,
	codes.NotFound, codes.AlreadyExists, codes.PermissionDenied, codes.ResourceExhausted,
	codes.FailedPrecondition, codes.Aborted, codes.OutOfRange, codes.Unimplemented,
	codes.Internal, codes.Unavailable, codes.DataLoss, codes.Unauthenticated,
}

// TestUnaryCodeTable checks the default table, code by code, with the exact
// number of attempts the server receives: 4 (retry.DefaultAttempts) for what is
// retried, 1 for the rest, and ABORTED with the RetryAborted option.
func TestUnaryCodeTable(t *testing.T) {
	retried := map[codes.Code]bool{codes.Unavailable: true, codes.DeadlineExceeded: true}
	for _, aborted := range []bool{false, true} {
		for _, code := range allCodes {
			name := code.String()
			if aborted {
				name += "/RetryAborted"
			}
			t.Run(name, func(t *testing.T) {
				srv, addr := serve(t, func(string, int) answer { return answer{err: status.Error(code, "no")} })
				var opts []retrygrpc.Option
				if aborted {
					opts = append(opts, retrygrpc.RetryAborted())
				}
				conn := dial(t, addr, &retry.Policy{Wait: wait.None()}, opts)
				_, err := call(t.Context(), conn, echoGet, "x")
				want := 1
				if retried[code] || aborted && code == codes.Aborted {
					want = retry.DefaultAttempts
				}
				if got := srv.count(echoGet); got != want {
					t.Errorf("server received %d attempts, want %d", got, want)
				}
				if got := status.Code(err); got != code {
					t.Errorf("status.Code(err) = %v, want %v (err: %v)", got, code, err)
				}
				var ge *retry.Error
				if gaveUp := errors.As(err, &ge); gaveUp != (want > 1) {
					t.Errorf("errors.As(err, *retry.Error) = %v, want %v (err: %v)", gaveUp, want > 1, err)
				} else if gaveUp && (ge.Reason != retry.ReasonStop || ge.Attempts != want) {
					t.Errorf("gave up with reason %v after %d attempts, want stop after %d", ge.Reason, ge.Attempts, want)
				}
			})
		}
	}
}

// TestUnarySucceedsAfterRetries checks that a call that fails twice with
// UNAVAILABLE and then succeeds returns the reply, that every retry carries
// grpc-previous-rpc-attempts and the first none, and that the hooks see the
// full method name.
func TestUnarySucceedsAfterRetries(t *testing.T) {
	srv, addr := serve(t, func(_ string, n int) answer {
		if n <= 2 {
			return answer{err: status.Error(codes.Unavailable, "down")}
		}
		return answer{}
	})
	var before, end counter
	conn := dial(t, addr, &retry.Policy{Wait: wait.None(), Before: &before, OnEnd: &end}, nil)
	var st retry.Stats
	got, err := call(retry.WithStats(t.Context(), &st), conn, echoGet, "x")
	if err != nil || got != "ok x" {
		t.Fatalf("call = %q, %v; want %q, nil", got, err, "ok x")
	}
	if want := []string{"", "1", "2"}; !slices.Equal(srv.previous(), want) {
		t.Errorf("grpc-previous-rpc-attempts = %q, want %q", srv.previous(), want)
	}
	if st.Attempts != 3 {
		t.Errorf("Stats.Attempts = %d, want 3", st.Attempts)
	}
	if before.count() != 3 {
		t.Errorf("Before ran %d times, want 3", before.count())
	}
	for _, a := range append(before.attempts(), end.attempts()...) {
		if a.Name != echoGet {
			t.Errorf("Attempt.Name = %q, want %q", a.Name, echoGet)
		}
	}
	if as := end.attempts(); len(as) != 1 || as[0].Reason != retry.ReasonSuccess {
		t.Errorf("OnEnd saw %+v, want one success", as)
	}
}

// TestUnaryPolicyNameKept checks that a Policy's Name is not replaced by the
// method's.
func TestUnaryPolicyNameKept(t *testing.T) {
	_, addr := serve(t, nil)
	var after counter
	conn := dial(t, addr, &retry.Policy{Name: "echo", After: &after}, nil)
	if _, err := call(t.Context(), conn, echoGet, "x"); err != nil {
		t.Fatal(err)
	}
	if as := after.attempts(); len(as) != 1 || as[0].Name != "echo" {
		t.Errorf("After saw %+v, want one attempt named echo", as)
	}
}

// TestUnaryErrorNotRetriedIsGRPCs checks that an error that is not retried comes
// back exactly as gRPC returned it: no *retry.Error, no *StatusError, the same
// status.
func TestUnaryErrorNotRetriedIsGRPCs(t *testing.T) {
	_, addr := serve(t, func(string, int) answer { return answer{err: status.Error(codes.InvalidArgument, "bad id")} })
	conn := dial(t, addr, nil, nil)
	_, err := call(t.Context(), conn, echoGet, "x")
	var ge *retry.Error
	var se *retrygrpc.StatusError
	if errors.As(err, &ge) || errors.As(err, &se) {
		t.Errorf("err = %#v, want gRPC's own error", err)
	}
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.InvalidArgument || st.Message() != "bad id" {
		t.Errorf("status.FromError(err) = %v, %v; want InvalidArgument, bad id", st, ok)
	}
}

// TestUnaryGiveUpKeepsStatus checks what a caller can read from a give-up:
// status.Code and status.FromError see the last attempt's code through the
// *retry.Error, and errors.As finds the last *StatusError with the status
// unchanged.
func TestUnaryGiveUpKeepsStatus(t *testing.T) {
	_, addr := serve(t, func(string, int) answer { return answer{err: status.Error(codes.Unavailable, "down")} })
	conn := dial(t, addr, &retry.Policy{Wait: wait.None()}, nil)
	_, err := call(t.Context(), conn, echoGet, "x")
	var ge *retry.Error
	if !errors.As(err, &ge) || ge.Reason != retry.ReasonStop || ge.Attempts != 4 {
		t.Fatalf("err = %v, want a *retry.Error of reason stop after 4 attempts", err)
	}
	if got := status.Code(err); got != codes.Unavailable {
		t.Errorf("status.Code = %v, want Unavailable", got)
	}
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.Unavailable || st.Message() != err.Error() {
		t.Errorf("status.FromError = %v, %v; want Unavailable with the whole message, true", st, ok)
	}
	var se *retrygrpc.StatusError
	if !errors.As(err, &se) || se.Status.Message() != "down" || se.Code() != codes.Unavailable {
		t.Errorf("errors.As(err, *StatusError) = %v, want the last status, down", se)
	}
	if want := "retry: gave up after 4 attempts: rpc error: code = Unavailable desc = down"; err.Error() != want {
		t.Errorf("err.Error() = %q, want %q", err.Error(), want)
	}
}

// TestUnaryOwnRetry checks that a Policy.Retry replaces the table: Codes
// retries what it names and nothing else.
func TestUnaryOwnRetry(t *testing.T) {
	for _, tt := range []struct {
		code codes.Code
		want int
	}{
		{codes.Internal, 4},
		{codes.Unavailable, 1},
		{codes.ResourceExhausted, 4}, // Codes is literal: no hint needed
	} {
		t.Run(tt.code.String(), func(t *testing.T) {
			srv, addr := serve(t, func(string, int) answer { return answer{err: status.Error(tt.code, "x")} })
			p := &retry.Policy{Wait: wait.None(), Retry: retrygrpc.Codes(codes.Internal, codes.ResourceExhausted)}
			conn := dial(t, addr, p, nil)
			_, _ = call(t.Context(), conn, echoGet, "x")
			if got := srv.count(echoGet); got != tt.want {
				t.Errorf("server received %d attempts, want %d", got, tt.want)
			}
		})
	}
}

// TestUnaryUnreachable checks that a call to an address where nothing listens
// fails each attempt with UNAVAILABLE and is retried.
func TestUnaryUnreachable(t *testing.T) {
	checkGoroutines(t)
	addr := closedAddr(t)
	var before counter
	conn := dial(t, addr, &retry.Policy{Wait: wait.None(), Before: &before}, nil)
	_, err := call(t.Context(), conn, echoGet, "x")
	if status.Code(err) != codes.Unavailable || before.count() != 4 {
		t.Errorf("err = %v after %d attempts, want Unavailable after 4", err, before.count())
	}
}

// TestNilPolicyAndContext checks that a nil Policy is the zero Policy, and that a
// context's cancellation before the call ends it at once.
func TestNilPolicyAndContext(t *testing.T) {
	srv, addr := serve(t, func(string, int) answer { return answer{err: status.Error(codes.Unavailable, "down")} })
	conn := dial(t, addr, nil, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := call(ctx, conn, echoGet, "x")
	if !errors.Is(err, context.Canceled) || status.Code(err) != codes.Canceled {
		t.Errorf("err = %v, want one that is context.Canceled and CANCELLED", err)
	}
	if srv.count(echoGet) != 0 {
		t.Errorf("server received %d calls, want 0", srv.count(echoGet))
	}
}

// TestUnaryCommitPoint checks gRFC A6's commit point for unary calls: an
// attempt whose server sent a response header before failing is committed, and
// not made again, whatever its status (a failure worth retrying ends with a
// *retry.NotRetriedError of ReasonNotReplayable); one that failed with a trailers-only
// response is. grpc-go's own retries, given the same answers (the subtests
// grpc-go), make the same number of attempts and return the same status.
func TestUnaryCommitPoint(t *testing.T) {
	for _, tt := range []struct {
		name  string
		a     answer
		calls int
	}{
		{"trailers-only UNAVAILABLE", answer{err: unavailable}, 4},
		{"UNAVAILABLE after a header", answer{header: true, err: unavailable}, 1},
	} {
		sc := func(string, int) answer { return tt.a }
		t.Run(tt.name+"/grpc-go", func(t *testing.T) {
			srv, addr := serve(t, sc)
			_, err := call(t.Context(), dialGRPCRetry(t, addr, time.Millisecond), echoGet, "x")
			if got := srv.count(echoGet); got != tt.calls || status.Code(err) != codes.Unavailable {
				t.Errorf("%v after %d attempts, want UNAVAILABLE after %d", err, got, tt.calls)
			}
		})
		t.Run(tt.name+"/retrygrpc", func(t *testing.T) {
			srv, addr := serve(t, sc)
			var end counter
			conn := dial(t, addr, &retry.Policy{Wait: wait.None(), OnEnd: &end}, nil)
			_, err := call(t.Context(), conn, echoGet, "x")
			if got := srv.count(echoGet); got != tt.calls || status.Code(err) != codes.Unavailable {
				t.Errorf("%v after %d attempts, want UNAVAILABLE after %d", err, got, tt.calls)
			}
			want := retry.ReasonStop
			if tt.calls == 1 {
				want = retry.ReasonNotReplayable
				checkRefused(t, err, echoGet, want, codes.Unavailable)
			}
			if as := end.attempts(); len(as) != 1 || as[0].Reason != want || status.Code(as[0].Err) != codes.Unavailable {
				t.Errorf("OnEnd saw %+v, want one end of reason %v, UNAVAILABLE", as, want)
			}
		})
	}
}

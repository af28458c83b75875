package retrygrpc_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
	"github.com/tenacious-go/tenacious/wait"
)

// cancelOnFailure is a client stats.Handler that cancels a context when an
// attempt ends with an error: the caller's context ends right after the first
// failure, before any pause, with no timing involved, for grpc-go's retries,
// which have no hooks.
type cancelOnFailure struct{ cancel context.CancelFunc }

func (h cancelOnFailure) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context { return ctx }
func (h cancelOnFailure) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return ctx
}
func (h cancelOnFailure) HandleConn(context.Context, stats.ConnStats) {}

func (h cancelOnFailure) HandleRPC(_ context.Context, s stats.RPCStats) {
	if e, ok := s.(*stats.End); ok && e.Error != nil {
		h.cancel()
	}
}

// rpcOf makes an RPC of the test service, unary (Get) or server-streaming
// (Watch, read to its end), and returns its error.
type rpcOf func(ctx context.Context, conn *grpc.ClientConn) error

var unaryAndStream = []struct {
	name string
	rpc  rpcOf
}{
	{"unary", func(ctx context.Context, conn *grpc.ClientConn) error {
		_, err := call(ctx, conn, echoGet, "x")
		return err
	}},
	{"server-streaming", func(ctx context.Context, conn *grpc.ClientConn) error {
		s, err := watch(ctx, conn, echoWatch, "x")
		if err != nil {
			return err
		}
		_, err = recvAll(s)
		return err
	}},
}

// checkTimeUp checks the give-up of a call that the end of the caller's time
// ended: it reads as code to status.Code and status.FromError, is the context's
// error to errors.Is, and keeps the *retry.Error of reason and the last
// attempt's UNAVAILABLE reachable with errors.As.
func checkTimeUp(t *testing.T, err error, code codes.Code, reason retry.Reason) {
	t.Helper()
	ctxErr := context.Canceled
	if code == codes.DeadlineExceeded {
		ctxErr = context.DeadlineExceeded
	}
	if got := status.Code(err); got != code || !errors.Is(err, ctxErr) {
		t.Errorf("err = %v: status.Code %v, want %v and errors.Is %v", err, got, code, ctxErr)
	}
	if st, ok := status.FromError(err); !ok || st.Code() != code || st.Message() != err.Error() {
		t.Errorf("status.FromError = %v, %v; want %v with the whole message, true", st, ok, code)
	}
	var ge *retry.Error
	var last *retrygrpc.StatusError
	if !errors.As(err, &ge) || ge.Reason != reason || status.Code(ge.Last) != codes.Unavailable {
		t.Errorf("errors.As(err, *retry.Error) = %v, want reason %v, last UNAVAILABLE", ge, reason)
	}
	if !errors.As(err, &last) || last.Code() != codes.Unavailable {
		t.Errorf("errors.As(err, *StatusError) = %v, want the last attempt's UNAVAILABLE", last)
	}
}

// TestGiveUpCanceledCode checks the code of a give-up when the caller cancels
// its context after an attempt failed with UNAVAILABLE, before the pause ends:
// CANCELLED, as grpc-go's own retries report it (the subtests grpc-go), not the
// last attempt's code. grpc-go has no hooks: its control cancels when its
// attempt ends; ours cancels in BeforeSleep, just after, so that the failure
// is the call's before the context ends.
func TestGiveUpCanceledCode(t *testing.T) {
	sc := func(string, int) answer { return answer{err: unavailable} }
	for _, r := range unaryAndStream {
		t.Run(r.name+"/grpc-go", func(t *testing.T) {
			_, addr := serve(t, sc)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			conn := dialGRPCRetry(t, addr, time.Hour, grpc.WithStatsHandler(cancelOnFailure{cancel}))
			if err := r.rpc(ctx, conn); status.Code(err) != codes.Canceled {
				t.Errorf("err = %v, want CANCELLED", err)
			}
		})
		t.Run(r.name+"/retrygrpc", func(t *testing.T) {
			srv, addr := serve(t, sc)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			conn := dial(t, addr, &retry.Policy{Wait: wait.Fixed(time.Hour), BeforeSleep: retry.HookFunc(func(retry.Attempt) { cancel() })}, nil)
			checkTimeUp(t, r.rpc(ctx, conn), codes.Canceled, retry.ReasonContext)
			if n := srv.count(echoGet) + srv.count(echoWatch); n != 1 {
				t.Errorf("server received %d calls, want 1", n)
			}
		})
	}
}

// TestBubbleGiveUpDeadlineCode checks, in virtual time, the code of a give-up
// when the caller's deadline ends the call, after attempts that failed with
// UNAVAILABLE: DEADLINE_EXCEEDED, as grpc-go's own retries report it when the
// deadline passes during their pause (the subtests grpc-go), whether the
// deadline passed during a pause (retry.ReasonContext; here a BeforeSleep hook
// that waits for the end of the context makes it pass) or the call gave up because the next pause would have
// outlasted it (retry.ReasonDeadline).
func TestBubbleGiveUpDeadlineCode(t *testing.T) {
	sc := func(string, int) answer { return answer{err: unavailable} }
	policies := []struct {
		name   string
		p      *retry.Policy
		reason retry.Reason
	}{
		{"pause past the deadline", &retry.Policy{Wait: wait.Fixed(10 * time.Minute)}, retry.ReasonDeadline},
		{"deadline in the pause", &retry.Policy{Wait: wait.Fixed(10 * time.Second),
			BeforeSleep: retry.HookFunc(func(a retry.Attempt) { <-a.Context.Done() })}, retry.ReasonContext},
	}
	for _, r := range unaryAndStream {
		t.Run(r.name+"/grpc-go", func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				_, dialer := listenBubble(t, sc)
				conn := dialGRPCRetry(t, "bufconn", 10*time.Minute, dialer)
				ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
				defer cancel()
				if err := r.rpc(ctx, conn); status.Code(err) != codes.DeadlineExceeded {
					t.Errorf("err = %v, want DEADLINE_EXCEEDED", err)
				}
			})
		})
		for _, p := range policies {
			t.Run(r.name+"/retrygrpc/"+p.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					_, conn := serveBubble(t, sc, p.p)
					ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
					defer cancel()
					checkTimeUp(t, r.rpc(ctx, conn), codes.DeadlineExceeded, p.reason)
				})
			})
		}
	}
}

// TestStreamGiveUpCodeRepeated checks that RecvMsg returns the same give-up,
// CANCELLED, on every call once the caller's context ended the stream's call
// in its retry window, and that SendMsg and Header keep gRPC's rules.
func TestStreamGiveUpCodeRepeated(t *testing.T) {
	_, addr := serve(t, func(string, int) answer { return answer{err: unavailable} })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	conn := dial(t, addr, &retry.Policy{Wait: wait.Fixed(time.Hour), BeforeSleep: retry.HookFunc(func(retry.Attempt) { cancel() })}, nil)
	s, err := watch(ctx, conn, echoWatch, "x")
	if err != nil {
		t.Fatal(err)
	}
	first := s.RecvMsg(new(wrapperspb.StringValue))
	checkTimeUp(t, first, codes.Canceled, retry.ReasonContext)
	if again := s.RecvMsg(new(wrapperspb.StringValue)); again != first {
		t.Errorf("second RecvMsg = %v, want the same error", again)
	}
	if md, err := s.Header(); md != nil || err != nil {
		t.Errorf("Header() = %v, %v; want nil, nil", md, err)
	}
}

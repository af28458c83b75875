package retrygrpc_test

import (
	"errors"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
	"github.com/tenacious-go/tenacious/wait"
)

// checkRefused fails the test unless err is a *retry.NotRetriedError that
// names method, gives reason, and wraps gRPC's own error (not a *retry.Error
// nor a *retrygrpc.StatusError) of code, which status.Code reads through it.
// It returns the wrapped error.
func checkRefused(t *testing.T, err error, method string, reason retry.Reason, code codes.Code) error {
	t.Helper()
	nr, ok := err.(*retry.NotRetriedError)
	if !ok {
		t.Errorf("err = %#v, want a *retry.NotRetriedError", err)
		return err
	}
	if nr.Name != method || nr.Reason != reason {
		t.Errorf("NotRetriedError{Name: %q, Reason: %v}, want {%q, %v}", nr.Name, nr.Reason, method, reason)
	}
	var ge *retry.Error
	var se *retrygrpc.StatusError
	if errors.As(nr.Err, &ge) || errors.As(nr.Err, &se) {
		t.Errorf("NotRetriedError.Err = %#v, want gRPC's own error", nr.Err)
	}
	if got := status.Code(err); got != code {
		t.Errorf("status.Code(err) = %v, want %v", got, code)
	}
	return nr.Err
}

// TestNotRetriedErrorReadsAsStatus checks the error of a retry refused because
// the method is not idempotent: its message says what and why, and
// status.Code, status.FromError and status.Convert read the status gRPC
// returned through it (grpc-go's FromError finds GRPCStatus with errors.As,
// and keeps the code and details, with the wrapper's message).
func TestNotRetriedErrorReadsAsStatus(t *testing.T) {
	srv, addr := serve(t, func(string, int) answer { return answer{err: unavailable} })
	conn := dial(t, addr, &retry.Policy{Wait: wait.None()}, nil)
	_, err := call(t.Context(), conn, echoPost, "x")
	inner := checkRefused(t, err, echoPost, retry.ReasonNotIdempotent, codes.Unavailable)
	if srv.count(echoPost) != 1 {
		t.Errorf("server received %d calls, want 1", srv.count(echoPost))
	}
	const want = "retry: /retrygrpc.test.Echo/Post not retried (not_idempotent): rpc error: code = Unavailable desc = down"
	if err.Error() != want {
		t.Errorf("err.Error() = %q, want %q", err.Error(), want)
	}
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.Unavailable || st.Message() != want {
		t.Errorf("status.FromError(err) = %v, %v; want UNAVAILABLE with the error's message, true", st, ok)
	}
	if st := status.Convert(err); st.Code() != codes.Unavailable {
		t.Errorf("status.Convert(err).Code() = %v, want UNAVAILABLE", st.Code())
	}
	if !errors.Is(err, inner) {
		t.Errorf("errors.Is(err, its Err) = false, want true")
	}
}

// TestPushbackNoIsNotRefused checks that a server's pushback that says not to
// retry is the server's answer, not a refusal of the interceptor's: the error
// comes back as gRPC returned it, and OnEnd sees ReasonNotRetried.
func TestPushbackNoIsNotRefused(t *testing.T) {
	srv, addr := serve(t, func(string, int) answer { return answer{err: unavailable, trailer: pushback("-1")} })
	var end counter
	conn := dial(t, addr, &retry.Policy{Wait: wait.None(), OnEnd: &end}, nil)
	_, err := call(t.Context(), conn, echoGet, "x")
	var nr *retry.NotRetriedError
	if errors.As(err, &nr) || status.Code(err) != codes.Unavailable || srv.count(echoGet) != 1 {
		t.Errorf("err = %#v after %d calls, want gRPC's own UNAVAILABLE after 1", err, srv.count(echoGet))
	}
	if as := end.attempts(); len(as) != 1 || as[0].Reason != retry.ReasonNotRetried {
		t.Errorf("OnEnd saw %+v, want one end of reason not_retried", as)
	}
}

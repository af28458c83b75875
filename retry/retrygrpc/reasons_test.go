package retrygrpc_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
	"github.com/tenacious-go/tenacious/wait"
)

// TestEndReasons checks, in virtual time, the reason OnEnd sees for each way a
// call can end without success, and the status code the caller reads: the
// unary calls, and a stream past its commit point.
func TestEndReasons(t *testing.T) {
	refuse := &recorder{allow: func(retry.Class) bool { return false }}
	for _, tt := range []struct {
		name   string
		a      answer
		method string
		policy retry.Policy
		ctx    func(context.Context) (context.Context, context.CancelFunc)
		// below chains a second interceptor after the one under test, with
		// the same Policy.
		below  bool
		reason retry.Reason
		code   codes.Code
	}{
		{name: "stop", a: answer{err: unavailable}, method: echoGet,
			reason: retry.ReasonStop, code: codes.Unavailable},
		{name: "deadline", a: answer{err: unavailable}, method: echoGet, policy: retry.Policy{Wait: wait.Fixed(time.Hour)},
			ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeout(ctx, time.Minute)
			}, reason: retry.ReasonDeadline, code: codes.DeadlineExceeded},
		{name: "budget", a: answer{err: unavailable}, method: echoGet, policy: retry.Policy{Budget: refuse},
			reason: retry.ReasonBudget, code: codes.Unavailable},
		{name: "context", a: answer{err: unavailable}, method: echoGet, policy: retry.Policy{Wait: wait.Fixed(time.Hour)},
			ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(ctx)
				time.AfterFunc(time.Minute, cancel) // during the first pause
				return ctx, cancel
			}, reason: retry.ReasonContext, code: codes.Canceled},
		{name: "not retried", a: answer{err: status.Error(codes.NotFound, "gone")}, method: echoGet,
			reason: retry.ReasonNotRetried, code: codes.NotFound},
		{name: "not retried, pushback", a: answer{err: unavailable, trailer: pushback("-1")}, method: echoGet,
			reason: retry.ReasonNotRetried, code: codes.Unavailable},
		{name: "not idempotent", a: answer{err: unavailable}, method: echoPost,
			reason: retry.ReasonNotIdempotent, code: codes.Unavailable},
		{name: "not replayable", a: answer{header: true, err: unavailable}, method: echoGet,
			reason: retry.ReasonNotReplayable, code: codes.Unavailable},
		{name: "not replayable, stream", a: answer{msgs: 1, err: unavailable}, method: echoWatch,
			reason: retry.ReasonNotReplayable, code: codes.Unavailable},
		{name: "layer below", a: answer{err: unavailable}, method: echoGet, below: true,
			reason: retry.ReasonLayerBelow, code: codes.Unavailable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var end counter
				p := tt.policy
				if p.Wait == nil {
					p.Wait = wait.None()
				}
				p.OnEnd = &end
				_, dialer := listenBubble(t, always(tt.a))
				dialOpts := []grpc.DialOption{dialer, grpc.WithTransportCredentials(insecure.NewCredentials())}
				if tt.below {
					below := p
					below.OnEnd = nil
					dialOpts = append(dialOpts, grpc.WithChainUnaryInterceptor(retrygrpc.UnaryClientInterceptor(&below)))
				}
				conn := dial(t, "bufconn", &p, nil, dialOpts...)
				ctx, cancel := t.Context(), context.CancelFunc(func() {})
				if tt.ctx != nil {
					ctx, cancel = tt.ctx(ctx)
				}
				defer cancel()
				var err error
				if tt.method == echoWatch {
					var s grpc.ClientStream
					if s, err = watch(ctx, conn, tt.method, "x"); err == nil {
						_, err = recvAll(s)
					}
				} else {
					_, err = call(ctx, conn, tt.method, "x")
				}
				if got := status.Code(err); got != tt.code {
					t.Errorf("status.Code(err) = %v, want %v (err: %v)", got, tt.code, err)
				}
				if as := end.attempts(); len(as) != 1 || as[0].Reason != tt.reason {
					t.Errorf("OnEnd saw %+v, want one end of reason %v", as, tt.reason)
				}
			})
		})
	}
}

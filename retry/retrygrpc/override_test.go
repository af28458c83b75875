package retrygrpc_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// override is one way to override one call: a call option, a context, or
// both.
type override struct {
	name string
	ctx  func(context.Context) context.Context
	opts []grpc.CallOption
}

// TestNoRetry checks the call option NoRetry and its context form,
// retry.WithoutRetry, on unary calls and streams of an idempotent method that
// the server always answers UNAVAILABLE: one attempt, whose error comes back
// as gRPC returned it, OnEnd sees ReasonNotRetried, the Budget still hears a
// transient failure, and an outer Run is left free to retry it (the server
// sees the outer's 3 attempts).
func TestNoRetry(t *testing.T) {
	for _, o := range []override{
		{name: "NoRetry", opts: []grpc.CallOption{retrygrpc.NoRetry()}},
		{name: "WithoutRetry", ctx: retry.WithoutRetry},
	} {
		for _, stream := range []bool{false, true} {
			name, method := o.name+"/unary", echoGet
			if stream {
				name, method = o.name+"/stream", echoWatch
			}
			do := func(ctx context.Context, conn *grpc.ClientConn) error {
				if o.ctx != nil {
					ctx = o.ctx(ctx)
				}
				if !stream {
					_, err := call(ctx, conn, method, "x", o.opts...)
					return err
				}
				s, err := watch(ctx, conn, method, "x", o.opts...)
				if err != nil {
					return err
				}
				_, err = recvAll(s)
				return err
			}
			t.Run(name, func(t *testing.T) {
				srv, addr := serve(t, always(answer{err: unavailable}))
				var end counter
				b := new(recorder)
				conn := dial(t, addr, &retry.Policy{Wait: wait.None(), OnEnd: &end, Budget: b}, nil)
				err := do(t.Context(), conn)
				var ge *retry.Error
				var nr *retry.NotRetriedError
				if status.Code(err) != codes.Unavailable || errors.As(err, &ge) || errors.As(err, &nr) {
					t.Errorf("err = %#v, want gRPC's own UNAVAILABLE", err)
				}
				if got := srv.count(method); got != 1 {
					t.Errorf("server received %d calls, want 1", got)
				}
				if got := reasons(&end); !slices.Equal(got, []retry.Reason{retry.ReasonNotRetried}) {
					t.Errorf("OnEnd saw %v, want [not_retried]", got)
				}
				if got, want := b.events(), []string{"attempted transient Class(0)"}; !slices.Equal(got, want) {
					t.Errorf("budget events %q, want %q", got, want)
				}
			})
			t.Run(name+"/inside Run", func(t *testing.T) {
				srv, addr := serve(t, always(answer{err: unavailable}))
				conn := dial(t, addr, &retry.Policy{Wait: wait.None()}, nil)
				outer := &retry.Policy{Stop: stop.AfterAttempts(3), Wait: wait.None()}
				_ = outer.Run(t.Context(), func(ctx context.Context) error { return do(ctx, conn) })
				if got := srv.count(method); got != 3 {
					t.Errorf("server received %d calls, want 3: one per outer attempt", got)
				}
			})
		}
	}
}

// TestUsePolicy checks the call option UsePolicy and its context form,
// retry.WithPolicy, on unary calls and streams: the call follows the Policy
// given (2 attempts, its OnEnd) in place of the interceptor's (4 attempts),
// whose hooks do not run; a call option wins over the context; and the rules
// of safety still apply: a Policy that retries everything does not retry a
// method that is not idempotent.
func TestUsePolicy(t *testing.T) {
	var end counter
	two := &retry.Policy{Stop: stop.AfterAttempts(2), Wait: wait.None(), OnEnd: &end}
	three := &retry.Policy{Stop: stop.AfterAttempts(3), Wait: wait.None(), OnEnd: &end}
	all := &retry.Policy{Wait: wait.None(), Retry: predicate.Always(), OnEnd: &end}
	withPolicy := func(p *retry.Policy) func(context.Context) context.Context {
		return func(ctx context.Context) context.Context { return retry.WithPolicy(ctx, p) }
	}
	for _, tt := range []struct {
		override
		method string
		want   int
		reason retry.Reason
	}{
		{override{name: "UsePolicy", opts: []grpc.CallOption{retrygrpc.UsePolicy(two)}}, echoGet, 2, retry.ReasonStop},
		{override{name: "WithPolicy", ctx: withPolicy(two)}, echoGet, 2, retry.ReasonStop},
		{override{name: "UsePolicy over WithPolicy", ctx: withPolicy(three), opts: []grpc.CallOption{retrygrpc.UsePolicy(two)}}, echoGet, 2, retry.ReasonStop},
		{override{name: "UsePolicy/stream", opts: []grpc.CallOption{retrygrpc.UsePolicy(two)}}, echoWatch, 2, retry.ReasonStop},
		{override{name: "WithPolicy/stream", ctx: withPolicy(two)}, echoWatch, 2, retry.ReasonStop},
		{override{name: "UsePolicy, not idempotent", opts: []grpc.CallOption{retrygrpc.UsePolicy(all)}}, echoPost, 1, retry.ReasonNotIdempotent},
		{override{name: "WithPolicy, not idempotent", ctx: withPolicy(all)}, echoPost, 1, retry.ReasonNotIdempotent},
	} {
		t.Run(tt.name, func(t *testing.T) {
			end = counter{}
			srv, addr := serve(t, always(answer{err: unavailable}))
			var own counter
			conn := dial(t, addr, &retry.Policy{Wait: wait.None(), OnEnd: &own}, nil)
			ctx := t.Context()
			if tt.ctx != nil {
				ctx = tt.ctx(ctx)
			}
			var err error
			if tt.method == echoWatch {
				var s grpc.ClientStream
				if s, err = watch(ctx, conn, tt.method, "x", tt.opts...); err == nil {
					_, err = recvAll(s)
				}
			} else {
				_, err = call(ctx, conn, tt.method, "x", tt.opts...)
			}
			if got := srv.count(tt.method); got != tt.want {
				t.Errorf("server received %d calls, want %d (err: %v)", got, tt.want, err)
			}
			if status.Code(err) != codes.Unavailable {
				t.Errorf("err = %v, want UNAVAILABLE", err)
			}
			if got := reasons(&end); !slices.Equal(got, []retry.Reason{tt.reason}) {
				t.Errorf("the Policy given saw OnEnd %v, want [%v]", got, tt.reason)
			}
			if own.count() != 0 {
				t.Errorf("the interceptor's own Policy saw %d ends, want 0", own.count())
			}
		})
	}
}

package retrygrpc_test

import (
	"context"
	"testing"
	"time"

	grpcretry "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/retry"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
)

// unaryCall is the interop service's UnaryCall, which the interceptors are told
// is idempotent, so that they would retry it.
const unaryCall = testgrpc.TestService_UnaryCall_FullMethodName

// interceptors are the clients compared: none, ours with the zero Policy (the
// gRPC defaults), with a Policy that has a budget and a hook, and with a Hedger
// whose delay is never reached (a hedged call that sends no hedge), and
// go-grpc-middleware's retry interceptor, set up as closely alike as it allows:
// 4 attempts, UNAVAILABLE, exponential backoff with jitter from 100ms.
var interceptors = []struct {
	name string
	opts func() []grpc.DialOption
}{
	{"client=none", func() []grpc.DialOption { return nil }},
	{"client=retrygrpc", func() []grpc.DialOption {
		return []grpc.DialOption{grpc.WithUnaryInterceptor(retrygrpc.UnaryClientInterceptor(nil, retrygrpc.IdempotentMethods(unaryCall)))}
	}},
	{"client=retrygrpc-budget-hook", func() []grpc.DialOption {
		p := &retry.Policy{Budget: budget.Default(), OnEnd: retry.HookFunc(func(retry.Attempt) {})}
		return []grpc.DialOption{grpc.WithUnaryInterceptor(retrygrpc.UnaryClientInterceptor(p, retrygrpc.IdempotentMethods(unaryCall)))}
	}},
	{"client=retrygrpc-hedger", func() []grpc.DialOption {
		p := &retry.Policy{Hedger: hedge.Fixed(time.Second, 1)} // never hedges here
		return []grpc.DialOption{grpc.WithUnaryInterceptor(retrygrpc.UnaryClientInterceptor(p, retrygrpc.IdempotentMethods(unaryCall)))}
	}},
	{"client=go-grpc-middleware", func() []grpc.DialOption {
		return []grpc.DialOption{grpc.WithUnaryInterceptor(grpcretry.UnaryClientInterceptor(
			grpcretry.WithMax(4),
			grpcretry.WithCodes(codes.Unavailable),
			grpcretry.WithBackoff(grpcretry.BackoffExponentialWithJitter(100*time.Millisecond, 0.5)),
		))}
	}},
}

// BenchmarkUnaryLoopback is a unary call of grpc-go's interop service over
// loopback that succeeds the first time, through each client: what the
// interceptor adds to a real call, the capture of the trailer and header
// included.
func BenchmarkUnaryLoopback(b *testing.B) {
	for _, ic := range interceptors {
		b.Run(ic.name, func(b *testing.B) {
			_, client := serveInterop(b, append(ic.opts(), grpc.WithDisableRetry())...)
			req := &testgrpc.SimpleRequest{}
			ctx := context.Background()
			if _, err := client.UnaryCall(ctx, req); err != nil { // connect
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := client.UnaryCall(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUnaryOverhead is the unary interceptor alone, around an invoker that
// succeeds at once: the cost it adds to every call that succeeds the first time,
// without gRPC's copies of the trailer and header, which a real call adds. With
// a Hedger, the call hedges (its reply is a proto.Message), but the invoker
// answers long before the hedge delay.
func BenchmarkUnaryOverhead(b *testing.B) {
	for _, ic := range []struct {
		name string
		p    *retry.Policy
	}{
		{"policy=zero", nil},
		{"policy=budget-hook", &retry.Policy{Budget: budget.Default(), OnEnd: retry.HookFunc(func(retry.Attempt) {})}},
		{"policy=hedger", &retry.Policy{Hedger: hedge.Fixed(time.Second, 1)}},
		{"policy=hedger-budget-hook", &retry.Policy{Hedger: hedge.Fixed(time.Second, 1), Budget: budget.Default(), OnEnd: retry.HookFunc(func(retry.Attempt) {})}},
	} {
		b.Run(ic.name, func(b *testing.B) {
			in := retrygrpc.UnaryClientInterceptor(ic.p)
			invoker := func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error { return nil }
			ctx := context.Background()
			req, reply := wrapperspb.String("x"), new(wrapperspb.StringValue)
			b.ReportAllocs()
			for b.Loop() {
				if err := in(ctx, echoGet, req, reply, nil, invoker); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

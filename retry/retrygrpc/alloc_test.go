package retrygrpc_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// TestUnarySuccessAllocations checks what the unary interceptor allocates for
// a call that succeeds the first time: only the retry engine's one allocation
// per call, the *layer.Frame that marks the call's attempts for the calls
// inside them (retry at one layer), with the zero Policy, one with every field
// set but AttemptTimeout (whose context allocates by nature), the per-call
// marks of idempotency, NoRetry and UsePolicy. The overrides that the engine
// must read from the call's context cost the context they make: IgnoreLayers
// and a retry.WithPolicy context, whose Policy the interceptor applies itself,
// each make a context without it for the engine (an Override and its
// context.WithValue: 2).
func TestUnarySuccessAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes sync.Pool's behaviour")
	}
	hook := retry.HookFunc(func(retry.Attempt) {})
	invoker := func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error { return nil }
	every := &retry.Policy{
		Name: "echo", Stop: stop.AfterAttempts(5), Wait: wait.Fixed(time.Millisecond),
		Retry: predicate.Always(), Before: hook, After: hook, BeforeSleep: hook, OnEnd: hook,
		MaxRetryAfter: time.Second, Budget: budget.Default(), Throttled: predicate.Never(),
	}
	ctx := context.Background()
	const frame = 1 // the engine's *layer.Frame, per call
	tests := []struct {
		name   string
		in     grpc.UnaryClientInterceptor
		ctx    context.Context
		method string
		opts   []grpc.CallOption
		want   float64
	}{
		{"nil Policy", retrygrpc.UnaryClientInterceptor(nil), ctx, echoGet, nil, frame},
		{"every field", retrygrpc.UnaryClientInterceptor(every, retrygrpc.RetryAborted()), ctx, echoGet, nil, frame},
		{"not idempotent", retrygrpc.UnaryClientInterceptor(every), ctx, echoPost, nil, frame},
		{"Idempotent call option", retrygrpc.UnaryClientInterceptor(every), ctx, echoPost, []grpc.CallOption{retrygrpc.Idempotent()}, frame},
		{"WithIdempotent context", retrygrpc.UnaryClientInterceptor(every), retrygrpc.WithIdempotent(ctx), echoPost, nil, frame},
		{"IdempotentMethods", retrygrpc.UnaryClientInterceptor(every, retrygrpc.IdempotentMethods(echoPost)), ctx, echoPost, nil, frame},
		{"NoRetry", retrygrpc.UnaryClientInterceptor(every), ctx, echoGet, []grpc.CallOption{retrygrpc.NoRetry()}, frame},
		{"WithoutRetry context", retrygrpc.UnaryClientInterceptor(every), retry.WithoutRetry(ctx), echoGet, nil, frame},
		{"UsePolicy", retrygrpc.UnaryClientInterceptor(nil), ctx, echoGet, []grpc.CallOption{retrygrpc.UsePolicy(every)}, frame},
		{"WithPolicy context", retrygrpc.UnaryClientInterceptor(nil), retry.WithPolicy(ctx, every), echoGet, nil, frame + 2},
		{"IgnoreLayers", retrygrpc.UnaryClientInterceptor(every), ctx, echoGet, []grpc.CallOption{retrygrpc.IgnoreLayers()}, frame + 2},
	}
	for _, tt := range tests {
		if a := testing.AllocsPerRun(1000, func() { _ = tt.in(tt.ctx, tt.method, nil, nil, nil, invoker, tt.opts...) }); a != tt.want {
			t.Errorf("%s: %v allocations per call, want %v", tt.name, a, tt.want)
		}
	}
}

// TestUnaryLoopbackAllocations checks the target on a real call over loopback
// that succeeds: the interceptor adds the retry engine's *layer.Frame (1
// allocation per call) and gRPC's copies of the metadata it captures, the
// trailer (an empty map: 1) for the server's hints, and, for a call that may
// be made again, the header (a map, its table and the value of content-type:
// 3), which tells the commit point.
func TestUnaryLoopbackAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes sync.Pool's behaviour")
	}
	checkGoroutines(t)
	allocs := func(opts ...grpc.DialOption) float64 {
		_, client := serveInterop(t, append(opts, grpc.WithDisableRetry())...)
		req := &testgrpc.SimpleRequest{}
		if _, err := client.UnaryCall(t.Context(), req); err != nil {
			t.Fatal(err)
		}
		return testing.AllocsPerRun(2000, func() { _, _ = client.UnaryCall(context.Background(), req) })
	}
	none := allocs()
	for _, tt := range []struct {
		name string
		opts []retrygrpc.Option
		max  float64
	}{
		{"idempotent", []retrygrpc.Option{retrygrpc.IdempotentMethods(unaryCall)}, 5},
		{"not idempotent", nil, 2},
	} {
		ours := allocs(grpc.WithUnaryInterceptor(retrygrpc.UnaryClientInterceptor(nil, tt.opts...)))
		t.Logf("%s: allocations per call: %v without an interceptor, %v with", tt.name, none, ours)
		if ours-none > tt.max {
			t.Errorf("%s: the interceptor adds %v allocations per call, want at most %v", tt.name, ours-none, tt.max)
		}
	}
}

// TestUnaryHedgedAllocations checks that a hedged call that sends no hedge
// allocates what the hedging engine does, retry.Retrier.Hedge alone, and
// nothing more: the interceptor's state is pooled, and the first attempt
// decodes into the caller's reply.
func TestUnaryHedgedAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes sync.Pool's behaviour")
	}
	p := retry.Policy{Hedger: hedge.Fixed(time.Minute, 1), Budget: budget.Default()}
	ctx := context.Background()
	r := retry.Retrier[*wrapperspb.StringValue]{Policy: &p}
	op := func(context.Context) (*wrapperspb.StringValue, error) { return nil, nil }
	engine := testing.AllocsPerRun(1000, func() { _, _ = r.Hedge(ctx, op) })

	in := retrygrpc.UnaryClientInterceptor(&p)
	invoker := func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error { return nil }
	req, reply := wrapperspb.String("x"), new(wrapperspb.StringValue)
	ours := testing.AllocsPerRun(1000, func() { _ = in(ctx, echoGet, req, reply, nil, invoker) })
	if ours != engine {
		t.Errorf("a hedged call that sends no hedge allocates %v times, want the engine's %v", ours, engine)
	}
}

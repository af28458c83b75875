package retrygrpc_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// flakyService is grpc-go's interop TestService, whose UnaryCall fails with
// UNAVAILABLE twice, then echoes the payload.
type flakyService struct {
	testgrpc.UnimplementedTestServiceServer
	calls atomic.Int32
}

func (f *flakyService) UnaryCall(_ context.Context, req *testgrpc.SimpleRequest) (*testgrpc.SimpleResponse, error) {
	if f.calls.Add(1) <= 2 {
		return nil, status.Error(codes.Unavailable, "warming up")
	}
	return &testgrpc.SimpleResponse{Payload: req.GetPayload()}, nil
}

// startFlaky serves a flakyService on loopback.
func startFlaky() (addr string, stop func()) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	s := grpc.NewServer()
	testgrpc.RegisterTestServiceServer(s, new(flakyService))
	go func() { _ = s.Serve(lis) }()
	return lis.Addr().String(), s.Stop
}

// A client whose calls share one Policy: its budget and its hooks see every
// call of the service. The interop service's methods declare no
// idempotency_level, so the caller names the one that is safe to repeat.
func ExampleUnaryClientInterceptor() {
	addr, stopServer := startFlaky()
	defer stopServer()

	svc := &retry.Policy{
		Wait:   wait.None(), // for the example: the default pauses are random, up to 100ms·2^(n-1)
		OnEnd:  hooks.LogEnd(slog.Default(), slog.LevelError),
		Budget: budget.Default(),
	}
	safe := retrygrpc.IdempotentMethods(testgrpc.TestService_UnaryCall_FullMethodName)
	conn, err := grpc.NewClient("passthrough:///"+addr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithChainUnaryInterceptor(retrygrpc.UnaryClientInterceptor(svc, safe)),
		grpc.WithChainStreamInterceptor(retrygrpc.StreamClientInterceptor(svc, safe)),
		grpc.WithDisableRetry(), // one retry layer, not two
	)
	if err != nil {
		panic(err)
	}
	defer conn.Close()

	var st retry.Stats
	ctx := retry.WithStats(context.Background(), &st)
	resp, err := testgrpc.NewTestServiceClient(conn).UnaryCall(ctx, &testgrpc.SimpleRequest{
		Payload: &testgrpc.Payload{Body: []byte("hello")},
	})
	fmt.Printf("%s after %d attempts, err %v\n", resp.GetPayload().GetBody(), st.Attempts, err)
	// Output: hello after 3 attempts, err <nil>
}

// A give-up keeps the last status: status.Code reads it through the
// *retry.Error, errors.As finds the *StatusError with the server's trailer and
// hint, and errors.Is tells whether the caller's time ran out.
func Example_giveUp() {
	addr, stopServer := startFlaky()
	defer stopServer()
	svc := &retry.Policy{Stop: stop.AfterAttempts(2), Wait: wait.None()}
	conn, err := grpc.NewClient("passthrough:///"+addr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithUnaryInterceptor(retrygrpc.UnaryClientInterceptor(svc, retrygrpc.AssumeIdempotent())),
	)
	if err != nil {
		panic(err)
	}
	defer conn.Close()

	_, err = testgrpc.NewTestServiceClient(conn).UnaryCall(context.Background(), &testgrpc.SimpleRequest{})
	var ge *retry.Error
	var last *retrygrpc.StatusError
	if errors.As(err, &ge) && errors.As(err, &last) {
		fmt.Println("reason:", ge.Reason, "attempts:", ge.Attempts)
		fmt.Println("status.Code:", status.Code(err), "last message:", last.Status.Message())
		fmt.Println("deadline:", errors.Is(err, context.DeadlineExceeded))
	}
	// Output:
	// reason: stop attempts: 2
	// status.Code: Unavailable last message: warming up
	// deadline: false
}

// stuckOnceService is grpc-go's interop TestService, whose first UnaryCall with
// the payload "slow" is stuck until the client cancels it; the others echo the
// payload at once.
type stuckOnceService struct {
	testgrpc.UnimplementedTestServiceServer
	stuck atomic.Bool
}

func (s *stuckOnceService) UnaryCall(ctx context.Context, req *testgrpc.SimpleRequest) (*testgrpc.SimpleResponse, error) {
	if string(req.GetPayload().GetBody()) == "slow" && s.stuck.CompareAndSwap(false, true) {
		<-ctx.Done()
		return nil, status.FromContextError(ctx.Err()).Err()
	}
	return &testgrpc.SimpleResponse{Payload: req.GetPayload()}, nil
}

// Hedging the slow tail of a method that is safe to repeat: the "slow" call has
// not answered after 20ms, so a hedge starts beside it, paid from the budget;
// the hedge answers, and the first attempt is canceled. The default budget
// earns hedges from the calls the service answers: a hedge costs 8 tokens, a
// fresh budget holds 2, and each answered call adds 2, so the three calls
// before it pay for it.
func ExampleUnaryClientInterceptor_hedging() {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	s := grpc.NewServer()
	testgrpc.RegisterTestServiceServer(s, new(stuckOnceService))
	go func() { _ = s.Serve(lis) }()
	defer s.Stop()

	svc := &retry.Policy{Hedger: hedge.Fixed(20*time.Millisecond, 1), Budget: budget.Default()}
	conn, err := grpc.NewClient("passthrough:///"+lis.Addr().String(),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithChainUnaryInterceptor(retrygrpc.UnaryClientInterceptor(svc,
			retrygrpc.IdempotentMethods(testgrpc.TestService_UnaryCall_FullMethodName))),
		grpc.WithDisableRetry(),
	)
	if err != nil {
		panic(err)
	}
	defer conn.Close()

	client := testgrpc.NewTestServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, body := range []string{"a", "b", "c", "slow"} {
		var st retry.Stats
		resp, err := client.UnaryCall(retry.WithStats(ctx, &st), &testgrpc.SimpleRequest{
			Payload: &testgrpc.Payload{Body: []byte(body)},
		})
		fmt.Printf("%s after %d attempts, err %v\n", resp.GetPayload().GetBody(), st.Attempts, err)
	}
	// Output:
	// a after 1 attempts, err <nil>
	// b after 1 attempts, err <nil>
	// c after 1 attempts, err <nil>
	// slow after 2 attempts, err <nil>
}

// One call of a method that is not declared idempotent, made safe to repeat by
// the caller, as the server deduplicates it by the request's ID.
func ExampleIdempotent() {
	var client testgrpc.TestServiceClient // through the interceptors
	ctx := context.Background()
	if client != nil {
		_, _ = client.UnaryCall(ctx, &testgrpc.SimpleRequest{}, retrygrpc.Idempotent())
	}
}

// A readiness probe makes one attempt, whatever the connection's Policy: its
// caller probes again at its own pace. A call that must answer a user soon
// follows a stricter Policy for that call alone.
func ExampleNoRetry() {
	addr, stopServer := startFlaky()
	defer stopServer()
	svc := &retry.Policy{Wait: wait.None()} // for the example: the default pauses are random, up to 100ms·2^(n-1)
	safe := retrygrpc.IdempotentMethods(testgrpc.TestService_UnaryCall_FullMethodName)
	conn, err := grpc.NewClient("passthrough:///"+addr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithChainUnaryInterceptor(retrygrpc.UnaryClientInterceptor(svc, safe)),
		grpc.WithDisableRetry(),
	)
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	client := testgrpc.NewTestServiceClient(conn)
	ctx := context.Background()

	var st retry.Stats
	_, err = client.UnaryCall(retry.WithStats(ctx, &st), &testgrpc.SimpleRequest{}, retrygrpc.NoRetry())
	fmt.Printf("probe: %v after %d attempt\n", status.Code(err), st.Attempts)

	twice := &retry.Policy{Stop: stop.AfterAttempts(2), Wait: wait.None()}
	_, err = client.UnaryCall(retry.WithStats(ctx, &st), &testgrpc.SimpleRequest{}, retrygrpc.UsePolicy(twice))
	fmt.Printf("user's call: %v after %d attempts\n", status.Code(err), st.Attempts)
	// Output:
	// probe: Unavailable after 1 attempt
	// user's call: OK after 2 attempts
}

// A Policy.Retry of one's own: the default table, and ABORTED, which the table
// retries only with the RetryAborted option.
func ExampleCodes() {
	retryable := predicate.Any(retrygrpc.Transient(), retrygrpc.Codes(codes.Aborted))
	for _, code := range []codes.Code{codes.Unavailable, codes.Aborted, codes.NotFound} {
		err := retrygrpc.NewStatusError(status.Error(code, "x"), nil)
		fmt.Println(code, retryable.Match(retry.Attempt{Err: err}))
	}
	// Output:
	// Unavailable true
	// Aborted true
	// NotFound false
}

// Code that calls gRPC inside retry.Do captures the trailer and wraps the
// error, so that the Policy sees the server's hint and the status.
func ExampleNewStatusError() {
	call := func(ctx context.Context, trailer *metadata.MD) error { // stands for client.Get(ctx, req, grpc.Trailer(trailer))
		*trailer = metadata.Pairs(retrygrpc.PushbackKey, "250")
		return status.Error(codes.ResourceExhausted, "slow down")
	}
	p := &retry.Policy{Stop: stop.AfterAttempts(1), Retry: retrygrpc.Transient()}
	err := p.Run(context.Background(), func(ctx context.Context) error {
		var trailer metadata.MD
		return retrygrpc.NewStatusError(call(ctx, &trailer), trailer)
	})
	var ge *retry.Error
	if errors.As(err, &ge) {
		fmt.Println(ge.Reason, status.Code(err), ge.Delay >= 250*time.Millisecond)
	}
	// Output: stop ResourceExhausted true
}

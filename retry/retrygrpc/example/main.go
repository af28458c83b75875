// Example starts a flaky gRPC server on loopback and calls it through the
// retrygrpc interceptors: the server answers UNAVAILABLE, then
// RESOURCE_EXHAUSTED with a pushback of 500ms, then OK. Each retry is logged by
// the slog hook, and the result is printed.
//
//	cd retry/retrygrpc && go run ./example
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
)

func main() {
	addr, stopServer := flakyServer()
	defer stopServer()

	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch {
			case a.Key == slog.TimeKey:
				return slog.Attr{} // keep the output short
			case a.Value.Kind() == slog.KindDuration:
				return slog.Duration(a.Key, a.Value.Duration().Round(time.Millisecond))
			}
			return a
		},
	}))

	// One Policy for every call to this service. The interceptors fill what it
	// leaves nil with their gRPC defaults: 4 attempts, UNAVAILABLE retried,
	// RESOURCE_EXHAUSTED only when the server says when (its pushback sets the
	// pause), full-jitter backoff otherwise.
	svc := &retry.Policy{
		BeforeSleep:    hooks.LogBeforeSleep(logger, slog.LevelWarn),
		OnEnd:          hooks.LogEnd(logger, slog.LevelError),
		AttemptTimeout: 2 * time.Second,
	}
	// The interop service's methods do not say they are idempotent
	// (option idempotency_level), so the caller does, for the one it calls.
	safe := retrygrpc.IdempotentMethods(testgrpc.TestService_UnaryCall_FullMethodName)
	conn, err := grpc.NewClient("passthrough:///"+addr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithChainUnaryInterceptor(retrygrpc.UnaryClientInterceptor(svc, safe)),
		grpc.WithChainStreamInterceptor(retrygrpc.StreamClientInterceptor(svc, safe)),
		grpc.WithDisableRetry(), // one retry layer, not two
	)
	if err != nil {
		fmt.Println("failed:", err)
		os.Exit(1)
	}
	defer conn.Close()
	client := testgrpc.NewTestServiceClient(conn)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var stats retry.Stats
	fmt.Println("UnaryCall - the server answers UNAVAILABLE, then RESOURCE_EXHAUSTED with a pushback of 500ms, then OK")
	start := time.Now()
	resp, err := client.UnaryCall(retry.WithStats(ctx, &stats), &testgrpc.SimpleRequest{
		Payload: &testgrpc.Payload{Body: []byte("hello, tenacious")},
	})
	if err != nil {
		fmt.Println("failed:", status.Code(err), err)
		os.Exit(1)
	}
	fmt.Printf("got %q after %d attempts in %v\n", resp.GetPayload().GetBody(), stats.Attempts, time.Since(start).Round(10*time.Millisecond))
}

// flaky is a TestService whose UnaryCall answers UNAVAILABLE, then
// RESOURCE_EXHAUSTED with a grpc-retry-pushback-ms of 500, then echoes the
// payload.
type flaky struct {
	testgrpc.UnimplementedTestServiceServer
	calls atomic.Int32
}

func (f *flaky) UnaryCall(ctx context.Context, req *testgrpc.SimpleRequest) (*testgrpc.SimpleResponse, error) {
	switch f.calls.Add(1) {
	case 1:
		return nil, status.Error(codes.Unavailable, "warming up")
	case 2:
		_ = grpc.SetTrailer(ctx, metadata.Pairs(retrygrpc.PushbackKey, "500"))
		return nil, status.Error(codes.ResourceExhausted, "slow down")
	}
	return &testgrpc.SimpleResponse{Payload: req.GetPayload()}, nil
}

// flakyServer serves flaky on a loopback port, and returns its address and a
// function that stops it.
func flakyServer() (string, func()) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("failed:", err)
		os.Exit(1)
	}
	s := grpc.NewServer()
	testgrpc.RegisterTestServiceServer(s, new(flaky))
	go func() { _ = s.Serve(lis) }()
	return lis.Addr().String(), s.Stop
}

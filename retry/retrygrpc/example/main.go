// Example calls a loopback gRPC health server whose first two calls fail with
// UNAVAILABLE, through retrygrpc's interceptor. Each retry and any give-up is logged.
package main

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net"
	"os"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
)

func main() {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	var calls atomic.Int32
	srv := grpc.NewServer(grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		if calls.Add(1) <= 2 {
			return nil, status.Error(codes.Unavailable, "warming up")
		}
		return h(ctx, req)
	}))
	healthpb.RegisterHealthServer(srv, health.NewServer())
	go srv.Serve(lis)
	defer srv.Stop()

	logger := slog.New(slog.NewTextHandler(os.Stdout, nil))
	svc := &retry.Policy{ // Stop, Wait, Retry nil: the defaults, and the gRPC status table
		AttemptTimeout: time.Second,
		BeforeSleep:    hooks.LogBeforeSleep(logger, slog.LevelWarn),
		OnEnd:          hooks.LogEnd(logger, slog.LevelError),
	}
	// Only idempotent methods are retried: their descriptor says so, or the caller.
	safe := retrygrpc.IdempotentMethods(healthpb.Health_Check_FullMethodName)
	conn, err := grpc.NewClient(lis.Addr().String(),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithChainUnaryInterceptor(retrygrpc.UnaryClientInterceptor(svc, safe)),
		grpc.WithDisableRetry(), // one retry layer, not two
	)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("health: %s after %d calls\n", resp.GetStatus(), calls.Load())
}

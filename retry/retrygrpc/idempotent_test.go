package retrygrpc_test

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
	"github.com/tenacious-go/tenacious/wait"
)

// TestIdempotency checks which calls are made again after UNAVAILABLE: those
// whose method's descriptor says NO_SIDE_EFFECTS or IDEMPOTENT, and those the
// caller marks, per method, per call or for all; nothing else, and the others
// end with a *retry.NotRetriedError of ReasonNotIdempotent, which OnEnd sees.
func TestIdempotency(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		opts     []retrygrpc.Option
		ctx      func(context.Context) context.Context
		callOpts []grpc.CallOption
		want     int
	}{
		{name: "NO_SIDE_EFFECTS", method: echoGet, want: 4},
		{name: "IDEMPOTENT", method: echoPut, want: 4},
		{name: "no level", method: echoPost, want: 1},
		{name: "no level, Idempotent call option", method: echoPost, callOpts: []grpc.CallOption{retrygrpc.Idempotent()}, want: 4},
		{name: "no level, WithIdempotent context", method: echoPost, ctx: retrygrpc.WithIdempotent, want: 4},
		{name: "no level, IdempotentMethods", method: echoPost, opts: []retrygrpc.Option{retrygrpc.IdempotentMethods(echoPost)}, want: 4},
		{name: "no level, IdempotentMethods of another", method: echoPost, opts: []retrygrpc.Option{retrygrpc.IdempotentMethods(echoPut)}, want: 1},
		{name: "no level, AssumeIdempotent", method: echoPost, opts: []retrygrpc.Option{retrygrpc.AssumeIdempotent()}, want: 4},
		{name: "not registered", method: privateGet, want: 1},
		{name: "Descriptors", method: privateGet, opts: []retrygrpc.Option{retrygrpc.Descriptors(privateFiles(t))}, want: 4},
		{name: "Descriptors replace GlobalFiles", method: echoGet, opts: []retrygrpc.Option{retrygrpc.Descriptors(privateFiles(t))}, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, addr := serve(t, func(string, int) answer { return answer{err: status.Error(codes.Unavailable, "down")} })
			var end counter
			conn := dial(t, addr, &retry.Policy{Wait: wait.None(), OnEnd: &end}, tt.opts)
			ctx := t.Context()
			if tt.ctx != nil {
				ctx = tt.ctx(ctx)
			}
			_, err := call(ctx, conn, tt.method, "x", tt.callOpts...)
			if got := srv.count(tt.method); got != tt.want {
				t.Errorf("server received %d attempts, want %d", got, tt.want)
			}
			if status.Code(err) != codes.Unavailable {
				t.Errorf("err = %v, want UNAVAILABLE", err)
			}
			wantReason := retry.ReasonStop
			if tt.want == 1 {
				wantReason = retry.ReasonNotIdempotent
				checkRefused(t, err, tt.method, wantReason, codes.Unavailable)
			}
			if as := end.attempts(); len(as) != 1 || as[0].Reason != wantReason {
				t.Errorf("OnEnd saw %+v, want one end of reason %v", as, wantReason)
			}
		})
	}
}

// TestIdempotencyAttemptTimeout checks that an attempt timeout, which is
// otherwise always retried, is not for a method that is not idempotent, and
// that the error says it timed out.
func TestIdempotencyAttemptTimeout(t *testing.T) {
	srv, addr := serve(t, func(string, int) answer { return answer{stall: true} })
	conn := dial(t, addr, &retry.Policy{Wait: wait.None(), AttemptTimeout: 20 * time.Millisecond}, nil)
	_, err := call(t.Context(), conn, echoPost, "x")
	if !errors.Is(err, retry.ErrAttemptTimeout) || status.Code(err) != codes.DeadlineExceeded {
		t.Errorf("err = %v, want an attempt timeout, DEADLINE_EXCEEDED", err)
	}
	if got := srv.count(echoPost); got != 1 {
		t.Errorf("server received %d attempts, want 1", got)
	}
}

// interopServer is grpc-go's interop TestService, whose UnaryCall fails with
// UNAVAILABLE as many times as fail says, then succeeds.
type interopServer struct {
	testgrpc.UnimplementedTestServiceServer
	fail  atomic.Int32
	calls atomic.Int32
}

func (s *interopServer) UnaryCall(_ context.Context, req *testgrpc.SimpleRequest) (*testgrpc.SimpleResponse, error) {
	s.calls.Add(1)
	if s.fail.Add(-1) >= 0 {
		return nil, status.Error(codes.Unavailable, "down")
	}
	return &testgrpc.SimpleResponse{Payload: req.GetPayload()}, nil
}

// serveInterop starts the interop TestService on loopback and returns a client
// of it through conn options.
func serveInterop(t testing.TB, dialOpts ...grpc.DialOption) (*interopServer, testgrpc.TestServiceClient) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := new(interopServer)
	gs := grpc.NewServer()
	testgrpc.RegisterTestServiceServer(gs, s)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = gs.Serve(lis)
	}()
	conn, err := grpc.NewClient("passthrough:///"+lis.Addr().String(),
		append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, dialOpts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		gs.Stop()
		<-done
	})
	return s, testgrpc.NewTestServiceClient(conn)
}

// TestInteropService checks the generated interop service, whose methods have
// no idempotency_level: UnaryCall is made once, unless the caller names it.
func TestInteropService(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts []retrygrpc.Option
		want int32
		ok   bool
	}{
		{"no level", nil, 1, false},
		{"IdempotentMethods", []retrygrpc.Option{retrygrpc.IdempotentMethods(testgrpc.TestService_UnaryCall_FullMethodName)}, 3, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checkGoroutines(t)
			p := &retry.Policy{Wait: wait.None()}
			srv, client := serveInterop(t, grpc.WithUnaryInterceptor(retrygrpc.UnaryClientInterceptor(p, tt.opts...)))
			srv.fail.Store(2)
			_, err := client.UnaryCall(t.Context(), &testgrpc.SimpleRequest{})
			if got := srv.calls.Load(); got != tt.want || (err == nil) != tt.ok {
				t.Errorf("server received %d calls, err %v; want %d calls, success %v", got, err, tt.want, tt.ok)
			}
		})
	}
}

// TestOptionPanics checks the options that are refused at construction.
func TestOptionPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"IdempotentMethods without a slash":  func() { retrygrpc.IdempotentMethods("pkg.Svc.Method") },
		"IdempotentMethods without a method": func() { retrygrpc.IdempotentMethods("/pkg.Svc/") },
		"Descriptors(nil)":                   func() { retrygrpc.Descriptors(nil) },
		"nil Option, unary":                  func() { retrygrpc.UnaryClientInterceptor(nil, nil) },
		"nil Option, stream":                 func() { retrygrpc.StreamClientInterceptor(nil, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			f()
		}()
	}
}

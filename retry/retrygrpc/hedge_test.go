package retrygrpc_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
	"github.com/tenacious-go/tenacious/wait"
)

// hedgeServer is the Echo service's unary methods, for the hedging tests: it
// runs do for each attempt, numbered by its grpc-previous-rpc-attempts, and
// answers "REQUEST attempt N" if do returns nil, with the metadata x-attempt: N
// in its header and trailer; a failure is trailers-only unless do sent a
// header. It records each attempt, and sends it on ended
// once its handler is about to return (room for 1024).
type hedgeServer struct {
	do    func(ctx context.Context, attempt int) error
	mu    sync.Mutex
	seen  []seenAttempt
	ended chan seenAttempt
}

// seenAttempt is an attempt the server received.
type seenAttempt struct {
	prev     string // its grpc-previous-rpc-attempts, "" if none
	canceled bool   // its context was canceled when its handler returned
}

func (s *hedgeServer) handle(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	prev := strings.Join(md.Get(retrygrpc.PreviousAttemptsKey), ",")
	k, _ := strconv.Atoi(prev)
	n := strconv.Itoa(k + 1)
	s.mu.Lock()
	i := len(s.seen)
	s.seen = append(s.seen, seenAttempt{prev: prev})
	s.mu.Unlock()
	err := s.do(ctx, k+1)
	s.mu.Lock()
	s.seen[i].canceled = errors.Is(ctx.Err(), context.Canceled)
	a := s.seen[i]
	s.mu.Unlock()
	s.ended <- a
	if err != nil {
		return nil, err // trailers-only, unless do sent a header
	}
	_ = grpc.SetHeader(ctx, metadata.Pairs("x-attempt", n))
	_ = grpc.SetTrailer(ctx, metadata.Pairs("x-attempt", n))
	return wrapperspb.String(in.GetValue() + " attempt " + n), nil
}

// attempts returns the attempts received so far.
func (s *hedgeServer) attempts() []seenAttempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.seen)
}

// previous returns the grpc-previous-rpc-attempts of each attempt received.
func (s *hedgeServer) previous() []string {
	var prev []string
	for _, a := range s.attempts() {
		prev = append(prev, a.prev)
	}
	return prev
}

// What a hedgeServer's attempt does.
var (
	// stall answers nothing until the attempt's context ends.
	stall = func(ctx context.Context) error {
		<-ctx.Done()
		return status.FromContextError(ctx.Err()).Err()
	}
	// answerAfter answers after d.
	answerAfter = func(d time.Duration) func(context.Context) error {
		return func(ctx context.Context) error {
			sleep(ctx, d)
			return ctx.Err()
		}
	}
	// failAfter fails with UNAVAILABLE after d, having sent its header first if
	// header is set.
	failAfter = func(d time.Duration, header bool) func(context.Context) error {
		return func(ctx context.Context) error {
			if header {
				if err := grpc.SendHeader(ctx, metadata.Pairs("x-early", "1")); err != nil {
					return err
				}
			}
			sleep(ctx, d)
			return unavailable
		}
	}
)

// byAttempt makes a hedgeServer's do from what each attempt does, the last for
// any attempt after it.
func byAttempt(each ...func(context.Context) error) func(context.Context, int) error {
	return func(ctx context.Context, n int) error { return each[min(n, len(each))-1](ctx) }
}

// serveHedge starts a hedgeServer of the Echo service, on a bufconn listener
// if bubble (call it inside a synctest bubble), else on loopback, where the
// test checks last that it left no goroutine behind. It returns the address and
// the dial options for dial; the server stops when the test ends.
func serveHedge(t *testing.T, bubble bool, do func(context.Context, int) error) (*hedgeServer, string, []grpc.DialOption) {
	t.Helper()
	s := &hedgeServer{do: do, ended: make(chan seenAttempt, 1024)}
	sd := &grpc.ServiceDesc{ServiceName: "retrygrpc.test.Echo", HandlerType: (*any)(nil)}
	for _, m := range []string{"Get", "Post"} {
		sd.Methods = append(sd.Methods, grpc.MethodDesc{
			MethodName: m,
			Handler: func(srv any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
				in := new(wrapperspb.StringValue)
				if err := dec(in); err != nil {
					return nil, err
				}
				return srv.(*hedgeServer).handle(ctx, in)
			},
		})
	}
	gs := grpc.NewServer()
	gs.RegisterService(sd, s)
	if bubble {
		lis := bufconn.Listen(1 << 16)
		go func() { _ = gs.Serve(lis) }()
		t.Cleanup(gs.Stop)
		return s, "bufconn", []grpc.DialOption{grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
			return lis.DialContext(ctx)
		})}
	}
	checkGoroutines(t)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = gs.Serve(lis)
	}()
	t.Cleanup(func() {
		gs.Stop()
		<-done
	})
	return s, lis.Addr().String(), nil
}

// noAttemptLeft fails the test if an attempt of a hedged call, or a goroutine
// the engine started for one, still runs: no goroutine outlives its call. In a
// bubble, it first waits for every goroutine to block; on loopback, it allows
// the engine's goroutines a bounded time to exit, after their last send.
func noAttemptLeft(t *testing.T, bubble bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if bubble {
			synctest.Wait()
		}
		left := attemptGoroutines()
		if len(left) == 0 {
			return
		}
		if bubble || time.Now().After(deadline) {
			t.Fatalf("%d goroutines of attempts outlived the call:\n\n%s", len(left), strings.Join(left, "\n\n"))
		}
		runtime.Gosched()
	}
}

// attemptGoroutines returns the stacks of the goroutines that run an attempt of
// a unary call, or that the hedging engine started.
func attemptGoroutines() []string {
	return goroutineStacks(func(g string) bool {
		return strings.Contains(g, "tenacious/retry.(*hedgeCall[") || strings.Contains(g, "retrygrpc.(*unaryCall)")
	})
}

// hedge20 is the Policy of most tests: a hedge after 20ms, one at most in
// flight beside the first attempt.
func hedge20() *retry.Policy {
	return &retry.Policy{Hedger: hedge.Fixed(20*time.Millisecond, 1)}
}

// TestHedgeSlowServer checks, in virtual time, a hedge that answers while the
// first attempt is stuck: the call returns the hedge's reply, header, trailer
// and peer exactly 20ms (the hedge delay) after it began, the first attempt's
// handler sees its context canceled before the call returns, the hedge carries
// grpc-previous-rpc-attempts 1, the hooks see the hedge win, and nothing of the
// call outlives it.
func TestHedgeSlowServer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv, addr, dialOpts := serveHedge(t, true, byAttempt(stall, answerAfter(0)))
		var end, before counter
		p := hedge20()
		p.Before, p.OnEnd = &before, &end
		conn := dial(t, addr, p, nil, dialOpts...)

		reply := wrapperspb.String("stale")
		var header, trailer metadata.MD
		var from peer.Peer
		start := time.Now()
		err := conn.Invoke(t.Context(), echoGet, wrapperspb.String("x"), reply,
			grpc.Header(&header), grpc.Trailer(&trailer), grpc.Peer(&from))
		elapsed := time.Since(start)
		if err != nil || reply.GetValue() != "x attempt 2" {
			t.Fatalf("reply %q, err %v; want the hedge's, \"x attempt 2\"", reply.GetValue(), err)
		}
		if elapsed != 20*time.Millisecond {
			t.Errorf("the call took %v, want the hedge delay, 20ms", elapsed)
		}
		if got := header.Get("x-attempt"); !slices.Equal(got, []string{"2"}) {
			t.Errorf("header x-attempt %q, want the hedge's, [2]", got)
		}
		if got := trailer.Get("x-attempt"); !slices.Equal(got, []string{"2"}) {
			t.Errorf("trailer x-attempt %q, want the hedge's, [2]", got)
		}
		if from.Addr == nil {
			t.Error("grpc.Peer got no address")
		}
		noAttemptLeft(t, true)
		want := []seenAttempt{{prev: "", canceled: true}, {prev: "1"}}
		if got := srv.attempts(); !slices.Equal(got, want) {
			t.Errorf("server saw %+v, want %+v: the first canceled, the hedge with grpc-previous-rpc-attempts 1", got, want)
		}
		if as := before.attempts(); len(as) != 2 || as[0].Hedge || !as[1].Hedge {
			t.Errorf("Before saw %+v, want the first attempt, then a hedge", as)
		}
		if as := end.attempts(); len(as) != 1 || as[0].Reason != retry.ReasonSuccess || as[0].Number != 2 || !as[0].Hedge {
			t.Errorf("OnEnd saw %+v, want a success after 2 attempts, decided by the hedge", as)
		}
	})
}

// TestHedgeLoopback is TestHedgeSlowServer on a real loopback connection, with
// the race detector's eye on many calls that share the interceptor: each call
// gets its own hedge's reply, and the server sees each stuck first attempt
// that reached it canceled.
func TestHedgeLoopback(t *testing.T) {
	const goroutines, rounds = 8, 10
	srv, addr, _ := serveHedge(t, false, byAttempt(stall, answerAfter(0)))
	p := &retry.Policy{Hedger: hedge.Fixed(time.Millisecond, 1)}
	conn := dial(t, addr, p, nil)
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*rounds)
	for g := range goroutines {
		wg.Go(func() {
			for r := range rounds {
				v := fmt.Sprint(g, "/", r)
				if got, err := call(t.Context(), conn, echoGet, v); err != nil || got != v+" attempt 2" {
					errs <- fmt.Errorf("Get %s = %q, %v; want the hedge's reply", v, got, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	noAttemptLeft(t, false)
	// Every hedge answered; every first attempt that reached the server (one
	// canceled early may never reach it) ends canceled.
	ended, hedges := 0, 0
	for hedges < goroutines*rounds || ended < len(srv.attempts()) {
		select {
		case a := <-srv.ended:
			ended++
			if a.prev != "" {
				hedges++
			}
			if a.canceled != (a.prev == "") {
				t.Errorf("server saw attempt %+v; want the first canceled, the hedge not", a)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%d of the %d attempts received ended, %d hedges", ended, len(srv.attempts()), hedges)
		}
	}
}

// TestHedgeFastFailure checks, in virtual time, that a service that fails at
// once sees exactly what it would see without a Hedger: the same attempts,
// paused alike (a fixed 50ms, longer than the hedge delay: no hedge starts
// during a pause), and the same give-up.
func TestHedgeFastFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		type outcome struct {
			prev     []string
			elapsed  time.Duration
			code     codes.Code
			reason   retry.Reason
			attempts int
			hedges   int
		}
		run := func(hedger retry.Hedger) outcome {
			srv, addr, dialOpts := serveHedge(t, true, byAttempt(failAfter(0, false)))
			p := &retry.Policy{Wait: wait.Fixed(50 * time.Millisecond), Hedger: hedger}
			conn := dial(t, addr, p, nil, dialOpts...)
			start := time.Now()
			_, err := call(t.Context(), conn, echoGet, "x")
			o := outcome{elapsed: time.Since(start), code: status.Code(err)}
			noAttemptLeft(t, true)
			o.prev = srv.previous()
			var ge *retry.Error
			if errors.As(err, &ge) {
				o.reason, o.attempts, o.hedges = ge.Reason, ge.Attempts, ge.Hedges
			}
			return o
		}
		plain := run(nil)
		hedged := run(hedge.Fixed(20*time.Millisecond, 1))
		want := outcome{prev: []string{"", "1", "2", "3"}, elapsed: 150 * time.Millisecond, code: codes.Unavailable, reason: retry.ReasonStop, attempts: 4}
		for _, o := range []struct {
			name string
			got  outcome
		}{{"without a Hedger", plain}, {"hedged", hedged}} {
			if !slices.Equal(o.got.prev, want.prev) || o.got.elapsed != want.elapsed || o.got.code != want.code ||
				o.got.reason != want.reason || o.got.attempts != want.attempts || o.got.hedges != want.hedges {
				t.Errorf("%s: got %+v, want %+v", o.name, o.got, want)
			}
		}
	})
}

// TestHedgeCommitted checks, in virtual time, gRFC A6's commit point in a
// hedged call: an attempt that failed after its server sent a response header,
// the first or the hedge, is not made again and ends the call at once with
// gRPC's own error; the other attempt in flight is canceled.
func TestHedgeCommitted(t *testing.T) {
	for _, tt := range []struct {
		name     string
		do       func(context.Context, int) error
		took     time.Duration
		canceled []bool // by attempt
	}{
		{"first", byAttempt(failAfter(30*time.Millisecond, true), stall), 30 * time.Millisecond, []bool{false, true}},
		{"hedge", byAttempt(stall, failAfter(0, true), answerAfter(0)), 20 * time.Millisecond, []bool{true, false}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv, addr, dialOpts := serveHedge(t, true, tt.do)
				var end counter
				p := hedge20()
				p.OnEnd = &end
				conn := dial(t, addr, p, nil, dialOpts...)
				start := time.Now()
				_, err := call(t.Context(), conn, echoGet, "x")
				elapsed := time.Since(start)
				checkRefused(t, err, echoGet, retry.ReasonNotReplayable, codes.Unavailable)
				if elapsed != tt.took {
					t.Errorf("the call took %v, want %v: ended by the committed attempt", elapsed, tt.took)
				}
				noAttemptLeft(t, true)
				var canceled []bool
				for _, a := range srv.attempts() {
					canceled = append(canceled, a.canceled)
				}
				if !slices.Equal(canceled, tt.canceled) {
					t.Errorf("server saw attempts canceled %v, want %v: two attempts, the other one canceled", canceled, tt.canceled)
				}
				if as := end.attempts(); len(as) != 1 || as[0].Reason != retry.ReasonNotReplayable || as[0].Number != 2 {
					t.Errorf("OnEnd saw %+v, want one end, not replayable, after 2 attempts", as)
				}
			})
		})
	}
}

// TestHedgeBudget checks, in virtual time, what a hedged call asks of its
// Budget and tells it, through the interceptor's own Budget in front of it,
// with attempts in flight at once: a hedge is asked for as ClassExtra, and none
// is sent when the Budget refuses; each attempt that ends is reported with its
// own class and what it was paid with, a hedge that failed while the first
// attempt ran included; a loser is reported as canceled (zero).
func TestHedgeBudget(t *testing.T) {
	noExtra := func(c retry.Class) bool { return c != retry.ClassExtra }
	// The first attempt answers after 30ms, before a second hedge would start.
	slow := answerAfter(30 * time.Millisecond)
	for _, tt := range []struct {
		name     string
		do       func(context.Context, int) error
		allow    func(retry.Class) bool
		reply    string
		took     time.Duration
		attempts int
		want     []string
	}{
		{"refused", byAttempt(slow), noExtra, "x attempt 1", 30 * time.Millisecond, 1,
			[]string{"allow extra", "attempted success Class(0)"}},
		{"hedge wins", byAttempt(stall, answerAfter(0)), nil, "x attempt 2", 20 * time.Millisecond, 2,
			[]string{"allow extra", "attempted success extra", "attempted Class(0) Class(0)"}},
		{"hedge fails", byAttempt(slow, failAfter(0, false)), nil, "x attempt 1", 30 * time.Millisecond, 2,
			[]string{"allow extra", "attempted transient extra", "attempted success Class(0)"}},
		{"hedge fails, not worth retrying", byAttempt(slow, func(context.Context) error {
			return status.Error(codes.NotFound, "no")
		}), nil, "", 20 * time.Millisecond, 2,
			[]string{"allow extra", "attempted answered extra", "attempted Class(0) Class(0)"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv, addr, dialOpts := serveHedge(t, true, tt.do)
				b := &recorder{allow: tt.allow}
				p := hedge20()
				p.Budget = b
				conn := dial(t, addr, p, nil, dialOpts...)
				start := time.Now()
				got, err := call(t.Context(), conn, echoGet, "x")
				elapsed := time.Since(start)
				if got != tt.reply || (err == nil) != (tt.reply != "") || elapsed != tt.took {
					t.Errorf("reply %q, err %v after %v; want %q after %v", got, err, elapsed, tt.reply, tt.took)
				}
				noAttemptLeft(t, true)
				if n := len(srv.attempts()); n != tt.attempts {
					t.Errorf("server saw %d attempts, want %d", n, tt.attempts)
				}
				if ev := b.events(); !slices.Equal(ev, tt.want) {
					t.Errorf("budget events %q, want %q", ev, tt.want)
				}
			})
		})
	}
}

// TestHedgePreviousAttempts checks, in virtual time, the
// grpc-previous-rpc-attempts that the server sees on each attempt: the number
// of attempts sent before it, hedges and retries alike.
func TestHedgePreviousAttempts(t *testing.T) {
	for _, tt := range []struct {
		name string
		do   func(context.Context, int) error
	}{
		{"two hedges", byAttempt(stall, stall, answerAfter(0))},
		{"a hedge, then a retry", byAttempt(failAfter(30*time.Millisecond, false), failAfter(20*time.Millisecond, false), answerAfter(0))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv, addr, dialOpts := serveHedge(t, true, tt.do)
				p := &retry.Policy{Hedger: hedge.Fixed(20*time.Millisecond, 2), Wait: wait.None()}
				conn := dial(t, addr, p, nil, dialOpts...)
				if got, err := call(t.Context(), conn, echoGet, "x"); err != nil || got != "x attempt 3" {
					t.Errorf("reply %q, err %v; want the third attempt's", got, err)
				}
				noAttemptLeft(t, true)
				if got, want := srv.previous(), []string{"", "1", "2"}; !slices.Equal(got, want) {
					t.Errorf("grpc-previous-rpc-attempts %q, want %q", got, want)
				}
			})
		})
	}
}

// TestHedgeOnlyWhenSafe checks, in virtual time, that a call hedges only when
// its method is safe to repeat and its reply is a proto.Message: any other
// runs one attempt at a time, and so waits for the slow first attempt.
func TestHedgeOnlyWhenSafe(t *testing.T) {
	t.Run("method not idempotent", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			srv, addr, dialOpts := serveHedge(t, true, byAttempt(answerAfter(50*time.Millisecond)))
			b := new(recorder)
			p := hedge20()
			p.Budget = b
			conn := dial(t, addr, p, nil, dialOpts...)
			start := time.Now()
			got, err := call(t.Context(), conn, echoPost, "x")
			if elapsed := time.Since(start); err != nil || got != "x attempt 1" || elapsed != 50*time.Millisecond {
				t.Errorf("reply %q, err %v after %v; want the first attempt's after 50ms", got, err, elapsed)
			}
			if n := len(srv.attempts()); n != 1 {
				t.Errorf("server saw %d attempts, want 1", n)
			}
			if ev := b.events(); !slices.Equal(ev, []string{"attempted success Class(0)"}) {
				t.Errorf("budget events %q, want only the first attempt's success", ev)
			}
		})
	})
	// A reply that is not a proto.Message, through an invoker that answers
	// after 50ms: the interceptor cannot make a reply of the same type.
	for _, tt := range []struct {
		name  string
		reply any
		calls int32
	}{
		{"reply not a proto.Message", new(string), 1},
		{"reply a proto.Message", new(wrapperspb.StringValue), 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var calls atomic.Int32
				invoker := func(ctx context.Context, _ string, _, _ any, _ *grpc.ClientConn, _ ...grpc.CallOption) error {
					calls.Add(1)
					sleep(ctx, 50*time.Millisecond) // the server's latency
					return ctx.Err()
				}
				in := retrygrpc.UnaryClientInterceptor(hedge20())
				if err := in(t.Context(), echoGet, wrapperspb.String("x"), tt.reply, nil, invoker); err != nil {
					t.Fatal(err)
				}
				noAttemptLeft(t, true)
				if got := calls.Load(); got != tt.calls {
					t.Errorf("%d attempts, want %d", got, tt.calls)
				}
			})
		})
	}
}

// TestHedgeHookPanic checks, in virtual time, that a hook that panics during a
// hedged call, with two attempts in flight, reaches the caller only once both
// have returned, canceled.
func TestHedgeHookPanic(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv, addr, dialOpts := serveHedge(t, true, byAttempt(stall))
		var inflight, entered atomic.Int32
		count := func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
			entered.Add(1)
			inflight.Add(1)
			defer inflight.Add(-1)
			return invoker(ctx, method, req, reply, cc, opts...)
		}
		boom := errors.New("boom")
		p := &retry.Policy{Hedger: hedge.Fixed(20*time.Millisecond, 2), Before: retry.HookFunc(func(a retry.Attempt) {
			if a.Number == 3 {
				panic(boom)
			}
		})}
		conn := dial(t, addr, p, nil, append(dialOpts, grpc.WithChainUnaryInterceptor(count))...)
		func() {
			defer func() {
				if r := recover(); r != boom {
					t.Errorf("recovered %v, want the hook's panic", r)
				}
				if n := inflight.Load(); n != 0 || entered.Load() != 2 {
					t.Errorf("when the panic reached the caller, %d of %d attempts were still in flight; want 0 of 2", n, entered.Load())
				}
			}()
			_, _ = call(t.Context(), conn, echoGet, "x")
		}()
		noAttemptLeft(t, true)
		want := []seenAttempt{{prev: "", canceled: true}, {prev: "1", canceled: true}}
		if got := srv.attempts(); !slices.Equal(got, want) {
			t.Errorf("server saw %+v, want %+v", got, want)
		}
	})
}

// TestHedgeAttemptTimeout checks, in virtual time, Policy.AttemptTimeout in a
// hedged call: each attempt has its own, and one that runs out is a failure
// like any other while the others run on. The first attempt times out at 50ms
// beside the hedge of 20ms, whose delay has passed, so another hedge starts at
// once and answers.
func TestHedgeAttemptTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv, addr, dialOpts := serveHedge(t, true, byAttempt(stall, stall, answerAfter(0)))
		p := hedge20()
		p.AttemptTimeout = 50 * time.Millisecond
		conn := dial(t, addr, p, nil, dialOpts...)
		start := time.Now()
		got, err := call(t.Context(), conn, echoGet, "x")
		if elapsed := time.Since(start); err != nil || got != "x attempt 3" || elapsed != 50*time.Millisecond {
			t.Errorf("reply %q, err %v after %v; want the third attempt's after 50ms", got, err, elapsed)
		}
		noAttemptLeft(t, true)
		// The first attempt's handler sees its deadline pass, or the client's
		// reset at the same instant: either way, its context ends.
		if got := srv.attempts(); len(got) != 3 || !got[1].canceled || got[2].canceled {
			t.Errorf("server saw %+v, want 3 attempts, the second canceled", got)
		}
		if got, want := srv.previous(), []string{"", "1", "2"}; !slices.Equal(got, want) {
			t.Errorf("grpc-previous-rpc-attempts %q, want %q", got, want)
		}
	})
}

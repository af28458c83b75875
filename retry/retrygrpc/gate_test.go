package retrygrpc_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
	"github.com/tenacious-go/tenacious/wait"
)

// errGateShut is the error of testGate's refusals.
var errGateShut = errors.New("gate shut")

// testGate is a retry.Gate that admits the attempts its script admits, and
// records what it is asked and what it hears of each attempt it admitted,
// checking that it hears of each exactly once. It is safe for concurrent use.
type testGate struct {
	admit func(n int, c retry.Class) bool // n counts the calls of Admit, from 1; nil admits all

	mu      sync.Mutex
	asked   []retry.Class
	heard   []retry.Class
	pending int // attempts admitted, not yet heard of
	twice   int // done funcs called more than once
	ctxs    []context.Context
}

func (g *testGate) Admit(ctx context.Context, c retry.Class) (func(retry.Class), error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.asked = append(g.asked, c)
	g.ctxs = append(g.ctxs, ctx)
	if g.admit != nil && !g.admit(len(g.asked), c) {
		return nil, errGateShut
	}
	g.pending++
	called := false
	return func(result retry.Class) {
		g.mu.Lock()
		defer g.mu.Unlock()
		if called {
			g.twice++
			return
		}
		called = true
		g.pending--
		g.heard = append(g.heard, result)
	}, nil
}

// refuseFrom returns a script that admits the first n-1 questions and refuses
// the rest.
func refuseFrom(n int) func(int, retry.Class) bool {
	return func(k int, _ retry.Class) bool { return k < n }
}

// refuseClass returns a script that refuses the attempts of class c.
func refuseClass(c retry.Class) func(int, retry.Class) bool {
	return func(_ int, k retry.Class) bool { return k != c }
}

// check fails the test unless the gate was asked for asked and heard heard,
// in order, once for each attempt it admitted.
func (g *testGate) check(t *testing.T, asked, heard []retry.Class) {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	if !slices.Equal(g.asked, asked) {
		t.Errorf("the gate was asked for %v, want %v", g.asked, asked)
	}
	if !slices.Equal(g.heard, heard) {
		t.Errorf("the gate heard %v, want %v", g.heard, heard)
	}
	if g.pending != 0 || g.twice != 0 {
		t.Errorf("the gate never heard of %d admitted attempts, and heard %d twice; want every one once", g.pending, g.twice)
	}
}

// checkGateError fails the test unless err is the error of a call whose first
// attempt the gate refused: UNAVAILABLE to status.Code, status.FromError and
// status.Convert, with a message that names method, says the client's gate
// refused it and gives the gate's error; the gate's error to errors.Is; and a
// *retry.Error of reason gate after no attempt to errors.As, with no
// *StatusError in it.
func checkGateError(t *testing.T, err error, method string) {
	t.Helper()
	if err == nil {
		t.Fatal("err = nil, want the gate's refusal")
	}
	want := "retry: " + method + " not sent: refused by the client's gate: gate shut"
	if err.Error() != want {
		t.Errorf("err.Error() = %q, want %q", err.Error(), want)
	}
	if got := status.Code(err); got != codes.Unavailable {
		t.Errorf("status.Code(err) = %v, want UNAVAILABLE", got)
	}
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.Unavailable || st.Message() != want {
		t.Errorf("status.FromError(err) = %v, %v; want UNAVAILABLE %q, true", st, ok, want)
	}
	if st := status.Convert(err); st.Code() != codes.Unavailable {
		t.Errorf("status.Convert(err).Code() = %v, want UNAVAILABLE", st.Code())
	}
	if !errors.Is(err, errGateShut) {
		t.Error("errors.Is(err, the gate's error) = false, want true")
	}
	var ge *retry.Error
	if !errors.As(err, &ge) || ge.Reason != retry.ReasonGate || ge.Attempts != 0 || ge.Refusal != errGateShut || ge.Last != nil {
		t.Errorf("errors.As gives %+v, want a *retry.Error of reason gate, no attempt, the gate's Refusal", ge)
	}
	var se *retrygrpc.StatusError
	if errors.As(err, &se) {
		t.Errorf("errors.As found a *StatusError %v in a call that sent nothing", se)
	}
}

// gateHooks are the hooks of a Policy under test, and the Policy.
type gateHooks struct{ before, after, end counter }

func (h *gateHooks) policy(g retry.Gate) *retry.Policy {
	return &retry.Policy{Gate: g, Wait: wait.None(), Before: &h.before, After: &h.after, OnEnd: &h.end}
}

type gateKey struct{}

// TestGateFirstAttemptRefused checks, in virtual time, a unary call whose
// first attempt the gate refuses: nothing reaches the server, Before and After
// do not run, OnEnd sees retry.ReasonGate after no attempt, the Stats count
// none, and the caller gets an UNAVAILABLE that says why (see
// checkGateError); the gate is asked once, with the caller's context, for a
// first attempt (class zero). The same holds for a method that is not
// idempotent, which the gate guards as well, and for a call that hedges.
func TestGateFirstAttemptRefused(t *testing.T) {
	for _, tt := range []struct {
		name   string
		method string
		hedge  bool
	}{
		{"idempotent", echoGet, false},
		{"not idempotent", echoPost, false},
		{"hedged", echoGet, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := &testGate{admit: refuseFrom(1)}
				var h gateHooks
				p := h.policy(g)
				if tt.hedge {
					p.Hedger = hedge20().Hedger
				}
				srv, conn := serveBubble(t, always(answer{}), p)
				var st retry.Stats
				ctx := context.WithValue(retry.WithStats(t.Context(), &st), gateKey{}, "caller")
				start := time.Now()
				_, err := call(ctx, conn, tt.method, "x")
				if el := time.Since(start); el != 0 {
					t.Errorf("the call took %v, want no time", el)
				}
				checkGateError(t, err, tt.method)
				if n := srv.count(tt.method); n != 0 {
					t.Errorf("server received %d calls, want none", n)
				}
				if h.before.count() != 0 || h.after.count() != 0 {
					t.Errorf("Before ran %d times, After %d, want neither", h.before.count(), h.after.count())
				}
				if as := h.end.attempts(); len(as) != 1 || as[0].Reason != retry.ReasonGate || as[0].Number != 0 || as[0].Name != tt.method {
					t.Errorf("OnEnd saw %+v, want one end of reason gate after no attempt, named %s", as, tt.method)
				}
				if st.Attempts != 0 {
					t.Errorf("Stats.Attempts = %d, want 0", st.Attempts)
				}
				g.check(t, []retry.Class{0}, nil)
				if v := g.ctxs[0].Value(gateKey{}); v != "caller" {
					t.Errorf("the gate's context carries %v, want the caller's", v)
				}
			})
		})
	}
}

// TestGateRetryRefused checks, in virtual time, a call whose retry the gate
// refuses before its pause, to a server that always answers UNAVAILABLE: the
// server sees exactly the two attempts admitted, the gate is asked for the
// third after the second attempt (its class the failure's, transient) and hears
// of both attempts as transient failures; the call returns what it returns
// when a Budget refuses the same retry, a *retry.Error that reads as the last
// attempt's status and wraps its *StatusError, and the gate's error too, and
// OnEnd sees retry.ReasonGate after 2 attempts.
func TestGateRetryRefused(t *testing.T) {
	run := func(t *testing.T, g retry.Gate, b retry.Budget) (*server, []retry.Attempt, time.Duration, error) {
		var end counter
		p := &retry.Policy{Gate: g, Budget: b, Wait: wait.Fixed(time.Second), OnEnd: &end}
		srv, conn := serveBubble(t, always(answer{err: unavailable}), p)
		start := time.Now()
		_, err := call(t.Context(), conn, echoGet, "x")
		return srv, end.attempts(), time.Since(start), err
	}
	synctest.Test(t, func(t *testing.T) {
		g := &testGate{admit: refuseFrom(3)}
		srv, ends, took, err := run(t, g, nil)
		if took != time.Second {
			t.Errorf("the call took %v, want its one pause, 1s: the gate is asked before the pause, as the Budget is", took)
		}
		if n := srv.count(echoGet); n != 2 {
			t.Errorf("server received %d calls, want the 2 admitted", n)
		}
		if want := []string{"", "1"}; !slices.Equal(srv.previous(), want) {
			t.Errorf("grpc-previous-rpc-attempts %q, want %q", srv.previous(), want)
		}
		g.check(t, []retry.Class{0, retry.ClassTransient, retry.ClassTransient},
			[]retry.Class{retry.ClassTransient, retry.ClassTransient})
		if len(ends) != 1 || ends[0].Reason != retry.ReasonGate || ends[0].Number != 2 {
			t.Errorf("OnEnd saw %+v, want one end of reason gate after 2 attempts", ends)
		}
		var ge *retry.Error
		var se *retrygrpc.StatusError
		if !errors.As(err, &ge) || ge.Reason != retry.ReasonGate || ge.Attempts != 2 || ge.Refusal != errGateShut {
			t.Fatalf("err = %#v, want a *retry.Error of reason gate after 2 attempts", err)
		}
		if !errors.As(err, &se) || se.Code() != codes.Unavailable || se.Status.Message() != "down" {
			t.Errorf("errors.As gives the *StatusError %v, want the last attempt's UNAVAILABLE", se)
		}
		if !errors.Is(err, errGateShut) || !errors.Is(err, unavailable) {
			t.Error("errors.Is misses the gate's error or gRPC's, want both")
		}
		if st, _ := status.FromError(err); st.Code() != codes.Unavailable || st.Message() != err.Error() {
			t.Errorf("status.FromError(err) = %v, want UNAVAILABLE with the error's message", st)
		}

		// A Budget's refusal of a retry after the same failure: the same shape.
		_, bends, _, berr := run(t, nil, &recorder{allow: func(retry.Class) bool { return false }})
		var be *retry.Error
		if !errors.As(berr, &be) || be.Reason != retry.ReasonBudget || len(bends) != 1 {
			t.Fatalf("budget: err = %v, want a *retry.Error of reason budget", berr)
		}
		if fmt.Sprintf("%T", berr) != fmt.Sprintf("%T", err) || status.Code(berr) != status.Code(err) ||
			be.Last.Error() != ge.Last.Error() {
			t.Errorf("the budget's refusal returns %T %v (last %v), the gate's %T %v (last %v); want the same shape",
				berr, status.Code(berr), be.Last, err, status.Code(err), ge.Last)
		}
	})
}

// TestGateHedge checks, in virtual time, the gate of a call that hedges: a
// hedge it refuses is not sent, and the call waits for its first attempt,
// which succeeds (and a retry after that attempt's failure is asked for, and
// sent); a hedge it admits that wins has the first attempt, the loser,
// canceled, and the gate hears of the loser as zero, once.
func TestGateHedge(t *testing.T) {
	for _, tt := range []struct {
		name         string
		do           func(context.Context, int) error
		admit        func(int, retry.Class) bool
		reply        string
		took         time.Duration
		seen         []seenAttempt
		asked, heard []retry.Class
	}{
		{"hedge refused", byAttempt(answerAfter(30 * time.Millisecond)), refuseClass(retry.ClassExtra),
			"x attempt 1", 30 * time.Millisecond, []seenAttempt{{prev: ""}},
			[]retry.Class{0, retry.ClassExtra}, []retry.Class{retry.ClassSuccess}},
		{"hedge refused, then a retry", byAttempt(failAfter(30*time.Millisecond, false), answerAfter(0)), refuseClass(retry.ClassExtra),
			"x attempt 2", 30 * time.Millisecond, []seenAttempt{{prev: ""}, {prev: "1"}},
			[]retry.Class{0, retry.ClassExtra, retry.ClassTransient}, []retry.Class{retry.ClassTransient, retry.ClassSuccess}},
		{"hedge admitted, wins", byAttempt(stall, answerAfter(0)), nil,
			"x attempt 2", 20 * time.Millisecond, []seenAttempt{{prev: "", canceled: true}, {prev: "1"}},
			[]retry.Class{0, retry.ClassExtra}, []retry.Class{retry.ClassSuccess, 0}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv, addr, dialOpts := serveHedge(t, true, tt.do)
				g := &testGate{admit: tt.admit}
				var before, end counter
				p := hedge20()
				p.Gate, p.Wait, p.Before, p.OnEnd = g, wait.None(), &before, &end
				conn := dial(t, addr, p, nil, dialOpts...)
				start := time.Now()
				got, err := call(t.Context(), conn, echoGet, "x")
				if el := time.Since(start); err != nil || got != tt.reply || el != tt.took {
					t.Errorf("reply %q, err %v after %v; want %q after %v", got, err, el, tt.reply, tt.took)
				}
				noAttemptLeft(t, true)
				if got := srv.attempts(); !slices.Equal(got, tt.seen) {
					t.Errorf("server saw %+v, want %+v", got, tt.seen)
				}
				if before.count() != len(tt.seen) {
					t.Errorf("Before ran %d times, want once per attempt sent, %d", before.count(), len(tt.seen))
				}
				if as := end.attempts(); len(as) != 1 || as[0].Reason != retry.ReasonSuccess || as[0].Number != len(tt.seen) {
					t.Errorf("OnEnd saw %+v, want a success after %d attempts", as, len(tt.seen))
				}
				g.check(t, tt.asked, tt.heard)
			})
		})
	}
}

// TestGateStreamOpeningRefused checks, in virtual time, a stream whose
// opening the gate refuses, server-streaming or bidirectional, idempotent or
// not: NewStream returns the gate's UNAVAILABLE and no stream, nothing reaches
// the server, Before does not run, and OnEnd sees retry.ReasonGate after no
// attempt.
func TestGateStreamOpeningRefused(t *testing.T) {
	for _, tt := range []struct {
		method string
		desc   *grpc.StreamDesc
	}{
		{echoWatch, serverStreamDesc},
		{echoNotify, serverStreamDesc},
		{echoChat, bidiStreamDesc},
	} {
		t.Run(tt.method, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := &testGate{admit: refuseFrom(1)}
				var h gateHooks
				srv, conn := serveBubble(t, always(answer{msgs: 1}), h.policy(g))
				s, err := conn.NewStream(t.Context(), tt.desc, tt.method)
				if s != nil {
					t.Errorf("NewStream returned a stream, want none")
				}
				checkGateError(t, err, tt.method)
				if n := srv.count(tt.method); n != 0 {
					t.Errorf("server received %d calls, want none", n)
				}
				if h.before.count() != 0 || h.after.count() != 0 {
					t.Errorf("Before ran %d times, After %d, want neither", h.before.count(), h.after.count())
				}
				if as := h.end.attempts(); len(as) != 1 || as[0].Reason != retry.ReasonGate || as[0].Number != 0 {
					t.Errorf("OnEnd saw %+v, want one end of reason gate after no attempt", as)
				}
				g.check(t, []retry.Class{0}, nil)
			})
		})
	}
}

// TestGateStreamRetryRefused checks, in virtual time, a server stream whose
// first attempt fails before its commit point and whose retry the gate
// refuses: the stream was returned, and RecvMsg returns what it returns when a
// Budget refuses the retry, a *retry.Error of reason gate that reads as the
// last attempt's UNAVAILABLE; the server saw the one attempt admitted.
func TestGateStreamRetryRefused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := &testGate{admit: refuseFrom(2)}
		var h gateHooks
		srv, conn := serveBubble(t, always(answer{err: unavailable}), h.policy(g))
		s, err := watch(t.Context(), conn, echoWatch, "x")
		if err != nil {
			t.Fatal(err)
		}
		_, err = recvAll(s)
		var ge *retry.Error
		if !errors.As(err, &ge) || ge.Reason != retry.ReasonGate || ge.Attempts != 1 || status.Code(err) != codes.Unavailable {
			t.Fatalf("RecvMsg: %v, want a *retry.Error of reason gate after 1 attempt, UNAVAILABLE", err)
		}
		if !errors.Is(err, errGateShut) || !errors.Is(err, unavailable) {
			t.Error("errors.Is misses the gate's error or gRPC's, want both")
		}
		if n := srv.count(echoWatch); n != 1 {
			t.Errorf("server received %d calls, want 1", n)
		}
		if as := h.end.attempts(); len(as) != 1 || as[0].Reason != retry.ReasonGate || as[0].Number != 1 {
			t.Errorf("OnEnd saw %+v, want one end of reason gate after 1 attempt", as)
		}
		if h.before.count() != 1 || h.after.count() != 1 {
			t.Errorf("Before ran %d times, After %d, want once each", h.before.count(), h.after.count())
		}
		g.check(t, []retry.Class{0, retry.ClassTransient}, []retry.Class{retry.ClassTransient})
		if err := s.SendMsg(wrapperspb.String("y")); err != nil {
			t.Errorf("SendMsg after the end = %v, want nil, as gRPC's for a server stream", err)
		}
	})
}

// TestGateHears checks, in virtual time, what the gate hears of each attempt
// it admits, once each, unary and streaming: ClassSuccess for an OK; a
// failure worth retrying as transient, or as throttled (a server's hint) when
// the Policy has a Budget, as the engine tells it, even when the interceptor
// refuses the retry for safety (a method that is not idempotent, a call past
// its commit point, a pushback that says no), which the Budget hears alike;
// ClassAnswered for a failure not worth retrying; zero for an attempt that the
// caller's deadline ended.
func TestGateHears(t *testing.T) {
	const (
		success   = retry.ClassSuccess
		transient = retry.ClassTransient
		throttled = retry.ClassThrottled
		answered  = retry.ClassAnswered
	)
	hinted := answer{err: unavailable, trailer: pushback("0")}
	for _, tt := range []struct {
		name   string
		sc     script
		method string
		budget bool
		ctx    time.Duration // a deadline for the call, if set
		asked  []retry.Class
		heard  []retry.Class
	}{
		{"success", always(answer{}), echoGet, false, 0, []retry.Class{0}, []retry.Class{success}},
		{"retried, then success", failFirst(1, answer{err: unavailable}, answer{}), echoGet, false, 0,
			[]retry.Class{0, transient}, []retry.Class{transient, success}},
		{"server's hint, Budget", failFirst(1, hinted, answer{}), echoGet, true, 0,
			[]retry.Class{0, throttled}, []retry.Class{throttled, success}},
		{"server's hint, no Budget", failFirst(1, hinted, answer{}), echoGet, false, 0,
			[]retry.Class{0, throttled}, []retry.Class{throttled, success}},
		{"not worth retrying", always(answer{err: status.Error(codes.NotFound, "no")}), echoGet, true, 0,
			[]retry.Class{0}, []retry.Class{answered}},
		{"not idempotent", always(answer{err: unavailable}), echoPost, false, 0,
			[]retry.Class{0}, []retry.Class{transient}},
		{"not idempotent, Budget", always(answer{err: unavailable}), echoPost, true, 0,
			[]retry.Class{0}, []retry.Class{transient}},
		{"not idempotent, hint, Budget", always(hinted), echoPost, true, 0,
			[]retry.Class{0}, []retry.Class{throttled}},
		{"past the commit point", always(answer{header: true, err: unavailable}), echoGet, true, 0,
			[]retry.Class{0}, []retry.Class{transient}},
		{"pushback says no", always(answer{err: unavailable, trailer: pushback("-1")}), echoGet, false, 0,
			[]retry.Class{0}, []retry.Class{throttled}},
		{"pushback says no, Budget", always(answer{err: unavailable, trailer: pushback("-1")}), echoGet, true, 0,
			[]retry.Class{0}, []retry.Class{throttled}},
		{"caller's deadline", always(answer{stall: true}), echoGet, true, time.Second,
			[]retry.Class{0}, []retry.Class{0}},
		{"stream success", always(answer{msgs: 2}), echoWatch, true, 0, []retry.Class{0}, []retry.Class{success}},
		{"stream retried, then success", failFirst(1, answer{err: unavailable}, answer{msgs: 2}), echoWatch, true, 0,
			[]retry.Class{0, transient}, []retry.Class{transient, success}},
		{"stream past the commit point", always(answer{msgs: 1, err: unavailable}), echoWatch, true, 0,
			[]retry.Class{0}, []retry.Class{transient}},
		{"stream not worth retrying", always(answer{err: status.Error(codes.NotFound, "no")}), echoWatch, true, 0,
			[]retry.Class{0}, []retry.Class{answered}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := &testGate{}
				b := new(recorder)
				p := &retry.Policy{Gate: g, Wait: wait.None()}
				if tt.budget {
					p.Budget = b
				}
				_, conn := serveBubble(t, tt.sc, p)
				ctx := t.Context()
				if tt.ctx > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.ctx)
					defer cancel()
				}
				_ = callOrWatch(ctx, conn, tt.method)
				g.check(t, tt.asked, tt.heard)
				if !tt.budget {
					return
				}
				// The Budget hears the same of each attempt.
				var heard []string
				for _, ev := range b.events() {
					if rest, ok := strings.CutPrefix(ev, "attempted "); ok {
						heard = append(heard, strings.Fields(rest)[0])
					}
				}
				var want []string
				for _, c := range tt.heard {
					want = append(want, c.String())
				}
				if !slices.Equal(heard, want) {
					t.Errorf("the Budget heard %q, want what the gate heard, %q", heard, want)
				}
			})
		})
	}
}

// chainLog records what the interceptors around the one under test see.
type chainLog struct {
	mu  sync.Mutex
	log []string
}

func (l *chainLog) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.log = append(l.log, s)
}

func (l *chainLog) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.log)
}

// unary is an interceptor named name that records each call it passes on,
// with its grpc-previous-rpc-attempts and the code it ends with.
func (l *chainLog) unary(name string) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		md, _ := metadata.FromOutgoingContext(ctx)
		err := invoker(ctx, method, req, reply, cc, opts...)
		l.add(fmt.Sprintf("%s %s prev=%q %v", name, method, md.Get(retrygrpc.PreviousAttemptsKey), status.Code(err)))
		return err
	}
}

// stream is unary's twin for the opening of streams.
func (l *chainLog) stream(name string) grpc.StreamClientInterceptor {
	return func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		md, _ := metadata.FromOutgoingContext(ctx)
		s, err := streamer(ctx, desc, cc, method, opts...)
		l.add(fmt.Sprintf("%s open %s prev=%q %v", name, method, md.Get(retrygrpc.PreviousAttemptsKey), status.Code(err)))
		return s, err
	}
}

// TestGateInChain checks, in virtual time, the interceptor in grpc-go's
// chain, between two interceptors of its own: with a gate that admits
// everything, the interceptors before and after it, and the server, see
// exactly what they see without a gate, unary and streaming; with a gate that
// refuses the first attempt, the one before sees one call that ends with the
// gate's UNAVAILABLE, and the one after, like the server, sees nothing.
func TestGateInChain(t *testing.T) {
	run := func(t *testing.T, g retry.Gate, method string) (outer, inner, prev []string, err error) {
		var lo, li chainLog
		p := &retry.Policy{Gate: g, Wait: wait.None()}
		srv, dialer := listenBubble(t, failFirst(2, answer{err: unavailable}, answer{msgs: 1}))
		conn, cerr := grpc.NewClient("passthrough:///bufconn", dialer,
			grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithChainUnaryInterceptor(lo.unary("outer"), retrygrpc.UnaryClientInterceptor(p), li.unary("inner")),
			grpc.WithChainStreamInterceptor(lo.stream("outer"), retrygrpc.StreamClientInterceptor(p), li.stream("inner")),
			grpc.WithDisableRetry())
		if cerr != nil {
			t.Fatal(cerr)
		}
		t.Cleanup(func() { _ = conn.Close() })
		err = callOrWatch(t.Context(), conn, method)
		return lo.lines(), li.lines(), srv.previous(), err
	}
	for _, method := range []string{echoGet, echoWatch} {
		t.Run(method, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				outer0, inner0, prev0, err0 := run(t, nil, method)
				g := &testGate{}
				outer1, inner1, prev1, err1 := run(t, g, method)
				if err0 != nil || err1 != nil {
					t.Fatalf("err %v without a gate, %v with one; want nil", err0, err1)
				}
				if !slices.Equal(outer0, outer1) || !slices.Equal(inner0, inner1) || !slices.Equal(prev0, prev1) {
					t.Errorf("with a gate that admits all, the chain saw\nouter %q\ninner %q\nserver %q\nwithout a gate\nouter %q\ninner %q\nserver %q",
						outer1, inner1, prev1, outer0, inner0, prev0)
				}
				if len(prev1) != 3 || len(outer1) != 1 {
					t.Errorf("server saw %q, the outer interceptor %q; want 3 attempts in 1 call", prev1, outer1)
				}
				g.check(t, []retry.Class{0, retry.ClassTransient, retry.ClassTransient},
					[]retry.Class{retry.ClassTransient, retry.ClassTransient, retry.ClassSuccess})

				outer, inner, prev, err := run(t, &testGate{admit: refuseFrom(1)}, method)
				checkGateError(t, err, method)
				kind := ""
				if method == echoWatch {
					kind = "open "
				}
				if want := []string{fmt.Sprintf("outer %s%s prev=[] Unavailable", kind, method)}; !slices.Equal(outer, want) {
					t.Errorf("the outer interceptor saw %q, want %q", outer, want)
				}
				if len(inner) != 0 || len(prev) != 0 {
					t.Errorf("the inner interceptor saw %q, the server %q; want nothing", inner, prev)
				}
			})
		})
	}
}

// TestGateDecidesForLayerAbove checks, in virtual time, that a call whose gate
// refused its first attempt, inside an attempt of another retrygrpc
// interceptor chained before it, decides for it, as a Budget's refusal does:
// the outer interceptor, whose Policy has no gate and would retry an
// UNAVAILABLE, does not retry, ends with retry.ReasonLayerBelow after one
// attempt, and returns the inner call's error unchanged.
func TestGateDecidesForLayerAbove(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var outerEnd, innerEnd counter
		g := &testGate{admit: refuseFrom(1)}
		outer := &retry.Policy{Wait: wait.None(), OnEnd: &outerEnd}
		inner := &retry.Policy{Gate: g, Wait: wait.None(), OnEnd: &innerEnd}
		srv, dialer := listenBubble(t, always(answer{}))
		conn := dial(t, "bufconn", outer, nil, dialer,
			grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithChainUnaryInterceptor(retrygrpc.UnaryClientInterceptor(inner)),
			grpc.WithChainStreamInterceptor(retrygrpc.StreamClientInterceptor(inner)))
		for _, method := range []string{echoGet, echoWatch} {
			err := callOrWatch(t.Context(), conn, method)
			checkGateError(t, err, method)
			if n := srv.count(method); n != 0 {
				t.Errorf("%s: server received %d calls, want none", method, n)
			}
		}
		if got, want := reasons(&innerEnd), []retry.Reason{retry.ReasonGate, retry.ReasonGate}; !slices.Equal(got, want) {
			t.Errorf("the inner Policy saw OnEnd %v, want %v", got, want)
		}
		for _, a := range outerEnd.attempts() {
			if a.Reason != retry.ReasonLayerBelow || a.Number != 1 {
				t.Errorf("the outer Policy saw an end %v after %d attempts, want layer_below after 1", a.Reason, a.Number)
			}
		}
		if n := outerEnd.count(); n != 2 {
			t.Errorf("the outer Policy saw %d ends, want 2", n)
		}
		g.check(t, []retry.Class{0, 0}, nil)
	})
}

// staticGate admits every attempt, and hands out done, the same func each
// time, without allocating.
type staticGate struct{ done func(retry.Class) }

func (g staticGate) Admit(context.Context, retry.Class) (func(retry.Class), error) {
	return g.done, nil
}

// TestGateAllocations checks what a Gate adds to a unary call that succeeds
// the first time, beside the engine's one allocation per call: nothing for a
// Gate that wants to hear nothing, and the func that wraps its done, one per
// attempt, for one that does (see gateRule).
func TestGateAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes sync.Pool's behaviour")
	}
	invoker := func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error { return nil }
	const frame = 1 // the engine's *layer.Frame, per call
	for _, tt := range []struct {
		name string
		gate retry.Gate
		want float64
	}{
		{"done", staticGate{done: func(retry.Class) {}}, frame + 1},
		{"no done", staticGate{}, frame},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := retrygrpc.UnaryClientInterceptor(&retry.Policy{Gate: tt.gate})
			req, reply := wrapperspb.String("x"), new(wrapperspb.StringValue)
			got := testing.AllocsPerRun(100, func() {
				if err := in(t.Context(), echoGet, req, reply, nil, invoker); err != nil {
					t.Fatal(err)
				}
			})
			if got != tt.want {
				t.Errorf("%v allocations per call, want %v", got, tt.want)
			}
		})
	}
}

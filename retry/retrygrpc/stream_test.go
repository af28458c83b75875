package retrygrpc_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
	"github.com/tenacious-go/tenacious/wait"
)

var unavailable = status.Error(codes.Unavailable, "down")

// failFirst answers the first k calls with a, and the others with ok.
func failFirst(k int, a, ok answer) script {
	return func(_ string, n int) answer {
		if n <= k {
			return a
		}
		return ok
	}
}

// TestServerStreamRetriedBeforeFirstMessage checks that a server-streaming RPC
// whose attempts fail before any header or message is made again, its request
// sent again, invisibly to the caller, who reads every message of the attempt
// that succeeds.
func TestServerStreamRetriedBeforeFirstMessage(t *testing.T) {
	srv, addr := serve(t, failFirst(2, answer{err: unavailable}, answer{msgs: 3}))
	var before, end counter
	conn := dial(t, addr, &retry.Policy{Wait: wait.None(), Before: &before, OnEnd: &end}, nil)
	var st retry.Stats
	s, err := watch(retry.WithStats(t.Context(), &st), conn, echoWatch, "req")
	if err != nil {
		t.Fatal(err)
	}
	got, err := recvAll(s)
	if err != nil || !slices.Equal(got, []string{"0", "1", "2"}) {
		t.Fatalf("received %q, %v; want 0 1 2, nil", got, err)
	}
	if srv.count(echoWatch) != 3 || before.count() != 3 || st.Attempts != 3 {
		t.Errorf("server received %d calls, Before ran %d times, Stats.Attempts = %d; want 3 each",
			srv.count(echoWatch), before.count(), st.Attempts)
	}
	if want := []string{"", "1", "2"}; !slices.Equal(srv.previous(), want) {
		t.Errorf("grpc-previous-rpc-attempts = %q, want %q", srv.previous(), want)
	}
	if want := []string{"req", "req", "req"}; !slices.Equal(srv.requests(), want) {
		t.Errorf("requests = %q, want %q", srv.requests(), want)
	}
	if as := end.attempts(); len(as) != 1 || as[0].Reason != retry.ReasonSuccess || as[0].Name != echoWatch {
		t.Errorf("OnEnd saw %+v, want one success named %s", as, echoWatch)
	}
	if md := s.Trailer(); md == nil {
		t.Errorf("Trailer() = nil, want the last attempt's")
	}
}

// TestServerStreamCommitPoint checks that a failure after the commit point, the
// first message or the first header, goes to the caller as gRPC reports it,
// with the messages received before it, and is not retried.
func TestServerStreamCommitPoint(t *testing.T) {
	for _, tt := range []struct {
		name string
		a    answer
		want []string
	}{
		{"after a message", answer{msgs: 1, err: unavailable}, []string{"0"}},
		{"after a header", answer{header: true, err: unavailable}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, addr := serve(t, func(string, int) answer { return tt.a })
			conn := dial(t, addr, &retry.Policy{Wait: wait.None()}, nil)
			s, err := watch(t.Context(), conn, echoWatch, "req")
			if err != nil {
				t.Fatal(err)
			}
			got, err := recvAll(s)
			var ge *retry.Error
			if !slices.Equal(got, tt.want) || status.Code(err) != codes.Unavailable || errors.As(err, &ge) {
				t.Errorf("received %q, %v; want %q and gRPC's UNAVAILABLE", got, err, tt.want)
			}
			if srv.count(echoWatch) != 1 {
				t.Errorf("server received %d calls, want 1", srv.count(echoWatch))
			}
		})
	}
}

// TestServerStreamGivesUp checks the give-up of a server-streaming RPC: RecvMsg
// returns the *retry.Error, again on every call, and Header returns nil, nil.
func TestServerStreamGivesUp(t *testing.T) {
	srv, addr := serve(t, func(string, int) answer { return answer{err: unavailable} })
	conn := dial(t, addr, &retry.Policy{Wait: wait.None()}, nil)
	s, err := watch(t.Context(), conn, echoWatch, "req")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		err := s.RecvMsg(new(wrapperspb.StringValue))
		var ge *retry.Error
		if !errors.As(err, &ge) || ge.Reason != retry.ReasonStop || ge.Attempts != 4 || status.Code(err) != codes.Unavailable {
			t.Errorf("RecvMsg = %v, want a give-up after 4 attempts, UNAVAILABLE", err)
		}
	}
	if md, err := s.Header(); md != nil || err != nil {
		t.Errorf("Header() = %v, %v; want nil, nil", md, err)
	}
	if srv.count(echoWatch) != 4 {
		t.Errorf("server received %d calls, want 4", srv.count(echoWatch))
	}
}

// TestServerStreamHeaderFirst checks a caller that waits for the header before
// the first message: attempts that end without one are retried within Header.
func TestServerStreamHeaderFirst(t *testing.T) {
	srv, addr := serve(t, failFirst(1, answer{err: unavailable}, answer{header: true, msgs: 2}))
	conn := dial(t, addr, &retry.Policy{Wait: wait.None()}, nil)
	s, err := watch(t.Context(), conn, echoWatch, "req")
	if err != nil {
		t.Fatal(err)
	}
	md, err := s.Header()
	if err != nil || md.Get("x-header") == nil {
		t.Fatalf("Header() = %v, %v; want the header", md, err)
	}
	got, err := recvAll(s)
	if err != nil || len(got) != 2 || srv.count(echoWatch) != 2 {
		t.Errorf("received %q, %v from %d calls; want 2 messages, nil, 2 calls", got, err, srv.count(echoWatch))
	}
}

// TestServerStreamEmpty checks an RPC that ends with OK and no message, read
// through RecvMsg or Header first: one attempt, and io.EOF.
func TestServerStreamEmpty(t *testing.T) {
	for _, headerFirst := range []bool{false, true} {
		t.Run(fmt.Sprint("header first ", headerFirst), func(t *testing.T) {
			srv, addr := serve(t, nil)
			conn := dial(t, addr, nil, nil)
			s, err := watch(t.Context(), conn, echoWatch, "req")
			if err != nil {
				t.Fatal(err)
			}
			if headerFirst {
				if md, err := s.Header(); err != nil || md != nil {
					t.Errorf("Header() = %v, %v; want nil, nil", md, err)
				}
			}
			if err := s.RecvMsg(new(wrapperspb.StringValue)); err != io.EOF {
				t.Errorf("RecvMsg = %v, want io.EOF", err)
			}
			if srv.count(echoWatch) != 1 {
				t.Errorf("server received %d calls, want 1", srv.count(echoWatch))
			}
		})
	}
}

// TestStreamNotIdempotent checks that a stream of a method that is not safe to
// repeat is made once, committed at its opening, and that its call ends when
// the stream does: OnEnd sees its failure, not the success of its opening, with
// ReasonNotIdempotent, and RecvMsg returns a *retry.NotRetriedError that says
// so and reads as UNAVAILABLE.
func TestStreamNotIdempotent(t *testing.T) {
	srv, addr := serve(t, func(string, int) answer { return answer{err: unavailable} })
	var end counter
	conn := dial(t, addr, &retry.Policy{Wait: wait.None(), OnEnd: &end}, nil)
	s, err := watch(t.Context(), conn, echoNotify, "req")
	if err != nil {
		t.Fatal(err)
	}
	if end.count() != 0 {
		t.Errorf("OnEnd ran %d times before the stream ended, want 0", end.count())
	}
	_, err = recvAll(s)
	checkRefused(t, err, echoNotify, retry.ReasonNotIdempotent, codes.Unavailable)
	if srv.count(echoNotify) != 1 {
		t.Errorf("server received %d calls, want 1", srv.count(echoNotify))
	}
	if as := end.attempts(); len(as) != 1 || as[0].Reason != retry.ReasonNotIdempotent || status.Code(as[0].Err) != codes.Unavailable {
		t.Errorf("OnEnd saw %+v, want one end of reason not_idempotent, UNAVAILABLE", as)
	}
}

// TestServerStreamAttemptTimeout checks that an attempt that sends nothing
// within AttemptTimeout is cut and made again.
func TestServerStreamAttemptTimeout(t *testing.T) {
	srv, addr := serve(t, failFirst(1, answer{stall: true}, answer{msgs: 2}))
	var after counter
	conn := dial(t, addr, &retry.Policy{Wait: wait.None(), AttemptTimeout: 50 * time.Millisecond, After: &after}, nil)
	s, err := watch(t.Context(), conn, echoWatch, "req")
	if err != nil {
		t.Fatal(err)
	}
	got, err := recvAll(s)
	if err != nil || len(got) != 2 || srv.count(echoWatch) != 2 {
		t.Fatalf("received %q, %v from %d calls; want 2 messages, nil, 2 calls", got, err, srv.count(echoWatch))
	}
	if as := after.attempts(); len(as) != 2 || !errors.Is(as[0].Err, retry.ErrAttemptTimeout) || status.Code(as[0].Err) != codes.DeadlineExceeded {
		t.Errorf("After saw %+v, want an attempt timeout (DEADLINE_EXCEEDED), then a success", as)
	}
}

// TestServerStreamTimeoutEndsAtCommit checks that AttemptTimeout does not cut a
// healthy stream: once a header or a message has come, the stream may take as
// long as it needs.
func TestServerStreamTimeoutEndsAtCommit(t *testing.T) {
	for _, tt := range []struct {
		name string
		a    answer
	}{
		{"a header, then a long gap", answer{header: true, gap: 200 * time.Millisecond, msgs: 2}},
		{"a message, then a long gap", answer{msgs: 2, gap: 200 * time.Millisecond}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, addr := serve(t, func(string, int) answer { return tt.a })
			conn := dial(t, addr, &retry.Policy{Wait: wait.None(), AttemptTimeout: 50 * time.Millisecond}, nil)
			s, err := watch(t.Context(), conn, echoWatch, "req")
			if err != nil {
				t.Fatal(err)
			}
			got, err := recvAll(s)
			if err != nil || len(got) != 2 || srv.count(echoWatch) != 1 {
				t.Errorf("received %q, %v from %d calls; want 2 messages, nil, 1 call", got, err, srv.count(echoWatch))
			}
		})
	}
}

// TestServerStreamCanceledInPause checks that the end of the caller's context
// during a pause ends RecvMsg at once, with a give-up of reason context.
func TestServerStreamCanceledInPause(t *testing.T) {
	_, addr := serve(t, func(string, int) answer { return answer{err: unavailable} })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	p := &retry.Policy{Wait: wait.Fixed(time.Hour), BeforeSleep: retry.HookFunc(func(retry.Attempt) { cancel() })}
	conn := dial(t, addr, p, nil)
	s, err := watch(ctx, conn, echoWatch, "req")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = s.RecvMsg(new(wrapperspb.StringValue))
	var ge *retry.Error
	if !errors.As(err, &ge) || ge.Reason != retry.ReasonContext || !errors.Is(err, context.Canceled) || ge.Delay != time.Hour {
		t.Errorf("RecvMsg = %v, want a give-up of reason context, context.Canceled, the hour's pause", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("RecvMsg returned after %v, want at once", el)
	}
}

// TestServerStreamAbandoned checks a stream whose context ends before the
// caller reads it: the call ends (reason context) and nothing is left running.
func TestServerStreamAbandoned(t *testing.T) {
	_, addr := serve(t, func(string, int) answer { return answer{stall: true} })
	ended := make(chan retry.Attempt, 1)
	conn := dial(t, addr, &retry.Policy{OnEnd: retry.HookFunc(func(a retry.Attempt) { ended <- a })}, nil)
	ctx, cancel := context.WithCancel(t.Context())
	if _, err := watch(ctx, conn, echoWatch, "req"); err != nil {
		t.Fatal(err)
	}
	cancel()
	if a := <-ended; a.Reason != retry.ReasonContext || a.Number != 1 {
		t.Errorf("OnEnd saw %+v, want the end of attempt 1, reason context", a)
	}
}

// TestServerStreamDeadline checks that a pause that would outlast the caller's
// deadline is not taken.
func TestServerStreamDeadline(t *testing.T) {
	_, addr := serve(t, func(string, int) answer { return answer{err: unavailable} })
	conn := dial(t, addr, &retry.Policy{Wait: wait.Fixed(time.Minute)}, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	s, err := watch(ctx, conn, echoWatch, "req")
	if err != nil {
		t.Fatal(err)
	}
	err = s.RecvMsg(new(wrapperspb.StringValue))
	var ge *retry.Error
	if !errors.As(err, &ge) || ge.Reason != retry.ReasonDeadline || !errors.Is(err, context.DeadlineExceeded) ||
		status.Code(err) != codes.DeadlineExceeded || status.Code(ge.Last) != codes.Unavailable {
		t.Errorf("RecvMsg = %v, want a give-up of reason deadline, DEADLINE_EXCEEDED, last UNAVAILABLE", err)
	}
}

// TestStreamUnreachable checks that a stream that cannot be opened is opened
// again, within the interceptor, and that the give-up comes back from NewStream.
func TestStreamUnreachable(t *testing.T) {
	checkGoroutines(t)
	var before counter
	conn := dial(t, closedAddr(t), &retry.Policy{Wait: wait.None(), Before: &before}, nil)
	_, err := conn.NewStream(t.Context(), serverStreamDesc, echoWatch)
	var ge *retry.Error
	if !errors.As(err, &ge) || ge.Reason != retry.ReasonStop || status.Code(err) != codes.Unavailable || before.count() != 4 {
		t.Errorf("NewStream = %v after %d attempts, want a give-up, UNAVAILABLE, after 4", err, before.count())
	}
}

// awaitAnswer is an interceptor, placed after the retrying one, that waits for
// the server's answer to the first k attempts of a stream before handing them
// over, so that the caller's first SendMsg finds the stream already ended when
// the server answers at once.
func awaitAnswer(k int) grpc.DialOption {
	return grpc.WithChainStreamInterceptor(func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn,
		method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		cs, err := streamer(ctx, desc, cc, method, opts...)
		if err != nil {
			return nil, err
		}
		n := 1
		if md, _ := metadata.FromOutgoingContext(ctx); len(md.Get(retrygrpc.PreviousAttemptsKey)) > 0 {
			n, _ = strconv.Atoi(md.Get(retrygrpc.PreviousAttemptsKey)[0])
			n++
		}
		if n <= k {
			_, _ = cs.Header() // the stream has ended, or sent its header
		}
		return cs, nil
	})
}

// upload sends msgs on a client stream of method and returns the reply.
func upload(ctx context.Context, conn *grpc.ClientConn, msgs ...string) (string, error) {
	s, err := conn.NewStream(ctx, clientStreamDesc, echoUpload)
	if err != nil {
		return "", err
	}
	for _, m := range msgs {
		if err := s.SendMsg(wrapperspb.String(m)); err != nil {
			if err == io.EOF {
				break // the error is RecvMsg's
			}
			return "", err
		}
	}
	if err := s.CloseSend(); err != nil {
		return "", err
	}
	out := new(wrapperspb.StringValue)
	if err := s.RecvMsg(out); err != nil {
		return "", err
	}
	return out.GetValue(), nil
}

// TestClientStreamRetriedBeforeFirstMessage checks that a client stream that the
// server ended before its first message left is made again, and the message
// sent on the new one.
func TestClientStreamRetriedBeforeFirstMessage(t *testing.T) {
	srv, addr := serve(t, failFirst(2, answer{early: true, err: unavailable}, answer{}))
	conn := dial(t, addr, &retry.Policy{Wait: wait.None()}, nil, awaitAnswer(2))
	got, err := upload(t.Context(), conn, "a", "b", "c")
	if err != nil || got != "3" || srv.count(echoUpload) != 3 {
		t.Errorf("upload = %q, %v after %d calls; want 3, nil after 3", got, err, srv.count(echoUpload))
	}
	if want := []string{"", "1", "2"}; !slices.Equal(srv.previous(), want) {
		t.Errorf("grpc-previous-rpc-attempts = %q, want %q", srv.previous(), want)
	}
}

// TestClientStreamCommitPoint checks that a client stream is not made again
// once its first message has left, or the server sent a header, and that its
// error is gRPC's.
func TestClientStreamCommitPoint(t *testing.T) {
	for _, tt := range []struct {
		name  string
		a     answer
		await bool
	}{
		{"after the first message", answer{err: unavailable}, false},
		{"after a header", answer{early: true, header: true, err: unavailable}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, addr := serve(t, func(string, int) answer { return tt.a })
			var dialOpts []grpc.DialOption
			if tt.await {
				dialOpts = append(dialOpts, awaitAnswer(1))
			}
			conn := dial(t, addr, &retry.Policy{Wait: wait.None()}, nil, dialOpts...)
			_, err := upload(t.Context(), conn, "a", "b")
			var ge *retry.Error
			if status.Code(err) != codes.Unavailable || errors.As(err, &ge) || srv.count(echoUpload) != 1 {
				t.Errorf("upload: %v after %d calls; want gRPC's UNAVAILABLE after 1", err, srv.count(echoUpload))
			}
		})
	}
}

// TestClientStreamGivesUp checks the give-up of a client stream: SendMsg
// returns io.EOF, as gRPC's does for a stream that ended, and RecvMsg the
// *retry.Error.
func TestClientStreamGivesUp(t *testing.T) {
	srv, addr := serve(t, func(string, int) answer { return answer{early: true, err: unavailable} })
	conn := dial(t, addr, &retry.Policy{Wait: wait.None()}, nil, awaitAnswer(4))
	s, err := conn.NewStream(t.Context(), clientStreamDesc, echoUpload)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SendMsg(wrapperspb.String("a")); err != io.EOF {
		t.Errorf("SendMsg = %v, want io.EOF", err)
	}
	err = s.RecvMsg(new(wrapperspb.StringValue))
	var ge *retry.Error
	if !errors.As(err, &ge) || ge.Reason != retry.ReasonStop || ge.Attempts != 4 || status.Code(err) != codes.Unavailable {
		t.Errorf("RecvMsg = %v, want a give-up after 4 attempts, UNAVAILABLE", err)
	}
	if srv.count(echoUpload) != 4 {
		t.Errorf("server received %d calls, want 4", srv.count(echoUpload))
	}
}

// TestBidiStream checks a bidirectional stream, sent and received by two
// goroutines as gRPC allows: made again when the server ended it without a
// header before the first message left, whichever of SendMsg and RecvMsg finds
// out.
func TestBidiStream(t *testing.T) {
	for _, tt := range []struct {
		name      string
		sc        script
		await     int  // attempts awaitAnswer holds back
		recvFirst bool // the receiver starts and waits before the sender starts
		calls     int
		want      []string
		reason    retry.Reason // of a give-up; 0 for a success
	}{
		{"the sender finds out", failFirst(1, answer{early: true, err: unavailable}, answer{}), 1, false, 2, []string{"a", "b"}, 0},
		{"the receiver finds out", failFirst(2, answer{early: true, err: unavailable}, answer{}), 0, true, 3, []string{"a", "b"}, 0},
		{"gives up", func(string, int) answer { return answer{early: true, err: unavailable} }, 0, true, 4, nil, retry.ReasonStop},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, addr := serve(t, tt.sc)
			var dialOpts []grpc.DialOption
			if tt.await > 0 {
				dialOpts = append(dialOpts, awaitAnswer(tt.await))
			}
			ready := make(chan struct{})
			var before counter
			p := &retry.Policy{Wait: wait.None(), Before: retry.HookFunc(func(a retry.Attempt) {
				before.Run(a)
				if a.Number == tt.calls && tt.recvFirst && tt.reason == 0 {
					close(ready) // the attempt that succeeds: let the sender go
				}
			})}
			conn := dial(t, addr, p, nil, dialOpts...)
			s, err := conn.NewStream(t.Context(), bidiStreamDesc, echoChat)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.recvFirst {
				close(ready)
			}
			sent := make(chan error, 1)
			go func() {
				<-ready
				for _, m := range []string{"a", "b"} {
					if err := s.SendMsg(wrapperspb.String(m)); err != nil {
						sent <- err
						return
					}
				}
				sent <- s.CloseSend()
			}()
			got, err := recvAll(s)
			if tt.reason != 0 {
				close(ready) // the sender starts once the call has given up
			}
			if serr := <-sent; serr != nil && !(tt.reason != 0 && serr == io.EOF) {
				t.Errorf("sending: %v", serr)
			}
			var ge *retry.Error
			if tt.reason != 0 {
				if !errors.As(err, &ge) || ge.Reason != tt.reason || status.Code(err) != codes.Unavailable {
					t.Errorf("err = %v, want a give-up of reason %v, UNAVAILABLE", err, tt.reason)
				}
			} else if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("received %q, %v; want %q, nil", got, err, tt.want)
			}
			if srv.count(echoChat) != tt.calls || before.count() != tt.calls {
				t.Errorf("server received %d calls, Before ran %d times; want %d", srv.count(echoChat), before.count(), tt.calls)
			}
		})
	}
}

// TestClientStreamCloseSendReplayed checks a client stream that sends nothing:
// its half-close is sent again on the new attempt.
func TestClientStreamCloseSendReplayed(t *testing.T) {
	srv, addr := serve(t, failFirst(1, answer{early: true, err: unavailable}, answer{}))
	conn := dial(t, addr, &retry.Policy{Wait: wait.None()}, nil)
	got, err := upload(t.Context(), conn)
	if err != nil || got != "0" || srv.count(echoUpload) != 2 {
		t.Errorf("upload = %q, %v after %d calls; want 0, nil after 2", got, err, srv.count(echoUpload))
	}
}

// TestStreamClientErrorNotRetried checks that an error of the client's own,
// such as a message larger than the call allows, ends the stream at once: it is
// not retried, and comes back as gRPC returned it.
func TestStreamClientErrorNotRetried(t *testing.T) {
	for _, tt := range []struct {
		name   string
		desc   *grpc.StreamDesc
		method string
	}{
		{"server-streaming", serverStreamDesc, echoWatch},
		{"client-streaming", clientStreamDesc, echoUpload},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, addr := serve(t, nil)
			var before counter
			conn := dial(t, addr, &retry.Policy{Wait: wait.None(), Before: &before}, nil)
			s, err := conn.NewStream(t.Context(), tt.desc, tt.method, grpc.MaxCallSendMsgSize(1))
			if err != nil {
				t.Fatal(err)
			}
			err = s.SendMsg(wrapperspb.String("too long"))
			var ge *retry.Error
			if status.Code(err) != codes.ResourceExhausted || errors.As(err, &ge) {
				t.Errorf("SendMsg = %v, want gRPC's RESOURCE_EXHAUSTED", err)
			}
			if rerr := s.RecvMsg(new(wrapperspb.StringValue)); status.Code(rerr) != codes.ResourceExhausted {
				t.Errorf("RecvMsg = %v, want RESOURCE_EXHAUSTED", rerr)
			}
			if before.count() != 1 {
				t.Errorf("Before ran %d times, want 1", before.count())
			}
		})
	}
}

// TestStreamNotIdempotentUnreachable checks that a stream of a method that is
// not safe to repeat is not opened again, and fails as gRPC made it fail.
func TestStreamNotIdempotentUnreachable(t *testing.T) {
	checkGoroutines(t)
	var before counter
	conn := dial(t, closedAddr(t), &retry.Policy{Wait: wait.None(), Before: &before}, nil)
	_, err := conn.NewStream(t.Context(), serverStreamDesc, echoNotify)
	var ge *retry.Error
	if status.Code(err) != codes.Unavailable || errors.As(err, &ge) || before.count() != 1 {
		t.Errorf("NewStream = %v after %d attempts, want gRPC's UNAVAILABLE after 1", err, before.count())
	}
}

// TestStreamContext checks that a retried stream's Context is its current
// attempt's, with what gRPC puts in it, such as the peer.
func TestStreamContext(t *testing.T) {
	_, addr := serve(t, failFirst(1, answer{err: unavailable}, answer{msgs: 1}))
	conn := dial(t, addr, &retry.Policy{Wait: wait.None()}, nil)
	s, err := watch(t.Context(), conn, echoWatch, "x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := recvAll(s); err != nil {
		t.Fatal(err)
	}
	if p, ok := peer.FromContext(s.Context()); !ok || p.Addr.String() != addr {
		t.Errorf("peer of Context() = %v, %v; want %s", p, ok, addr)
	}
}

package retrygrpc

import (
	"context"
	"io"
	"iter"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/tenacious-go/tenacious/retry"
)

// StreamClientInterceptor returns a client interceptor that retries streaming
// RPCs as p says (nil is the zero Policy), with the same defaults and rules as
// [UnaryClientInterceptor], until the stream's commit point, after which it
// steps aside:
//
//   - a server-streaming RPC is retried, its request sent again, until the first
//     response header or message arrives (gRFC A6's commit point): a failure
//     before it is invisible to the caller, a failure after it is the caller's;
//   - a client-streaming or bidirectional RPC is retried only if it fails before
//     its first message is sent: when the stream cannot be opened, or when the
//     server ends it without a header before the first message left, as the
//     first SendMsg finds, or a RecvMsg or Header that waits for the server.
//     The first message sent, or the first header received, commits it. There
//     is no replay buffer: nothing is sent again but a half-close (CloseSend).
//
// A stream of a method that is not safe to repeat is opened once and returned
// as gRPC made it, with nothing between it and the caller.
//
// Each stream is one call of the Policy, from its opening to its commit point:
// the hooks see its attempts (the last one ends with ReasonSuccess at the commit
// point, however the stream ends later), retry.WithStats in the stream's context
// reports them when the call ends, and the Budget hears of them.
// Policy.AttemptTimeout bounds each attempt until the commit point and no
// longer, so that it never cuts a healthy stream: for a server-streaming RPC,
// from the opening of the stream to its first header or message; for the
// others, the opening and the first SendMsg, not the caller's own pace before
// it. A retry comes after the pause the Policy chooses, within the opening of
// the stream (when the open fails) or within the caller's first RecvMsg, Header
// or SendMsg.
//
// When the call gives up, the stream is not returned (a failed opening), or its
// RecvMsg returns the error from then on (and SendMsg io.EOF, as gRPC's do for a
// stream that has ended), as UnaryClientInterceptor would: a *retry.Error that
// wraps the last attempt's *StatusError. A stream that is past its commit point
// reports what gRPC reports.
//
// The returned stream follows gRPC's rules: one goroutine may call SendMsg and
// CloseSend while another calls RecvMsg. Its Context is the current attempt's.
// The stream is released as gRPC's are: when its context ends, or RecvMsg
// returns an error. It panics if an option is nil.
func StreamClientInterceptor(p *retry.Policy, opts ...Option) grpc.StreamClientInterceptor {
	c := newConfig(p, opts)
	return func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string,
		streamer grpc.Streamer, callOpts ...grpc.CallOption) (grpc.ClientStream, error) {
		s := &clientStream{ctx: ctx, desc: desc, cc: cc, method: method, streamer: streamer, opts: callOpts}
		s.rpc.init()
		s.rpc.start(c, method, c.idempotent(ctx, method, callOpts))
		if !s.idempotent {
			return s.once()
		}
		return s.begin()
	}
}

// clientStream is a stream that the interceptor may retry, until its commit
// point. Its retry window is one call of the engine's loop form, driven by
// iter.Pull: the interceptor asks for the first attempt, and the caller's first
// operations on the stream decide whether it succeeds, or fails and is made
// again, which resumes the loop.
type clientStream struct {
	rpc
	ctx             context.Context
	desc            *grpc.StreamDesc
	cc              *grpc.ClientConn
	method          string
	streamer        grpc.Streamer
	opts            []grpc.CallOption
	serverStreaming bool // the client sends one message: it is kept, and sent again

	// done is set when the retry window has closed: at the commit point, or when
	// the call ended without a stream to use (final is then its error). After it,
	// the caller's operations go straight to cur.
	done  atomic.Bool
	cur   atomic.Pointer[attempt] // the current attempt; set before the stream is returned
	final error                   // written once, before done is set

	// The retry window, under mu.
	mu        sync.Mutex
	loop      *retry.Loop
	next      func() (*retry.Try, bool)
	stop      func()
	try       *retry.Try // the attempt in progress
	unwatch   func() bool
	req       any // the request of a server-streaming RPC, sent again on each attempt
	hasReq    bool
	closeSent bool
}

// once opens a stream that is not retried, as one call of the Policy, so that its
// hooks and Budget see it.
func (s *clientStream) once() (grpc.ClientStream, error) {
	var cs grpc.ClientStream
	err := s.policy.Run(s.ctx, func(ctx context.Context) error {
		var err error
		if cs, err = s.streamer(ctx, s.desc, s.cc, s.method, s.opts...); err != nil {
			return newStatusError(err, nil)
		}
		return nil
	})
	if err != nil {
		return nil, returned(err)
	}
	return cs, nil
}

// begin opens the stream, again as long as the opening fails and the Policy
// allows, and returns it in the retry window.
func (s *clientStream) begin() (grpc.ClientStream, error) {
	s.serverStreaming = !s.desc.ClientStreams
	s.loop = s.policy.Loop(s.ctx)
	s.next, s.stop = iter.Pull(s.loop.Attempts())
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.nextAttemptLocked() {
		return nil, s.final
	}
	if s.ctx.Done() != nil {
		s.unwatch = context.AfterFunc(s.ctx, s.abandon)
	}
	return s, nil
}

// nextAttemptLocked asks the loop for the next attempt (the engine pauses first,
// if it is not the first), opens its stream and replays what the caller sent
// before the commit point. It reports false when the call has ended instead.
func (s *clientStream) nextAttemptLocked() bool {
	for {
		t, ok := s.next()
		if !ok {
			s.endLocked(s.loop.Err())
			return false
		}
		s.try, s.failed, s.committed = t, 0, false
		a := s.open(t.Context(), t.Number())
		if a.err != nil {
			t.Fail(a.err)
			continue
		}
		if err := s.replay(a); err != nil {
			a.release()
			t.Fail(retry.Permanent(newStatusError(err, nil)))
			continue
		}
		s.cur.Store(a)
		return true
	}
}

// replay sends on a new attempt what the caller sent on the first: the request
// of a server-streaming RPC, and its half-close.
func (s *clientStream) replay(a *attempt) error {
	if s.hasReq {
		if err := a.SendMsg(s.req); err != nil {
			return err
		}
	}
	if s.closeSent {
		return a.CloseSend()
	}
	return nil
}

// commitLocked closes the retry window with a success: the attempt in progress
// is the stream the caller keeps.
func (s *clientStream) commitLocked() {
	s.cur.Load().commit()
	s.try = nil
	s.next() // the attempt did not fail: the loop ends
	s.endLocked(s.loop.Err())
}

// endLocked closes the retry window once the loop has ended with err.
func (s *clientStream) endLocked(err error) {
	s.stop()
	if s.unwatch != nil {
		s.unwatch()
	}
	if err != nil && !s.committed {
		s.final = returned(err)
	}
	s.req, s.try = nil, nil
	s.done.Store(true)
}

// failLocked reports the failure err of attempt a to the loop, and reports
// whether another attempt has replaced it. A failure after the attempt received
// a header is past the commit point: it ends the call, and the caller reads it
// from the stream.
func (s *clientStream) failLocked(a *attempt, err error) bool {
	md, _ := a.Header() // the stream has ended: Header does not wait
	s.committed = md != nil
	e := s.failure(a, err, a.Trailer())
	if !s.committed {
		a.release()
	}
	s.try.Fail(e)
	return s.nextAttemptLocked()
}

// failure is the error the Policy sees for the failure err of attempt a.
func (s *clientStream) failure(a *attempt, err error, trailer metadata.MD) error {
	settle(s.ctx)
	se := newStatusError(err, trailer)
	if a.timedOut() && s.ctx.Err() == nil {
		return &attemptTimeoutError{err: se, timeout: s.timeout}
	}
	return se
}

// abandon ends the retry window when the stream's context ends while no
// operation is in progress: the engine ends the call (ReasonContext).
func (s *clientStream) abandon() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done.Load() {
		return
	}
	a := s.cur.Load()
	a.release()
	s.try.Fail(newStatusError(status.FromContextError(s.ctx.Err()).Err(), nil))
	s.nextAttemptLocked() // the context has ended: the loop does too
}

// RecvMsg receives a message. Before the commit point, it first waits for the
// current attempt's header: an attempt that ends without one is retried, as the
// Policy says, and the header commits the stream.
func (s *clientStream) RecvMsg(m any) error {
	if !s.done.Load() {
		s.await()
	}
	if s.final != nil {
		return s.final
	}
	a := s.cur.Load()
	err := a.RecvMsg(m)
	if err != nil {
		a.release()
	}
	return err
}

// Header returns the response header. Before the commit point, it retries the
// attempts that end without one, as the Policy says; an RPC that ends for good
// without a header returns nil, nil, and RecvMsg returns its error.
func (s *clientStream) Header() (metadata.MD, error) {
	if !s.done.Load() {
		s.await()
	}
	if s.final != nil {
		return nil, nil
	}
	return s.cur.Load().Header()
}

// await waits until the retry window closes: the current attempt receives a
// header (a message comes with one), or ends without one, and is then retried
// or ends the call; or another goroutine's SendMsg closes it. It waits for the
// header without holding the lock, so that a SendMsg of another goroutine, the
// commit point of a client or bidirectional stream, is not held up.
func (s *clientStream) await() {
	for {
		a := s.cur.Load()
		md, err := a.Header() // until a header comes or the attempt ends
		if s.awaited(a, md != nil || err != nil) {
			return
		}
	}
}

// awaited takes the header, or the end without one, of attempt a, and reports
// whether the retry window has closed.
func (s *clientStream) awaited(a *attempt, header bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.done.Load():
		return true
	case s.cur.Load() != a: // another goroutine's SendMsg made a new attempt
		return false
	case header:
		s.commitLocked()
		return true
	}
	// The attempt ended without a header, so without a message: read how.
	err := a.RecvMsg(new(emptypb.Empty))
	if err == nil || err == io.EOF {
		s.commitLocked() // it succeeded with no message: RecvMsg reads io.EOF again
		return true
	}
	return !s.failLocked(a, err)
}

// SendMsg sends a message. The request of a server-streaming RPC is kept, to be
// sent again on a retry; the first message of another stream is its commit point,
// unless the server ended the stream before it left: the stream is then made
// again, as the Policy says, and the message sent on the new one.
func (s *clientStream) SendMsg(m any) error {
	if !s.done.Load() {
		if err, ok := s.sendInWindow(m); ok {
			return err
		}
	}
	if s.final != nil {
		if s.serverStreaming {
			return nil // as gRPC's: the error is RecvMsg's
		}
		return io.EOF
	}
	return s.cur.Load().SendMsg(m)
}

func (s *clientStream) sendInWindow(m any) (err error, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done.Load() {
		return nil, false
	}
	if s.serverStreaming {
		s.req, s.hasReq = m, true
		if err := s.cur.Load().SendMsg(m); err != nil {
			// gRPC returns nil for a server-streaming RPC whose stream failed: this
			// is the client's own error (encoding, size), which ends the call.
			s.try.Fail(retry.Permanent(newStatusError(err, nil)))
			s.nextAttemptLocked()
			return err, true
		}
		return nil, true
	}
	for {
		a := s.cur.Load()
		a.arm(s.timeout)
		err := a.SendMsg(m)
		switch {
		case err == nil:
			s.commitLocked()
			return nil, true
		case err != io.EOF: // the client's own error: the stream has ended
			s.try.Fail(retry.Permanent(newStatusError(err, nil)))
			s.nextAttemptLocked()
			return err, true
		}
		// The stream ended before the message left. After a header, the caller
		// reads how from RecvMsg; without one, it is read here.
		if md, _ := a.Header(); md != nil {
			s.commitLocked()
			return io.EOF, true
		}
		rerr := a.RecvMsg(new(emptypb.Empty)) // no message comes without a header
		if rerr == nil || rerr == io.EOF {
			s.commitLocked()
			return io.EOF, true
		}
		if !s.failLocked(a, rerr) {
			return io.EOF, true // RecvMsg returns the error
		}
	}
}

// CloseSend closes the sending side. Before the commit point, the half-close is
// sent again on each new attempt.
func (s *clientStream) CloseSend() error {
	if !s.done.Load() {
		if err, ok := s.closeInWindow(); ok {
			return err
		}
	}
	if s.final != nil {
		return nil
	}
	return s.cur.Load().CloseSend()
}

func (s *clientStream) closeInWindow() (err error, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done.Load() {
		return nil, false
	}
	s.closeSent = true
	return s.cur.Load().CloseSend(), true
}

// Trailer returns the trailer of the current attempt, once it has ended.
func (s *clientStream) Trailer() metadata.MD { return s.cur.Load().Trailer() }

// Context returns the context of the current attempt's stream.
func (s *clientStream) Context() context.Context { return s.cur.Load().Context() }

// open opens the stream of the n-th attempt with ctx, the caller's.
func (s *clientStream) open(ctx context.Context, n int) *attempt {
	a := new(attempt)
	if n > 1 {
		ctx = metadata.AppendToOutgoingContext(ctx, PreviousAttemptsKey, strconv.Itoa(n-1))
	}
	if s.timeout > 0 {
		ctx, a.cancel = context.WithCancelCause(ctx)
		a.arm(s.timeout)
	}
	cs, err := s.streamer(ctx, s.desc, s.cc, s.method, s.opts...)
	if err != nil {
		a.err = s.failure(a, err, nil)
		a.release()
		return a
	}
	a.ClientStream = cs
	switch {
	case s.timeout <= 0:
	case !s.serverStreaming:
		a.disarm() // the caller's pace before the first message is not the attempt's
	default:
		go a.watchHeader() // a header ends the attempt's timeout
	}
	return a
}

// attempt is one attempt of a stream: gRPC's stream (nil if it failed to open,
// with err its error) and, with an AttemptTimeout, its own context and timer.
type attempt struct {
	grpc.ClientStream
	err    error
	cancel context.CancelCauseFunc
	timer  *time.Timer
	state  atomic.Int32 // running, committed or timedOut
}

// The states of an attempt's timer.
const (
	running   = iota // the timeout applies when armed
	committed        // past the commit point: the timeout no longer applies
	timedOut         // the timeout fired and canceled the attempt
)

// arm starts the attempt's timeout, if it has one.
func (a *attempt) arm(d time.Duration) {
	if a.cancel == nil || a.state.Load() != running {
		return
	}
	if a.timer == nil {
		a.timer = time.AfterFunc(d, a.expire)
	} else {
		a.timer.Reset(d)
	}
}

// disarm stops the attempt's timeout until it is armed again.
func (a *attempt) disarm() {
	if a.timer != nil {
		a.timer.Stop()
	}
}

func (a *attempt) expire() {
	if a.state.CompareAndSwap(running, timedOut) {
		a.cancel(errAttemptTimeout)
	}
}

// commit ends the attempt's timeout for good, unless it has fired.
func (a *attempt) commit() {
	if a.state.CompareAndSwap(running, committed) {
		a.disarm()
	}
}

func (a *attempt) timedOut() bool { return a.state.Load() == timedOut }

// watchHeader commits the attempt's timer when a header arrives.
func (a *attempt) watchHeader() {
	if md, _ := a.ClientStream.Header(); md != nil {
		a.commit()
	}
}

// release cancels the attempt's own context, if it has one: its stream has ended,
// or is abandoned.
func (a *attempt) release() {
	if a.cancel != nil {
		a.disarm()
		a.cancel(nil)
	}
}

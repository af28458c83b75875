package retrygrpc

import (
	"context"
	"io"
	"sync"
	"sync/atomic"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

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
// A stream of a method that is not safe to repeat, or opened with [NoRetry] or
// a retry.WithoutRetry context, is opened once, and is committed as soon as it
// is open: Policy.AttemptTimeout, which bounds an attempt until its commit
// point, does not apply to it. [UsePolicy] and [IgnoreLayers], and their
// context forms, apply to a stream as to a unary call.
//
// Each stream is one call of the Policy, from its opening to its end, not to
// its commit point. The hooks see its attempts; the After and the OnEnd of the
// last one, the committed attempt, come when the stream ends, and tell how:
//
//   - retry.ReasonSuccess when RecvMsg returns io.EOF (the status OK), or, for
//     a stream whose server sends a single message (client-streaming), when
//     RecvMsg returns that message;
//   - when the stream fails after its commit point, with Attempt.Err the
//     *StatusError of the failure (its status and trailer), be it the
//     server's or the client's own that a SendMsg returned, as a failure past
//     the commit point is never retried: retry.ReasonNotReplayable for a
//     failure that the Policy's Retry (or the table) would have retried,
//     retry.ReasonNotIdempotent if the method is not safe to repeat, and
//     retry.ReasonNotRetried for the rest;
//   - retry.ReasonContext when the caller's context ends it, whether or not the
//     caller is reading it.
//
// retry.WithStats in the stream's context is written at that same moment, and
// the Budget hears of the committed attempt then too: ClassSuccess for a
// stream that ended with OK; for a failure, the class it has before the commit
// point (ClassTransient or ClassThrottled for one worth retrying, though it
// cannot be, ClassAnswered for the rest); nothing of the service if the
// caller's context ended it. A stream that the caller abandons without
// reading it to its end ends for the hooks when its context ends; if that
// context never ends, neither does the call, and no OnEnd comes (gRPC asks as
// much of its streams: cancel the context, or read to the end).
//
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
// wraps the last attempt's *StatusError, with the code of the end of the
// caller's time when that ended the call (see the package documentation). A
// stream whose opening the Policy's Gate refused is not returned either: the
// error reads as UNAVAILABLE, as nothing was sent. A
// stream that is past its commit point reports what gRPC reports, but for a
// failure that the rules of safety kept from being retried (the reasons
// ReasonNotReplayable and ReasonNotIdempotent above): RecvMsg returns it
// wrapped in a *retry.NotRetriedError that says so, which reads as its status,
// and tells a layer above not to make the call again.
//
// The returned stream follows gRPC's rules: one goroutine may call SendMsg and
// CloseSend while another calls RecvMsg. Its Context is the current attempt's.
// The stream is released as gRPC's are: when its context ends, or RecvMsg
// returns an error. It panics if an option is nil.
func StreamClientInterceptor(p *retry.Policy, opts ...Option) grpc.StreamClientInterceptor {
	c := newConfig(p, opts)
	return func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string,
		streamer grpc.Streamer, callOpts ...grpc.CallOption) (grpc.ClientStream, error) {
		s := &clientStream{desc: desc, cc: cc, method: method, streamer: streamer, opts: callOpts}
		s.ctx = s.rpc.start(c, ctx, method, callOpts)
		if s.overrides { // a copy only then: the caller's slice is not ours to change
			s.opts = appendPassed(make([]grpc.CallOption, 0, len(callOpts)-1), callOpts)
		}
		return s.begin()
	}
}

// clientStream is a stream that the interceptor may retry, until its commit
// point, and whose end it watches, to end the call then. The call is one call
// of the engine's loop form, driven by iter.Pull: the interceptor asks for the
// first attempt, and the caller's first operations on the stream decide whether
// it is committed, or fails and is made again, which resumes the loop. The
// committed attempt stays in progress until the stream ends (stream_end.go).
type clientStream struct {
	rpc
	ctx             context.Context
	desc            *grpc.StreamDesc
	cc              *grpc.ClientConn
	method          string
	streamer        grpc.Streamer
	opts            []grpc.CallOption // the caller's, passed on (see appendPassed)
	serverStreaming bool              // the client sends one message: it is kept, and sent again

	// done is set when the retry window has closed: at the commit point, or when
	// the call ended without a stream to use (final is then its error). After it,
	// the caller's operations go straight to cur.
	done  atomic.Bool
	cur   atomic.Pointer[attempt] // the current attempt; set before the stream is returned
	final error                   // written once, before done is set
	// refusal is the error RecvMsg returns in place of the committed attempt's
	// failure when the interceptor refused to retry it for safety; under mu.
	refusal *retry.NotRetriedError

	// The call, under mu.
	mu        sync.Mutex
	loop      *retry.Loop
	next      func() (*retry.Try, bool)
	stop      func()
	try       *retry.Try // the attempt in progress; nil once the call has ended
	unwatch   func() bool
	req       any // the request of a server-streaming RPC, sent again on each attempt
	hasReq    bool
	closeSent bool
}

// RecvMsg receives a message. Before the commit point, it first waits for the
// current attempt's header: an attempt that ends without one is retried, as the
// Policy says, and the header commits the stream. The error that ends the
// stream, io.EOF included, ends the call.
func (s *clientStream) RecvMsg(m any) error {
	if !s.done.Load() {
		s.await()
	}
	if s.final != nil {
		return s.final
	}
	a := s.cur.Load()
	err := a.RecvMsg(m)
	switch {
	case err != nil:
		a.release()
		if e := s.ended(a, err); e != nil && err != io.EOF {
			return e
		}
	case !s.desc.ServerStreams:
		s.ended(a, nil) // the one message of the server: the caller has its answer
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

// SendMsg sends a message. The request of a server-streaming RPC is kept, to be
// sent again on a retry; the first message of another stream is its commit point,
// unless the server ended the stream before it left: the stream is then made
// again, as the Policy says, and the message sent on the new one. An error of
// the client's own (not io.EOF) ends the call.
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
	err := s.cur.Load().SendMsg(m)
	if err != nil && err != io.EOF {
		s.sendFailed(err)
	}
	return err
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

// Trailer returns the trailer of the current attempt, once it has ended.
func (s *clientStream) Trailer() metadata.MD { return s.cur.Load().Trailer() }

// Context returns the context of the current attempt's stream.
func (s *clientStream) Context() context.Context { return s.cur.Load().Context() }

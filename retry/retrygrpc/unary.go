package retrygrpc

import (
	"context"
	"strconv"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"

	"github.com/tenacious-go/tenacious/retry"
)

// UnaryClientInterceptor returns a client interceptor that retries unary RPCs
// as p says (nil is the zero Policy), with the gRPC defaults for p's nil fields
// and the rules of the package documentation: only methods that are safe to
// repeat, only the failures of the default table (or of p.Retry), at the
// server's pace when it sends a hint. Install it with
// grpc.WithChainUnaryInterceptor, and turn off gRPC's own retries:
//
//	conn, err := grpc.NewClient(target,
//		grpc.WithTransportCredentials(creds),
//		grpc.WithChainUnaryInterceptor(retrygrpc.UnaryClientInterceptor(&svc)),
//		grpc.WithChainStreamInterceptor(retrygrpc.StreamClientInterceptor(&svc)),
//		grpc.WithDisableRetry(),
//	)
//
// Each RPC is one call of the Policy: its hooks see Attempt.Name set to the
// full method name (unless p.Name is set), retry.WithStats in the call's
// context reports it, and its Budget hears of each attempt. Each attempt after
// the first carries the grpc-previous-rpc-attempts metadata, and is bounded by
// p.AttemptTimeout if set, which the server sees as the attempt's deadline.
// An attempt whose server sent a response header before it failed (not a
// trailers-only response) is committed, as gRFC A6 says and grpc-go does: it
// is not made again, whatever its status, and its error comes back as gRPC
// returned it.
//
// The call returns nil, the error of an attempt that is not retried as gRPC
// returned it, or, when it gives up on one that was, a *retry.Error that wraps
// the last attempt's *StatusError: status.Code and status.FromError read the
// last attempt's code through it, unless the end of the caller's time ended the
// call (see the package documentation).
//
// The interceptor reads p's fields at each call, so they must not change while
// calls use it. It is safe for concurrent use, starts no goroutine, and on the
// success path allocates only the copies gRPC makes of the trailer it captures,
// and of the header, which it captures for a call that may be made again.
// The state of a call, the slice of call options it passes on included, is
// recycled when the call returns: an interceptor placed after it must not keep
// that slice. It panics if an option is nil.
func UnaryClientInterceptor(p *retry.Policy, opts ...Option) grpc.UnaryClientInterceptor {
	c := newConfig(p, opts)
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
		invoker grpc.UnaryInvoker, callOpts ...grpc.CallOption) error {
		u := unaryCalls.Get().(*unaryCall)
		u.start(c, ctx, method, req, reply, cc, invoker, callOpts)
		err := u.policy.Run(ctx, u.op)
		u.clear()
		unaryCalls.Put(u)
		return returned(err)
	}
}

// unaryCall is the state of one unary RPC, recycled through a pool: see rpc.
type unaryCall struct {
	rpc
	method  string
	req     any
	reply   any
	cc      *grpc.ClientConn
	invoker grpc.UnaryInvoker
	opts    []grpc.CallOption // the caller's, then trailerOpt, and headerOpt if idempotent
	n       int               // attempts made
	trailer metadata.MD       // the last attempt's trailer
	header  metadata.MD       // the last attempt's header; nil if none came

	// Made once, when the pool makes the unaryCall.
	op                    func(context.Context) error
	trailerOpt, headerOpt grpc.CallOption
}

var unaryCalls = sync.Pool{New: func() any {
	u := new(unaryCall)
	u.rpc.init()
	u.op = u.attempt
	u.trailerOpt = grpc.Trailer(&u.trailer)
	u.headerOpt = grpc.Header(&u.header)
	return u
}}

func (u *unaryCall) start(c *config, ctx context.Context, method string, req, reply any,
	cc *grpc.ClientConn, invoker grpc.UnaryInvoker, callOpts []grpc.CallOption) {
	u.rpc.start(c, method, c.idempotent(ctx, method, callOpts))
	u.method, u.req, u.reply, u.cc, u.invoker = method, req, reply, cc, invoker
	u.opts = append(append(u.opts[:0], callOpts...), u.trailerOpt)
	if u.idempotent {
		u.opts = append(u.opts, u.headerOpt) // to find the commit point
	}
}

// clear drops every reference u holds to the call, before it goes back to the
// pool.
func (u *unaryCall) clear() {
	clear(u.opts) // the caller's options, not to be kept alive by the pool
	u.rpc.clear()
	u.method, u.req, u.reply, u.cc, u.invoker = "", nil, nil, nil, nil
	u.opts, u.n, u.trailer, u.header = u.opts[:0], 0, nil, nil
}

// attempt makes one attempt of the RPC: the operation of the call's Policy.
//
// An attempt that failed after the server sent a response header, or a message
// (which comes after one), is committed, as gRFC A6 says and grpc-go does: it is
// not made again, whatever its status, since the server has begun to answer.
// gRPC gives the attempt's header to grpc.Header only when one came: a
// trailers-only response, or a stream that ended before any response, has none.
func (u *unaryCall) attempt(ctx context.Context) error {
	u.n++
	u.failed, u.committed, u.trailer, u.header = 0, false, nil, nil
	if u.n > 1 {
		ctx = metadata.AppendToOutgoingContext(ctx, PreviousAttemptsKey, strconv.Itoa(u.n-1))
	}
	if u.timeout <= 0 {
		if err := u.invoker(ctx, u.method, u.req, u.reply, u.cc, u.opts...); err != nil {
			settle(ctx)
			u.committed = u.header != nil
			return newStatusError(err, u.trailer)
		}
		return nil
	}
	actx, cancel := context.WithTimeout(ctx, u.timeout)
	defer cancel()
	err := u.invoker(actx, u.method, u.req, u.reply, u.cc, u.opts...)
	if err == nil {
		return nil
	}
	settle(ctx)
	u.committed = u.header != nil
	se := newStatusError(err, u.trailer)
	// Past its deadline, an attempt ends with DEADLINE_EXCEEDED, or with the
	// CANCELLED of a server that reset the stream at the deadline it was sent
	// and answered its handler's canceled context.
	if c := se.Code(); (c == codes.DeadlineExceeded || c == codes.Canceled) && ownTimeout(ctx, actx) {
		return &attemptTimeoutError{err: se, timeout: u.timeout}
	}
	return se
}

// ownTimeout reports whether the deadline of actx, an attempt's context derived
// from ctx, the caller's, has passed while ctx lives, and is the attempt's own.
// It reads the clock rather than actx.Err: gRPC may report the end of the
// deadline (a server's RST_STREAM, read as DEADLINE_EXCEEDED once the deadline
// has passed) before the context's timer has fired.
func ownTimeout(ctx, actx context.Context) bool {
	if ctx.Err() != nil {
		return false
	}
	dl, ok := actx.Deadline()
	if !ok || time.Now().Before(dl) {
		return false
	}
	cdl, ok := ctx.Deadline()
	return !ok || cdl.After(dl)
}

// settle waits, after a failed attempt, for the end of the caller's context if
// its deadline has passed but its timer has not fired yet: gRPC may report the
// deadline first (a server resets the stream at the deadline it was sent), and
// the engine, which reads ctx.Err, must see that the caller's time ran out, and
// not retry a DEADLINE_EXCEEDED that is the caller's own.
func settle(ctx context.Context) {
	if dl, ok := ctx.Deadline(); ok && ctx.Err() == nil && !time.Now().Before(dl) {
		<-ctx.Done() // due now
	}
}

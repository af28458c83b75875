package retrygrpc

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/tenacious-go/tenacious/retry"
)

// UnaryClientInterceptor returns a client interceptor that retries unary RPCs
// as p says (nil is the zero Policy), with the engine's defaults for p's nil
// fields but Retry, whose default is the gRPC table, and the rules of the
// package documentation: only methods that are safe to repeat, only the
// failures of the default table (or of p.Retry), at the server's pace when it
// sends a hint, and at one layer. Install it with
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
// is not made again, whatever its status (see the package documentation for
// the error it returns). The call options [NoRetry], [UsePolicy] and
// [IgnoreLayers], or the same overrides in the call's context, change one
// call, this interceptor's: it does not pass them on to the invoker.
//
// With a Hedger in p, a call that is safe to repeat and whose reply is a
// proto.Message (generated code's are) hedges, as retry.Retrier.Hedge does
// (see retry.Hedger): while its attempts are slow to answer, it starts
// another, as far as the Hedger, p.Stop and p.Budget allow (a hedge is paid as
// retry.ClassExtra), and the first attempt that decides the call wins; the
// others are canceled and awaited before the call returns. Each attempt after
// the first decodes into a reply of its own, which is copied into reply
// (proto.Reset, then proto.Merge) if it wins, and captures its own header,
// trailer and peer, which the caller's grpc.Header, grpc.Trailer and grpc.Peer
// options receive if it decides the call; other call options are shared, so a
// grpc.OnFinish callback runs for each attempt, concurrently. A committed
// attempt that failed ends the call as above, and cancels the others; as the
// interceptor learns of the header only when an attempt ends, a hedge may
// start while an attempt whose header has come still runs. Every other call
// runs one attempt at a time, whatever the Hedger.
//
// The call returns nil; the error of an attempt that is not retried as gRPC
// returned it; a *retry.NotRetriedError that wraps it when the Policy's Retry
// wanted a retry that the rules of safety refused; or, when it gives up on one
// that was retried, a *retry.Error that wraps the last attempt's *StatusError:
// status.Code and status.FromError read the last attempt's code through both,
// unless the end of the caller's time ended the call, or the Policy's Gate
// refused its first attempt, which reads as UNAVAILABLE (see the package
// documentation).
//
// The interceptor reads p's fields at each call, so they must not change while
// calls use it. It is safe for concurrent use, starts no goroutine unless it
// hedges, and on the success path allocates only the retry engine's mark of
// the call (one allocation; see Cost in the package documentation) and the
// copies gRPC makes of the trailer it captures, and of the header, which it
// captures for a call that may be made again; a hedged call adds the engine's
// few allocations even when it sends no hedge. The state of a call, the slice
// of call options it passes on included, is recycled when the call returns: an
// interceptor placed after it must not keep that slice. It panics if an option
// is nil.
func UnaryClientInterceptor(p *retry.Policy, opts ...Option) grpc.UnaryClientInterceptor {
	c := newConfig(p, opts)
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
		invoker grpc.UnaryInvoker, callOpts ...grpc.CallOption) error {
		u := unaryCalls.Get().(*unaryCall)
		ctx = u.start(c, ctx, method, req, reply, cc, invoker, callOpts)
		var err error
		if u.hedged != nil {
			err = u.hedge(ctx)
		} else {
			err = u.policy.Run(ctx, u.op)
		}
		err = u.end(err)
		u.clear()
		unaryCalls.Put(u)
		return err
	}
}

// unaryCall is the state of one unary RPC, recycled through a pool: see rpc.
//
// A hedged call runs its attempts concurrently, on the engine's goroutines,
// while the engine calls the Retry predicate, the hooks and the Budget on the
// caller's goroutine only. So an attempt touches nothing of u but what is fixed
// before the call (method, req, cc, invoker, opts, replyType, timeout), the
// counter sent, and what it captures: the first attempt sent decodes into
// reply and captures into trailer and header, as the attempts of a call that
// does not hedge do; each other has a laterAttempt of its own. What an attempt
// found out travels with its result: its commit point in its *StatusError, the
// rest in its laterAttempt.
type unaryCall struct {
	rpc
	method  string
	req     any
	reply   any
	cc      *grpc.ClientConn
	invoker grpc.UnaryInvoker
	opts    []grpc.CallOption // the caller's passed on (see appendPassed), then trailerOpt, and headerOpt if idempotent
	trailer metadata.MD       // the last attempt's trailer (the first's, if hedged)
	header  metadata.MD       // its header; nil if none came

	// n counts the attempts of a call that does not hedge; sent, those of a
	// hedged call, hedges included, which its attempts count concurrently (an
	// atomic n would cost every call some 10ns).
	n    int
	sent atomic.Int32

	// hedged is reply, if the call hedges; replyType makes the replies of its
	// other attempts. hedging runs it, with the call's Policy.
	hedged    proto.Message
	replyType protoreflect.MessageType
	hedging   retry.Retrier[*laterAttempt]

	// Made once, when the pool makes the unaryCall.
	op                    func(context.Context) error
	hedgeOp               func(context.Context) (*laterAttempt, error)
	trailerOpt, headerOpt grpc.CallOption
}

var unaryCalls = sync.Pool{New: func() any {
	u := new(unaryCall)
	u.op, u.hedgeOp = u.attempt, u.hedgedAttempt
	u.trailerOpt = grpc.Trailer(&u.trailer)
	u.headerOpt = grpc.Header(&u.header)
	return u
}}

// start prepares u for a call, and returns the context with which the engine
// must run it (see rpc.start).
func (u *unaryCall) start(c *config, ctx context.Context, method string, req, reply any,
	cc *grpc.ClientConn, invoker grpc.UnaryInvoker, callOpts []grpc.CallOption) context.Context {
	ctx = u.rpc.start(c, ctx, method, callOpts)
	u.method, u.req, u.reply, u.cc, u.invoker = method, req, reply, cc, invoker
	if u.overrides {
		u.opts = appendPassed(u.opts[:0], callOpts)
	} else {
		u.opts = append(u.opts[:0], callOpts...)
	}
	u.opts = append(u.opts, u.trailerOpt)
	if u.idempotent {
		u.opts = append(u.opts, u.headerOpt) // to find the commit point
		// Inside an attempt of a hedged call, the engine makes one attempt,
		// the hedged call above doing the retrying: nothing to hedge.
		if u.policy.Hedger != nil && !u.noRetry && !u.up.InFlight() {
			u.hedgeable(reply)
		}
	}
	return ctx
}

// hedgeable makes the call hedge if reply is a proto.Message, not a nil pointer.
func (u *unaryCall) hedgeable(reply any) {
	if m, ok := reply.(proto.Message); ok {
		if r := m.ProtoReflect(); r.IsValid() {
			u.hedged, u.replyType = m, r.Type()
		}
	}
}

// clear drops every reference u holds to the call, before it goes back to the
// pool.
func (u *unaryCall) clear() {
	clear(u.opts) // the caller's options, not to be kept alive by the pool
	u.rpc.clear()
	u.method, u.req, u.reply, u.cc, u.invoker = "", nil, nil, nil, nil
	u.opts, u.n, u.trailer, u.header = u.opts[:0], 0, nil, nil
	if u.hedged != nil {
		u.sent.Store(0)
		u.hedged, u.replyType, u.hedging = nil, nil, retry.Retrier[*laterAttempt]{}
	}
}

// attempt makes one attempt of a call that does not hedge: the operation of the
// call's Policy.
func (u *unaryCall) attempt(ctx context.Context) error {
	u.n++
	u.trailer, u.header = nil, nil
	return u.invoke(ctx, u.n, u.reply, u.opts, &u.header, &u.trailer)
}

// invoke makes attempt n of the RPC, with opts, which capture its header and
// trailer into header and trailer, and decodes its reply into reply.
//
// An attempt that failed after the server sent a response header, or a message
// (which comes after one), is committed, as gRFC A6 says and grpc-go does: it is
// not made again, whatever its status, since the server has begun to answer.
// gRPC gives the attempt's header to grpc.Header only when one came: a
// trailers-only response, or a stream that ended before any response, has none.
func (u *unaryCall) invoke(ctx context.Context, n int, reply any, opts []grpc.CallOption, header, trailer *metadata.MD) error {
	if n > 1 {
		ctx = metadata.AppendToOutgoingContext(ctx, PreviousAttemptsKey, strconv.Itoa(n-1))
	}
	if u.timeout <= 0 {
		if err := u.invoker(ctx, u.method, u.req, reply, u.cc, opts...); err != nil {
			settle(ctx)
			return failure(err, *header, *trailer)
		}
		return nil
	}
	actx, cancel := context.WithTimeout(ctx, u.timeout)
	defer cancel()
	err := u.invoker(actx, u.method, u.req, reply, u.cc, opts...)
	if err == nil {
		return nil
	}
	settle(ctx)
	se := failure(err, *header, *trailer)
	// Past its deadline, an attempt ends with DEADLINE_EXCEEDED, or with the
	// CANCELLED of a server that reset the stream at the deadline it was sent
	// and answered its handler's canceled context.
	if c := se.Code(); (c == codes.DeadlineExceeded || c == codes.Canceled) && ownTimeout(ctx, actx) {
		return &attemptTimeoutError{err: se, timeout: u.timeout}
	}
	return se
}

// failure is the *StatusError of a unary attempt that failed with err, after
// its header, if any came, and with its trailer.
func failure(err error, header, trailer metadata.MD) *StatusError {
	se := newStatusError(err, trailer)
	se.committed = header != nil
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

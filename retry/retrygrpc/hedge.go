package retrygrpc

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/protobuf/proto"

	"github.com/tenacious-go/tenacious/retry"
)

// laterAttempt is an attempt of a hedged unary call after the first, a hedge or
// a retry: what it decodes and captures for itself, as it may run concurrently
// with others, and what the call hands to the caller if it decides the call
// (see deliver).
type laterAttempt struct {
	reply           proto.Message
	header, trailer metadata.MD
	peer            peer.Peer
	opts            []grpc.CallOption
}

// hedge runs a hedged call on the engine, and gives the caller what the attempt
// that decided it received.
func (u *unaryCall) hedge(ctx context.Context) error {
	u.hedging.Policy = &u.policy
	h, err := u.hedging.Hedge(ctx, u.hedgeOp)
	if h != nil {
		u.deliver(h, err == nil)
	}
	if ge, ok := err.(*retry.Error); ok {
		ge.Result = nil // the interceptor's, not the caller's: as in a call that does not hedge
	}
	return err
}

// hedgedAttempt is the operation of a hedged call, which the engine runs
// concurrently with the call's other attempts, with a context of the attempt's
// own that it cancels when the attempt loses, or the call is decided (a unary
// reply is decoded by the time the invoker returns, so the winner's own context
// may end after it: unlike retryhttp's bodies, nothing outlives the attempt to
// need a context of its own). The first attempt sent decodes
// into the caller's reply, and gRPC fills the caller's options, as in a call
// that does not hedge: it returns a nil *laterAttempt. Every other one runs with
// a laterAttempt of its own, which it returns, failed or not, so that the call
// knows what to deliver.
func (u *unaryCall) hedgedAttempt(ctx context.Context) (*laterAttempt, error) {
	n := int(u.sent.Add(1))
	if n == 1 {
		return nil, u.invoke(ctx, n, u.reply, u.opts, &u.header, &u.trailer)
	}
	h := u.newLaterAttempt()
	return h, u.invoke(ctx, n, h.reply, h.opts, &h.header, &h.trailer)
}

// newLaterAttempt prepares an attempt after the first: a new reply, and the
// caller's options, but for those that would write to the caller's variables
// while another attempt may: grpc.Header and grpc.Trailer, whose values its own
// capture holds, and grpc.Peer, which it captures for itself.
func (u *unaryCall) newLaterAttempt() *laterAttempt {
	callerOpts := u.opts[:len(u.opts)-2] // without trailerOpt and headerOpt
	h := &laterAttempt{reply: u.replyType.New().Interface()}
	h.opts = make([]grpc.CallOption, 0, len(callerOpts)+2)
	for _, o := range callerOpts {
		switch o.(type) {
		case grpc.HeaderCallOption, grpc.TrailerCallOption:
			continue
		case grpc.PeerCallOption:
			o = grpc.Peer(&h.peer)
		}
		h.opts = append(h.opts, o)
	}
	h.opts = append(h.opts, grpc.Trailer(&h.trailer), grpc.Header(&h.header))
	return h
}

// deliver gives the caller what h, the attempt after the first that decided the
// call, received: its reply, if it succeeded, into the caller's (reset first, as
// the first attempt may have written to it), and its header, trailer and peer
// to the caller's options that ask for them. Every attempt has returned.
func (u *unaryCall) deliver(h *laterAttempt, ok bool) {
	if ok {
		proto.Reset(u.hedged)
		proto.Merge(u.hedged, h.reply)
	}
	for _, o := range u.opts[:len(u.opts)-2] {
		switch o := o.(type) {
		case grpc.HeaderCallOption:
			*o.HeaderAddr = h.header
		case grpc.TrailerCallOption:
			*o.TrailerAddr = h.trailer
		case grpc.PeerCallOption:
			if h.peer.Addr != nil {
				*o.PeerAddr = h.peer
			}
		}
	}
}

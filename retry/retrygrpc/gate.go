package retrygrpc

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tenacious-go/tenacious/retry"
)

// gateError is the error of a call whose first attempt the Policy's Gate
// refused (retry.ReasonGate, no attempt made): nothing was sent, and it reads
// as UNAVAILABLE to status.Code and status.FromError, with a message that says
// so and gives the Gate's error. It unwraps to the *retry.Error, through which
// errors.Is and errors.As find the Gate's error (retry.Error.Refusal).
//
// Why UNAVAILABLE, and not RESOURCE_EXHAUSTED, which a throttle might seem to
// call for:
//
//   - UNAVAILABLE is what grpc-go returns itself for an RPC that it could not
//     send: a fail-fast RPC that its picker cannot place on a connection ends
//     with codes.Unavailable (grpc-go's picker_wrapper.go). grpc-go's codes.go
//     and gRPC's table of status codes (grpc/grpc, doc/statuscodes.md) say it
//     means that the service is currently unavailable, most likely a transient
//     condition to be corrected by retrying with a backoff. Nothing left the
//     client, so a later call is safe, whatever the method.
//   - RESOURCE_EXHAUSTED says that some resource has been exhausted, "perhaps a
//     per-user quota" (codes.go), and gRPC's libraries make it on the client
//     only when a response does not fit in memory or a message exceeds its
//     limit (statuscodes.md): a caller reads it as "you used up your quota",
//     not as "the service sheds load, come back later".
//   - gRFC A6 (client retries) retries only the codes a service config lists
//     in retryableStatusCodes, "only status codes that indicate the service did
//     not process the request", and its example, as grpc-go's retry example,
//     lists UNAVAILABLE alone; this package's table, Transient, retries
//     RESOURCE_EXHAUSTED only with a server's hint. The layers above, in other
//     processes, would thus retry an UNAVAILABLE later, as they should, and not
//     a RESOURCE_EXHAUSTED. (A layer above in this process is told that this
//     call decided, and does not retry it: see Layers in the package
//     documentation.)
//
// A Gate that refuses a retry after attempts ran is answered as a Budget that
// refuses one is, and as grpc-go answers its own retry throttling (its
// shouldRetry returns the last attempt's error when the throttler says no;
// gRFC A6: retries are then "canceled and the failure returned to the client
// application"): the call returns the *retry.Error, which reads as the last
// attempt's status, and returned leaves it alone.
type gateError struct {
	err    *retry.Error
	method string
}

// Error says that the client's Gate refused the call, which was not sent, and
// gives the Gate's error.
func (e *gateError) Error() string {
	msg := "retry: " + e.method + " not sent: refused by the client's gate"
	if e.err.Refusal != nil {
		msg += ": " + e.err.Refusal.Error()
	}
	return msg
}

// Unwrap returns the *retry.Error.
func (e *gateError) Unwrap() error { return e.err }

// GRPCStatus returns a status of code UNAVAILABLE with the error's message.
func (e *gateError) GRPCStatus() *status.Status { return status.New(codes.Unavailable, e.Error()) }

// gateRule is an rpc as the Gate of its Policy, in front of the Policy's own
// (rpc.gate): it passes every question on, and tells the Gate of each attempt
// what the Budget hears of it (see rpc.heard): a failure worth retrying that
// the interceptor refused to retry for safety (a method that is not
// idempotent, a call past its commit point, a server's pushback that says no)
// is still a sign of a failing service, not an answer, to an adaptive
// throttle as to a Budget.
type gateRule rpc

// Admit asks the Policy's Gate, and wraps what it wants to hear of the
// attempt, if anything.
func (g *gateRule) Admit(ctx context.Context, c retry.Class) (func(retry.Class), error) {
	r := (*rpc)(g)
	r.failed = 0 // nothing of an earlier attempt carries over to this one
	done, err := r.gate.Admit(ctx, c)
	if err != nil || done == nil {
		return done, err
	}
	// The engine tells the Gate of an attempt before the Budget, whose
	// Attempted clears the class noted; without a Budget, the next Admit does.
	return func(result retry.Class) { done(r.heard(result)) }, nil
}

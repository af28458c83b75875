package retry

import "context"

// A Gate admits or refuses each attempt before it starts, for every call that
// shares it: an adaptive throttle (package gate), a circuit breaker, a cooldown
// after a server asked to wait. Where a Budget caps retries, a Gate may also
// refuse a first attempt, so that a client stops adding load to a service it has
// seen overloaded and sends again as the service recovers. Share one per service,
// like a Budget; it must be safe for concurrent use.
//
// The engine asks Admit before every attempt of every call of the Policy: a first
// attempt, a retry (before its pause, once Stop, the deadline and the Budget have
// agreed to it) and a hedge (after the Budget). A refused first attempt or retry
// ends the call with ReasonGate and an *Error whose Refusal is the Gate's error
// (and, for a retry, whose Last, Result and Delay are as for a Budget's refusal:
// the last attempt's, and the pause not taken, which the call waits out first
// if a server's hint set it);
// Before and After do not run for an attempt that never ran, Attempt.Number and
// Stats count only the attempts that ran, and OnEnd runs as for any end. A
// refused hedge is not sent, and the call waits for the attempts in flight. A
// call inside an attempt whose Gate refused decides for the layers above, as a
// Budget's refusal does (see ReasonLayerBelow).
type Gate interface {
	// Admit is asked before an attempt of class c: zero for a call's first
	// attempt, ClassTransient or ClassThrottled for a retry after a failure of
	// that class, ClassExtra for a hedge. ctx is the call's context. To admit
	// the attempt, Admit returns a nil error and, if it wants to hear how the
	// attempt ends, a function the engine calls exactly once with the attempt's
	// outcome: ClassSuccess or ClassAnswered (the service accepted the request),
	// ClassTransient or ClassThrottled (a failure worth retrying or the service
	// asking to slow down: an overload signal), or zero when the caller's
	// context ended it or the call canceled it (a hedge that lost), which tells
	// nothing of the service. To refuse the attempt, Admit returns an error,
	// which callers can match with errors.Is and errors.As through the *Error.
	Admit(ctx context.Context, c Class) (done func(result Class), err error)
}

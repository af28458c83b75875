package retrygrpc

import (
	"time"

	"google.golang.org/grpc/codes"

	"github.com/tenacious-go/tenacious/retry"
)

// rpc is what one call shares with the retry engine: the Policy the engine runs,
// made from the interceptor's, and what the interceptor knows of the attempts.
//
// The engine passes its state to user functions (the strategies and hooks), so
// the method values the Policy holds escape to the heap: made per call, they would
// cost an allocation each. A unary call's rpc is therefore recycled through a
// pool, with its method values made once.
type rpc struct {
	// policy is the interceptor's Policy with the interceptor's defaults in its nil
	// fields, its own Retry (and Throttled, if nil) and Budget in front of the
	// Policy's, and no AttemptTimeout, which the interceptor applies itself.
	policy     retry.Policy
	retryUser  retry.Predicate // the Policy's Retry
	budget     retry.Budget    // the Policy's Budget
	timeout    time.Duration   // the Policy's AttemptTimeout
	aborted    bool            // RetryAborted
	idempotent bool            // the call may be repeated
	// committed: a stream's attempt is past its commit point (a response header
	// came, or a message, or its first message left), so that its failure
	// cannot be made again. A unary attempt's commit point travels in its
	// *StatusError, as its attempts may run concurrently.
	committed bool
	// failed: the class of the last attempt's failure if it was worth retrying,
	// whether or not it could be retried (what the budget hears), until the
	// budget has heard it; 0 otherwise.
	failed retry.Class

	// Made once, when the rpc is made.
	retryFn, throttledFn retry.Predicate
}

func (r *rpc) init() { r.retryFn, r.throttledFn = r.retry, r.throttled }

// start prepares r for a call of method with c's Policy.
func (r *rpc) start(c *config, method string, idempotent bool) {
	if c.policy != nil {
		r.policy = *c.policy
	}
	p := &r.policy
	r.retryUser, r.budget, r.timeout = p.Retry, p.Budget, p.AttemptTimeout
	r.aborted, r.idempotent = c.aborted, idempotent
	if p.Name == "" {
		p.Name = method // gRPC's own string: naming the call costs nothing
	}
	if p.Stop == nil {
		p.Stop = defaultStop
	}
	if p.Wait == nil {
		p.Wait = defaultWait
	}
	p.Retry = r.retryFn
	if p.Throttled == nil {
		p.Throttled = r.throttledFn
	}
	if r.budget != nil {
		p.Budget = r
	}
	p.AttemptTimeout = 0
}

// clear drops every reference r holds to the call.
func (r *rpc) clear() {
	*r = rpc{retryFn: r.retryFn, throttledFn: r.throttledFn}
}

// retry is the call's Retry predicate: whether the failure is worth another
// attempt (an attempt timeout always is; then the Policy's Retry, or the default
// table), then the interceptor's rules: the method must be safe to repeat, the
// attempt must not be past its commit point, and the server must not have said
// no in its pushback. It notes the class of a failure worth retrying for the budget,
// which must hear of a failing service even when the call cannot be repeated.
// The engine calls it on the caller's goroutine, hedged or not.
func (r *rpc) retry(a retry.Attempt) bool {
	r.failed = 0
	worth := r.worth(a)
	if worth {
		r.failed = retry.ClassTransient
		if r.policy.Throttled(a) {
			r.failed = retry.ClassThrottled
		}
	}
	if !worth || !r.idempotent || r.committed {
		return false
	}
	se := statusErrorOf(a.Err)
	return se == nil || !se.noRetry && !se.committed
}

func (r *rpc) worth(a retry.Attempt) bool {
	if _, ok := a.Err.(*attemptTimeoutError); ok {
		return true
	}
	if r.retryUser != nil {
		return r.retryUser(a)
	}
	return table(a.Err, statusErrorOf(a.Err), r.aborted)
}

// throttled is the call's Throttled predicate when the Policy has none: a
// RESOURCE_EXHAUSTED, or any failure whose server sent a pushback or a
// RetryInfo.
func (r *rpc) throttled(a retry.Attempt) bool {
	if codeOf(a.Err) == codes.ResourceExhausted {
		return true
	}
	se := statusErrorOf(a.Err)
	return se != nil && (se.hinted || se.noRetry)
}

// Attempted and Allow make an rpc the Budget of its Policy, in front of the
// Policy's own: a failure counts as the service's when it was worth retrying,
// whether or not the call could be repeated (an UNAVAILABLE of a method that is
// not idempotent, or past its commit point, is still a sign of trouble). The
// engine's other classes pass unchanged: ClassSuccess for an attempt that ended
// with OK, ClassAnswered for a failure not worth retrying, zero when the
// caller's context ended it, or the call canceled it, a hedge that lost.
//
// The engine tells the Budget of each attempt right after it asked the Retry
// predicate about it, if it did, on the caller's goroutine even when attempts
// run concurrently: Attempted takes the class the predicate noted and clears
// it, so that it never carries over to another attempt, a loser's included.
func (r *rpc) Attempted(result, spent retry.Class) {
	if result == retry.ClassAnswered && r.failed != 0 {
		result = r.failed
	}
	r.failed = 0
	r.budget.Attempted(result, spent)
}

// Allow asks the Policy's Budget: for a retry, or for a hedge
// (retry.ClassExtra).
func (r *rpc) Allow(c retry.Class) bool { return r.budget.Allow(c) }

// returned is the error a call returns for the engine's outcome err: the error
// gRPC returned for a *StatusError that was not retried, a give-up that reads
// as CANCELLED or DEADLINE_EXCEEDED when the caller's time ended the call, else
// err itself.
func returned(err error) error {
	switch e := err.(type) {
	case *StatusError:
		return e.err
	case *retry.Error:
		if e.Reason == retry.ReasonContext || e.Reason == retry.ReasonDeadline {
			return newContextError(e)
		}
	}
	return err
}

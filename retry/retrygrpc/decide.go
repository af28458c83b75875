package retrygrpc

import (
	"context"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	"github.com/tenacious-go/tenacious/internal/layer"
	"github.com/tenacious-go/tenacious/retry"
)

// rpc is what one call shares with the retry engine: the Policy the engine runs,
// made from the interceptor's (or the one a call option or the context puts in
// its place), and what the interceptor knows of the attempts.
//
// The engine passes its state to user functions (the strategies and hooks), so
// the method values the Policy holds escape to the heap: made per call, they would
// cost an allocation each. A unary call's rpc is therefore recycled through a
// pool, with its method values made once.
type rpc struct {
	// policy is the call's Policy with the interceptor's own Retry (and
	// Throttled, if nil), OnEnd and Budget in front of the Policy's, and no
	// AttemptTimeout, which the interceptor applies itself. Its nil Stop and
	// Wait are the engine's defaults.
	policy     retry.Policy
	method     string          // the full method name
	up         layer.Mark      // the attempt of the layer above, if any
	retryUser  retry.Predicate // the Policy's Retry
	onEndUser  retry.Hook      // the Policy's OnEnd
	budget     retry.Budget    // the Policy's Budget
	timeout    time.Duration   // the Policy's AttemptTimeout
	aborted    bool            // RetryAborted
	idempotent bool            // the call may be repeated
	noRetry    bool            // NoRetry or retry.WithoutRetry: one attempt
	// overrides: the call options hold NoRetry, UsePolicy or IgnoreLayers,
	// which the call does not pass on to the invoker or streamer.
	overrides bool
	// committed: a stream's attempt is past its commit point (a response header
	// came, or a message, or its first message left), so that its failure
	// cannot be made again. A unary attempt's commit point travels in its
	// *StatusError, as its attempts may run concurrently.
	committed bool
	// failed: the class of the last attempt's failure if it was worth retrying,
	// whether or not it could be retried (what the budget hears), until the
	// budget has heard it; 0 otherwise.
	failed retry.Class
	// refused: why the interceptor refused the retry that the Policy's Retry
	// (or the table) wanted for the last failed attempt, for safety
	// (retry.ReasonNotIdempotent or retry.ReasonNotReplayable); 0 otherwise.
	// declined: the last failed attempt's server said not to retry, in its
	// pushback.
	refused  retry.Reason
	declined bool

	// Made once, when the rpc is made (onEndFn, when first needed).
	retryFn, throttledFn retry.Predicate
	onEndFn              retry.Hook
}

// init makes r's method values; onEndFn is made on first use, by start.
func (r *rpc) init() { r.retryFn, r.throttledFn = r.retry, r.throttled }

// start prepares r for a call of method under ctx, the caller's, with the
// call options callOpts, and returns the context with which the engine must
// run the call. The Policy is the UsePolicy call option's, else that of a
// retry.WithPolicy context, else c's: the interceptor applies it itself, with
// its gRPC rules around it, so the engine's context is ctx without the
// context's Policy; and with an IgnoreLayers call option, the engine's context
// carries retry.WithIgnoreLayers. A context made by retry.WithoutRetry or
// retry.WithIgnoreLayers is otherwise passed on as it is: the engine's Frame
// hides it from the calls inside the attempts. The call options NoRetry,
// UsePolicy and IgnoreLayers are not passed on either (r.overrides says
// whether the caller must filter them out: see appendPassed).
func (r *rpc) start(c *config, ctx context.Context, method string, callOpts []grpc.CallOption) context.Context {
	f := flagsOf(callOpts)
	up, o := layer.Lookup(ctx)
	p := c.policy
	switch {
	case f.hasPolicy:
		p = f.policy
	case o != nil && o.HasPolicy:
		p, _ = o.Policy.(*retry.Policy)
	}
	if p != nil {
		r.policy = *p
	}
	r.method, r.aborted, r.up = method, c.aborted, up.Mark()
	r.idempotent = c.idempotent(ctx, method, f.idempotent)
	r.noRetry = f.noRetry || o != nil && o.NoRetry
	r.overrides = f.overrides
	q := &r.policy
	r.retryUser, r.budget, r.timeout = q.Retry, q.Budget, q.AttemptTimeout
	if q.Name == "" {
		q.Name = method // gRPC's own string: naming the call costs nothing
	}
	q.Retry = r.retryFn
	if q.Throttled == nil {
		q.Throttled = r.throttledFn
	}
	if q.OnEnd != nil {
		if r.onEndFn == nil {
			r.onEndFn = r.onEnd
		}
		r.onEndUser, q.OnEnd = q.OnEnd, r.onEndFn
	}
	if r.budget != nil {
		q.Budget = r
	}
	q.AttemptTimeout = 0
	switch {
	case f.ignoreLayers && (o == nil || !o.IgnoreBelow):
		return layer.With(ctx, ignoreBelow)
	case o != nil && o.HasPolicy:
		return layer.WithoutPolicy(ctx, o)
	}
	return ctx
}

// ignoreBelow sets the override of the IgnoreLayers call option, without the
// Policy the interceptor applies itself.
func ignoreBelow(o *layer.Override) {
	o.IgnoreBelow = true
	o.Policy, o.HasPolicy = nil, false
}

// clear drops every reference r holds to the call.
func (r *rpc) clear() {
	*r = rpc{retryFn: r.retryFn, throttledFn: r.throttledFn, onEndFn: r.onEndFn}
}

// retry is the call's Retry predicate: whether the failure is worth another
// attempt (an attempt timeout always is; then the Policy's Retry, or the default
// table), then the interceptor's rules: the caller must not have asked for one
// attempt (NoRetry), the server must not have said no in its pushback, the
// method must be safe to repeat, and the attempt must not be past its commit
// point. A retry that the last two rules refuse is noted in refused, with its
// reason, and a pushback that says no in declined. It notes the class of a
// failure worth retrying for the budget, which must hear of a failing service
// even when the call cannot be repeated. The engine calls it on the caller's
// goroutine, hedged or not.
func (r *rpc) retry(a retry.Attempt) bool {
	r.failed, r.refused = 0, 0
	se := statusErrorOf(a.Err)
	r.declined = se != nil && se.noRetry
	if !r.worth(a) {
		return false
	}
	r.failed = retry.ClassTransient
	if r.policy.Throttled(a) {
		r.failed = retry.ClassThrottled
	}
	switch {
	case r.noRetry, r.declined:
	case !r.idempotent:
		r.refused = retry.ReasonNotIdempotent
	case r.committed || se != nil && se.committed:
		r.refused = retry.ReasonNotReplayable
	default:
		return true
	}
	return false
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

// onEnd is the call's OnEnd when the Policy has one: the Policy's, told the
// reason of a retry that the interceptor refused for safety in place of the
// engine's retry.ReasonNotRetried.
func (r *rpc) onEnd(a retry.Attempt) {
	if a.Reason == retry.ReasonNotRetried && r.refused != 0 {
		a.Reason = r.refused
	}
	r.onEndUser(a)
}

// end returns the error the call returns for the engine's outcome err (see
// returned). A retry refused for safety returns a *retry.NotRetriedError that
// says why; it, and a server's pushback that said not to retry, mark the
// attempt of the layer above that the call began in, if any (r.up), as
// decided, so that it does not make the call again.
func (r *rpc) end(err error) error {
	if err == nil {
		return nil
	}
	err = returned(err)
	if r.refused != 0 {
		r.up.Decide()
		if nr, ok := err.(*retry.NotRetriedError); ok && nr.Name == r.method {
			return err // an interceptor chained after this one said it already
		}
		return &retry.NotRetriedError{Name: r.method, Reason: r.refused, Err: err}
	}
	if r.declined {
		r.up.Decide()
	}
	return err
}

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

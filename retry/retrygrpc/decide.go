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
// The Policy's Retry, Throttled (when the interceptor supplies it) and OnEnd are
// the rpc itself, converted to retryRule, throttledRule and endHook, and so are
// its Budget and Gate, when it has them (see Attempted and gateRule): putting
// them in the Policy allocates nothing. The engine passes its state to user
// functions (the strategies and hooks), so the rpc they point to escapes to the
// heap: a unary call's is therefore recycled through a pool.
type rpc struct {
	// policy is the call's Policy with the interceptor's own Retry (and
	// Throttled, if nil), OnEnd, Budget and Gate in front of the Policy's, and no
	// AttemptTimeout, which the interceptor applies itself. Its nil Stop and
	// Wait are the engine's defaults.
	policy     retry.Policy
	method     string          // the full method name
	up         layer.Mark      // the attempt of the layer above, if any
	retryUser  retry.Predicate // the Policy's Retry
	onEndUser  retry.Hook      // the Policy's OnEnd
	budget     retry.Budget    // the Policy's Budget
	gate       retry.Gate      // the Policy's Gate
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
	// failed: the class of the last attempt's failure if it was worth retrying
	// and the interceptor refused to retry it (what the Budget and the Gate
	// hear), until they have heard it; 0 otherwise.
	failed retry.Class
	// refused: why the interceptor refused the retry that the Policy's Retry
	// (or the table) wanted for the last failed attempt, for safety
	// (retry.ReasonNotIdempotent or retry.ReasonNotReplayable); 0 otherwise.
	// declined: the last failed attempt's server said not to retry, in its
	// pushback.
	refused  retry.Reason
	declined bool
}

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
	q.Retry = (*retryRule)(r)
	if q.Throttled == nil {
		q.Throttled = (*throttledRule)(r)
	}
	if q.OnEnd != nil {
		r.onEndUser, q.OnEnd = q.OnEnd, (*endHook)(r)
	}
	if r.budget != nil {
		q.Budget = r
	}
	if q.Gate != nil {
		r.gate, q.Gate = q.Gate, (*gateRule)(r)
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
	*r = rpc{}
}

// retry is the call's Retry predicate: whether the failure is worth another
// attempt (an attempt timeout always is; then the Policy's Retry, or the default
// table), then the interceptor's rules: the caller must not have asked for one
// attempt (NoRetry), the server must not have said no in its pushback, the
// method must be safe to repeat, and the attempt must not be past its commit
// point. A retry that the last two rules refuse is noted in refused, with its
// reason, and a pushback that says no in declined. When the Policy has a
// Budget or a Gate, it notes the class of a failure worth retrying that it
// refuses, which they must hear of, as a sign of a failing service, even when
// the call cannot be repeated; the class of a failure it retries is the
// engine's, which asks the Policy's Throttled itself. The engine calls it on
// the caller's goroutine, hedged or not.
func (r *rpc) retry(a retry.Attempt) bool {
	r.failed, r.refused = 0, 0
	se := statusErrorOf(a.Err)
	r.declined = se != nil && se.noRetry
	if !r.worth(a) {
		return false
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
	if r.budget != nil || r.gate != nil {
		r.failed = retry.ClassTransient
		// As the engine, which asks Throttled for a Budget or a Gate.
		if r.policy.Throttled.Match(a) {
			r.failed = retry.ClassThrottled
		}
	}
	return false
}

func (r *rpc) worth(a retry.Attempt) bool {
	if _, ok := a.Err.(*attemptTimeoutError); ok {
		return true
	}
	if r.retryUser != nil {
		return r.retryUser.Match(a)
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
// A Gate, which the engine tells just before the Budget, has heard the same
// class by then (see gateRule).
func (r *rpc) Attempted(result, spent retry.Class) {
	result = r.heard(result)
	r.failed = 0
	r.budget.Attempted(result, spent)
}

// heard is the class the Budget and the Gate hear for an attempt of which the
// engine says result: the class the Retry predicate noted for a failure worth
// retrying that the interceptor refused to retry, which the engine counts as
// answered (retry.ClassAnswered), else result.
func (r *rpc) heard(result retry.Class) retry.Class {
	if result == retry.ClassAnswered && r.failed != 0 {
		return r.failed
	}
	return result
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
	r.onEndUser.Run(a)
}

// retryRule, throttledRule and endHook are an rpc as the Retry, the default
// Throttled and the OnEnd of its Policy (see retry, throttled and onEnd): a
// conversion of the pointer, so that the rpc puts them in the Policy without
// allocating. The interceptor's own rules read no time: retryRule and endHook
// read time if what they run of the Policy's own does, and throttledRule never
// does, so that a Policy of strategies that read no time keeps the engine from
// reading the clock.
type (
	retryRule     rpc
	throttledRule rpc
	endHook       rpc
)

// Match is the rpc's retry.
func (r *retryRule) Match(a retry.Attempt) bool { return (*rpc)(r).retry(a) }

// ReadsTime reports whether the Policy's Retry reads time, or its Throttled,
// which retry asks when the Policy has a Budget.
func (r *retryRule) ReadsTime() bool {
	return retry.ReadsTime(r.retryUser) || r.budget != nil && retry.ReadsTime(r.policy.Throttled)
}

// Match is the rpc's throttled.
func (r *throttledRule) Match(a retry.Attempt) bool { return (*rpc)(r).throttled(a) }

// ReadsTime reports false: throttled reads only Attempt.Err.
func (r *throttledRule) ReadsTime() bool { return false }

// Run is the rpc's onEnd.
func (h *endHook) Run(a retry.Attempt) { (*rpc)(h).onEnd(a) }

// ReadsTime reports whether the Policy's OnEnd reads time.
func (h *endHook) ReadsTime() bool { return retry.ReadsTime(h.onEndUser) }

// end returns the error the call returns for the engine's outcome err (see
// returned). A retry refused for safety returns a *retry.NotRetriedError that
// says why; it, and a server's pushback that said not to retry, mark the
// attempt of the layer above that the call began in, if any (r.up), as
// decided, so that it does not make the call again.
func (r *rpc) end(err error) error {
	if err == nil {
		return nil
	}
	err = returned(err, r.method)
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

// returned is the error a call of method returns for the engine's outcome err:
// the error gRPC returned for a *StatusError that was not retried, a give-up
// that reads as CANCELLED or DEADLINE_EXCEEDED when the caller's time ended the
// call, one that reads as UNAVAILABLE when the Gate refused the first attempt
// (see gateError), else err itself: a Gate's refusal of a retry, as a
// Budget's, reads as the last attempt's status.
func returned(err error, method string) error {
	switch e := err.(type) {
	case *StatusError:
		return e.err
	case *retry.Error:
		switch {
		case e.Reason == retry.ReasonContext || e.Reason == retry.ReasonDeadline:
			return newContextError(e)
		case e.Reason == retry.ReasonGate && e.Last == nil: // no attempt ran: no status to read
			return &gateError{err: e, method: method}
		}
	}
	return err
}

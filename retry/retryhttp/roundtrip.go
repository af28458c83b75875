package retryhttp

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/tenacious-go/tenacious/retry"
)

// RoundTrip sends req through Base, again and again while the attempt failed for
// a passing reason, sending again is safe, and the Transport's Policy and the
// request context allow it. It returns the last response with a nil error, even
// when its status is 503 after the last attempt, and returns an error only when no
// response can be given:
//
//   - a transport error that Policy.Retry (or the Transport's default) does not
//     retry comes back unchanged, and so does one a request made with
//     [WithoutRetry] is not sent again for;
//   - a transport error that it would retry but that the Transport does not send
//     again, as the request is not idempotent or its body cannot be replayed,
//     comes back in a *NotRetriedError that says so and wraps it;
//   - giving up on one that was retried returns a *retry.Error that unwraps to it;
//   - when the request context ends, during an attempt (which then fails with
//     Base's error), during a pause or before a retry, RoundTrip returns at once
//     a *retry.Error with Reason ReasonContext, which unwraps to the context's
//     error and to Base's;
//   - when a pause (such as a Retry-After) would outlast the context's deadline,
//     RoundTrip returns at once, without pausing, a *retry.Error with Reason
//     ReasonDeadline whose Delay is the refused pause.
//
// In the last two cases the error also unwraps to the last attempt's error: a
// *StatusError if it was a response, whose body RoundTrip has closed.
//
// req is never modified. The first attempt sends req itself (or, with a
// Policy.AttemptTimeout, a shallow copy with the attempt's context); each retry
// sends a clone with a fresh body from req.GetBody. Every response that is not
// returned is drained and closed before the pause, so its connection is reused:
// up to 64 KiB of its body, for at most 250ms, and no longer than the request
// context lives; a body that is longer or slower is closed unread.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	rt := roundTrips.Get().(*roundTrip)
	rt.start(t, req)
	resp, err := retry.Do(req.Context(), &rt.policy, rt.op)
	resp, err = rt.finish(resp, err)
	rt.clear()
	roundTrips.Put(rt)
	return resp, err
}

// roundTrip is the state of one RoundTrip: the Policy it runs, built from the
// Transport's, and what the attempts have seen so far.
//
// The engine passes its state to user functions (the strategies and hooks), so the
// method values the Policy holds escape to the heap: made per request, they would
// cost an allocation each. A roundTrip is therefore recycled through a pool, with
// its method values made once: a request that succeeds at once allocates nothing
// here.
type roundTrip struct {
	// policy is the Transport's Policy (or the request's, from WithPolicy) with
	// the Transport's defaults in its nil fields and the roundTrip's own Retry,
	// BeforeSleep and Budget in place of the Policy's, which they call: they are
	// kept in the fields that follow.
	policy    retry.Policy
	retryUser retry.Predicate
	sleepUser retry.Hook
	budget    retry.Budget
	timeout   time.Duration // the Policy's AttemptTimeout, which the roundTrip applies itself
	max500    int           // the Transport's Max500Retries, or its default

	// Made once per roundTrip, when the pool creates it.
	op          func(context.Context) (*http.Response, error)
	retryFn     retry.Predicate
	beforeSleep retry.Hook

	req        *http.Request
	base       http.RoundTripper
	idempotent bool
	replayable bool
	noRetry    bool // the request was made with WithoutRetry
	attempts   int  // attempts sent so far
	n500       int  // attempts answered with 500
	// failed: the class of the last attempt's failure if it was worth retrying,
	// whether or not it could be retried (what the budget hears); 0 otherwise.
	failed retry.Class
	// refused: why the Transport did not retry the last attempt, which was worth
	// retrying, for safety (a NotRetriedError reason); empty otherwise.
	refused string
	last    *http.Response // the last failed response, not yet discarded
}

var roundTrips = sync.Pool{New: func() any {
	rt := new(roundTrip)
	rt.op, rt.retryFn, rt.beforeSleep = rt.attempt, rt.retry, rt.sleep
	return rt
}}

// start prepares rt for a round trip of req through t: it copies t's Policy (or
// the one the request's context names with WithPolicy), fills its nil fields with
// the Transport's defaults, and puts its own Retry, BeforeSleep and Budget in
// front of the Policy's.
func (rt *roundTrip) start(t *Transport, req *http.Request) {
	rt.req, rt.base = req, t.base()
	rt.idempotent = t.AssumeIdempotent || idempotent(req)
	rt.replayable = replayable(req)
	rt.max500 = t.max500Retries()
	policy := t.Policy
	if o := requestOptions(req.Context()); o != nil {
		if o.hasPolicy {
			policy = o.policy
		}
		rt.noRetry = o.noRetry
	}
	if policy != nil {
		rt.policy = *policy
	}
	p := &rt.policy
	rt.retryUser, rt.sleepUser, rt.budget, rt.timeout = p.Retry, p.BeforeSleep, p.Budget, p.AttemptTimeout
	if p.Name == "" && (p.Before != nil || p.After != nil || p.BeforeSleep != nil || p.OnEnd != nil) {
		p.Name = method(req) + " " + req.URL.Host
	}
	if p.Stop == nil {
		p.Stop = defaultStop
	}
	if p.Wait == nil {
		p.Wait = defaultWait
	}
	p.Retry, p.BeforeSleep = rt.retryFn, rt.beforeSleep
	if rt.budget != nil {
		p.Budget = rt
	}
	p.AttemptTimeout = 0 // the attempt applies it, to the end of the body
}

// method returns req's method, "GET" for the empty string as http.Client reads
// it.
func method(req *http.Request) string {
	if req.Method == "" {
		return http.MethodGet
	}
	return req.Method
}

// clear drops every reference rt holds to the round trip, before it goes back to
// the pool.
func (rt *roundTrip) clear() {
	op, retryFn, beforeSleep := rt.op, rt.retryFn, rt.beforeSleep
	*rt = roundTrip{op: op, retryFn: retryFn, beforeSleep: beforeSleep}
}

// finish turns the Policy's outcome into RoundTrip's: a response in hand is
// returned with a nil error unless the context ended or its deadline refused the
// pause, in which case it is discarded and the error returned. A transport error
// that the Transport refused to retry for safety is wrapped in a
// *NotRetriedError.
func (rt *roundTrip) finish(resp *http.Response, err error) (*http.Response, error) {
	if err == nil {
		return resp, nil
	}
	ge, ok := err.(*retry.Error)
	if !ok || ge.Reason != retry.ReasonContext && ge.Reason != retry.ReasonDeadline {
		if rt.last != nil {
			return rt.last, nil
		}
		if !ok && rt.refused != "" {
			return nil, &NotRetriedError{Method: method(rt.req), Reason: rt.refused, Err: err}
		}
		return nil, err
	}
	discard(rt.req.Context(), rt.last)
	return nil, err
}

package retryhttp

import (
	"context"
	"net/http"
	"sync"

	"github.com/tenacious-go/tenacious/retry"
)

// RoundTrip sends req through Base, again and again while the attempt failed for
// a passing reason, sending again is safe, and the Transport's strategies and the
// request context allow it. It returns the last response with a nil error, even
// when its status is 503 after the last attempt, and returns an error only when no
// response can be given:
//
//   - a transport error that is not retried comes back unchanged;
//   - giving up on one that was retried returns a *retry.Error that unwraps to it;
//   - when the request context ends during a pause, or before a retry, RoundTrip
//     returns at once a *retry.Error with Reason ReasonCanceled, which unwraps
//     to the context's error (an attempt it cuts short returns Base's error,
//     unchanged);
//   - when a pause (such as a Retry-After) would outlast the context's deadline,
//     RoundTrip returns at once, without pausing, a *retry.Error with Reason
//     ReasonDeadline whose Delay is the refused pause.
//
// In the last two cases the error also unwraps to the last attempt's error: a
// *StatusError if it was a response, whose body RoundTrip has closed.
//
// req is never modified. The first attempt sends req itself (or, with an
// AttemptTimeout, a shallow copy with the attempt's context); each retry sends a
// clone with a fresh body from req.GetBody. Every response that is not returned is
// drained (up to 64 KiB) and closed before the pause, so its connection is reused.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	rt := roundTrips.Get().(*roundTrip)
	rt.start(t, req)
	resp, err := rt.r.Do(req.Context(), rt.op)
	resp, err = rt.finish(resp, err)
	rt.clear()
	roundTrips.Put(rt)
	return resp, err
}

// roundTrip is the state of one RoundTrip: the Retrier built from the
// Transport's fields and what the attempts have seen so far.
//
// The engine passes its state to user functions (the strategies and hooks), so the
// method values a Retrier holds escape to the heap: made per request, they would
// cost an allocation each. A roundTrip is therefore recycled through a pool, with
// its method values made once: a request that succeeds at once allocates nothing
// here.
type roundTrip struct {
	r retry.Retrier[*http.Response]

	// Made once per roundTrip, when the pool creates it.
	op          func(context.Context) (*http.Response, error)
	retryFn     retry.Predicate
	beforeSleep retry.Hook

	t          *Transport
	req        *http.Request
	base       http.RoundTripper
	idempotent bool
	replayable bool
	attempts   int // attempts sent so far
	n500       int // attempts answered with 500
	// serviceFailed: the last attempt failed in a way worth retrying, whether or
	// not it could be retried; what the budget hears.
	serviceFailed bool
	last          *http.Response // the last failed response, not yet discarded
}

var roundTrips = sync.Pool{New: func() any {
	rt := new(roundTrip)
	rt.op, rt.retryFn, rt.beforeSleep = rt.attempt, rt.retry, rt.sleep
	return rt
}}

// start prepares rt for a round trip of req through t.
func (rt *roundTrip) start(t *Transport, req *http.Request) {
	rt.t, rt.req, rt.base = t, req, t.base()
	rt.idempotent = t.AssumeIdempotent || idempotent(req)
	rt.replayable = replayable(req)
	rt.r = retry.Retrier[*http.Response]{
		Stop:        t.Stop,
		Wait:        t.Wait,
		Retry:       rt.retryFn,
		Before:      t.Before,
		After:       t.After,
		BeforeSleep: rt.beforeSleep,
		OnGiveUp:    t.OnGiveUp,
	}
	if t.Budget != nil {
		rt.r.Budget = rt
	}
	if rt.r.Stop == nil {
		rt.r.Stop = defaultStop
	}
	if rt.r.Wait == nil {
		rt.r.Wait = defaultWait
	}
}

// clear drops every reference rt holds to the round trip, before it goes back to
// the pool.
func (rt *roundTrip) clear() {
	op, retryFn, beforeSleep := rt.op, rt.retryFn, rt.beforeSleep
	*rt = roundTrip{op: op, retryFn: retryFn, beforeSleep: beforeSleep}
}

// finish turns the Retrier's outcome into RoundTrip's: a response in hand is
// returned with a nil error unless the context ended or its deadline refused the
// pause, in which case it is discarded and the error returned.
func (rt *roundTrip) finish(resp *http.Response, err error) (*http.Response, error) {
	if err == nil {
		return resp, nil
	}
	ge, ok := err.(*retry.Error)
	if !ok || ge.Reason != retry.ReasonCanceled && ge.Reason != retry.ReasonDeadline {
		if rt.last != nil {
			return rt.last, nil
		}
		return nil, err
	}
	discard(rt.last)
	return nil, err
}

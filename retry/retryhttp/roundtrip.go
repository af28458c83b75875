package retryhttp

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tenacious-go/tenacious/internal/layer"
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
//     retry.WithoutRetry is not sent again for;
//   - a transport error that it would retry but that the Transport does not send
//     again, as the request is not idempotent or its body cannot be replayed,
//     comes back in a *retry.NotRetriedError that says so and wraps it, whose
//     Name is the method and whose Reason is retry.ReasonNotIdempotent or
//     retry.ReasonNotReplayable;
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
// req is never modified. The first attempt sends req itself only when Base is
// net/http's *http.Transport, inside which no retrying layer can run, the
// attempt has no context of its own (no AttemptTimeout, no hedging) and no
// retrying call of this module runs around the round trip; else a shallow copy
// of req carrying the attempt's context, which tells a retrying layer inside
// Base that it runs in this round trip's attempt (see AttemptNumber). Each
// retry or hedge sends a shallow copy with a fresh body from req.GetBody (a
// hedge with a copy of the Header too); Base must not modify the request, as
// the RoundTripper contract says. Every response that
// is not returned is drained and closed, before the pause or, for a hedge that
// lost, before RoundTrip returns, so its connection is reused: up to 64 KiB of
// its body, for at most 250ms, and no longer than the request context lives; a
// body that is longer or slower is closed unread.
//
// With a Hedger in the Policy, a request that is safe to send twice at once is
// hedged (see Transport): its attempts run concurrently, on goroutines that
// RoundTrip waits for, and the first that decides the round trip wins. The
// response returned is that attempt's, with its body unread; a Base that ignores
// the context of a canceled attempt makes RoundTrip wait for it.
//
// When req's context descends from an attempt of a retrying call of this module
// (retry.Do, Policy.Run around the request, another adapter), RoundTrip tells
// that call when it decided for it (see retry.ReasonLayerBelow), so that the
// outer call does not send the request again: when its Stop ended it after
// retrying, when its Budget refused a retry, when a rule of safety refused a
// retry its Policy wanted (of a response as well as of an error), and when
// Max500Retries refused a 500 after it had retried one (a stop rule: OnEnd sees
// retry.ReasonStop). It does not when it made one attempt and its Policy said
// no more (retry.WithoutRetry among them), when it got a status it does not
// retry (a 404, a 500 with a negative Max500Retries), nor when the context
// ended or its deadline left no time for a pause, the outer call's
// AttemptTimeout included: the outer call then retries as its own Policy says.
// A request made with retry.WithIgnoreLayers is retried even when a retrying
// layer inside Base decided its attempt. When req's context descends from an
// attempt of a hedged call (retry.Retrier.Hedge, or a Transport whose Policy
// has a Hedger), RoundTrip sends the request once, neither retried nor hedged:
// the hedged call does the retrying.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	rt := roundTrips.Get().(*roundTrip)
	rt.start(t, req)
	decided := false
	defer func() {
		if !decided { // a hook or a strategy panicked: close what was not returned
			rt.discardHeld()
			if rt.answer != nil {
				rt.discard(rt.answer)
			}
		}
	}()
	var resp *http.Response
	var err error
	if rt.hedged {
		resp, err = rt.call.Hedge(rt.ctx, rt.hedgeOp)
	} else {
		resp, err = retry.Do(rt.ctx, &rt.policy, rt.op)
	}
	decided = true
	if rt.decide {
		rt.up.Decide()
	}
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
// its method values made once: beside the engine's layer mark, a request that
// succeeds at once allocates here only the shallow copy of the request that
// carries the attempt's context (none when Base is net/http's Transport, which
// gets the request itself) and, when made with retry.WithPolicy, the context of
// layer.WithoutPolicy.
//
// A hedged round trip runs its attempts concurrently, on the engine's goroutines,
// while the engine calls the Retry predicate, the hooks and the Budget from the
// round trip's own goroutine only. So an attempt (attempt, hedgeAttempt) touches
// nothing of rt but what is fixed before the call (req, base, timeout), the
// counter sent and, under mu, held; everything else belongs to the round trip's
// goroutine, and what an attempt found out travels with its result: a response
// that failed comes back inside its *StatusError, where the predicate and the
// hooks read it.
type roundTrip struct {
	// call.Policy is the Transport's Policy (or the one the request's context
	// gives with retry.WithPolicy) with the roundTrip's own Retry, BeforeSleep,
	// OnEnd and Budget in place of the Policy's, which they call: they are kept
	// in the fields that follow. call.Discard drains and closes the answers of
	// hedges that lost.
	call      retry.Retrier[*http.Response] // its Policy is policy
	policy    retry.Policy
	retryUser retry.Predicate
	sleepUser retry.Hook
	endUser   retry.Hook
	budget    retry.Budget
	gate      retry.Gate        // the Policy's, behind gateRule
	cooldown  *Cooldown         // the Transport's, behind gateRule
	origin    string            // the request's origin, with a cooldown
	gateDone  func(retry.Class) // what the Gate wants to hear of the attempt in flight (not hedged)
	timeout   time.Duration     // the Policy's AttemptTimeout, which the roundTrip applies itself
	max500    int               // the Transport's Max500Retries, or its default

	// Made once per roundTrip, when the pool creates it.
	op         func(context.Context) (*http.Response, error)
	hedgeOp    func(context.Context) (*http.Response, error)
	discardFn  func(*http.Response)
	gateDoneFn func(retry.Class)

	// ctx is the context of the call: the request's, minus the Policy of its
	// retry.WithPolicy, if any, which policy already is.
	ctx        context.Context
	up         layer.Mark // the attempt of the layer above, if any
	req        *http.Request
	base       http.RoundTripper
	netBase    bool             // base is net/http's *http.Transport, which runs no layer of ours
	drain      io.LimitedReader // the reader of discard, on the round trip's goroutine
	idempotent bool
	replayable bool
	noRetry    bool           // the request was made with retry.WithoutRetry
	answer     *http.Response // a round trip without hedges: the good response in hand
	hedged     bool           // the Policy has a Hedger and the request is safe to send twice at once

	sent atomic.Int32 // attempts sent so far, hedges included: the first sends a shallow copy of req

	// mu guards held: the failed responses (a status of 400 or more) that the
	// round trip holds, neither returned nor discarded yet. Attempts add to it,
	// concurrently when hedged; the round trip's goroutine takes from it. It also
	// guards bodies: the request bodies made for hedges about to start (see
	// Allow), which their attempts take.
	mu     sync.Mutex
	held   []*http.Response
	bodies []io.ReadCloser

	// Of the round trip's goroutine: the Retry predicate, the Budget and finish.
	n500       int  // attempts answered with 500 that the predicate saw
	retried500 bool // the predicate let a 500 be retried
	// failed: the class of the last attempt's failure if it was worth retrying,
	// whether or not it could be retried (what the budget hears), until the
	// budget has heard it; 0 otherwise.
	failed retry.Class
	// refused: why the Transport did not retry the last attempt, which was worth
	// retrying, for safety (retry.ReasonNotIdempotent or
	// retry.ReasonNotReplayable); 0 otherwise.
	refused retry.Reason
	// stop500: Max500Retries refused to retry the last attempt, a 500, after
	// the round trip had retried a 500: a stop rule, whose give-up OnEnd sees
	// as retry.ReasonStop.
	stop500 bool
	// decide: the round trip decided its attempt for the layer above (see
	// layer.Mark), as the engine does not: a rule of safety refused a retry,
	// or Max500Retries refused a 500 after the round trip had retried one.
	decide bool
}

var roundTrips = sync.Pool{New: func() any {
	rt := new(roundTrip)
	rt.op, rt.hedgeOp, rt.discardFn, rt.gateDoneFn = rt.attempt, rt.hedgeAttempt, rt.discardLoser, rt.gateHeard
	return rt
}}

// start prepares rt for a round trip of req through t: it copies t's Policy (or
// the one the request's context gives with retry.WithPolicy) and puts its own
// Retry, BeforeSleep, OnEnd and Budget in front of the Policy's. The engine
// applies the request's other overrides (retry.WithoutRetry,
// retry.WithIgnoreLayers) itself; a Policy the roundTrip applied is taken out of
// the context it passes, so that the engine does not apply it again.
func (rt *roundTrip) start(t *Transport, req *http.Request) {
	rt.ctx, rt.req, rt.base = req.Context(), req, t.base()
	_, rt.netBase = rt.base.(*http.Transport)
	rt.idempotent = t.AssumeIdempotent || idempotent(req)
	rt.replayable = replayable(req)
	rt.max500 = t.max500Retries()
	policy := t.Policy
	up, o := layer.Lookup(rt.ctx)
	rt.up = up.Mark()
	if o != nil {
		if o.HasPolicy {
			policy, _ = o.Policy.(*retry.Policy)
			rt.ctx = layer.WithoutPolicy(rt.ctx, o)
		}
		rt.noRetry = o.NoRetry
	}
	if policy != nil {
		rt.policy = *policy
	}
	rt.call.Policy, rt.call.Discard = &rt.policy, rt.discardFn
	p := &rt.policy
	rt.hedged = p.Hedger != nil && rt.idempotent && rt.replayable && !rt.noRetry
	rt.retryUser, rt.sleepUser, rt.endUser, rt.budget, rt.gate, rt.timeout = p.Retry, p.BeforeSleep, p.OnEnd, p.Budget, p.Gate, p.AttemptTimeout
	if t.Cooldown != nil && p.MaxRetryAfter >= 0 { // a Policy that ignores hints has nothing to cool down for
		rt.cooldown, rt.origin = t.Cooldown, origin(req.URL)
	}
	if p.Name == "" && (p.Before != nil || p.After != nil || p.BeforeSleep != nil || p.OnEnd != nil) {
		p.Name = method(req) + " " + req.URL.Host
	}
	p.Retry, p.BeforeSleep = (*retryRule)(rt), (*sleepHook)(rt)
	if p.OnEnd != nil {
		p.OnEnd = (*endHook)(rt)
	}
	if rt.budget != nil || rt.hedged || rt.gate != nil {
		p.Budget = rt // see Allow, and Attempted, which gateRule relies on
	}
	if rt.gate != nil || rt.cooldown != nil {
		p.Gate = (*gateRule)(rt)
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
// the pool; it keeps the method values, and the room of held.
func (rt *roundTrip) clear() {
	op, hedgeOp, discardFn, gateDoneFn := rt.op, rt.hedgeOp, rt.discardFn, rt.gateDoneFn
	held := rt.held[:cap(rt.held)]
	clear(held)
	for _, b := range rt.bodies { // a hedge that never took its body: the Gate refused it
		b.Close()
	}
	*rt = roundTrip{op: op, hedgeOp: hedgeOp, discardFn: discardFn, gateDoneFn: gateDoneFn, held: held[:0]}
}

// finish turns the Policy's outcome into RoundTrip's: a response in hand is
// returned with a nil error unless the context ended or its deadline refused the
// pause, in which case it is discarded and the error returned. A transport error
// that the Transport refused to retry for safety is wrapped in a
// *retry.NotRetriedError. Every failed response the round trip still holds but does
// not return (those of hedges that lost, after a failure) is discarded.
func (rt *roundTrip) finish(resp *http.Response, err error) (*http.Response, error) {
	if rt.sent.Load() == 0 && rt.req.Body != nil {
		// The Gate refused the first attempt: no Base will close the body,
		// which RoundTrip must close, on errors too.
		rt.req.Body.Close()
	}
	if err == nil {
		rt.discardHeld()
		return resp, nil
	}
	ge, ok := err.(*retry.Error)
	if !ok || ge.Reason != retry.ReasonContext && ge.Reason != retry.ReasonDeadline {
		last := rt.take(resp)
		rt.discardHeld()
		if last {
			return resp, nil
		}
		if !ok && rt.refused != 0 {
			return nil, &retry.NotRetriedError{Name: method(rt.req), Reason: rt.refused, Err: err}
		}
		return nil, err
	}
	rt.discardHeld()
	return nil, err
}

// hold notes a failed response that an attempt hands to the round trip.
func (rt *roundTrip) hold(resp *http.Response) {
	rt.mu.Lock()
	rt.held = append(rt.held, resp)
	rt.mu.Unlock()
}

// take removes resp from the failed responses the round trip holds, and reports
// whether it held it: a response is returned or discarded once.
func (rt *roundTrip) take(resp *http.Response) bool {
	if resp == nil {
		return false
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	for i, r := range rt.held {
		if r == resp {
			last := len(rt.held) - 1
			rt.held[i], rt.held[last] = rt.held[last], nil
			rt.held = rt.held[:last]
			return true
		}
	}
	return false
}

// drop discards resp if the round trip holds it.
func (rt *roundTrip) drop(resp *http.Response) {
	if rt.take(resp) {
		rt.discard(resp)
	}
}

// discardHeld discards every failed response the round trip still holds. The
// call has returned: no attempt runs any more.
func (rt *roundTrip) discardHeld() {
	rt.mu.Lock()
	held := rt.held
	rt.held = held[:0]
	rt.mu.Unlock()
	for i, resp := range held {
		rt.discard(resp)
		held[i] = nil
	}
}

// discard drains and closes resp, a response the round trip does not return, on
// the round trip's goroutine, through the round trip's own reader.
func (rt *roundTrip) discard(resp *http.Response) {
	discard(rt.req.Context(), resp, &rt.drain, rt.netBase)
}

// discardLoser is the Discard of a hedged round trip: it drains and closes the
// response of an attempt that answered but lost the race, so that its connection
// is reused.
func (rt *roundTrip) discardLoser(resp *http.Response) {
	rt.discard(resp)
}

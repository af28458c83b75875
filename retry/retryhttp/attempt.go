package retryhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/tenacious-go/tenacious/internal/errchain"
	"github.com/tenacious-go/tenacious/internal/layer"
	"github.com/tenacious-go/tenacious/retry"
)

var errNilResponse = errors.New("retryhttp: Base returned a nil *http.Response with a nil error")

// attempt sends the request once, under the Policy's AttemptTimeout if there is
// one: the operation of a round trip that does not hedge, which the engine calls
// with the request's own context. A response with a status of 400 or more comes
// with its *StatusError.
func (rt *roundTrip) attempt(ctx context.Context) (resp *http.Response, err error) {
	if rt.timeout <= 0 {
		resp, err = rt.classify(rt.send(ctx, false))
	} else {
		actx, cancel := context.WithTimeout(ctx, rt.timeout)
		resp, err = rt.own(ctx, actx, cancel, nil)
	}
	if err == nil {
		rt.answer = resp
	}
	return resp, err
}

// hedgeAttempt is the operation of a hedged round trip, which runs concurrently
// with the round trip's other attempts. The engine cancels ctx, the attempt's
// context, when the attempt loses the race, and also as soon as it returns, even
// when it wins; a response body read under ctx would then die unread. So the
// request goes out under a context of its own, derived from the request's (with
// the AttemptTimeout, if any), which follows ctx only until Base returns: a loser
// canceled in flight is abandoned by Base, while the body of a response that came
// back stays readable, for the caller if it won, for draining if it lost. It lives
// until that body is closed.
func (rt *roundTrip) hedgeAttempt(ctx context.Context) (*http.Response, error) {
	parent := layer.Carry(rt.req.Context(), ctx) // the attempt's mark, for a layer inside Base
	var actx context.Context
	var cancel context.CancelFunc
	if rt.timeout > 0 {
		actx, cancel = context.WithTimeout(parent, rt.timeout)
	} else {
		actx, cancel = context.WithCancel(parent)
	}
	return rt.own(parent, actx, cancel, context.AfterFunc(ctx, cancel))
}

// own sends one attempt under actx, the attempt's own context derived from ctx,
// which cancel releases; unfollow, if set, stops actx following the engine's
// attempt context once Base has returned. An attempt that ran out of its timeout
// while ctx lived fails with an *attemptTimeoutError; the body of a response
// releases actx when it is closed.
func (rt *roundTrip) own(ctx, actx context.Context, cancel context.CancelFunc, unfollow func() bool) (*http.Response, error) {
	resp, err := rt.send(actx, true)
	if unfollow != nil {
		unfollow()
	}
	if err != nil {
		if rt.timeout > 0 && actx.Err() == context.DeadlineExceeded && ctx.Err() == nil && isTimeout(err) {
			err = &attemptTimeoutError{err: err, timeout: rt.timeout}
		}
		cancel()
		return nil, err
	}
	bindBody(resp, cancel)
	return rt.classify(resp, nil)
}

// send sends one attempt with ctx through Base, and returns a response or an
// error, never both.
func (rt *roundTrip) send(ctx context.Context, own bool) (*http.Response, error) {
	req, err := rt.request(ctx, own)
	if err != nil {
		return nil, retry.Permanent(err)
	}
	resp, err := rt.base.RoundTrip(req)
	switch {
	case err != nil:
		discard(ctx, resp, new(io.LimitedReader), false) // a RoundTripper should not return both; be safe if it does
		return nil, err
	case resp == nil:
		return nil, retry.Permanent(errNilResponse)
	}
	if resp.Request == req && req != rt.req {
		resp.Request = rt.req
	}
	return resp, nil
}

// request returns the request for an attempt, sent with ctx, the attempt's
// context (which carries its mark, and its number, for Base), or with own, a
// context of the attempt's own derived from it: for the first attempt sent, a
// shallow copy of the caller's request, then a shallow copy with a fresh body
// (and, when hedged, a copy of the Header).
// A first attempt under the engine's context, outside any other retrying call,
// through net/http's own Transport (inside which no layer can run), sends the
// caller's request itself. The copies share the caller's URL, and but for
// hedges its Header, which neither Base (a RoundTripper must not modify a
// request) nor the Transport modifies. Hedged attempts call it concurrently: each reads req, which no one
// modifies, and only one of them gets its body.
func (rt *roundTrip) request(ctx context.Context, own bool) (*http.Request, error) {
	n := rt.sent.Add(1)
	if n == 1 {
		if !own && rt.netBase && !rt.up.Exists() {
			return rt.req, nil
		}
		return rt.req.WithContext(ctx), nil
	}
	req := rt.req.WithContext(ctx)
	if rt.hedged {
		// Attempts in flight at once: a Base that breaks the RoundTripper
		// contract by setting a header (some authentication wrappers do) must
		// not write one map from two goroutines.
		req.Header = rt.req.Header.Clone()
	}
	if rt.hasBody() {
		body := rt.takeBody()
		if body == nil {
			var err error
			if body, err = rt.req.GetBody(); err != nil {
				return nil, fmt.Errorf("retryhttp: GetBody: %w", err)
			}
		}
		req.Body = body
	}
	return req, nil
}

// hasBody reports whether each attempt after the first needs a body from GetBody.
func (rt *roundTrip) hasBody() bool {
	return rt.req.GetBody != nil && rt.req.Body != nil && rt.req.Body != http.NoBody
}

// takeBody returns a body that Allow made for a hedge, or nil if there is none
// (the attempt is a retry).
func (rt *roundTrip) takeBody() io.ReadCloser {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	n := len(rt.bodies)
	if n == 0 {
		return nil
	}
	b := rt.bodies[n-1]
	rt.bodies = rt.bodies[:n-1]
	return b
}

// classify turns a response with a status of 400 or more into a failed attempt,
// which the round trip holds until it returns or discards it.
func (rt *roundTrip) classify(resp *http.Response, err error) (*http.Response, error) {
	if err != nil || resp.StatusCode < 400 {
		return resp, err
	}
	rt.hold(resp)
	se := newStatusError(resp)
	if rt.cooldown != nil && se.retryAfter > 0 {
		rt.cooldown.note(rt.origin, rt.hintCap(se.retryAfter))
	}
	return resp, se
}

// hintCap returns a server's hint capped at the Policy's MaxRetryAfter (a
// minute if zero), as the engine caps it.
func (rt *roundTrip) hintCap(hint time.Duration) time.Duration {
	limit := rt.policy.MaxRetryAfter
	if limit == 0 {
		limit = time.Minute
	}
	return min(hint, limit)
}

// responseOf returns the response of a failed attempt whose error is err: the
// one in the *StatusError that classify made, or nil for a transport error.
func responseOf(err error) *http.Response {
	if se, ok := err.(*StatusError); ok {
		return se.Response
	}
	return nil
}

// retry is the round trip's Retry predicate: whether the failure is worth another
// attempt (the Policy's Retry, or the defaults), then the Transport's rules of
// safety. It counts the 500s and notes whether it let one be retried; it notes
// the class of a failure worth retrying for the budget, which must hear of a
// failing service even when the request cannot be sent again; why safety
// refused a retry that was worth it, or whether the limit on 500s ended the
// round trip as a stop rule, for OnEnd and the error RoundTrip returns; and
// whether the round trip decided its attempt for the layer above (see
// RoundTrip). The engine calls it on the round trip's goroutine, hedged or not,
// for every failed attempt while the call is undecided.
func (rt *roundTrip) retry(a retry.Attempt) bool {
	resp := responseOf(a.Err)
	is500 := resp != nil && resp.StatusCode == http.StatusInternalServerError
	if is500 {
		rt.n500++
	}
	rt.failed, rt.refused, rt.decide, rt.stop500 = 0, 0, false, false
	worth := rt.worthRetrying(a, resp)
	if worth {
		rt.failed = rt.failureClass(a)
	}
	switch {
	case !worth, rt.noRetry:
		return false
	case !rt.replayable:
		rt.refused, rt.decide = retry.ReasonNotReplayable, true
		return false
	case !rt.idempotent && !unprocessed(a.Err):
		rt.refused, rt.decide = retry.ReasonNotIdempotent, true
		return false
	case is500 && rt.n500 > rt.max500:
		// Once the round trip has retried a 500, the limit is a stop rule: it
		// gave up after retrying, and decided for the layer above. A 500 it
		// never retries (a negative Max500Retries) is a status it does not
		// retry, as a 404 is: it decides nothing.
		rt.stop500, rt.decide = rt.retried500, rt.retried500
		return false
	}
	if is500 {
		rt.retried500 = true
	}
	return true
}

// worthRetrying reports whether a failed attempt is worth another, if sending
// again is safe: an attempt timeout always is; otherwise the Policy's Retry, or by
// default predicate.Transient and a connection lost before any response (a
// connection closed, or one of net/http's errors that lostConnection knows) when
// the attempt got no response, resp.
func (rt *roundTrip) worthRetrying(a retry.Attempt, resp *http.Response) bool {
	switch {
	case errors.Is(a.Err, retry.ErrAttemptTimeout):
		return true
	case rt.retryUser != nil:
		return rt.retryUser.Match(a)
	case defaultRetry.Match(a):
		return true
	}
	return resp == nil && (errors.Is(a.Err, io.EOF) || lostConnection(a.Err) != lossNone)
}

// Attempted and Allow make a roundTrip the Budget of its Policy, in front of the
// Policy's own, if any: a failure counts as the service's when it was worth
// retrying, whether or not the request could be sent again (a 503 to a POST is
// still a sign of overload). A hedged round trip has one even without a Budget,
// for Allow's other task: making a hedge's body.
//
// The engine tells the Budget of each attempt right after it asked the Retry
// predicate about it, if it did: Attempted takes the class the predicate noted
// and clears it, so that it never carries over to another attempt.
func (rt *roundTrip) Attempted(result, spent retry.Class) {
	if result == retry.ClassAnswered && rt.failed != 0 {
		result = rt.failed
	}
	rt.failed = 0
	if rt.budget != nil {
		rt.budget.Attempted(result, spent)
	}
}

// Allow asks the Policy's Budget, if any. The engine asks it for a hedge
// (retry.ClassExtra) just before it starts one, on the round trip's goroutine:
// Allow first makes the hedge's body with GetBody, and refuses the hedge if it
// cannot, so that a hedge that cannot be built is skipped as if the Budget had
// refused it, and the attempts in flight go on. The body waits in rt.bodies for
// the hedge's attempt.
func (rt *roundTrip) Allow(c retry.Class) bool {
	if c != retry.ClassExtra || !rt.hasBody() {
		return rt.budget == nil || rt.budget.Allow(c)
	}
	body, err := rt.req.GetBody()
	if err != nil {
		return false
	}
	if rt.budget != nil && !rt.budget.Allow(c) {
		body.Close()
		return false
	}
	rt.mu.Lock()
	rt.bodies = append(rt.bodies, body)
	rt.mu.Unlock()
	return true
}

// failureClass is the class of a failure worth retrying, as the engine decides it:
// the Policy's Throttled, or by default a server's hint or a 429.
func (rt *roundTrip) failureClass(a retry.Attempt) retry.Class {
	throttled := rt.policy.Throttled != nil && rt.policy.Throttled.Match(a)
	if rt.policy.Throttled == nil {
		if se, ok := errchain.Find[*StatusError](a.Err); ok {
			throttled = se.Code == http.StatusTooManyRequests || se.RetryAfter() > 0
		}
	}
	if throttled {
		return retry.ClassThrottled
	}
	return retry.ClassTransient
}

// isTimeout reports whether err says that a deadline passed: a context deadline
// or an error whose Timeout method says so.
func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// end is the round trip's OnEnd hook, when the Policy has one: it runs the
// Policy's with the reason the Transport's own rules ended the round trip, in
// place of the engine's ReasonNotRetried: the reason a rule of safety refused
// the retry, if one did, or retry.ReasonStop when Max500Retries refused a 500
// after the round trip had retried one.
func (rt *roundTrip) end(a retry.Attempt) {
	if a.Reason == retry.ReasonNotRetried {
		switch {
		case rt.refused != 0:
			a.Reason = rt.refused
		case rt.stop500:
			a.Reason = retry.ReasonStop
		}
	}
	rt.endUser.Run(a)
}

// sleep is the round trip's BeforeSleep hook: it discards the response of the
// attempt that will be retried, then runs the Policy's BeforeSleep hook, unless
// the request context ended while the body was being drained: the pause that
// follows then ends the call at once (ReasonContext), and the hook, which runs
// only before a retry that will happen, must not.
func (rt *roundTrip) sleep(a retry.Attempt) {
	rt.drop(responseOf(a.Err))
	if rt.sleepUser != nil && rt.req.Context().Err() == nil {
		rt.sleepUser.Run(a)
	}
}

// retryRule, sleepHook and endHook are a roundTrip as the Retry, BeforeSleep and
// OnEnd of its Policy (see retry, sleep and end), which run the Policy's own: a
// conversion of the pointer, so that the roundTrip puts them in the Policy
// without allocating. Each reads time if the Policy's own does.
type (
	retryRule roundTrip
	sleepHook roundTrip
	endHook   roundTrip
)

// Match is the roundTrip's retry.
func (r *retryRule) Match(a retry.Attempt) bool { return (*roundTrip)(r).retry(a) }

// ReadsTime reports whether the Policy's Retry reads time.
func (r *retryRule) ReadsTime() bool { return retry.ReadsTime(r.retryUser) }

// Run is the roundTrip's sleep.
func (h *sleepHook) Run(a retry.Attempt) { (*roundTrip)(h).sleep(a) }

// ReadsTime reports whether the Policy's BeforeSleep reads time.
func (h *sleepHook) ReadsTime() bool { return retry.ReadsTime(h.sleepUser) }

// Run is the roundTrip's end.
func (h *endHook) Run(a retry.Attempt) { (*roundTrip)(h).end(a) }

// ReadsTime reports whether the Policy's OnEnd reads time.
func (h *endHook) ReadsTime() bool { return retry.ReadsTime(h.endUser) }

// gateRule is a roundTrip as the Gate of its Policy, in front of the Policy's
// own, if any, and of the Transport's Cooldown, if any, which it asks first:
// the Gate hears a failure worth retrying that the Transport will not send
// again for safety (a 503 to a POST) as what it is, ClassTransient or
// ClassThrottled, as the Budget does (see Attempted), rather than as an answer.
// The engine tells the Gate of an attempt before the Budget, which clears the
// class the Retry predicate noted.
type gateRule roundTrip

// Admit asks the Policy's Gate. The round trip hears the outcome first: of a
// round trip that is not hedged, whose attempts run one at a time, through a
// method value made with the roundTrip (no allocation); of a hedged one, whose
// attempts overlap, through a function of the attempt's own.
func (g *gateRule) Admit(ctx context.Context, c retry.Class) (func(retry.Class), error) {
	rt := (*roundTrip)(g)
	if rt.cooldown != nil {
		if err := rt.cooldown.admit(ctx, rt.origin, c); err != nil {
			return nil, err
		}
	}
	if rt.gate == nil {
		return nil, nil
	}
	done, err := rt.gate.Admit(ctx, c)
	if err != nil || done == nil {
		return done, err
	}
	if !rt.hedged {
		rt.gateDone = done
		return rt.gateDoneFn, nil
	}
	return func(result retry.Class) { done(rt.gateClass(result)) }, nil
}

// gateHeard passes the outcome of the attempt in flight to the Gate.
func (rt *roundTrip) gateHeard(result retry.Class) {
	done := rt.gateDone
	rt.gateDone = nil
	done(rt.gateClass(result))
}

// gateClass is the class the Gate hears for an attempt the engine judged
// result: the class the Retry predicate noted for a failure worth retrying
// that the Transport refused to send again, else result.
func (rt *roundTrip) gateClass(result retry.Class) retry.Class {
	if result == retry.ClassAnswered && rt.failed != 0 {
		return rt.failed
	}
	return result
}

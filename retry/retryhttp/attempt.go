package retryhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/tenacious-go/tenacious/retry"
)

var errNilResponse = errors.New("retryhttp: Base returned a nil *http.Response with a nil error")

// attempt sends the request once, under the Policy's AttemptTimeout if there is
// one: the operation of the round trip's Policy. A response with a status of 400 or more comes with
// its *StatusError.
func (rt *roundTrip) attempt(ctx context.Context) (*http.Response, error) {
	rt.last, rt.failed, rt.refused = nil, 0, ""
	if rt.timeout <= 0 {
		return rt.classify(rt.send(ctx, false))
	}
	actx, cancel := context.WithTimeout(ctx, rt.timeout)
	resp, err := rt.send(actx, true)
	if err != nil {
		if actx.Err() == context.DeadlineExceeded && ctx.Err() == nil && isTimeout(err) {
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
func (rt *roundTrip) send(ctx context.Context, ownCtx bool) (*http.Response, error) {
	req, err := rt.request(ctx, ownCtx)
	if err != nil {
		return nil, retry.Permanent(err)
	}
	resp, err := rt.base.RoundTrip(req)
	switch {
	case err != nil:
		discard(ctx, resp) // a RoundTripper should not return both; be safe if it does
		return nil, err
	case resp == nil:
		return nil, retry.Permanent(errNilResponse)
	}
	if resp.Request == req && req != rt.req {
		resp.Request = rt.req
	}
	return resp, nil
}

// request returns the request for the next attempt, sent with ctx: the caller's
// request itself the first time (a shallow copy if ctx is an attempt's own), then
// a clone with a fresh body.
func (rt *roundTrip) request(ctx context.Context, ownCtx bool) (*http.Request, error) {
	rt.attempts++
	if rt.attempts == 1 {
		if !ownCtx {
			return rt.req, nil
		}
		return rt.req.WithContext(ctx), nil
	}
	req := rt.req.Clone(ctx)
	if rt.req.GetBody != nil && rt.req.Body != nil && rt.req.Body != http.NoBody {
		body, err := rt.req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("retryhttp: GetBody: %w", err)
		}
		req.Body = body
	}
	return req, nil
}

// classify turns a response with a status of 400 or more into a failed attempt,
// counting the 500s.
func (rt *roundTrip) classify(resp *http.Response, err error) (*http.Response, error) {
	if err != nil || resp.StatusCode < 400 {
		return resp, err
	}
	if resp.StatusCode == http.StatusInternalServerError {
		rt.n500++
	}
	rt.last = resp
	return resp, newStatusError(resp)
}

// retry is the round trip's Retry predicate: whether the failure is worth another
// attempt (the Policy's Retry, or the defaults), then the Transport's rules of
// safety. It notes the first answer for the budget, which must hear of a failing
// service even when the request cannot be sent again, and why safety refused a
// retry that was worth it, for the error RoundTrip returns.
func (rt *roundTrip) retry(a retry.Attempt) bool {
	worth := rt.worthRetrying(a)
	if worth {
		rt.failed = rt.failureClass(a)
	}
	switch {
	case !worth, rt.noRetry:
		return false
	case !rt.replayable:
		rt.refused = ReasonBodyNotReplayable
		return false
	case !rt.idempotent && !unprocessed(a.Err):
		rt.refused = ReasonNotIdempotent
		return false
	case rt.last != nil && rt.last.StatusCode == http.StatusInternalServerError &&
		rt.n500 > rt.max500:
		return false
	}
	return true
}

// worthRetrying reports whether a failed attempt is worth another, if sending
// again is safe: an attempt timeout always is; otherwise the Policy's Retry, or by
// default predicate.Transient and a connection lost before any response (a
// connection closed, or one of net/http's errors that lostConnection knows).
func (rt *roundTrip) worthRetrying(a retry.Attempt) bool {
	switch {
	case errors.Is(a.Err, retry.ErrAttemptTimeout):
		return true
	case rt.retryUser != nil:
		return rt.retryUser(a)
	case defaultRetry(a):
		return true
	}
	return rt.last == nil && (errors.Is(a.Err, io.EOF) || lostConnection(a.Err) != lossNone)
}

// Attempted and Allow make a roundTrip the Budget of its Policy, in front of the
// Policy's own: a failure counts as the service's when it was worth retrying,
// whether or not the request could be sent again (a 503 to a POST is still a sign
// of overload).
func (rt *roundTrip) Attempted(result, spent retry.Class) {
	if result == retry.ClassAnswered && rt.failed != 0 {
		result = rt.failed
	}
	rt.budget.Attempted(result, spent)
}

// Allow asks the Policy's Budget.
func (rt *roundTrip) Allow(c retry.Class) bool { return rt.budget.Allow(c) }

// failureClass is the class of a failure worth retrying, as the engine decides it:
// the Policy's Throttled, or by default a server's hint or a 429.
func (rt *roundTrip) failureClass(a retry.Attempt) retry.Class {
	throttled := rt.policy.Throttled != nil && rt.policy.Throttled(a)
	if rt.policy.Throttled == nil {
		var se *StatusError
		if errors.As(a.Err, &se) {
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

// sleep is the round trip's BeforeSleep hook: it discards the response that will
// not be returned, then runs the Policy's BeforeSleep hook, unless the request
// context ended while the body was being drained: the pause that follows then
// ends the call at once (ReasonContext), and the hook, which runs only before a
// retry that will happen, must not.
func (rt *roundTrip) sleep(a retry.Attempt) {
	ctx := rt.req.Context()
	if rt.last != nil {
		discard(ctx, rt.last)
		rt.last = nil
	}
	if rt.sleepUser != nil && ctx.Err() == nil {
		rt.sleepUser(a)
	}
}

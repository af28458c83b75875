package retryhttp

import (
	"net/http"
	"strconv"
	"time"
)

// StatusError is a response whose status says the request failed, seen as an
// error. It has the StatusCode and RetryAfter methods that predicate.Status,
// predicate.Transient and the retry engine look for, so a retry.Policy classifies
// it and honours the server's hint (Retry-After, its millisecond variants and the
// rate-limit headers: see RetryAfter) like any other, whatever its Wait, up to
// Policy.MaxRetryAfter.
//
// The Transport presents every response with a status of 400 or more to its
// Policy's Retry predicate and hooks as a *StatusError in Attempt.Err;
// [CheckResponse] makes one from a response for code that calls its own client
// inside retry.Do.
type StatusError struct {
	// Code is the response's status code, such as 503.
	Code int
	// Header is the response's header.
	Header http.Header
	// Response is the response itself. Its body belongs to whoever made the error:
	// the Transport drains and closes it when it discards the response, and
	// CheckResponse leaves it to its caller.
	Response *http.Response

	retryAfter time.Duration
}

// newStatusError returns the StatusError of resp, with its server hint.
func newStatusError(resp *http.Response) *StatusError {
	return &StatusError{
		Code:       resp.StatusCode,
		Header:     resp.Header,
		Response:   resp,
		retryAfter: retryAfter(resp),
	}
}

// Error returns "retryhttp: " followed by the status, as in
// "retryhttp: 503 Service Unavailable".
func (e *StatusError) Error() string {
	if e.Response != nil && e.Response.Status != "" {
		return "retryhttp: " + e.Response.Status
	}
	return "retryhttp: " + strconv.Itoa(e.Code) + " " + http.StatusText(e.Code)
}

// StatusCode returns the response's status code, e.Code.
func (e *StatusError) StatusCode() int { return e.Code }

// RetryAfter returns the pause the server asked for on a 429 or 503 response, or 0
// when it asked for none; other statuses carry no hint, whatever their headers.
// It reads seven headers, and the first that holds a valid value wins, in this
// order:
//
//  1. retry-after-ms: a number of milliseconds, as Azure and OpenAI send it;
//  2. x-ms-retry-after-ms: the same;
//  3. x-amz-retry-after: a whole number of milliseconds, as AWS sends it;
//  4. Retry-After: delay-seconds or an HTTP-date, as [ParseRetryAfter] reads it;
//  5. RateLimit (draft-ietf-httpapi-ratelimit-headers): the largest t parameter,
//     in seconds, of the policies whose remaining quota r is 0, as in
//     `"default";r=0;t=30`;
//  6. RateLimit-Reset: a number of seconds, or a Unix time (see below);
//  7. X-RateLimit-Reset: the same.
//
// The explicit instructions to come back later (1 to 4) come before the
// rate-limit headers (5 to 7), which only say when a quota resets (the draft
// itself says Retry-After takes precedence over RateLimit); the millisecond
// headers come first as the more precise, in the order of Azure's SDK, then
// Retry-After, whose HTTP-date also needs the clocks to agree; then the draft's
// RateLimit, its older RateLimit-Reset, and X-RateLimit-Reset last, whose
// meaning varies with the server.
//
// A number of milliseconds in 1 and 2 is one or more ASCII digits, optionally
// followed by a dot and one or more digits ("1500", "123.45"); in 3 and in the
// seconds of 6 and 7, one or more ASCII digits only. Anything else (a sign,
// spaces, an exponent, a unit, a fraction where none is allowed, an empty value)
// is not valid, and the next header is read. In 6 and 7, a number of at least
// 1,000,000,000 (which as seconds would be 31 years) is a Unix time in seconds,
// as GitHub sends X-RateLimit-Reset, and the pause is its distance from now. A
// RateLimit field is a Structured Field List (RFC 9651), read strictly: one that
// is malformed, or holds a negative or fractional r or t, is ignored whole, as
// the draft requires, and one without an exhausted policy that has a t gives no
// hint. A header sent several times counts only when all its values are the same,
// but for RateLimit, whose field lines make one list; a date or Unix time that is
// not in the future is not valid. A valid "0" wins too, and asks for no pause.
//
// The value is not capped: it saturates at the largest time.Duration but is never
// negative. The engine caps the pause it takes at Policy.MaxRetryAfter (a minute by
// default), and a negative MaxRetryAfter ignores the hint. The value is fixed when
// the error is made (an HTTP-date or a Unix time is measured from that moment); a
// StatusError built by hand has none.
func (e *StatusError) RetryAfter() time.Duration { return e.retryAfter }

// CheckResponse returns nil if resp has a 2xx status, and otherwise a *StatusError
// for it: httpx's raise_for_status, for code that calls an http.Client of its own
// inside retry.Do and wants predicate.Transient to see the status and the retry
// engine the server's hint (see StatusError.RetryAfter), which sets the pause up
// to Policy.MaxRetryAfter whatever the Policy's Wait.
//
// CheckResponse neither reads nor closes the body: the caller closes it as usual,
// on error too (draining it first lets the connection be reused). Redirects that
// an http.Client did not follow, and other 1xx and 3xx statuses, are errors here;
// the Transport, which sits below the client's redirect handling, treats only
// statuses of 400 and above as failures. CheckResponse panics if resp is nil.
func CheckResponse(resp *http.Response) error {
	if resp == nil {
		panic("retryhttp: CheckResponse: nil *http.Response")
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	return newStatusError(resp)
}

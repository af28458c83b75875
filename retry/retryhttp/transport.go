package retryhttp

import (
	"net/http"

	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
)

// DefaultMax500Retries is how many times a zero Transport.Max500Retries lets a
// round trip retry a 500 Internal Server Error.
const DefaultMax500Retries = 1

var defaultRetry = predicate.Transient()

// Transport is an http.RoundTripper that sends each request through Base and,
// as its Policy says, sends it again when the attempt failed for a passing reason
// and sending it again is safe. A nil field of the Policy means retry's default,
// as in any call of a Policy, but for a nil Retry, which means the HTTP rules
// below. A zero Transport is valid: it uses http.DefaultTransport, makes at most
// retry.DefaultAttempts (4) attempts, honours the server's Retry-After (and the
// other hint headers of StatusError.RetryAfter) up to a minute and otherwise
// backs off with full jitter (a pause drawn between 0 and min(10s,
// 100ms·2^(n-1)) after attempt n), and retries what predicate.Transient
// retries, a 500 only once, and the lost connections of rule 5. Give its Policy
// an OnEnd, such as hooks.LogEnd, to hear of every give-up and every retry
// refused, with its reason.
//
// The overrides of package retry change this for one request, through its
// context, as for any call of a Policy: a request made with retry.WithoutRetry
// is sent once and not hedged, and what Base returned comes back as it came; one
// made with retry.WithPolicy follows that Policy instead of the Transport's,
// under the same rules of safety and with the same defaults; one made with
// retry.WithIgnoreLayers is retried even when a retrying layer inside Base
// decided its attempt (see RoundTrip). An override given to an outer call (a
// retry.Do around the request) is that call's: a request made with the context
// of one of its attempts does not see it.
//
// What is retried, in this order (the first rule that applies decides):
//
//  1. Nothing, if the request has a body that GetBody cannot make again.
//  2. Nothing but a failure that proves the server did not process the request,
//     if the request is not idempotent: a method other than GET, HEAD, OPTIONS,
//     TRACE, PUT and DELETE, with no Idempotency-Key or X-Idempotency-Key header,
//     no [WithIdempotent] context and AssumeIdempotent unset. Such a failure is a
//     failed dial (no byte was sent), an HTTP/2 stream the server refused with
//     REFUSED_STREAM (RFC 9113 §8.7), or one above the last stream ID of the
//     server's GOAWAY (RFC 9113 §6.8).
//  3. Not a 500 Internal Server Error once the round trip has seen more 500s than
//     Max500Retries: by default the first 500 is retried and the second returned.
//     Once the round trip has retried a 500, this limit is a stop rule: the
//     round trip gave up after retrying, OnEnd sees retry.ReasonStop, and a
//     retrying call around it does not send the request again (see RoundTrip).
//     With a negative Max500Retries, a 500 is a status the Transport does not
//     retry, as a 404 is: OnEnd sees retry.ReasonNotRetried.
//  4. An attempt that ran out of Policy.AttemptTimeout, always.
//  5. Whatever Policy.Retry says. A nil Retry is predicate.Transient, plus the
//     transport failures of a connection lost before any response that
//     Transient does not know: an io.EOF from Base (Transient knows it only once
//     an http.Client has wrapped it in a *url.Error); net/http's "http: server
//     closed idle connection", which it returns for a request it does not resend
//     itself (a PUT, DELETE or POST made idempotent by [WithIdempotent]) when the
//     server closed a kept-alive connection as the request went out; and the
//     HTTP/2 failures of a connection or stream the server ended: a GOAWAY
//     followed by the end of the connection, an RST_STREAM with INTERNAL_ERROR or
//     REFUSED_STREAM, and a stream above a GOAWAY's last stream ID. A Retry of
//     your own sees these errors as Base returned them, and retries them only if
//     it says so.
//
// When rule 1 or 2 refuses a retry that Policy.Retry (or its default) would have
// made, OnEnd sees retry.ReasonNotReplayable or retry.ReasonNotIdempotent, and
// the round trip tells a retrying call around it not to send the request again
// either (see RoundTrip); of a transport error, RoundTrip returns a
// *retry.NotRetriedError that says so and wraps that error, while a response is
// still returned as a response.
//
// The Policy's Stop and Budget, the server's hint and the request context's
// deadline then decide whether, and after how long, the retry happens, as in any
// call of the Policy.
//
// # Hedging
//
// When the Policy has a Hedger (see retry.Hedger and package hedge), the
// Transport hedges the requests it may send again whatever the failure: an
// idempotent request (rule 2) whose body can be replayed (rule 1), not made with
// retry.WithoutRetry. If Base has not answered after the Hedger's delay, it sends the
// request again, a copy with a fresh body from GetBody, while the first attempt
// is still in flight, and the first response that decides the round trip wins: a
// status below 400, or a failure that is not retried. The round trip runs as
// retry.Retrier.Hedge runs a call: a hedge counts as an attempt for Stop, is paid
// from the Budget as a retry.ClassExtra (so budget.Default holds hedges to one
// call in four when every request is slow, as it stops retries when every
// request fails), and is
// not started when the time left before the request context's deadline is
// shorter than the delay; an attempt that fails is retried as the Policy says
// while the others stay in flight; the hooks run one at a time, on the
// RoundTrip's goroutine, and Attempt.Hedge marks a hedge. Every other request (a
// POST without an idempotency key, a body without GetBody) is sent one attempt
// at a time, as without a Hedger. The hedged round trip is the layer that
// retries: a retrying call of this module inside Base (another Transport, a
// retry.Do) makes one attempt in each of its attempts, and a request made
// inside an attempt of a hedged call (retry.Retrier.Hedge) is sent once, so
// that the attempts of two layers never multiply.
//
// The attempts that lose are canceled and waited for before RoundTrip returns.
// One that had answered is drained and closed as any discarded response is (up
// to 64 KiB, for at most 250ms), so its connection is reused. One canceled in
// flight is abandoned by Base: over HTTP/1.1, net/http closes its connection,
// so a hedge that loses mid-flight may cost a later request a new connection
// (a dial and a TLS handshake); over HTTP/2 only the stream is reset and the
// connection stays. Every hedge is one more request for the server: hedge the
// slow tail of a healthy service, not a server that is slow because it is
// overloaded, and keep a Budget.
//
// Each RoundTrip is one retried call: behind an http.Client that follows a redirect,
// every hop has its own attempts, and retry.WithStats in the request context
// reports the last hop.
//
// A Transport is configuration only: one value serves any number of goroutines,
// and each round trip keeps its own state. Its fields, and those of its Policy,
// must not change while it is in use.
type Transport struct {
	// Base sends each attempt; nil means http.DefaultTransport.
	Base http.RoundTripper

	// Policy says how to retry; nil is the zero Policy. Give the Transport the
	// Policy of the service it calls, the one its other callers share: the same
	// Budget and hooks then see all of its traffic; the same Policy may also run
	// a call around the request (Policy.Run), whose attempts the Transport's do
	// not multiply (see RoundTrip). Each field keeps its meaning and its default
	// in retry.Policy, with these particulars:
	//
	//   - Stop: nil stops after retry.DefaultAttempts (4) attempts.
	//   - Wait: nil is retry's full-jitter backoff, a pause drawn between 0 and
	//     min(10s, 100ms·2^(n-1)). Whatever the Wait, a 429 or 503 whose
	//     Retry-After, retry-after-ms, x-ms-retry-after-ms, x-amz-retry-after,
	//     RateLimit, RateLimit-Reset or X-RateLimit-Reset header asks for a
	//     pause (see StatusError.RetryAfter) gets that pause instead, as any
	//     error with a RetryAfter method does in a call of a Policy: the engine
	//     caps it at MaxRetryAfter and adds up to half of it at random, so that
	//     clients told the same thing do not come back in step.
	//   - MaxRetryAfter: the longest pause a server's hint can ask for; zero means
	//     a minute, and a negative value ignores hints, so that Wait alone chooses
	//     every pause.
	//   - Retry: nil is predicate.Transient plus the lost connections of rule 5. It
	//     sees a response with a status of 400 or more as a *StatusError in
	//     Attempt.Err, and a transport failure as Base's error; rules 1 to 4 apply
	//     first, whatever it says.
	//   - Before, After, BeforeSleep, OnEnd: Attempt.Err is, or wraps, a
	//     *StatusError for a response with a status of 400 or more, which counts as
	//     a failed attempt even when it is returned to the caller (OnEnd then sees
	//     ReasonStop, of the Stop or of the limit on 500s of rule 3, or
	//     ReasonBudget, ReasonNotRetried, or the ReasonNotIdempotent or
	//     ReasonNotReplayable of rules 1 and 2, while RoundTrip returns the
	//     response with a nil error). A transport error is Base's, as it came:
	//     the *retry.NotRetriedError that RoundTrip may return in its place is made
	//     after OnEnd. BeforeSleep runs after the discarded response has been drained
	//     and closed, and not at all if the request context ended meanwhile: the
	//     round trip then gives up with ReasonContext.
	//   - Name: when it is empty and the Policy has a hook, each round trip names
	//     itself for the hooks by its method (GET if empty) and URL host, as in
	//     "GET example.com" (Attempt.Name); a Policy without hooks is not named,
	//     so that nothing is built that nobody reads. A Name that is set is kept.
	//   - AttemptTimeout, if positive, bounds each attempt from the dial to the end
	//     of the response body, as http.Client.Timeout bounds a request: the body
	//     of the response returned must be read within what is left of it. An
	//     attempt that runs out is retried, if the request is idempotent. The
	//     request context's deadline bounds the whole round trip, retries and
	//     pauses included. The body of a response that is discarded is drained
	//     for at most 250ms and 64 KiB, and no longer than the request context
	//     lives (nor, with a Base whose bodies end with their request's context,
	//     as net/http's do, than the attempt's timeout): a body that takes longer
	//     is closed unread, and its connection is not reused.
	//   - Budget hears of every failure worth retrying, even one the Transport may
	//     not retry (a 503 to a POST), and a retry it refuses returns the last
	//     response, as after the last attempt.
	//   - Hedger: hedges the requests that are safe to send twice at once (see
	//     Hedging above) and is ignored for the others. The latency it observes
	//     is Base's: until the response's header, not its body.
	Policy *retry.Policy

	// Max500Retries is how many 500 Internal Server Error responses in one round
	// trip may be retried: the n-th attempt answered with 500 is retried only if
	// n <= Max500Retries, whatever Policy.Retry says. Zero means
	// DefaultMax500Retries, a negative value never retries a 500. It is a stop
	// rule of the round trip: the 500 it refuses after the round trip retried
	// one ends it as a Stop would (OnEnd sees retry.ReasonStop, and a call
	// around the request does not retry it), while a 500 refused by a negative
	// value is a status the Transport does not retry (retry.ReasonNotRetried).
	Max500Retries int

	// AssumeIdempotent, if set, treats every request as idempotent, whatever its
	// method: POST and PATCH are retried like GET. Set it only when every server
	// the Transport talks to deduplicates requests.
	AssumeIdempotent bool

	// Cooldown, if set, holds back the new requests to an origin whose server
	// asked to wait (a 429 or 503 with a hint) until the hint has passed, and
	// the hedges to it meanwhile (see Cooldown). Share one among the
	// Transports of a service, as its Budget. Nil holds nothing back: only the
	// request that received the hint waits for it, before its retry.
	Cooldown *Cooldown
}

// NewClient returns an *http.Client that sends its requests through t; a nil t is
// a zero Transport. The client's Timeout, if set, becomes the deadline of each
// request's context and so bounds its retries too.
func NewClient(t *Transport) *http.Client {
	if t == nil {
		t = new(Transport)
	}
	return &http.Client{Transport: t}
}

// CloseIdleConnections closes the idle connections of Base, if it has such a
// method, as http.Client.CloseIdleConnections expects of a RoundTripper.
func (t *Transport) CloseIdleConnections() {
	if c, ok := t.base().(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (t *Transport) base() http.RoundTripper {
	if t.Base == nil {
		return http.DefaultTransport
	}
	return t.Base
}

func (t *Transport) max500Retries() int {
	if t.Max500Retries == 0 {
		return DefaultMax500Retries
	}
	return t.Max500Retries
}

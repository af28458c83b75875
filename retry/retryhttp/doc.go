// Package retryhttp retries HTTP requests, and only those that are safe to send
// again: a [Transport] for http.Client, and [CheckResponse] and [StatusError] for
// code that calls its own client inside retry.Do.
//
// The Transport runs the retry.Policy of the service it calls, the one every
// other caller of that service shares, so that one Budget and one set of hooks
// see all of its traffic:
//
//	svc := &retry.Policy{
//		AttemptTimeout: 5 * time.Second,
//		BeforeSleep:    hooks.LogBeforeSleep(slog.Default(), slog.LevelWarn),
//		OnEnd:          hooks.LogEnd(slog.Default(), slog.LevelError),
//		Budget:         budget.Default(),
//	}
//	client := retryhttp.NewClient(&retryhttp.Transport{Policy: svc})
//	resp, err := client.Get(url) // 503, 429 and dropped connections are retried
//
// LogEnd logs each give-up and each retry the Transport refused, with its
// reason; a status it does not retry (a 404) only at slog.LevelDebug.
//
// A nil field of the Policy means retry's default (at most 4 attempts,
// retry.DefaultAttempts; full-jitter backoff, a pause drawn between 0 and
// min(10s, 100ms·2^(n-1)) after attempt n), but for a nil Retry: where retry.Do
// with the zero Policy retries any error, the zero Transport, or one with the
// zero Policy, retries what predicate.Transient retries, and the lost
// connections it does not know:
//
//   - 408, 429, 502, 503 and 504; 500 once (see Transport.Max500Retries); no
//     other status (400, 401, 403, 404, every other 4xx, 501, ...);
//   - refused and reset connections, timeouts and DNS failures, but not
//     TLS verification failures or "no such host";
//   - connections lost before a response that net/http does not resend itself:
//     "http: server closed idle connection", and HTTP/2's GOAWAY and
//     RST_STREAM (INTERNAL_ERROR, REFUSED_STREAM).
//
// A request is sent again only if that cannot do harm: its method is idempotent
// (GET, HEAD, OPTIONS, TRACE, PUT, DELETE), or it carries an Idempotency-Key
// header, or the caller says so with [WithIdempotent] or
// Transport.AssumeIdempotent; a POST that may have reached the server is never
// sent twice, but one the server provably did not process is (a failed dial, an
// HTTP/2 stream refused or above a GOAWAY's last stream ID). A body is replayed
// byte for byte through Request.GetBody; a body without GetBody is sent once. A
// transport error that would have been retried but for these rules comes back as
// a *retry.NotRetriedError that says why.
//
// The pause honours the server's hint on 429 and 503, and on no other status:
// the first valid one of the millisecond headers retry-after-ms,
// x-ms-retry-after-ms and x-amz-retry-after, then Retry-After (delay-seconds or
// any of the three HTTP-date forms, see [ParseRetryAfter]), then the rate-limit
// headers RateLimit (the t of an exhausted policy, as in
// `"default";r=0;t=30`), RateLimit-Reset and X-RateLimit-Reset (seconds, or a
// Unix time from 1,000,000,000 up). Explicit instructions to come back later
// come before the rate-limit headers, which only say when a quota resets, and
// the more precise before the less (see [StatusError.RetryAfter]). The retry
// engine caps the hint at Policy.MaxRetryAfter (a minute by default) and spreads
// clients above it, whatever the Policy's Wait, which chooses every other pause
// (full-jitter backoff by default); a huge or garbled value cannot make it wait
// longer, and a garbled one is no hint. A pause that would outlast the request
// context's deadline is not taken: the round trip gives up at once with a
// *retry.Error that carries it.
//
// Retry at one layer: the same Policy may run a call around the request
// (Policy.Run, retry.Do) while the Transport runs it inside; when the Transport
// gave up after retrying, or refused a retry for safety, the call around it does
// not send the request again (retry.ReasonLayerBelow), so the server sees the
// Transport's attempts, not their product; and a call made inside an attempt of
// a hedged call (retry.Retrier.Hedge, or a Transport whose Policy has a Hedger)
// makes one attempt, since the hedged call does the retrying. The overrides of
// package retry change the rules for one request, through its context, without
// a second client: retry.WithoutRetry sends it once, retry.WithPolicy gives it
// another Policy, and retry.WithIgnoreLayers makes a call retry even what a
// layer inside it decided (the Transport, what a retrying layer inside Base
// decided; a call around the request, what the Transport decided).
//
// With a retry.Hedger in the Policy (package hedge), the Transport also hedges
// the requests it may send again: when Base is slow to answer, it sends the
// request a second time and takes the first answer, paying each hedge from the
// Policy's Budget (see Transport).
//
// With a retry.Gate in the Policy (package gate, or a circuit breaker), the
// Transport asks it before every attempt. A request whose first attempt the
// Gate refuses is not sent: RoundTrip closes its body and returns a
// *retry.Error of retry.ReasonGate. A retry the Gate refuses ends the round
// trip as a Budget's refusal does, with the last response. The Gate hears a
// failure the Transport will not send again for safety (a 503 to a POST) as
// the overload signal it is, as the Budget does.
//
// # The RoundTripper contract
//
// The Transport keeps these parts of the http.RoundTripper contract:
//
//   - it does not modify the request: the first attempt sends the request
//     itself only when Base is net/http's *http.Transport (and the attempt has
//     no context of its own: no AttemptTimeout, no hedging), else a shallow
//     copy carrying the attempt's context, and each retry or hedge sends a
//     clone;
//   - it closes the request body, through Base, on every path (itself when
//     the Gate refused the first attempt);
//   - a response is not an error: the last response comes back with a nil error
//     whatever its status, a 503 after the last attempt included, with its body
//     unread;
//   - it closes what it discards: every response it does not return is drained
//     (up to 64 KiB, for at most 250ms and no longer than the request context
//     lives) and closed before the pause, or before RoundTrip returns for a
//     hedge that lost, so its connection is reused;
//   - it is safe for concurrent use; it starts goroutines only to hedge, one per
//     attempt, and waits for them: nothing it makes outlives RoundTrip but the
//     returned response.
//
// It bends these:
//
//   - it interprets status codes, which a RoundTripper should not: a status of
//     400 or more is a failed attempt for its predicate and hooks, and may cause
//     the request to be sent again;
//   - one RoundTrip may send the request several times and take several seconds
//     of pauses, bounded by the request context;
//   - it returns an error while holding a response in one case: when the context
//     ends or its deadline refuses the pause, the response is closed and the
//     error, which unwraps to its *StatusError, is returned instead;
//   - with a Policy.AttemptTimeout, the returned response's body is tied to the
//     attempt's context: it must be read before the timeout, and closing it
//     releases the context.
package retryhttp

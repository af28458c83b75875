package retryhttp

// Why a Transport did not send a request again that its Policy would have
// retried: the values of NotRetriedError.Reason.
const (
	// ReasonNotIdempotent means that the request may have reached the server,
	// and that sending it twice could do harm: a POST or PATCH without an
	// idempotency key (rule 2 of [Transport]).
	ReasonNotIdempotent = "not idempotent"
	// ReasonBodyNotReplayable means that the request's body cannot be made
	// again, as it has no GetBody (rule 1 of [Transport]).
	ReasonBodyNotReplayable = "body not replayable"
)

// NotRetriedError is the error RoundTrip returns when an attempt failed with a
// transport error that the Policy's Retry (or the Transport's default) would have
// retried, but the Transport did not send the request again because that was not
// safe. It wraps that error, so errors.Is and errors.As still find it:
//
//	Post "https://api.example.com/charge": retryhttp: POST not retried: not idempotent: EOF
//
// An error that Retry itself did not retry comes back unchanged, not as a
// NotRetriedError; and a response is always returned as a response, whatever
// the reason it was not retried (a 503 to a POST, the Max500Retries limit).
type NotRetriedError struct {
	// Method is the request's method, "GET" for an empty one.
	Method string
	// Reason says why sending again was not safe: ReasonNotIdempotent or
	// ReasonBodyNotReplayable.
	Reason string
	// Err is the error of the attempt, as Base returned it.
	Err error
}

// Error returns "retryhttp: ", the method, " not retried: ", the reason and the
// underlying error, as in "retryhttp: POST not retried: not idempotent: EOF".
func (e *NotRetriedError) Error() string {
	msg := "retryhttp: " + e.Method + " not retried: " + e.Reason
	if e.Err == nil {
		return msg
	}
	return msg + ": " + e.Err.Error()
}

// Unwrap returns the underlying error, e.Err.
func (e *NotRetriedError) Unwrap() error { return e.Err }

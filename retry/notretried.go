package retry

// NotRetriedError is the error an adapter returns when an attempt failed with an
// error that its Policy's Retry would have retried, but a rule of safety refused
// to send the request again: Reason is ReasonNotIdempotent or
// ReasonNotReplayable. It wraps the attempt's error, so errors.Is and errors.As
// (and gRPC's status.Code) still see it:
//
//	retry: POST not retried (not_idempotent): EOF
//
// An error that Retry itself did not retry comes back unchanged, never as a
// NotRetriedError.
type NotRetriedError struct {
	// Name is what was not sent again, as the adapter names it: the HTTP method,
	// the gRPC full method.
	Name string
	// Reason is the rule that refused the retry.
	Reason Reason
	// Err is the attempt's error, as the transport returned it.
	Err error
}

// Error says what was not sent again and why, starting with "retry: ".
func (e *NotRetriedError) Error() string {
	return "retry: " + e.Name + " not retried (" + e.Reason.String() + "): " + e.Err.Error()
}

// Unwrap returns the attempt's error.
func (e *NotRetriedError) Unwrap() error { return e.Err }

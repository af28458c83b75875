package retrygrpc

import (
	"math"
	"time"

	"github.com/tenacious-go/tenacious/internal/errchain"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// PushbackKey is the trailer in which a server tells a client when to retry
// (gRFC A6): a non-negative integer is the pause in milliseconds; a negative or
// malformed value, or more than one value, asks the client not to retry.
const PushbackKey = "grpc-retry-pushback-ms"

// PreviousAttemptsKey is the request metadata that counts the attempts of an RPC
// before this one (gRFC A6). The interceptors send it on every retry and every
// hedge, as "1", "2", and so on, the number of attempts sent before it; a first
// attempt does not carry it.
const PreviousAttemptsKey = "grpc-previous-rpc-attempts"

// maxMillis is the largest whole number of milliseconds a time.Duration holds.
const maxMillis = math.MaxInt64 / int64(time.Millisecond)

// StatusError is a failed attempt of an RPC as a retry.Policy sees it: the
// status it ended with, the trailer the server sent with it, and the server's
// hint, read from both. The interceptors present every failed attempt to the
// Policy's Retry predicate and hooks as a *StatusError in Attempt.Err (or
// wrapped in the error of an attempt timeout), and a *retry.Error of a give-up
// wraps the last one; an error that is not retried comes back to the caller as
// gRPC returned it, without this wrapper.
//
// It has the GRPCStatus method that status.FromError, status.Code and
// status.Convert look for, so they read a *StatusError, and any error that
// wraps one, as the status it holds; and the RetryAfter method the retry engine
// looks for, so a Policy honours the server's hint whatever its Wait, up to
// Policy.MaxRetryAfter.
type StatusError struct {
	// Status is the status the attempt ended with: the RPC's own, or, for an error
	// that carries none, codes.Unknown with the error's message, as
	// status.Convert makes it.
	Status *status.Status
	// Trailer is the trailer metadata the server sent with the status; nil if
	// none reached the client.
	Trailer metadata.MD

	err        error
	retryAfter time.Duration
	hinted     bool
	noRetry    bool
	committed  bool // a unary attempt's: a response header came before the failure
}

// NewStatusError returns the *StatusError of err, an error returned by a gRPC
// call, with the server's hint read from trailer (which the call can capture with
// the grpc.Trailer call option; nil if it has none) and from the status details;
// nil if err is nil. Use it in code that calls gRPC inside retry.Do or
// Policy.Run, so that the Policy sees the hint and [Transient] or [Codes] the
// status:
//
//	var tr metadata.MD
//	_, err := client.Get(ctx, req, grpc.Trailer(&tr))
//	return retrygrpc.NewStatusError(err, tr)
//
// The interceptors do this for every attempt.
func NewStatusError(err error, trailer metadata.MD) error {
	if err == nil {
		return nil
	}
	return newStatusError(err, trailer)
}

func newStatusError(err error, trailer metadata.MD) *StatusError {
	e := &StatusError{Status: status.Convert(err), Trailer: trailer, err: err}
	if d, ok, present := parsePushback(trailer[PushbackKey]); present {
		e.hinted, e.noRetry, e.retryAfter = ok, !ok, d
		return e
	}
	for _, d := range e.Status.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			if d, ok := retryDelay(ri); ok {
				e.hinted, e.retryAfter = true, d
				break
			}
		}
	}
	return e
}

// retryDelay returns the pause a RetryInfo asks for, and whether it asks for a
// valid one: a missing retry_delay is no pause, a negative or invalid one is no
// hint.
func retryDelay(ri *errdetails.RetryInfo) (time.Duration, bool) {
	d := ri.GetRetryDelay()
	if d == nil {
		return 0, true
	}
	if d.CheckValid() != nil || d.GetSeconds() < 0 || d.GetNanos() < 0 {
		return 0, false
	}
	return d.AsDuration(), true // AsDuration saturates
}

// parsePushback reads the values of a grpc-retry-pushback-ms trailer as gRFC A6
// defines them. present is false when there is none; ok is false when the server
// asks the client not to retry: a negative or malformed value, or more than one
// value. A valid value is one or more ASCII digits and nothing else; a number of
// milliseconds too large for a time.Duration saturates at the largest one.
func parsePushback(values []string) (d time.Duration, ok, present bool) {
	switch len(values) {
	case 0:
		return 0, false, false
	case 1:
	default:
		return 0, false, true
	}
	v := values[0]
	if v == "" {
		return 0, false, true
	}
	var ms int64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false, true
		}
		if ms > (maxMillis-int64(c-'0'))/10 {
			ms = maxMillis + 1 // saturate, and keep checking the digits
			continue
		}
		ms = ms*10 + int64(c-'0')
	}
	if ms > maxMillis {
		return time.Duration(math.MaxInt64), true, true
	}
	return time.Duration(ms) * time.Millisecond, true, true
}

// Error returns the message of the error gRPC returned, as in "rpc error: code =
// Unavailable desc = connection refused".
func (e *StatusError) Error() string { return e.err.Error() }

// Unwrap returns the error gRPC returned.
func (e *StatusError) Unwrap() error { return e.err }

// GRPCStatus returns e.Status, so that status.FromError and status.Code read
// the status of the attempt.
func (e *StatusError) GRPCStatus() *status.Status { return e.Status }

// Code returns the status code of the attempt, e.Status.Code().
func (e *StatusError) Code() codes.Code { return e.Status.Code() }

// RetryAfter returns the pause the server asked for, or 0 when it asked for none
// (or for no pause). It reads, and the first that is present decides:
//
//  1. the grpc-retry-pushback-ms trailer (gRFC A6): one value of ASCII digits,
//     a number of milliseconds ("0" asks for no pause); any other value asks the
//     client not to retry (see DoNotRetry), and RetryAfter is 0;
//  2. a google.rpc.RetryInfo in the status details: its retry_delay (none asks
//     for no pause; a negative or invalid one is ignored).
//
// The value is not capped: the retry engine caps the pause it takes at
// Policy.MaxRetryAfter (a minute by default) and adds up to half of it at
// random; a negative MaxRetryAfter ignores hints.
func (e *StatusError) RetryAfter() time.Duration { return e.retryAfter }

// Hinted reports whether the server sent a valid hint, a pause of zero
// included: a grpc-retry-pushback-ms trailer of digits or a RetryInfo. A
// RESOURCE_EXHAUSTED is retried by default only with one.
func (e *StatusError) Hinted() bool { return e.hinted }

// DoNotRetry reports whether the server's grpc-retry-pushback-ms trailer asks the
// client not to retry: a negative or malformed value, or more than one (gRFC A6).
// The interceptors and [Transient] then do not retry, whatever the status.
func (e *StatusError) DoNotRetry() bool { return e.noRetry }

// statusErrorOf returns the first *StatusError in err's tree, or nil. It
// allocates nothing.
func statusErrorOf(err error) *StatusError {
	var se *StatusError
	errchain.Any(err, func(err error) bool {
		se, _ = err.(*StatusError)
		return se != nil
	})
	return se
}

// codeOf returns the status code of err as status.Code reads it (the first
// GRPCStatus method in its tree; codes.Unknown if none), without allocating.
func codeOf(err error) codes.Code {
	if err == nil {
		return codes.OK
	}
	code := codes.Unknown
	errchain.Any(err, func(err error) bool {
		if _, ok := err.(*attemptTimeoutError); ok {
			code = codes.DeadlineExceeded // what its GRPCStatus says, without making it
			return true
		}
		if gs, ok := err.(interface{ GRPCStatus() *status.Status }); ok {
			if st := gs.GRPCStatus(); st != nil {
				code = st.Code()
			}
			return true
		}
		return false
	})
	return code
}

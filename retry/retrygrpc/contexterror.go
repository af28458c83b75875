package retrygrpc

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tenacious-go/tenacious/retry"
)

// contextError is the give-up of a call that ran out of its caller's time: the
// caller's context ended it (retry.ReasonContext), or the next pause would have
// outlasted the context's deadline (retry.ReasonDeadline). It reads as the end
// of the context to status.Code and status.FromError, CANCELLED or
// DEADLINE_EXCEEDED, as grpc-go's own retries report it, and unwraps to the
// *retry.Error, through which errors.As finds the last attempt's *StatusError
// and errors.Is the context's error.
type contextError struct {
	err  *retry.Error
	code codes.Code
}

func newContextError(e *retry.Error) *contextError {
	code := codes.DeadlineExceeded
	if e.Reason == retry.ReasonContext && errors.Is(e.Context, context.Canceled) {
		code = codes.Canceled
	}
	return &contextError{err: e, code: code}
}

// Error returns the message of the *retry.Error.
func (e *contextError) Error() string { return e.err.Error() }

// Unwrap returns the *retry.Error.
func (e *contextError) Unwrap() error { return e.err }

// GRPCStatus returns a status of code CANCELLED or DEADLINE_EXCEEDED, with the
// error's message.
func (e *contextError) GRPCStatus() *status.Status { return status.New(e.code, e.Error()) }

package retrygrpc

import (
	"errors"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tenacious-go/tenacious/retry"
)

// errAttemptTimeout is the cause with which a stream's attempt context is
// canceled when the attempt runs out of Policy.AttemptTimeout.
var errAttemptTimeout = errors.New("retrygrpc: attempt timed out")

// attemptTimeoutError is the error of an attempt that ran out of
// Policy.AttemptTimeout while the caller's context was still alive. It matches
// retry.ErrAttemptTimeout, reports Timeout, and reads as DEADLINE_EXCEEDED to
// status.Code, whatever gRPC made of the end of the attempt's context (a stream's
// is canceled, so its own status is CANCELLED).
type attemptTimeoutError struct {
	err     error
	timeout time.Duration
}

func (e *attemptTimeoutError) Error() string {
	return "retrygrpc: attempt timed out after " + e.timeout.String() + ": " + e.err.Error()
}

func (e *attemptTimeoutError) Unwrap() error        { return e.err }
func (e *attemptTimeoutError) Is(target error) bool { return target == retry.ErrAttemptTimeout }
func (e *attemptTimeoutError) Timeout() bool        { return true }

// GRPCStatus returns a DEADLINE_EXCEEDED status with the error's message.
func (e *attemptTimeoutError) GRPCStatus() *status.Status {
	return status.New(codes.DeadlineExceeded, e.Error())
}

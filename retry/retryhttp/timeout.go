package retryhttp

import (
	"time"

	"github.com/tenacious-go/tenacious/retry"
)

// attemptTimeoutError is the error of an attempt that ran out of the Transport's
// AttemptTimeout while the caller's context was still alive. It matches
// retry.ErrAttemptTimeout and reports Timeout, so predicate.Transient retries it
// before it looks for the caller's context.DeadlineExceeded it wraps.
type attemptTimeoutError struct {
	err     error
	timeout time.Duration
}

func (e *attemptTimeoutError) Error() string {
	return "retryhttp: attempt timed out after " + e.timeout.String() + ": " + e.err.Error()
}

func (e *attemptTimeoutError) Unwrap() error        { return e.err }
func (e *attemptTimeoutError) Is(target error) bool { return target == retry.ErrAttemptTimeout }
func (e *attemptTimeoutError) Timeout() bool        { return true }

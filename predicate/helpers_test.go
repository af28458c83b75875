package predicate

import (
	"context"
	"strconv"

	"github.com/tenacious-go/tenacious/retry"
)

// at returns the Attempt a predicate sees after a failure with err.
func at(err error) retry.Attempt { return retry.Attempt{Number: 1, Err: err} }

// statusErr is an error with a status code, as package retryhttp makes them.
type statusErr struct {
	code int
	err  error // what it wraps, if anything
}

func (e *statusErr) Error() string   { return "status " + strconv.Itoa(e.code) }
func (e *statusErr) StatusCode() int { return e.code }
func (e *statusErr) Unwrap() error   { return e.err }

// timeoutErr is a net.Error-style timeout, or not.
type timeoutErr bool

func (e timeoutErr) Error() string { return "timeout " + strconv.FormatBool(bool(e)) }
func (e timeoutErr) Timeout() bool { return bool(e) }

// attemptTimeout is our own error that matches retry.ErrAttemptTimeout and wraps
// the attempt's context error, as package retry's does.
type attemptTimeout struct{}

func (attemptTimeout) Error() string        { return "attempt timed out: " + context.DeadlineExceeded.Error() }
func (attemptTimeout) Unwrap() error        { return context.DeadlineExceeded }
func (attemptTimeout) Is(target error) bool { return target == retry.ErrAttemptTimeout }

package retry

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/tenacious-go/tenacious/internal/errchain"
)

// Error is the error a call returns when it gives up on an operation whose last
// failure was retryable. It says why and after how many attempts, and keeps the last
// attempt's error and result. Errors that are not retried never become an Error: they
// come back unchanged.
//
// Unwrap yields the last attempt's error and, when the context ended the call, the
// context's error and its cause, so errors.Is(err, lastErr) and
// errors.Is(err, context.Canceled) both hold. A give-up because the next pause
// would outlast the context's deadline (ReasonDeadline) also matches
// context.DeadlineExceeded: the call ran out of time, though its context had not
// ended yet.
type Error struct {
	// Reason says why the call gave up: ReasonStop, ReasonDeadline, ReasonBudget,
	// ReasonGate or ReasonContext; or, when the last attempt's result was rejected by
	// RetryResult and could not be retried, ReasonNotRetried (WithoutRetry) or
	// ReasonLayerBelow.
	Reason Reason
	// Attempts is the number of attempts made, hedges included: zero when the
	// Gate refused the first.
	Attempts int
	// Hedges is how many of the attempts were hedges (see Hedger).
	Hedges int
	// Last is the last attempt's error; nil when its result was rejected by
	// RetryResult, or when no attempt ran.
	Last error
	// Result is the last attempt's result (the T of Do or Retrier[T].Do), also
	// returned beside the error; nil for an error-only call, and when the Gate
	// refused the first attempt.
	Result any
	// Refusal is the Gate's error when it refused an attempt (ReasonGate), else
	// nil.
	Refusal error
	// Delay is the pause that was chosen and not taken, whenever one was: the one a
	// Stop or the budget refused, the one that would have outlasted the context's
	// deadline (ReasonDeadline), or the one the context's end cut short; zero when
	// the call ended before a pause was chosen. A server's hint ("retry in 30
	// minutes") that a Stop refused shows here.
	Delay time.Duration
	// Context is the context's error when the context ended the call
	// (context.Canceled or context.DeadlineExceeded), else nil.
	Context error
	// Cause is context.Cause of the context when it ended the call, if it differs
	// from Context; else nil.
	Cause error
}

// Error describes the give-up in one line, starting with "retry: ".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("retry: ")
	switch e.Reason {
	case ReasonContext:
		b.WriteString("context ended")
	case ReasonDeadline:
		b.WriteString("gave up before the deadline")
	case ReasonBudget:
		b.WriteString("retry budget exhausted")
	case ReasonGate:
		b.WriteString("refused by the gate")
	case ReasonLayerBelow:
		b.WriteString("a layer below gave up")
	case ReasonNotRetried:
		b.WriteString("not retried")
	default:
		b.WriteString("gave up")
	}
	b.WriteString(" after ")
	b.WriteString(strconv.Itoa(e.Attempts))
	if e.Attempts == 1 {
		b.WriteString(" attempt")
	} else {
		b.WriteString(" attempts")
	}
	if e.Reason == ReasonDeadline {
		b.WriteString(" (next pause ")
		b.WriteString(e.Delay.String())
		b.WriteString(")")
	}
	if e.Context != nil {
		b.WriteString(" (")
		b.WriteString(e.Context.Error())
		if e.Cause != nil {
			b.WriteString(": ")
			b.WriteString(e.Cause.Error())
		}
		b.WriteString(")")
	}
	if e.Refusal != nil {
		b.WriteString(" (")
		b.WriteString(e.Refusal.Error())
		b.WriteString(")")
	}
	switch {
	case e.Last != nil:
		b.WriteString(": ")
		b.WriteString(e.Last.Error())
	case e.Attempts > 0:
		b.WriteString(": result rejected")
	}
	return b.String()
}

// Unwrap returns the last attempt's error, the Gate's refusal and the context's
// error and cause, those that are not nil, and context.DeadlineExceeded for
// ReasonDeadline.
func (e *Error) Unwrap() []error {
	errs := make([]error, 0, 3)
	for _, err := range [...]error{e.Last, e.Refusal, e.Context, e.Cause} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if e.Reason == ReasonDeadline && e.Context == nil {
		errs = append(errs, context.DeadlineExceeded)
	}
	return errs
}

// Permanent marks err as not worth retrying: a call returns it at once, whatever
// its Retry predicate says, and without the mark (the error Do returns is err
// itself). Permanent(nil) is nil. Use it inside an operation that knows better than
// the predicate, as errors.Is and errors.As see through the mark.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (p *permanentError) Error() string { return p.err.Error() }
func (p *permanentError) Unwrap() error { return p.err }

// unmark returns err without a Permanent mark at its top, as the caller made it.
func unmark(err error) error {
	if p, ok := err.(*permanentError); ok {
		return p.err
	}
	return err
}

// IsPermanent reports whether err, or any error it wraps, was marked by Permanent.
// It allocates nothing.
func IsPermanent(err error) bool {
	_, ok := errchain.Find[*permanentError](err)
	return ok
}

// ErrAttemptTimeout matches, with errors.Is, the error of an attempt that ran out
// of the Policy's AttemptTimeout. Such an attempt is always retried: its own timeout
// is transient, unlike the end of the caller's context.
var ErrAttemptTimeout = errors.New("retry: attempt timed out")

// attemptTimeoutError wraps the error of an attempt that outlived AttemptTimeout.
type attemptTimeoutError struct {
	err     error
	timeout time.Duration
}

func (e *attemptTimeoutError) Error() string {
	return "retry: attempt timed out after " + e.timeout.String() + ": " + e.err.Error()
}
func (e *attemptTimeoutError) Unwrap() error        { return e.err }
func (e *attemptTimeoutError) Is(target error) bool { return target == ErrAttemptTimeout }

// Timeout reports true, so an attempt timeout counts as a timeout for net.Error-style
// checks.
func (e *attemptTimeoutError) Timeout() bool { return true }

package retry

import "strconv"

// Reason says how a call ended. Hooks read it as Attempt.Reason in OnEnd; an *Error
// carries the reason of a give-up.
type Reason uint8

const (
	// ReasonSuccess means an attempt succeeded (and RetryResult, if any, took its
	// result).
	ReasonSuccess Reason = iota + 1
	// ReasonNotRetried means an attempt failed with an error that is not retried:
	// Permanent, a context error the operation returned, or one the Retry predicate
	// refused. The call returns that error unchanged.
	ReasonNotRetried
	// ReasonStop means the Stop strategy said so (attempts used up, time elapsed, a
	// signal).
	ReasonStop
	// ReasonDeadline means the next pause would have ended after the context's
	// deadline, so the call gave up at once instead of sleeping into a certain
	// failure.
	ReasonDeadline
	// ReasonBudget means the retry budget refused the retry.
	ReasonBudget
	// ReasonContext means the caller's context ended (canceled, or its deadline
	// passed) during an attempt or a pause.
	ReasonContext
)

var reasonNames = [...]string{
	ReasonSuccess:    "success",
	ReasonNotRetried: "not_retried",
	ReasonStop:       "stop",
	ReasonDeadline:   "deadline",
	ReasonBudget:     "budget",
	ReasonContext:    "context",
}

// String returns the reason's name, fit for a log field or a metric attribute:
// "success", "not_retried", "stop", "deadline", "budget" or "context".
func (r Reason) String() string {
	if int(r) < len(reasonNames) && reasonNames[r] != "" {
		return reasonNames[r]
	}
	return "Reason(" + strconv.Itoa(int(r)) + ")"
}

package retry

import "strconv"

// Reason says how a call ended. Hooks read it as Attempt.Reason in OnEnd; an *Error
// carries the reason of a give-up, and a *NotRetriedError the rule that refused a
// retry.
type Reason uint8

const (
	// ReasonSuccess means an attempt succeeded (and RetryResult, if any, took its
	// result).
	ReasonSuccess Reason = iota + 1
	// ReasonNotRetried means an attempt failed with an error that is not retried:
	// Permanent, a context error the operation returned, or one the Retry predicate
	// refused (in retrygrpc, a code not in the table); or the call was made with
	// [WithoutRetry], or inside an attempt of a hedged call, where the hedged
	// call does the retrying. The call returns that error unchanged.
	ReasonNotRetried
	// ReasonNotIdempotent means Retry wanted another attempt but an adapter
	// refused it for safety: the request may have taken effect, and sending it
	// again could do harm (an HTTP POST without an idempotency key, a gRPC method
	// not known to be idempotent).
	ReasonNotIdempotent
	// ReasonNotReplayable means Retry wanted another attempt but an adapter could
	// not make the request again as it was: an HTTP body without GetBody, a gRPC
	// call past its commit point (a response had begun).
	ReasonNotReplayable
	// ReasonLayerBelow means a call of this module inside the attempt (its context
	// descends from the attempt's) gave up after retrying, ran out of its Budget,
	// or refused a retry for safety: that layer decided, so this one does not
	// retry the attempt again (see [WithIgnoreLayers]). The call returns the
	// attempt's error unchanged.
	ReasonLayerBelow
	// ReasonStop means the Stop strategy said so (attempts used up, time elapsed, a
	// signal).
	ReasonStop
	// ReasonDeadline means the next pause would have ended after the context's
	// deadline, so the call gave up at once instead of sleeping into a certain
	// failure.
	ReasonDeadline
	// ReasonBudget means the retry budget refused the retry.
	ReasonBudget
	// ReasonGate means the Policy's Gate refused an attempt, a first attempt or a
	// retry (see Gate): the call ends with an *Error whose Refusal is the Gate's
	// error.
	ReasonGate
	// ReasonContext means the caller's context ended (canceled, or its deadline
	// passed) during an attempt or a pause.
	ReasonContext
)

var reasonNames = [...]string{
	ReasonSuccess:       "success",
	ReasonNotRetried:    "not_retried",
	ReasonNotIdempotent: "not_idempotent",
	ReasonNotReplayable: "not_replayable",
	ReasonLayerBelow:    "layer_below",
	ReasonStop:          "stop",
	ReasonDeadline:      "deadline",
	ReasonBudget:        "budget",
	ReasonGate:          "gate",
	ReasonContext:       "context",
}

// String returns the reason's name, fit for a log field or a metric attribute:
// "success", "not_retried", "not_idempotent", "not_replayable", "layer_below",
// "stop", "deadline", "budget", "gate" or "context".
func (r Reason) String() string {
	if int(r) < len(reasonNames) && reasonNames[r] != "" {
		return reasonNames[r]
	}
	return "Reason(" + strconv.Itoa(int(r)) + ")"
}

// Refused reports whether r is a retry that Retry wanted and something else
// refused: a rule of safety (ReasonNotIdempotent, ReasonNotReplayable), a
// layer below (ReasonLayerBelow), the Budget, or the Gate (which may refuse a
// first attempt too). Logs and metrics single these out: they are the "no" a
// caller may not expect.
func (r Reason) Refused() bool {
	switch r {
	case ReasonNotIdempotent, ReasonNotReplayable, ReasonLayerBelow, ReasonBudget, ReasonGate:
		return true
	}
	return false
}

package retry

import "strconv"

// A Budget caps retries as a share of traffic, so that retries cannot multiply the
// load on a service that is already failing (a retry storm). One Budget is shared by
// every Policy that calls the same service; it must be safe for concurrent use.
// A Budget never refuses a first attempt (a Gate may): it only decides whether a
// call may make another attempt. Package budget provides the proven models.
//
// The engine calls Attempted after every attempt, and Allow before every retry,
// after Stop and the deadline have agreed to it. When Allow says no, the call gives
// up with ReasonBudget (after waiting out a server's hint, if the failure carried
// one: see Policy.MaxRetryAfter). A budget may charge by class: a throttled retry
// (the server asked to slow down) need not cost what a retry after a failure
// costs, and an extra attempt that is not a retry (a hedge) is asked for too.
type Budget interface {
	// Allow reports whether a call may make another attempt, of class c: a retry
	// after a failure of class ClassTransient or ClassThrottled, or an extra
	// attempt, ClassExtra. A budget that charges for attempts takes the cost of c
	// when it says yes.
	Allow(c Class) bool
	// Attempted records the end of an attempt. result is what it tells of the
	// service: ClassSuccess, ClassAnswered, ClassTransient or ClassThrottled, or
	// zero when the caller's context ended it (or the call canceled it, as a
	// hedge that lost), which tells nothing. spent is the class Allow
	// granted for this attempt, or zero for a call's first attempt: a budget that
	// refunds a retry that succeeded knows what it cost.
	Attempted(result, spent Class)
}

// Class is what an attempt tells a Budget of the service, and what a Budget is
// asked to pay for. The Policy decides it: a failure that is retried is
// ClassThrottled when Policy.Throttled says so, else ClassTransient.
type Class uint8

const (
	// ClassSuccess is an attempt that succeeded: its result was taken (a gRPC
	// status OK, an HTTP response below 400, a nil error that RetryResult did not
	// reject).
	ClassSuccess Class = iota + 1
	// ClassAnswered is an attempt that failed with an error that is not retried
	// (a not-found, an invalid argument, a Permanent error): the service answered,
	// but not with a success.
	ClassAnswered
	// ClassTransient is an attempt that failed in a way worth retrying: an error,
	// a timeout, an overloaded server.
	ClassTransient
	// ClassThrottled is an attempt the service refused to serve for now, asking the
	// caller to slow down: an HTTP 429, or a failure that carries a server's hint.
	ClassThrottled
	// ClassExtra is an attempt beyond the first that does not retry a failure, such
	// as a hedge: it is asked of Allow and reported as spent, never as a result.
	ClassExtra
)

var classNames = [...]string{
	ClassSuccess:   "success",
	ClassAnswered:  "answered",
	ClassTransient: "transient",
	ClassThrottled: "throttled",
	ClassExtra:     "extra",
}

// String returns the class's name: "success", "answered", "transient", "throttled"
// or "extra".
func (c Class) String() string {
	if int(c) < len(classNames) && classNames[c] != "" {
		return classNames[c]
	}
	return "Class(" + strconv.Itoa(int(c)) + ")"
}

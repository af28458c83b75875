package retry

// A Budget caps retries as a share of traffic, so that retries cannot multiply the
// load on a service that is already failing (a retry storm). One Budget is shared by
// every Policy that calls the same service; it must be safe for concurrent use.
// First attempts are never throttled: a Budget only decides whether a call may
// retry. Package budget provides the proven models.
//
// The engine calls Attempted after every attempt and AllowRetry before every retry,
// after Stop and the deadline have agreed to it; when AllowRetry says no, the call
// gives up at once with ReasonBudget.
type Budget interface {
	// Attempted records the end of an attempt: first says whether it was its call's
	// first attempt, failed whether it failed in a way its Policy would retry (a
	// success, or an error that is not retried, is not a failure of the service).
	Attempted(first, failed bool)
	// AllowRetry reports whether a call may retry now, spending for the retry if the
	// model does.
	AllowRetry() bool
}

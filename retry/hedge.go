package retry

import "time"

// A Hedger makes a call start another attempt when the attempts in flight are slow
// to answer, and takes the first good answer: hedging, for the slow tail, where
// retrying is for failures. It also learns from the latencies it observes, so, like
// a Budget, one Hedger is shared by every call of a service and must be safe for
// concurrent use. Package hedge provides a fixed delay and one that follows a
// quantile of recent latencies.
//
// With a Hedger in its Policy, [Retrier.Hedge] runs its attempts on goroutines of
// its own, as do adapters for requests they know are safe to repeat; every other
// call shape runs one attempt at a time and ignores the Hedger, since only the
// call site can say that an operation is safe to run several times at once.
//
// The call starts an attempt. While at least one attempt is in flight, each time
// Delay passes after the latest start with no answer, it starts another (a
// hedge), as long as Delay says so (its maximum in flight), Stop allows one more
// attempt (hedges count as attempts, as in gRFC A6), the time left before the
// context's deadline is at least the delay, and the Budget allows an extra
// attempt (ClassExtra: hedges are paid from the same budget as retries, so a
// partial outage in which every call is slow cannot double the load). A refused
// hedge just waits for the attempts in flight.
//
// The first acceptable answer wins: the other attempts are canceled through their
// own contexts, the call waits for them to return (an operation that ignores its
// context makes the call as slow as it is), hands their results to the Retrier's
// Discard, if any, and returns. An error that is not retried ends the call the
// same way. A failure worth retrying while other attempts are in flight starts
// nothing by itself: they go on, and the hedge delay still counts from the latest
// start. Once nothing is in flight, the call is on the retry path of any call:
// Wait or the server's hint chooses the pause, Stop, the deadline and the Budget
// may refuse it, and the next attempt follows it, so a service that fails fast
// sees the attempts Do would send. Hedging never shortens a pause: after a
// failure that carried a server's hint, no attempt starts before the hint has
// passed.
//
// Hooks run one at a time, on the call's goroutine, never concurrently: Before as
// each attempt starts (Attempt.Hedge says whether it is a hedge), After as each
// attempt ends until the call is decided, BeforeSleep before a retry's pause, and
// OnEnd once, whose Attempt.Number is the number of attempts started and whose
// Attempt.Hedge says whether the attempt that decided the call was a hedge. The
// give-up *Error counts the hedges. A panic in a hook or a strategy cancels the
// attempts in flight and waits for them before it goes on up the caller's
// goroutine; a panic in the operation, on a goroutine of the call, ends the
// program, as in any goroutine.
type Hedger interface {
	// Delay reports how long a call that has inflight attempts running (at least
	// one) waits for an answer before it starts another, and ok false if it is
	// not to start one: while the Hedger warms up, or with inflight at its
	// maximum.
	Delay(inflight int) (d time.Duration, ok bool)
	// Observe records how long an attempt ran: until its answer, or until it was
	// canceled, which makes the time a lower bound of its latency, so that winners
	// alone do not drag the delay down.
	Observe(d time.Duration)
}

package retry

import (
	"context"
	"time"
)

// Attempt is what strategies and hooks know about a call in progress. It is a
// snapshot, passed by value: Stop, Wait, Retry and the hooks each see the state of
// the call at the moment they run.
//
// Elapsed and Slept are measured, and exact, whenever something can read them: a
// hook, statistics, or a strategy of your own. A Retrier whose strategies are all
// defaults or constructors of the stop, wait and predicate packages that read only
// the number, the error and the pauses (all but stop.AfterElapsed,
// stop.BeforeElapsed and the combinators) skips the clock, whose reading costs
// about as much as a fast operation; its Attempts then carry zero durations that
// nothing reads.
type Attempt struct {
	// Number is the 1-based number of the attempt: 1 for the first call of the
	// operation, 2 for the first retry, and so on.
	Number int

	// Err is the error of the attempt that just ended. It is nil in Before, in After
	// when the attempt succeeded, and when the operation returned a result that
	// RetryResult rejected.
	Err error

	// Elapsed is the time since the first attempt began.
	Elapsed time.Duration

	// Delay is the pause chosen before the next attempt. Wait and Retry see zero,
	// since it is not chosen yet; Stop and BeforeSleep see the chosen value, so a
	// Stop can refuse a pause that is too long. OnGiveUp sees it when a Stop, the
	// deadline or the budget refused the pause, and zero when the call ended before
	// one was chosen (an error not retried, the context ending).
	Delay time.Duration

	// PrevDelay is the pause chosen before this attempt: zero for the first.
	// Decorrelated jitter grows from it.
	PrevDelay time.Duration

	// Slept is the time the call has spent sleeping between attempts so far.
	Slept time.Duration

	// Context is the context the call was made with (not an attempt's own, which
	// AttemptTimeout derives), so that hooks can log and trace with it. It is nil
	// in an Attempt made by hand; strategies should not need it.
	Context context.Context
}

// Stats describes one call of a Retrier: how many attempts it made, how long it
// slept between them, and how long it took in all.
type Stats struct {
	// Attempts is the number of attempts the call made.
	Attempts int
	// Slept is the time it spent in pauses between attempts.
	Slept time.Duration
	// Elapsed is the time from the start of its first attempt to its return.
	// Asking for Stats makes even a zero Retrier read the clock for it.
	Elapsed time.Duration
}

type statsKey struct{}

// WithStats returns a context that makes every Retrier call made with it (Do, Run,
// the loop form, the group's tasks, the HTTP transport) write its statistics to *s
// just before it returns, on success and on failure alike. Like any variable, s must
// not be written by two calls at once: give each concurrent call its own.
//
// Statistics live with the call, never on the Retrier, so one Retrier serves any
// number of goroutines (tenacity's shared statistics attribute is a known trap).
func WithStats(ctx context.Context, s *Stats) context.Context {
	if s == nil {
		panic("retry: WithStats: nil *Stats")
	}
	return context.WithValue(ctx, statsKey{}, s)
}

func statsFrom(ctx context.Context) *Stats {
	s, _ := ctx.Value(statsKey{}).(*Stats)
	return s
}

package retry

import (
	"context"
	"time"

	"github.com/tenacious-go/tenacious/internal/layer"
)

// Attempt is what strategies and hooks know about a call in progress. It is a
// snapshot, passed by value: Stop, Wait, Retry and the hooks each see the state of
// the call at the moment they run.
//
// Elapsed and Slept are filled whenever something may read them: a strategy or
// hook that reads time (see [ReadsTime]: any function adapted with StopFunc,
// WaitFunc, PredicateFunc or HookFunc does, and of this module's, those that read
// durations, such as stop.AfterElapsed and the hooks' loggers), or [Stats]. A call
// whose Policy has none reads no clock at all: its Attempts carry a zero Elapsed,
// which nothing reads, and a Slept counted from the pauses chosen. A call that
// does reads the clock when it begins,
// once after each failed attempt, and besides only for a hook that reads time
// at the start of an attempt (Before) or after a success (After, OnEnd).
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
	// Stop can refuse a pause that is too long. OnEnd sees it when a Stop, the
	// deadline or the budget refused the pause, or the context ended during it, and
	// zero when the call ended before one was chosen (a success, an error not
	// retried, the context ending during an attempt).
	Delay time.Duration

	// PrevDelay is the pause chosen before this attempt: zero for the first.
	// Decorrelated jitter grows from it.
	PrevDelay time.Duration

	// Slept is the time the call has spent sleeping between attempts so far:
	// each pause slept through counts as its chosen length, and a pause that the
	// context cut short as the time from the end of the failed attempt to the
	// call's end.
	Slept time.Duration

	// Name is the Policy's Name: what the call does, for hooks to report.
	Name string

	// Hedge reports whether the attempt was started as a hedge, while others were
	// still in flight (see Hedger).
	Hedge bool

	// Reason says how the call ended, in the OnEnd hook; everywhere else it is zero,
	// as the call goes on.
	Reason Reason

	// Context is the context the call was made with (not an attempt's own, which
	// AttemptTimeout derives), so that hooks can log and trace with it. It is nil
	// in an Attempt made by hand; strategies should not need it.
	Context context.Context
}

// Stats describes one call: how many attempts it made, how long it slept between
// them, and how long it took in all.
type Stats struct {
	// Attempts is the number of attempts the call made.
	Attempts int
	// Slept is the time it spent in pauses between attempts.
	Slept time.Duration
	// Elapsed is the time from the start of its first attempt to its return.
	// Asking for Stats makes even a zero Policy read the clock for it.
	Elapsed time.Duration
}

// WithStats returns a context that makes every call made with it (Do, Run, the loop
// form, the group's tasks, the HTTP transport) write its statistics to *s
// just before it returns, on success and on failure alike. Like any variable, s must
// not be written by two calls at once: give each concurrent call its own. The
// calls inside an attempt do not write it: an attempt's context hides it.
//
// Statistics live with the call, never on the Policy, so one Policy serves any
// number of goroutines (tenacity's shared statistics attribute is a known trap).
func WithStats(ctx context.Context, s *Stats) context.Context {
	if s == nil {
		panic("retry: WithStats: nil *Stats")
	}
	return layer.With(ctx, func(o *layer.Override) { o.Stats = s })
}

package retry

import (
	"context"
	"time"
)

// Attempt is what strategies and hooks know about a call in progress. It is a
// snapshot, passed by value: Stop, Wait, Retry and the hooks each see the state of
// the call at the moment they run, and keeping an Attempt keeps nothing alive.
//
// A Retrier that has only default strategies and no hooks does not read the clock
// (time.Now costs more than a fast call); with anything configured it does, and the
// durations below are exact.
type Attempt struct {
	// Number is the 1-based number of the attempt: 1 for the first call of the
	// operation, 2 for the first retry, and so on.
	Number int

	// Err is the error of the attempt that just ended. It is nil in Before, in After
	// and OnGiveUp when the attempt succeeded, and when the operation returned a
	// result that RetryResult rejected.
	Err error

	// Elapsed is the time since the first attempt began.
	Elapsed time.Duration

	// Delay is the pause chosen before the next attempt. Wait and Retry see zero,
	// since it is not chosen yet; Stop, BeforeSleep and OnGiveUp see the chosen value,
	// so a Stop can refuse a pause that is too long.
	Delay time.Duration

	// PrevDelay is the pause chosen before this attempt: zero for the first.
	// Decorrelated jitter grows from it.
	PrevDelay time.Duration

	// Slept is the time the call has spent sleeping between attempts so far.
	Slept time.Duration
}

// Stats describes one call of a Retrier: how many attempts it made, how long it
// slept between them, and how long it took in all.
type Stats struct {
	Attempts int
	Slept    time.Duration
	Elapsed  time.Duration
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

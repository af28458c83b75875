package benchmarks

import (
	"context"
	"time"
)

// settle is how long cancelDuringPause lets a library go to sleep after the
// failed attempt before it cancels.
const settle = time.Millisecond

// cancelDuringPause calls do with an operation that fails with ErrTransient,
// cancels the context once do is pausing before the next attempt, and returns the
// time from cancel to do's return, the number of attempts made and do's error.
// Any further attempt blocks until the context ends, so a library that does not
// pause is measured too (and the semantic test catches it).
func cancelDuringPause(do Retry) (time.Duration, int, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	failed := make(chan struct{})
	canceled := make(chan time.Time, 1)
	calls := 0
	op := func(ctx context.Context) (int, error) {
		calls++
		if calls == 1 {
			close(failed)
			return 0, ErrTransient
		}
		<-ctx.Done()
		return 0, ctx.Err()
	}
	go func() {
		<-failed
		time.Sleep(settle)
		t0 := time.Now()
		cancel()
		canceled <- t0
	}()
	_, err := do(ctx, op)
	end := time.Now()
	return end.Sub(<-canceled), calls, err
}

// overshoot calls do with an operation that fails once with ErrTransient and then
// succeeds, and returns how much longer than want the pause between the two
// attempts took: from the end of the first to the start of the second.
func overshoot(do Retry, want time.Duration) (time.Duration, error) {
	var failedAt time.Time
	var over time.Duration
	calls := 0
	op := func(context.Context) (int, error) {
		calls++
		if calls == 1 {
			failedAt = time.Now()
			return 0, ErrTransient
		}
		over = time.Since(failedAt) - want
		return Work(calls)
	}
	_, err := do(context.Background(), op)
	return over, err
}

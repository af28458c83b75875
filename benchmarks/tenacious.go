package benchmarks

import (
	"context"

	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// NewRetrier returns the shared policy as a tenacious Retrier, which one value
// serves every call with.
func NewRetrier(p Pause) *retry.Retrier[int] {
	return &retry.Retrier[int]{
		Stop:  stop.AfterAttempts(MaxAttempts),
		Wait:  tenaciousWait(p),
		Retry: predicate.ErrorIs(ErrTransient),
	}
}

// NewPolicy is NewRetrier for error-only tasks, as retry.Group runs them.
func NewPolicy(p Pause) *retry.Policy {
	r := NewRetrier(p)
	return &retry.Policy{Stop: r.Stop, Wait: r.Wait, Retry: r.Retry}
}

func tenaciousWait(p Pause) retry.Wait {
	switch {
	case p.Base == 0:
		return wait.None()
	case p.Fixed:
		return wait.Fixed(p.Base)
	}
	return wait.FullJitter(p.Base, Cap)
}

func newTenacious(p Pause) Retry {
	r := NewRetrier(p)
	return func(ctx context.Context, op Op) (int, error) { return r.Do(ctx, op) }
}

package benchmarks

import (
	"context"

	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// NewPolicy returns the shared policy as a tenacious Policy, which one value serves
// every call shape with: retry.Do for typed calls, Run for error-only tasks, Group
// and Map.
func NewPolicy(p Pause) *retry.Policy {
	return &retry.Policy{
		Stop:  stop.AfterAttempts(MaxAttempts),
		Wait:  tenaciousWait(p),
		Retry: predicate.ErrorIs(ErrTransient),
	}
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
	policy := NewPolicy(p)
	return func(ctx context.Context, op Op) (int, error) { return retry.Do(ctx, policy, op) }
}

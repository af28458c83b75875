package benchmarks

import (
	"context"

	"github.com/failsafe-go/failsafe-go"
	"github.com/failsafe-go/failsafe-go/retrypolicy"
)

// newFailsafe expresses the policy with failsafe-go: a RetryPolicy built once and
// shared, and an executor per call that carries the call's context.
func newFailsafe(p Pause) Retry {
	b := retrypolicy.NewBuilder[int]().
		HandleErrors(ErrTransient).
		WithMaxAttempts(MaxAttempts)
	switch {
	case p.Base == 0: // no delay configured: none taken
	case p.Fixed:
		b = b.WithDelay(p.Base)
	default:
		b = b.WithBackoff(p.Base, Cap).WithJitterFactor(0.5)
	}
	policy := b.Build()
	return func(ctx context.Context, op Op) (int, error) {
		return failsafe.With(policy).WithContext(ctx).Get(func() (int, error) { return op(ctx) })
	}
}

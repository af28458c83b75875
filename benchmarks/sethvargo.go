package benchmarks

import (
	"context"
	"errors"
	"time"

	retry "github.com/sethvargo/go-retry"
)

// newSethvargo expresses the policy with sethvargo/go-retry: its Backoff values
// are stateful, so each call makes its own, and the operation marks ErrTransient
// retryable (every other error is permanent).
func newSethvargo(p Pause) Retry {
	return func(ctx context.Context, op Op) (int, error) {
		b := retry.WithMaxRetries(MaxAttempts-1, sethvargoBackoff(p))
		return retry.DoValue(ctx, b, func(ctx context.Context) (int, error) {
			v, err := op(ctx)
			if errors.Is(err, ErrTransient) {
				return v, retry.RetryableError(err)
			}
			return v, err
		})
	}
}

func sethvargoBackoff(p Pause) retry.Backoff {
	switch {
	case p.Base == 0: // its constructors refuse a zero base
		return retry.BackoffFunc(func() (time.Duration, bool) { return 0, false })
	case p.Fixed:
		return retry.NewConstant(p.Base)
	}
	return retry.WithCappedDuration(Cap, retry.WithFullJitter(retry.NewExponential(p.Base)))
}

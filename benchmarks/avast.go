package benchmarks

import (
	"context"
	"errors"

	retry "github.com/avast/retry-go/v4"
)

// newAvast expresses the policy with avast/retry-go: options passed to each call.
func newAvast(p Pause) Retry {
	retryIf := retry.RetryIf(func(err error) bool { return errors.Is(err, ErrTransient) })
	return func(ctx context.Context, op Op) (int, error) {
		return retry.DoWithData(func() (int, error) { return op(ctx) },
			retry.Context(ctx),
			retry.Attempts(MaxAttempts),
			retryIf,
			retry.Delay(p.Base),
			avastDelayType(p),
			retry.MaxDelay(Cap),
		)
	}
}

func avastDelayType(p Pause) retry.Option {
	if p.Fixed {
		return retry.DelayType(retry.FixedDelay)
	}
	// With a zero Delay, full jitter pauses for zero.
	return retry.DelayType(retry.FullJitterBackoffDelay)
}

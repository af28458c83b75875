package benchmarks

import (
	"context"
	"errors"

	"github.com/cenkalti/backoff/v5"
)

// newCenkalti expresses the policy with cenkalti/backoff: its BackOff values are
// stateful, so each call makes its own, and the operation marks every error but
// ErrTransient permanent.
func newCenkalti(p Pause) Retry {
	return func(ctx context.Context, op Op) (int, error) {
		return backoff.Retry(ctx, func() (int, error) {
			v, err := op(ctx)
			if err != nil && !errors.Is(err, ErrTransient) {
				return v, backoff.Permanent(err)
			}
			return v, err
		}, backoff.WithBackOff(cenkaltiBackOff(p)), backoff.WithMaxTries(MaxAttempts))
	}
}

func cenkaltiBackOff(p Pause) backoff.BackOff {
	switch {
	case p.Base == 0:
		return &backoff.ZeroBackOff{}
	case p.Fixed:
		return backoff.NewConstantBackOff(p.Base)
	}
	b := backoff.NewExponentialBackOff() // jitter: ±50% (RandomizationFactor)
	b.InitialInterval, b.Multiplier, b.MaxInterval = p.Base, 2, Cap
	return b
}

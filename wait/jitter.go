package wait

import (
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
	"github.com/tenacious-go/tenacious/retry"
)

// FullJitter returns a Wait whose pause after attempt n is drawn uniformly from
// [0, min(cap, base·2^(n-1))]. It is Marc Brooker's "full jitter" and tenacity's
// wait_random_exponential (with exp_base 2), and the backoff to prefer when many
// clients share a server: it spreads their retries over the whole window.
//
// An Attempt.Number below 1 counts as 1. The ceiling saturates at cap, never
// overflowing, for every n up to math.MaxInt. The values come from math/rand/v2's
// global generator unless [WithSource] says otherwise. It panics if base is not
// positive or cap is below base.
//
// A pause may come out near zero however many attempts have failed; prefer
// [EqualJitter] to keep at least half the ceiling, or [Decorrelated] to keep at least
// base.
//
//go:noinline
func FullJitter(base, cap time.Duration, opts ...Option) retry.Wait {
	mustJitter("FullJitter", base, cap)
	src := configure(opts).src
	return func(a retry.Attempt) time.Duration {
		return backoff.Uniform(src, 0, backoff.Exp(base, cap, a.Number))
	}
}

// EqualJitter returns a Wait whose pause after attempt n is half of
// t = min(cap, base·2^(n-1)) plus a duration drawn uniformly from [0, t-t/2], so it
// lies in [t/2, t]. It is Marc Brooker's "equal jitter"; tenacity has no equivalent.
//
// An Attempt.Number below 1 counts as 1. The ceiling t saturates at cap, never
// overflowing, for every n up to math.MaxInt. The values come from math/rand/v2's
// global generator unless [WithSource] says otherwise. It panics if base is not
// positive or cap is below base.
//
// The fixed half keeps clients that fail together closer together than [FullJitter]
// does; prefer FullJitter unless a floor on the pause matters.
//
//go:noinline
func EqualJitter(base, cap time.Duration, opts ...Option) retry.Wait {
	mustJitter("EqualJitter", base, cap)
	src := configure(opts).src
	return func(a retry.Attempt) time.Duration {
		t := backoff.Exp(base, cap, a.Number)
		return t/2 + backoff.Uniform(src, 0, t-t/2)
	}
}

// Decorrelated returns a Wait whose pause is drawn uniformly from [base, 3·prev] and
// capped at cap, where prev is the previous pause, Attempt.PrevDelay, or base before
// the first retry. It is Marc Brooker's "decorrelated jitter"; tenacity has no
// equivalent.
//
// Every pause lies in [base, cap]. A PrevDelay of zero or less counts as base; a
// PrevDelay below base/3 gives exactly base; 3·prev saturates instead of
// overflowing. The pause grows from whatever the Retrier actually chose last, so
// wrapping Decorrelated (in [Chain], [Sum] or [retry.Wait.Max]) changes what it
// grows from. The values come from math/rand/v2's global generator unless
// [WithSource] says otherwise. It panics if base is not positive or cap is below
// base.
//
// Unlike [FullJitter] it reads the previous pause rather than the attempt number;
// prefer FullJitter when that history is not meaningful.
//
//go:noinline
func Decorrelated(base, cap time.Duration, opts ...Option) retry.Wait {
	mustJitter("Decorrelated", base, cap)
	src := configure(opts).src
	return func(a retry.Attempt) time.Duration {
		prev := a.PrevDelay
		if prev <= 0 {
			prev = base
		}
		return min(cap, backoff.Uniform(src, base, backoff.Mul(prev, 3)))
	}
}

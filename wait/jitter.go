package wait

import (
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
	"github.com/tenacious-go/tenacious/retry"
)

// FullJitter returns a Wait whose pause after attempt n is drawn uniformly from
// [0, min(ceiling, base·2^(n-1))]. It is Marc Brooker's "full jitter" and tenacity's
// wait_random_exponential (with exp_base 2), and the backoff to prefer when many
// clients share a server: it spreads their retries over the whole window.
//
// An Attempt.Number below 1 counts as 1. The top of the window saturates at ceiling,
// never overflowing, for every n up to math.MaxInt. The values come from
// math/rand/v2's global generator unless [WithSource] says otherwise. It panics if
// base is not positive or ceiling is below base.
//
// A pause may come out near zero however many attempts have failed; prefer
// [EqualJitter] to keep at least half the top of the window, or [Decorrelated] to
// keep at least base.
func FullJitter(base, ceiling time.Duration, opts ...Option) retry.Wait {
	mustJitter("FullJitter", base, ceiling)
	src := configure(opts).src
	return func(a retry.Attempt) time.Duration {
		return backoff.Uniform(src, 0, backoff.Exp(base, ceiling, a.Number))
	}
}

// EqualJitter returns a Wait whose pause after attempt n is half of
// t = min(ceiling, base·2^(n-1)) plus a duration drawn uniformly from [0, t-t/2], so
// it lies in [t/2, t]. It is Marc Brooker's "equal jitter"; tenacity has no
// equivalent.
//
// An Attempt.Number below 1 counts as 1. The top of the window t saturates at
// ceiling, never overflowing, for every n up to math.MaxInt. The values come from
// math/rand/v2's global generator unless [WithSource] says otherwise. It panics if
// base is not positive or ceiling is below base.
//
// The fixed half keeps clients that fail together closer together than [FullJitter]
// does; prefer FullJitter unless a floor on the pause matters.
func EqualJitter(base, ceiling time.Duration, opts ...Option) retry.Wait {
	mustJitter("EqualJitter", base, ceiling)
	src := configure(opts).src
	return func(a retry.Attempt) time.Duration {
		t := backoff.Exp(base, ceiling, a.Number)
		return t/2 + backoff.Uniform(src, 0, t-t/2)
	}
}

// Decorrelated returns a Wait whose pause is drawn uniformly from [base, 3·prev] and
// capped at ceiling, where prev is the previous pause, Attempt.PrevDelay, or base
// before the first retry. It is Marc Brooker's "decorrelated jitter"; tenacity has
// no equivalent.
//
// Every pause lies in [base, ceiling]. A PrevDelay of zero or less counts as base; a
// PrevDelay below base/3 gives exactly base; 3·prev saturates instead of
// overflowing. The pause grows from whatever the call actually paused last, so
// wrapping Decorrelated (in [Chain], [Sum] or [Clamp]) changes what it grows from.
// The values come from math/rand/v2's global generator unless [WithSource] says
// otherwise. It panics if base is not positive or ceiling is below base.
//
// Unlike [FullJitter] it reads the previous pause rather than the attempt number;
// prefer FullJitter when that history is not meaningful.
func Decorrelated(base, ceiling time.Duration, opts ...Option) retry.Wait {
	mustJitter("Decorrelated", base, ceiling)
	src := configure(opts).src
	return func(a retry.Attempt) time.Duration {
		prev := a.PrevDelay
		if prev <= 0 {
			prev = base
		}
		return min(ceiling, backoff.Uniform(src, base, backoff.Mul(prev, 3)))
	}
}

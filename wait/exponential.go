package wait

import (
	"math"
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
	"github.com/tenacious-go/tenacious/retry"
)

// Exponential returns a Wait whose pause after attempt n is base·factor^(n-1),
// capped at ceiling. It is tenacity's wait_exponential, whose multiplier, max and
// exp_base are base, ceiling and factor; its min is a floor, which [Clamp] adds:
// Clamp(Exponential(base, ceiling, factor), floor, ceiling).
//
// An Attempt.Number below 1 counts as 1, so the first pause is base (or ceiling, if
// smaller); factor 1 makes every pause base. The power is computed in floating point
// and saturates at ceiling, never overflowing, for every n up to math.MaxInt; when
// factor^(n-1) is a whole number below 2^63 the product is exact to the nanosecond.
// A base above ceiling is allowed: every pause is then ceiling. It panics if base or
// ceiling is negative, or if factor is NaN, infinite or below 1.
//
// Clients that fail together back off together, in step; prefer [FullJitter] when
// many of them share a server, and [ExponentialJitter] for tenacity's additive jitter.
func Exponential(base, ceiling time.Duration, factor float64) retry.Wait {
	mustNonNegative("Exponential", "base", base)
	mustNonNegative("Exponential", "ceiling", ceiling)
	mustGrowth("Exponential", "factor", factor)
	return func(a retry.Attempt) time.Duration {
		return min(grow(base, factor, a.Number), ceiling)
	}
}

// ExponentialJitter returns a Wait whose pause after attempt n is base·factor^(n-1)
// plus a random duration drawn uniformly from [0, jitter], capped at ceiling. It is
// tenacity's wait_exponential_jitter, whose initial, max, exp_base and jitter are
// base, ceiling, factor and jitter, in the same order.
//
// An Attempt.Number below 1 counts as 1. The exponential part is computed as in
// [Exponential], and the sum saturates at ceiling, never overflowing, for every n up
// to math.MaxInt. A base above ceiling is allowed: every pause is then ceiling. The
// values come from math/rand/v2's global generator unless [WithSource] says
// otherwise. It panics if base, ceiling or jitter is negative, or if factor is NaN,
// infinite or below 1.
//
// The jitter is additive, so pauses of clients that fail together stay close while
// the exponential part dominates; prefer [FullJitter] to spread them over the whole
// window.
func ExponentialJitter(base, ceiling time.Duration, factor float64, jitter time.Duration, opts ...Option) retry.Wait {
	mustNonNegative("ExponentialJitter", "base", base)
	mustNonNegative("ExponentialJitter", "ceiling", ceiling)
	mustGrowth("ExponentialJitter", "factor", factor)
	mustNonNegative("ExponentialJitter", "jitter", jitter)
	src := configure(opts).src
	return func(a retry.Attempt) time.Duration {
		d := backoff.Add(grow(base, factor, a.Number), backoff.Uniform(src, 0, jitter))
		return min(d, ceiling)
	}
}

// grow returns d·factor^(n-1) saturated to [0, backoff.Max], for d >= 0 and
// factor >= 1; n below 1 counts as 1.
func grow(d time.Duration, factor float64, n int) time.Duration {
	if d == 0 || n <= 1 {
		return d // also avoids 0·Inf = NaN
	}
	p := math.Pow(factor, float64(n-1)) // in [1, +Inf]
	if p < float64(math.MaxInt) && p == math.Trunc(p) {
		return backoff.Mul(d, int(p)) // exact
	}
	return backoff.FromFloat(float64(d) * p)
}

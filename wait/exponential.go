package wait

import (
	"math"
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
	"github.com/tenacious-go/tenacious/retry"
)

// Exponential returns a Wait whose pause after attempt n is multiplier·base^(n-1),
// kept within [min, max]. It is tenacity's wait_exponential.
//
// An Attempt.Number below 1 counts as 1, so the first pause is multiplier (within
// [min, max]); base 1 makes every pause multiplier. The power is computed in
// floating point and saturates at max, never overflowing, for every n up to
// math.MaxInt; when base^(n-1) is a whole number below 2^63 the product is exact to
// the nanosecond. It panics if multiplier or min is negative, if max is below min, or
// if base is NaN, infinite or below 1.
//
// Clients that fail together back off together, in step; prefer [FullJitter] when
// many of them share a server, and [ExponentialJitter] for tenacity's additive jitter.
//
//go:noinline
func Exponential(multiplier time.Duration, base float64, min, max time.Duration) retry.Wait {
	mustNonNegative("Exponential", "multiplier", multiplier)
	mustGrowth("Exponential", "base", base)
	mustRange("Exponential", "min", "max", min, max)
	return func(a retry.Attempt) time.Duration {
		return clamp(grow(multiplier, base, a.Number), min, max)
	}
}

// ExponentialJitter returns a Wait whose pause after attempt n is
// initial·expBase^(n-1) plus a random duration drawn uniformly from [0, jitter],
// capped at max. It is tenacity's wait_exponential_jitter.
//
// An Attempt.Number below 1 counts as 1. The exponential part is computed as in
// [Exponential], and the sum saturates at max, never overflowing, for every n up to
// math.MaxInt. The values come from math/rand/v2's global generator unless
// [WithSource] says otherwise. It panics if initial, max or jitter is negative, or if
// expBase is NaN, infinite or below 1.
//
// The jitter is additive, so pauses of clients that fail together stay close while
// the exponential part dominates; prefer [FullJitter] to spread them over the whole
// window.
//
//go:noinline
func ExponentialJitter(initial, max time.Duration, expBase float64, jitter time.Duration, opts ...Option) retry.Wait {
	mustNonNegative("ExponentialJitter", "initial", initial)
	mustNonNegative("ExponentialJitter", "max", max)
	mustGrowth("ExponentialJitter", "expBase", expBase)
	mustNonNegative("ExponentialJitter", "jitter", jitter)
	src := configure(opts).src
	return func(a retry.Attempt) time.Duration {
		d := backoff.Add(grow(initial, expBase, a.Number), backoff.Uniform(src, 0, jitter))
		return min(d, max)
	}
}

// grow returns d·base^(n-1) saturated to [0, backoff.Max], for d >= 0 and base >= 1;
// n below 1 counts as 1.
func grow(d time.Duration, base float64, n int) time.Duration {
	if d == 0 || n <= 1 {
		return d // also avoids 0·Inf = NaN
	}
	p := math.Pow(base, float64(n-1)) // in [1, +Inf]
	if p < float64(math.MaxInt) && p == math.Trunc(p) {
		return backoff.Mul(d, int(p)) // exact
	}
	return backoff.FromFloat(float64(d) * p)
}

// clamp returns d kept within [lo, hi].
func clamp(d, lo, hi time.Duration) time.Duration {
	return min(max(d, lo), hi)
}

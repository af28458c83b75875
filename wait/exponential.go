package wait

import (
	"math"
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
	"github.com/tenacious-go/tenacious/retry"
)

// Exponential returns a Wait whose pause after attempt n is base·factor^(n-1),
// capped at max. It is tenacity's wait_exponential, whose multiplier, max and
// exp_base are base, max and factor; its min is a floor, which [Clamp] adds:
// Clamp(Exponential(base, max, factor), floor, max).
//
// An Attempt.Number below 1 counts as 1, so the first pause is base (or max, if
// smaller); factor 1 makes every pause base. With a whole-number factor the pause is
// exact to the nanosecond: the power is computed in integers, by squaring, and the
// product saturates at max, for every n up to math.MaxInt. With any other factor
// the pause is computed in floating point: below max it is within 10^-13 of
// base·factor^(n-1), relatively, before the fraction of a nanosecond is dropped
// (about 9ns on a day-long pause), and it saturates at max, never overflowing,
// for every n up to math.MaxInt. A base above max is allowed: every pause is
// then max. It panics if base or max is negative, or if factor is NaN,
// infinite or below 1.
//
// Clients that fail together back off together, in step; prefer [FullJitter] when
// many of them share a server, and [ExponentialJitter] for tenacity's additive jitter.
func Exponential(base, max time.Duration, factor float64) retry.Wait {
	mustNonNegative("Exponential", "base", base)
	mustNonNegative("Exponential", "max", max)
	mustGrowth("Exponential", "factor", factor)
	g := newGrowth(factor)
	return exponential{g, base, max}
}

type exponential struct {
	g         growth
	base, max time.Duration
}

func (e exponential) Wait(a retry.Attempt) time.Duration {
	return min(e.g.grow(e.base, a.Number), e.max)
}
func (exponential) ReadsTime() bool { return false }

// ExponentialJitter returns a Wait whose pause after attempt n is base·factor^(n-1)
// plus a random duration drawn uniformly from [0, jitter], capped at max. It is
// tenacity's wait_exponential_jitter, whose initial, max, exp_base and jitter are
// base, max, factor and jitter, in the same order.
//
// An Attempt.Number below 1 counts as 1. The exponential part is computed as in
// [Exponential], exactly for a whole-number factor, and the sum saturates at
// max, never overflowing, for every n up to math.MaxInt. A base above max is
// allowed: every pause is then max. The values come from math/rand/v2's global
// generator unless [WithSource] says otherwise. It panics if base, max or jitter
// is negative, or if factor is NaN, infinite or below 1.
//
// The jitter is additive, so pauses of clients that fail together stay close while
// the exponential part dominates; prefer [FullJitter] to spread them over the whole
// window.
func ExponentialJitter(base, max time.Duration, factor float64, jitter time.Duration, opts ...Option) retry.Wait {
	mustNonNegative("ExponentialJitter", "base", base)
	mustNonNegative("ExponentialJitter", "max", max)
	mustGrowth("ExponentialJitter", "factor", factor)
	mustNonNegative("ExponentialJitter", "jitter", jitter)
	g := newGrowth(factor)
	src := configure(opts).src
	return &exponentialJitter{g, base, max, jitter, src}
}

type exponentialJitter struct {
	g                 growth
	base, max, jitter time.Duration
	src               backoff.Source
}

func (e *exponentialJitter) Wait(a retry.Attempt) time.Duration {
	return min(backoff.Add(e.g.grow(e.base, a.Number), backoff.Uniform(e.src, 0, e.jitter)), e.max)
}

func (*exponentialJitter) ReadsTime() bool { return false }

// growth raises a factor, finite and at least 1, to the power of an attempt.
type growth struct {
	whole  int     // the factor if it is a whole number, saturated at math.MaxInt; else 0
	factor float64 // the factor, for the others
}

// newGrowth returns the growth for factor, finite and at least 1.
func newGrowth(factor float64) growth {
	g := growth{factor: factor}
	switch {
	case factor >= 1<<63: // every float64 this large is a whole number
		g.whole = math.MaxInt // any power of it saturates anyway
	case factor == math.Trunc(factor):
		g.whole = int(factor)
	}
	return g
}

// powLimit is the largest exponent for which grow uses math.Pow, whose repeated
// squaring loses up to one part in 2^53 per unit of exponent; beyond it grow works
// from the logarithm, whose error does not grow with the exponent.
const powLimit = 64

// grow returns d·factor^(n-1) saturated to [0, backoff.Max], for d >= 0; n below 1
// counts as 1. It is exact for a whole-number factor. For another factor, below
// 2^63 it is within 10^-13 of the exact value, relatively, before the fraction is
// dropped: math.Pow is within (n-1)·2^-53 for n-1 up to powLimit (and exact for
// small powers of factors such as 1.5), and exp((n-1)·log(factor)) within
// log(2^63)·2^-51 plus exp's own rounding, since a power below 2^63 has a
// logarithm below log(2^63).
func (g growth) grow(d time.Duration, n int) time.Duration {
	if d == 0 || n <= 1 { // n <= 1 before n-1, which wraps for n = math.MinInt
		return d
	}
	m := n - 1
	if g.whole != 0 {
		return backoff.Mul(d, backoff.Pow(g.whole, m))
	}
	var p float64 // in (1, +Inf]
	if m <= powLimit {
		p = math.Pow(g.factor, float64(m))
	} else {
		p = math.Exp(float64(m) * math.Log(g.factor))
	}
	return backoff.FromFloat(float64(d) * p)
}

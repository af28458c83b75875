// Package backoff holds the saturating delay arithmetic shared by retry's defaults
// and the wait package. Every function is O(1), except Pow, which is O(log n); none
// overflows, and none returns a negative duration or power.
package backoff

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"time"
)

// Max is the largest duration, the value every computation saturates at.
const Max = time.Duration(math.MaxInt64)

// Exp returns base·2^(n-1) for the 1-based attempt number n, saturated at limit.
// n below 1 counts as 1; a negative base or limit counts as 0.
func Exp(base, limit time.Duration, n int) time.Duration {
	base, limit = max(base, 0), max(limit, 0)
	if base >= limit {
		return limit
	}
	if base == 0 || n <= 1 { // n <= 1 before n-1, which wraps for n = MinInt
		return base
	}
	shift := n - 1
	if shift >= 63 || base > limit>>shift {
		return limit
	}
	return base << shift
}

// Add returns a+b, saturated to [0, Max].
func Add(a, b time.Duration) time.Duration {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return Max
	case a < 0 && b < 0 && s >= 0:
		return 0
	}
	return max(s, 0)
}

// Mul returns d·n, saturated to [0, Max]. A negative product is 0.
func Mul(d time.Duration, n int) time.Duration {
	if d == 0 || n == 0 {
		return 0
	}
	if (d < 0) != (n < 0) {
		return 0
	}
	ud, un := abs(int64(d)), abs(int64(n))
	hi, lo := bits.Mul64(ud, un)
	if hi != 0 || lo > math.MaxInt64 {
		return Max
	}
	return time.Duration(lo)
}

// Pow returns x^n, saturated at math.MaxInt, computed exactly by squaring: O(log n)
// steps, and at most six, since x^n saturates for every x >= 2 once n >= 63. A
// negative x counts as 0, and an n below 1 gives 1 (so 0^0 is 1).
func Pow(x, n int) int {
	switch {
	case n <= 0:
		return 1
	case x <= 1:
		return max(x, 0)
	case n >= 63:
		return math.MaxInt // x^n >= 2^63
	}
	p, sq := uint64(1), uint64(x)
	for {
		if n&1 == 1 {
			p = mulSat(p, sq)
		}
		if n >>= 1; n == 0 {
			return int(p)
		}
		sq = mulSat(sq, sq)
	}
}

// mulSat returns a·b, saturated at math.MaxInt64.
func mulSat(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 || lo > math.MaxInt64 {
		return math.MaxInt64
	}
	return lo
}

func abs(x int64) uint64 {
	if x < 0 {
		return uint64(-(x + 1)) + 1 // correct for math.MinInt64 too
	}
	return uint64(x)
}

// FromFloat converts a count of nanoseconds held in a float64 to a duration, saturated
// to [0, Max]. NaN is 0.
func FromFloat(ns float64) time.Duration {
	switch {
	case !(ns > 0): // also NaN
		return 0
	case ns >= math.MaxInt64:
		return Max
	}
	return time.Duration(ns)
}

// Source is a source of uniformly distributed 64-bit values, such as the ones in
// math/rand/v2. Nil means math/rand/v2's global source, which is safe for concurrent
// use and needs no seeding.
type Source interface {
	Uint64() uint64
}

// HintSource, if set, is where the engine draws the random extra above a server's
// hint; nil is math/rand/v2's global generator. Tests of the module seed it (with a
// source safe for concurrent use) and reset it when they end.
var HintSource Source

// Uniform returns a duration drawn uniformly from [lo, hi]; if hi <= lo it returns lo.
// Negative bounds count as 0.
func Uniform(src Source, lo, hi time.Duration) time.Duration {
	lo, hi = max(lo, 0), max(hi, 0)
	if hi <= lo {
		return lo
	}
	span := uint64(hi-lo) + 1 // at most 2^63, never overflows
	var x uint64
	if src == nil {
		x = rand.Uint64()
	} else {
		x = src.Uint64()
	}
	off, _ := bits.Mul64(x, span) // Lemire's multiply-shift: uniform in [0, span)
	return lo + time.Duration(off)
}

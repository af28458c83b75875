package wait

import (
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
	"github.com/tenacious-go/tenacious/retry"
)

// Incrementing returns a Wait whose pause after attempt n is start + step·(n-1),
// kept within [0, max]. It is tenacity's wait_incrementing.
//
// An Attempt.Number below 1 counts as 1, so the first pause is start (or max, if
// smaller). A negative step makes the pauses shrink until they reach 0, where they
// stay. The arithmetic saturates instead of overflowing, for every n up to
// math.MaxInt. It panics if start or max is negative. Prefer [Exponential] when the
// pause should double rather than grow by a constant.
//
//go:noinline
func Incrementing(start, step, max time.Duration) retry.Wait {
	mustNonNegative("Incrementing", "start", start)
	mustNonNegative("Incrementing", "max", max)
	return func(a retry.Attempt) time.Duration {
		k := a.Number - 1
		if a.Number < 1 {
			k = 0
		}
		var d time.Duration
		if step >= 0 {
			d = backoff.Add(start, backoff.Mul(step, k))
		} else if dec := backoff.Mul(step, -k); dec < start { // |step|·k, saturated
			d = start - dec
		}
		return min(d, max)
	}
}

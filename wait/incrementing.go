package wait

import (
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
	"github.com/tenacious-go/tenacious/retry"
)

// Incrementing returns a Wait whose pause after attempt n is base + step·(n-1),
// kept within [0, max]. It is tenacity's wait_incrementing, whose start,
// max and increment are base, max and step: like every constructor of this
// package, it takes base and max first.
//
// An Attempt.Number below 1 counts as 1, so the first pause is base (or max, if
// smaller). A negative step makes the pauses shrink until they reach 0, where they
// stay. The arithmetic saturates instead of overflowing, for every n up to
// math.MaxInt. It panics if base or max is negative. Prefer [Exponential] when
// the pause should double rather than grow by a constant.
func Incrementing(base, max, step time.Duration) retry.Wait {
	mustNonNegative("Incrementing", "base", base)
	mustNonNegative("Incrementing", "max", max)
	return incrementing{base, max, step}
}

type incrementing struct{ base, max, step time.Duration }

func (w incrementing) Wait(a retry.Attempt) time.Duration {
	k := a.Number - 1
	if a.Number < 1 {
		k = 0
	}
	var d time.Duration
	if w.step >= 0 {
		d = backoff.Add(w.base, backoff.Mul(w.step, k))
	} else if dec := backoff.Mul(w.step, -k); dec < w.base { // |step|·k, saturated
		d = w.base - dec
	}
	return min(d, w.max)
}

func (incrementing) ReadsTime() bool { return false }

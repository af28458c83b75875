package wait

import (
	"slices"
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
	"github.com/tenacious-go/tenacious/retry"
)

// Chain returns a Wait that hands attempt n to waits[n-1], and every attempt past the
// last to the last one. It is tenacity's wait_chain.
//
// Each Wait sees the Attempt unchanged, so an [Exponential] in third place starts
// at its third step, not its first. An Attempt.Number below 1 counts as 1, and a
// negative pause counts as 0. Chain copies waits, so changing the slice later
// changes nothing. It panics if waits is empty or holds a nil Wait. Prefer [Sum] to
// add pauses rather than take turns.
//
// For example, Chain(Fixed(time.Second), Fixed(time.Second), Fixed(5*time.Second))
// pauses one second after each of the first two attempts and five seconds after
// every later one.
func Chain(waits ...retry.Wait) retry.Wait {
	mustWaits("Chain", waits)
	waits = slices.Clone(waits)
	return &chain{waits, readsTime(waits...)}
}

type chain struct {
	waits []retry.Wait
	reads bool
}

func (c *chain) Wait(a retry.Attempt) time.Duration {
	i := min(max(a.Number, 1), len(c.waits)) - 1
	return max(c.waits[i].Wait(a), 0)
}

func (c *chain) ReadsTime() bool { return c.reads }

// Sum returns a Wait whose pause is the sum of the pauses of waits. It is tenacity's
// wait_combine, and wait_a + wait_b.
//
// Each Wait sees the Attempt unchanged. A negative pause counts as 0, and the sum
// saturates at the largest time.Duration instead of overflowing. Sum copies waits,
// so changing the slice later changes nothing. It panics if waits is empty or holds
// a nil Wait. To bound the sum, wrap it in [Clamp].
func Sum(waits ...retry.Wait) retry.Wait {
	mustWaits("Sum", waits)
	waits = slices.Clone(waits)
	return &sum{waits, readsTime(waits...)}
}

type sum struct {
	waits []retry.Wait
	reads bool
}

func (s *sum) Wait(a retry.Attempt) time.Duration {
	var total time.Duration
	for _, w := range s.waits {
		total = backoff.Add(total, max(w.Wait(a), 0))
	}
	return total
}

func (s *sum) ReadsTime() bool { return s.reads }

// Clamp returns a Wait whose pause is w's, kept within [floor, max]: a pause
// above max becomes exactly max, and a pause below floor (a negative one
// counts as 0) becomes exactly floor. It gives any Wait the bounds that tenacity's
// wait_exponential takes as min and max, which clamp too: wait_exponential with a
// min is Clamp(Exponential(base, max, factor), floor, max).
// wait_random_exponential's min does not clamp: it is [FullJitterFloor]'s floor.
// Clamp(w, 0, max) bounds w from above only.
//
// Clamp clamps; it does not rescale or redraw. With a jittered w, every draw below
// floor becomes floor, so many pauses come out exactly floor and clients that fail
// together line up there again: the jitter below the floor is lost. To keep the
// spread above a floor, use a jitter that draws above one: [FullJitterFloor], which
// is tenacity's wait_random_exponential with min, draws evenly from the floor to
// the top of full jitter's window; [Random] has a floor, [EqualJitter] keeps half
// its window and [Decorrelated] keeps base. Or add the floor instead,
// Sum(Fixed(floor), FullJitter(...)), which shifts the whole window up by floor.
//
// w sees the Attempt unchanged. It panics if w is nil, floor is negative, or
// max is below floor.
func Clamp(w retry.Wait, floor, max time.Duration) retry.Wait {
	if w == nil {
		fail("Clamp", "nil strategy")
	}
	mustRange("Clamp", floor, max)
	return &clamp{w, floor, max, readsTime(w)}
}

type clamp struct {
	w          retry.Wait
	floor, max time.Duration
	reads      bool
}

func (c *clamp) Wait(a retry.Attempt) time.Duration {
	d := c.w.Wait(a)
	if d < c.floor { // floor >= 0, so this also lifts a negative pause
		d = c.floor
	}
	return min(d, c.max)
}

func (c *clamp) ReadsTime() bool { return c.reads }

// readsTime reports whether any of waits reads time (see retry.ReadsTime).
func readsTime(waits ...retry.Wait) bool {
	for _, w := range waits {
		if retry.ReadsTime(w) {
			return true
		}
	}
	return false
}

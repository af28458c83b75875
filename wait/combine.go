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
	return func(a retry.Attempt) time.Duration {
		i := min(max(a.Number, 1), len(waits)) - 1
		return max(waits[i](a), 0)
	}
}

// Sum returns a Wait whose pause is the sum of the pauses of waits. It is tenacity's
// wait_combine, and wait_a + wait_b.
//
// A negative pause counts as 0, and the sum saturates at the largest
// time.Duration instead of overflowing. Sum copies waits, so changing the slice
// later changes nothing. It panics if waits is empty or holds a nil Wait. For two
// Waits, [retry.Wait.Plus] says the same; to bound the sum, wrap it with
// [retry.Wait.Max].
func Sum(waits ...retry.Wait) retry.Wait {
	mustWaits("Sum", waits)
	waits = slices.Clone(waits)
	return func(a retry.Attempt) time.Duration {
		var sum time.Duration
		for _, w := range waits {
			sum = backoff.Add(sum, max(w(a), 0))
		}
		return sum
	}
}

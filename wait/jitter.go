package wait

import (
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
	"github.com/tenacious-go/tenacious/retry"
)

// FullJitter returns a Wait whose pause after attempt n is drawn uniformly from
// [0, min(max, base·2^(n-1))]. It is Marc Brooker's "full jitter" and tenacity's
// wait_random_exponential (with exp_base 2), and the backoff to prefer when many
// clients share a server: it spreads their retries over the whole window.
//
// An Attempt.Number below 1 counts as 1. The top of the window saturates at max,
// never overflowing, for every n up to math.MaxInt. The values come from
// math/rand/v2's global generator unless [WithSource] says otherwise. It panics if
// base is not positive or max is below base.
//
// A pause may come out near zero however many attempts have failed; prefer
// [FullJitterFloor] to keep a floor of one's own, [EqualJitter] to keep at least
// half the top of the window, or [Decorrelated] to keep at least base.
func FullJitter(base, max time.Duration, opts ...Option) retry.Wait {
	mustJitter("FullJitter", base, max)
	src := configure(opts).src
	return &jitter{base: base, max: max, src: src}
}

// FullJitterFloor returns a Wait whose pause after attempt n is drawn uniformly
// from [floor, t], where t is min(max, base·2^(n-1)), or floor if that is
// smaller: [FullJitter] with no pause shorter than floor, and the pauses spread
// evenly over what lies above it. It is tenacity's wait_random_exponential with
// min (and exp_base 2), whose multiplier, max and min are base, max and floor.
//
// Clamp(FullJitter(base, max), floor, max) clamps instead: every draw below
// floor becomes exactly floor, a fraction floor/t of the pauses when the window
// tops out at t, so clients that fail together line up there. FullJitterFloor
// draws from above the floor, where no pause is likelier than another. While
// base·2^(n-1) is at most floor there is nothing above it and the pause is exactly
// floor, as in tenacity: choose a base above floor to spread the first retries too.
//
// An Attempt.Number below 1 counts as 1. The top of the window saturates at
// max, never overflowing, for every n up to math.MaxInt. A floor of 0 makes it
// FullJitter, draw for draw, and a floor equal to max pauses for max. The
// values come from math/rand/v2's global generator unless [WithSource] says
// otherwise. It panics if base is not positive, max is below base, floor is
// negative or max is below floor.
//
// The floor is an argument, as in [Random] and [Clamp], not an [Option]: every
// Option applies to every randomised Wait, while a floor would mean nothing new to
// Random and Decorrelated, which have one, and something different to the others.
func FullJitterFloor(base, max, floor time.Duration, opts ...Option) retry.Wait {
	mustJitter("FullJitterFloor", base, max)
	mustRange("FullJitterFloor", floor, max)
	src := configure(opts).src
	return &jitter{base: base, max: max, floor: floor, src: src}
}

// jitter is FullJitter, and FullJitterFloor with a floor.
type jitter struct {
	base, max, floor time.Duration
	src              backoff.Source
}

func (j *jitter) Wait(a retry.Attempt) time.Duration {
	return backoff.Uniform(j.src, j.floor, backoff.Exp(j.base, j.max, a.Number)) // floor if the top is below it
}

func (*jitter) ReadsTime() bool { return false }

// EqualJitter returns a Wait whose pause after attempt n is half of
// t = min(max, base·2^(n-1)) plus a duration drawn uniformly from [0, t-t/2], so
// it lies in [t/2, t]. It is Marc Brooker's "equal jitter"; tenacity has no
// equivalent.
//
// An Attempt.Number below 1 counts as 1. The top of the window t saturates at
// max, never overflowing, for every n up to math.MaxInt. The values come from
// math/rand/v2's global generator unless [WithSource] says otherwise. It panics if
// base is not positive or max is below base.
//
// The fixed half keeps clients that fail together closer together than [FullJitter]
// does; prefer FullJitter unless a floor on the pause matters.
func EqualJitter(base, max time.Duration, opts ...Option) retry.Wait {
	mustJitter("EqualJitter", base, max)
	src := configure(opts).src
	return &equalJitter{base, max, src}
}

type equalJitter struct {
	base, max time.Duration
	src       backoff.Source
}

func (j *equalJitter) Wait(a retry.Attempt) time.Duration {
	t := backoff.Exp(j.base, j.max, a.Number)
	return t/2 + backoff.Uniform(j.src, 0, t-t/2)
}

func (*equalJitter) ReadsTime() bool { return false }

// Decorrelated returns a Wait whose pause is drawn uniformly from [base, 3·prev] and
// capped at max, where prev is the previous pause, Attempt.PrevDelay, or base
// before the first retry. It is Marc Brooker's "decorrelated jitter"; tenacity has
// no equivalent.
//
// Every pause lies in [base, max]. A PrevDelay of zero or less counts as base; a
// PrevDelay below base/3 gives exactly base; 3·prev saturates instead of
// overflowing. The pause grows from whatever the call actually paused last, so
// wrapping Decorrelated (in [Chain], [Sum] or [Clamp]) changes what it grows from.
// The values come from math/rand/v2's global generator unless [WithSource] says
// otherwise. It panics if base is not positive or max is below base.
//
// Once a pause reaches the maximum, the next is drawn from [base, 3·max] and
// capped, so it is exactly the maximum about two times in three: in a long outage
// most pauses pile up at the maximum, and clients that got there together stay
// closer in step than with FullJitter.
//
// Unlike [FullJitter] it reads the previous pause rather than the attempt number;
// prefer FullJitter when that history is not meaningful.
func Decorrelated(base, max time.Duration, opts ...Option) retry.Wait {
	mustJitter("Decorrelated", base, max)
	src := configure(opts).src
	return &decorrelated{base, max, src}
}

type decorrelated struct {
	base, max time.Duration
	src       backoff.Source
}

func (d *decorrelated) Wait(a retry.Attempt) time.Duration {
	prev := a.PrevDelay
	if prev <= 0 {
		prev = d.base
	}
	return min(d.max, backoff.Uniform(d.src, d.base, backoff.Mul(prev, 3)))
}

func (*decorrelated) ReadsTime() bool { return false }

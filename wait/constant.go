package wait

import (
	"time"

	"github.com/tenacious-go/tenacious/retry"
)

// None returns a Wait that never pauses: each retry follows the failure at once. It
// is tenacity's wait_none.
//
// Retrying at once suits only failures that are known to clear immediately, such as
// a lost race on optimistic locking; against a server in trouble prefer a growing,
// jittered pause such as [FullJitter].
func None() retry.Wait {
	return fixed(0)
}

// Fixed returns a Wait that always pauses for d. It is tenacity's wait_fixed.
//
// Fixed(0) is [None]. It panics if d is negative. Many clients that fail together
// and wait the same fixed time retry together too; prefer [Random] to spread them,
// or [FullJitter] to also back off.
func Fixed(d time.Duration) retry.Wait {
	mustNonNegative("Fixed", "duration", d)
	return fixed(d)
}

type fixed time.Duration

func (d fixed) Wait(retry.Attempt) time.Duration { return time.Duration(d) }
func (fixed) ReadsTime() bool                    { return false }

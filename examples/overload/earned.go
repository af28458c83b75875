package main

import (
	"fmt"

	"github.com/tenacious-go/tenacious/retry"
)

// earned is a candidate budget of the model, not of package budget: a process
// earns its retries from its own traffic instead of holding a fixed grant. It
// starts empty; every attempt that the service accepts (ClassSuccess or
// ClassAnswered, a retry's included) deposits gain tokens, up to capacity; a
// retry costs one token (a throttled one too). So a retry that succeeds pays
// for itself (with gain 1 or more), and retries go on while they succeed; when
// nothing succeeds, a process can spend at most capacity tokens, whatever the
// number of processes, and a process that has not yet been answered cannot
// retry at all. It keeps its retries going while the calls that succeed
// deposit more than the failures spend: with every attempt failing with
// probability f, up to about f = gain ÷ (1 + gain).
type earned struct {
	gain, capacity float64
	tokens         float64
}

// newEarned returns an empty earned budget.
func newEarned(gain, capacity float64) *earned { return &earned{gain: gain, capacity: capacity} }

// Allow spends a token on the retry, if there is one.
func (e *earned) Allow(retry.Class) bool {
	if e.tokens < 1 {
		return false
	}
	e.tokens--
	return true
}

// Attempted deposits gain tokens for an attempt the service accepted.
func (e *earned) Attempted(result, _ retry.Class) {
	if result == retry.ClassSuccess || result == retry.ClassAnswered {
		e.tokens = min(e.capacity, e.tokens+e.gain)
	}
}

func (e *earned) String() string { return fmt.Sprintf("earned(%g, %g)", e.gain, e.capacity) }

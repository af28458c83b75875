package retry

import (
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
)

// Stop decides, after a failed attempt and with the next pause already chosen
// (Attempt.Delay), whether to give up. It must be a pure function of the Attempt: one
// Stop serves every call and goroutine. Package stop builds the common ones.
type Stop func(Attempt) bool

// Wait returns the pause before the next attempt. A negative result counts as zero.
// Package wait builds the common ones; every one of them is a pure function of the
// Attempt (and, for the jittered ones, of a random source safe for concurrent use).
type Wait func(Attempt) time.Duration

// Predicate reports whether a failed attempt should be retried; it reads Attempt.Err.
// Package predicate builds the common ones.
type Predicate func(Attempt) bool

// Hook observes a call in progress: logging, metrics, tracing. Package hooks builds
// the common ones. A hook must not block for long: the call waits for it.
type Hook func(Attempt)

func mustStrategy(name string, nilFunc bool) {
	if nilFunc {
		panic("retry: " + name + ": nil strategy")
	}
}

// Or returns a Stop that stops when s or other does. It panics if either is nil.
func (s Stop) Or(other Stop) Stop {
	mustStrategy("Stop.Or", s == nil || other == nil)
	return func(a Attempt) bool { return s(a) || other(a) }
}

// And returns a Stop that stops only when both s and other do. It panics if either
// is nil.
func (s Stop) And(other Stop) Stop {
	mustStrategy("Stop.And", s == nil || other == nil)
	return func(a Attempt) bool { return s(a) && other(a) }
}

// Or returns a Predicate that retries when p or other does. It panics if either is
// nil.
func (p Predicate) Or(other Predicate) Predicate {
	mustStrategy("Predicate.Or", p == nil || other == nil)
	return func(a Attempt) bool { return p(a) || other(a) }
}

// And returns a Predicate that retries only when both p and other do. It panics if
// either is nil.
func (p Predicate) And(other Predicate) Predicate {
	mustStrategy("Predicate.And", p == nil || other == nil)
	return func(a Attempt) bool { return p(a) && other(a) }
}

// Not returns a Predicate that retries exactly when p does not. It panics if p is nil.
func (p Predicate) Not() Predicate {
	mustStrategy("Predicate.Not", p == nil)
	return func(a Attempt) bool { return !p(a) }
}

// Plus returns a Wait whose pause is the sum of w's and other's, saturating instead
// of overflowing (tenacity's wait_a + wait_b). It panics if either is nil.
func (w Wait) Plus(other Wait) Wait {
	mustStrategy("Wait.Plus", w == nil || other == nil)
	return func(a Attempt) time.Duration { return backoff.Add(max(w(a), 0), max(other(a), 0)) }
}

// Max returns a Wait that never pauses longer than limit. It panics if w is nil or
// limit is negative.
func (w Wait) Max(limit time.Duration) Wait {
	mustStrategy("Wait.Max", w == nil)
	if limit < 0 {
		panic("retry: Wait.Max: negative limit " + limit.String())
	}
	return func(a Attempt) time.Duration { return min(max(w(a), 0), limit) }
}

// Min returns a Wait that never pauses shorter than floor. It panics if w is nil or
// floor is negative.
func (w Wait) Min(floor time.Duration) Wait {
	mustStrategy("Wait.Min", w == nil)
	if floor < 0 {
		panic("retry: Wait.Min: negative floor " + floor.String())
	}
	return func(a Attempt) time.Duration { return max(w(a), floor) }
}

// Then returns a Hook that runs h and then next. A nil h or next is skipped, so
// Then can grow a hook from nothing.
func (h Hook) Then(next Hook) Hook {
	switch {
	case h == nil:
		return next
	case next == nil:
		return h
	}
	return func(a Attempt) { h(a); next(a) }
}

package retry

import "time"

// Stop decides, after a failed attempt and with the next pause already chosen
// (Attempt.Delay), whether to give up. It must be a pure function of the Attempt: one
// Stop serves every call and goroutine. Package stop builds the common ones and
// combines them.
type Stop func(Attempt) bool

// Wait returns the pause before the next attempt. A negative result counts as zero.
// Package wait builds the common ones and combines them; every one of them is a
// pure function of the Attempt (and, for the jittered ones, of a random source safe
// for concurrent use).
type Wait func(Attempt) time.Duration

// Predicate reports whether a failed attempt should be retried; it reads Attempt.Err.
// Package predicate builds the common ones and combines them.
type Predicate func(Attempt) bool

// Hook observes a call in progress: logging, metrics, tracing. Package hooks builds
// the common ones and combines them. A hook must not block for long: the call waits
// for it.
type Hook func(Attempt)

package retry

import "time"

// Stop decides, after a failed attempt and with the next pause already chosen
// (Attempt.Delay), whether to give up. It must be a pure function of the Attempt: one
// Stop serves every call and goroutine. Package stop builds the common ones and
// combines them; [StopFunc] adapts a function.
type Stop interface {
	Stop(Attempt) bool
}

// Wait returns the pause before the next attempt. A negative result counts as zero.
// Package wait builds the common ones and combines them; every one of them is a
// pure function of the Attempt (and, for the jittered ones, of a random source safe
// for concurrent use). [WaitFunc] adapts a function.
type Wait interface {
	Wait(Attempt) time.Duration
}

// Predicate reports whether a failed attempt should be retried (Policy.Retry) or
// is the service asking to slow down (Policy.Throttled); it reads Attempt.Err.
// Package predicate builds the common ones and combines them; [PredicateFunc]
// adapts a function.
type Predicate interface {
	Match(Attempt) bool
}

// Hook observes a call in progress: logging, metrics, tracing. Package hooks builds
// the common ones and combines them; [HookFunc] adapts a function. A hook must not
// block for long: the call waits for it.
type Hook interface {
	Run(Attempt)
}

// StopFunc adapts a function to a [Stop]. A call assumes that it reads time (see
// [ReadsTime]).
type StopFunc func(Attempt) bool

// Stop returns f(a).
func (f StopFunc) Stop(a Attempt) bool { return f(a) }

// WaitFunc adapts a function to a [Wait]. A call assumes that it reads time (see
// [ReadsTime]).
type WaitFunc func(Attempt) time.Duration

// Wait returns f(a).
func (f WaitFunc) Wait(a Attempt) time.Duration { return f(a) }

// PredicateFunc adapts a function to a [Predicate]. A call assumes that it reads
// time (see [ReadsTime]).
type PredicateFunc func(Attempt) bool

// Match returns f(a).
func (f PredicateFunc) Match(a Attempt) bool { return f(a) }

// HookFunc adapts a function to a [Hook]. A call assumes that it reads time (see
// [ReadsTime]).
type HookFunc func(Attempt)

// Run calls f(a).
func (f HookFunc) Run(a Attempt) { f(a) }

// ReadsTime reports whether v, a Stop, Wait, Predicate or Hook, may read the
// measured durations of an Attempt, Elapsed and Slept. A call reads the clock only
// when something in its Policy may (or when the caller asked for [Stats]), so
// that a Policy of strategies that count attempts never pays for a clock read.
//
// A value says that it reads no time with a method ReadsTime() bool that returns
// false; every strategy and hook of this library's packages has that method and
// answers truly (a combinator asks what it combines). Any other value, such as a
// function adapted with [StopFunc], [WaitFunc], [PredicateFunc] or [HookFunc],
// is assumed to read time. A nil v reads nothing. A value that reads time but
// says it does not sees zero durations.
func ReadsTime(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case interface{ ReadsTime() bool }:
		return v.ReadsTime()
	}
	return true
}

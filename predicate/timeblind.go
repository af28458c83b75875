package predicate

import (
	"errors"
	"regexp"

	"github.com/tenacious-go/tenacious/internal/timeblind"
)

var errRegistered = errors.New("registered")

// The constructors registered here read only an Attempt's number, error or
// previous pause, never its measured durations (Elapsed, Slept): a Retrier made of
// them, with no hook, can skip the clock read that makes the first attempt's
// start exact. They are marked go:noinline because an inlined function literal
// becomes a new closure, with a code pointer of its own, at each call site, and
// the engine knows a closure by its code pointer.
func init() {
	timeblind.Register(
		Always(),
		Never(),
		Error(func(error) bool { return true }),
		ErrorIs(errRegistered),
		Message("x"),
		MessageMatches(regexp.MustCompile("x")),
		Status(500),
		Transient(),
	)
}

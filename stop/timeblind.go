package stop

import "github.com/tenacious-go/tenacious/internal/timeblind"

// The constructors registered here read only an Attempt's number, error or
// previous pause, never its measured durations (Elapsed, Slept): a Retrier made of
// them, with no hook, can skip the clock read that makes the first attempt's
// start exact. They are marked go:noinline because an inlined function literal
// becomes a new closure, with a code pointer of its own, at each call site, and
// the engine knows a closure by its code pointer.
func init() {
	timeblind.Register(
		AfterAttempts(1),
		Never(),
		WhenClosed(make(chan struct{})),
	)
}

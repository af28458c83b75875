package timeblind

import "testing"

// The constructors must not be inlined: an inlined function literal becomes a new
// closure function, with a code pointer of its own, at every call site.
//
//go:noinline
func atLeast(n int) func(int) bool { return func(x int) bool { return x >= n } }

//go:noinline
func below(n int) func(int) bool { return func(x int) bool { return x < n } }

func TestRegisterAndBlind(t *testing.T) {
	saved, savedCount := table, count
	t.Cleanup(func() { table, count = saved, savedCount })

	Register(atLeast(1), atLeast(2)) // one literal: one code pointer
	if !Blind(atLeast(7)) {
		t.Error("a closure of a registered literal is not blind")
	}
	if Blind(below(1)) {
		t.Error("a closure of another literal is blind")
	}
	f := below(1)
	if a := testing.AllocsPerRun(100, func() { Blind(f) }); a != 0 {
		t.Errorf("Blind allocated %v times, want 0", a)
	}
}

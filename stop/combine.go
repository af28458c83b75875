package stop

import (
	"slices"
	"strconv"

	"github.com/tenacious-go/tenacious/retry"
)

// Any returns a Stop that gives up as soon as one of stops does, asking them in
// order and no further than the first that says yes. It is tenacity's stop_any (and
// its stop_a | stop_b).
//
// Any panics if stops is empty or holds a nil Stop. It copies stops, so changing the
// slice later does not change the result.
func Any(stops ...retry.Stop) retry.Stop {
	stops = mustStops("Any", stops)
	if len(stops) == 1 {
		return stops[0]
	}
	return func(a retry.Attempt) bool {
		for _, s := range stops {
			if s(a) {
				return true
			}
		}
		return false
	}
}

// All returns a Stop that gives up only when every one of stops does, asking them in
// order and no further than the first that says no. It is tenacity's stop_all (and
// its stop_a & stop_b).
//
// All panics if stops is empty or holds a nil Stop. It copies stops, so changing the
// slice later does not change the result.
func All(stops ...retry.Stop) retry.Stop {
	stops = mustStops("All", stops)
	if len(stops) == 1 {
		return stops[0]
	}
	return func(a retry.Attempt) bool {
		for _, s := range stops {
			if !s(a) {
				return false
			}
		}
		return true
	}
}

// mustStops checks the arguments of Any and All and returns a copy of them.
func mustStops(fn string, stops []retry.Stop) []retry.Stop {
	if len(stops) == 0 {
		panic("stop: " + fn + ": no Stop given")
	}
	for i, s := range stops {
		if s == nil {
			panic("stop: " + fn + ": nil Stop at index " + strconv.Itoa(i))
		}
	}
	return slices.Clone(stops)
}

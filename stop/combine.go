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
	return &anyStop{stops, readsTime(stops)}
}

type anyStop struct {
	stops []retry.Stop
	reads bool
}

func (s *anyStop) Stop(a retry.Attempt) bool {
	for _, s := range s.stops {
		if s.Stop(a) {
			return true
		}
	}
	return false
}

func (s *anyStop) ReadsTime() bool { return s.reads }

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
	return &allStop{stops, readsTime(stops)}
}

type allStop struct {
	stops []retry.Stop
	reads bool
}

func (s *allStop) Stop(a retry.Attempt) bool {
	for _, s := range s.stops {
		if !s.Stop(a) {
			return false
		}
	}
	return true
}

func (s *allStop) ReadsTime() bool { return s.reads }

// readsTime reports whether any of stops reads time (see retry.ReadsTime).
func readsTime(stops []retry.Stop) bool {
	for _, s := range stops {
		if retry.ReadsTime(s) {
			return true
		}
	}
	return false
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

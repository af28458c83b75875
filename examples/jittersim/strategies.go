package main

import (
	"math/rand/v2"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

// strategy is a backoff under test: a name for the table and chart, and how to build
// its Wait on a seeded random source.
type strategy struct {
	name  string // for the chart's legend
	short string // for the table's header
	color string // the line's colour in the chart
	dash  string // the line's SVG stroke-dasharray, empty for solid
	build func(src *rand.Rand) retry.Wait
}

// Indexes of the strategies in strategies, for the test and the chart.
const (
	noBackoff = iota
	exponential
	fullJitter
	equalJitter
	decorrelated
)

// strategies are Brooker's five, built from package wait with his base and cap.
// The simulation numbers attempts as the engine does (Attempt.Number is 1 after the
// first failure), so the first ceiling is base, where Brooker's script had 2·base;
// the orderings are the same either way.
var strategies = []strategy{
	noBackoff: {"no backoff", "none", "#9e9e9e", "2 5", func(*rand.Rand) retry.Wait {
		return wait.None()
	}},
	exponential: {"exponential", "expo", "#d62728", "", func(*rand.Rand) retry.Wait {
		return wait.Exponential(waitBase, waitCap, 2)
	}},
	fullJitter: {"full jitter", "full", "#1f77b4", "", func(src *rand.Rand) retry.Wait {
		return wait.FullJitter(waitBase, waitCap, wait.WithSource(src))
	}},
	equalJitter: {"equal jitter", "equal", "#2ca02c", "", func(src *rand.Rand) retry.Wait {
		return wait.EqualJitter(waitBase, waitCap, wait.WithSource(src))
	}},
	decorrelated: {"decorrelated", "decorr", "#ff7f0e", "", func(src *rand.Rand) retry.Wait {
		return wait.Decorrelated(waitBase, waitCap, wait.WithSource(src))
	}},
}

package main

import (
	"time"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/retry"
)

// maxAttempts bounds every retrying call of the models.
const maxAttempts = 4

// strategy is a way for the clients to retry: a name for the tables and chart,
// how many attempts a call may make, and the budget each client process holds.
type strategy struct {
	name     string // for the tables and the chart's legend
	color    string // the line's colour in the chart
	dash     string // the line's SVG stroke-dasharray, empty for solid
	attempts int
	budget   func() retry.Budget // nil: no budget
	chart    bool                // drawn in the chart (the others are in the tables only)
	// unpaced turns off, in the model only, the engine's rule that a retry the
	// budget refuses after a server's hint still waits out the hint's pause.
	unpaced bool
}

// Indexes of the strategies in strategies, for the tests.
const (
	noRetries = iota
	plainRetries
	quotaDefault
	bucketV0
	ratioFinagle
	quotaSmall
)

// strategies are the ways to retry of issue 12: none, plain retries (4 attempts,
// full jitter, no budget), and each of package budget's models with the
// configuration its doc names, every process holding its own.
var strategies = []strategy{
	noRetries:    {"no retries", "#9e9e9e", "", 1, nil, true, false},
	plainRetries: {"plain retries", "#d62728", "", maxAttempts, nil, true, false},
	quotaDefault: {"budget.Default()", "#1f77b4", "", maxAttempts, func() retry.Budget { return budget.Default() }, true, false},
	bucketV0: {"NewTokenBucket(10, 0.2)", "#2ca02c", "6 3", maxAttempts, func() retry.Budget {
		return budget.NewTokenBucket(10, 0.2)
	}, true, false},
	ratioFinagle: {"NewRatio(0.2, 10, 10s)", "#ff7f0e", "", maxAttempts, func() retry.Budget {
		return budget.NewRatio(0.2, 10, 10*time.Second)
	}, true, false},
	quotaSmall: {"NewQuota(84, 14, 5)", "#9467bd", "2 4", maxAttempts, func() retry.Budget {
		return budget.NewQuota(84, 14, 5)
	}, false, false},
}

package main

import (
	"fmt"
	"time"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/gate"
	"github.com/tenacious-go/tenacious/retry"
)

// maxAttempts bounds every retrying call of the models.
const maxAttempts = 4

// strategy is a way for the clients to retry: a name for the tables and chart,
// how many attempts a call may make, and the budget and the gate each client
// process holds.
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
	gate    func(env gateEnv) retry.Gate // nil: no gate
	clocked bool                         // its budget or gate reads the monotonic clock: run it in a bubble
}

// Indexes of the strategies in strategies, for the tests and the tables.
const (
	noRetries = iota
	plainRetries
	quotaAWS // the former budget.Default()
	bucketV0
	ratioFinagle
	quotaSmall
	bucketGRPC
	throttle2
	throttle15
	throttle3
	throttle2w10
	throttle2Default
	throttle2Bucket
	throttle2Quota
	throttle15Default
	earned23
	earned24
	earned13
	throttle2Earned23
	throttle15Earned23
	earned22
	earned28
	earnedDefault // budget.Default()
	throttle3Earned23
	realThrottle2 // package gate's own, whose draws are not seeded: for comparison only
)

// throttleGate returns a gate of the model's reference throttle (see throttle).
func throttleGate(k float64, window time.Duration) func(gateEnv) retry.Gate {
	return func(env gateEnv) retry.Gate { return newThrottle(k, window, env) }
}

// withGate returns s with a throttle of multiplier k over 30 s added to its
// budget.
func withGate(s strategy, k float64, window time.Duration) strategy {
	s.name = fmt.Sprintf("%s + Throttle(%g, %s)", s.name, k, window)
	s.gate = throttleGate(k, window)
	s.chart = false
	return s
}

// gated returns plain retries behind a throttle of multiplier k over window.
func gateOnly(k float64, window time.Duration) strategy {
	return strategy{name: fmt.Sprintf("Throttle(%g, %s)", k, window), attempts: maxAttempts, gate: throttleGate(k, window)}
}

// earnedBudget returns budget.NewEarned(gain, capacity), each process holding its own.
func earnedBudget(gain, capacity float64) strategy {
	return strategy{name: fmt.Sprintf("NewEarned(%g, %g)", gain, capacity), attempts: maxAttempts,
		budget: func() retry.Budget { return budget.NewEarned(gain, capacity) }}
}

// strategies are the ways to retry of issue 12: none, plain retries (4 attempts,
// full jitter, no budget), and each of package budget's models with the
// configuration its doc names, every process holding its own; then the
// candidates of issue 23: gRPC's bucket, the throttle alone and with each
// budget, and the earned budget (budget.NewEarned), of which budget.Default() is
// one configuration.
var strategies = []strategy{
	noRetries:    {name: "no retries", color: "#9e9e9e", attempts: 1, chart: true},
	plainRetries: {name: "plain retries", color: "#d62728", attempts: maxAttempts, chart: true},
	quotaAWS: {name: "NewQuota(500, 14, 5)", attempts: maxAttempts, budget: func() retry.Budget {
		return budget.NewQuota(500, 14, 5)
	}},
	bucketV0: {name: "NewTokenBucket(10, 0.2)", color: "#2ca02c", dash: "6 3", attempts: maxAttempts, budget: func() retry.Budget {
		return budget.NewTokenBucket(10, 0.2)
	}, chart: true},
	ratioFinagle: {name: "NewRatio(0.2, 10, 10s)", color: "#ff7f0e", attempts: maxAttempts, budget: func() retry.Budget {
		return budget.NewRatio(0.2, 10, 10*time.Second)
	}, chart: true, clocked: true},
	quotaSmall: {name: "NewQuota(84, 14, 5)", color: "#9467bd", dash: "2 4", attempts: maxAttempts, budget: func() retry.Budget {
		return budget.NewQuota(84, 14, 5)
	}},
	bucketGRPC: {name: "NewTokenBucket(10, 0.1)", attempts: maxAttempts, budget: func() retry.Budget {
		return budget.NewTokenBucket(10, 0.1)
	}},
	throttle2:          gateOnly(2, 30*time.Second),
	throttle15:         gateOnly(1.5, 30*time.Second),
	throttle3:          gateOnly(3, 30*time.Second),
	throttle2w10:       gateOnly(2, 10*time.Second),
	throttle2Default:   {},
	throttle2Bucket:    {},
	throttle2Quota:     {},
	throttle15Default:  {},
	earned23:           earnedBudget(2, 3),
	earned24:           earnedBudget(2, 4),
	earned13:           earnedBudget(1, 3),
	throttle2Earned23:  {},
	throttle15Earned23: {},
	earned22:           earnedBudget(2, 2),
	earned28:           earnedBudget(2, 8),
	earnedDefault: {name: "budget.Default() = NewEarned(2, 16)", color: "#1f77b4", attempts: maxAttempts, budget: func() retry.Budget {
		return budget.Default()
	}, chart: true},
	throttle3Earned23: {},
	realThrottle2: {name: "gate.NewThrottle(2, 30s)", attempts: maxAttempts, clocked: true,
		gate: func(gateEnv) retry.Gate { return gate.NewThrottle(2, 30*time.Second) }},
}

func init() {
	strategies[throttle2Default] = withGate(strategies[quotaAWS], 2, 30*time.Second)
	strategies[throttle2Bucket] = withGate(strategies[bucketV0], 2, 30*time.Second)
	strategies[throttle2Quota] = withGate(strategies[quotaSmall], 2, 30*time.Second)
	strategies[throttle15Default] = withGate(strategies[quotaAWS], 1.5, 30*time.Second)
	strategies[throttle2Earned23] = withGate(strategies[earned23], 2, 30*time.Second)
	strategies[throttle15Earned23] = withGate(strategies[earned23], 1.5, 30*time.Second)
	strategies[throttle3Earned23] = withGate(strategies[earned23], 3, 30*time.Second)
}

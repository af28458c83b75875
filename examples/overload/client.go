package main

import (
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

// Backoff of every retrying strategy: the engine's own default, full jitter from
// 100ms with a ceiling of 10s, drawn from a seeded source.
const (
	backoffBase    = 100 * time.Millisecond
	backoffCeiling = 10 * time.Second
)

// call is what the engine keeps for one call in progress, as far as the budget and
// the Wait can see it.
type call struct {
	proc     int32         // the client process that makes the call, whose budget it uses
	attempts int32         // attempts made so far
	spent    retry.Class   // what the budget granted for the current attempt: 0 for the first
	prev     time.Duration // the pause before the current attempt (Attempt.PrevDelay)
	arrived  time.Duration // when the call began
}

// verdict is what a call does after a failed attempt.
type verdict uint8

const (
	again   verdict = iota // retry after the pause
	stopped                // the last attempt failed: give up (retry.ReasonStop)
	refused                // the budget refused the retry: give up (retry.ReasonBudget)
)

// client is the retrying side of the model: it applies a policy of at most
// attempts attempts, pausing as wait says, to calls that draw on one budget per
// client process. It makes the same calls into the budget and the Wait as
// retry's engine, in the same order: after an attempt, Attempted(result, spent);
// after a retryable failure, the pause from Wait, then the Stop, then
// Allow(class). Every failure in the models is an attempt timeout, which the
// engine classes as transient.
type client struct {
	attempts int
	wait     retry.Wait
	budgets  []retry.Budget // one per process; nil for no budget
	// clock brings the clock that the budgets read (the monotonic clock of a
	// testing/synctest bubble) to a point of model time before each call into a
	// budget; nil if no budget reads the clock.
	clock func(time.Duration)
}

// newClient returns a client of procs processes that makes at most attempts
// attempts per call, pausing with full jitter drawn from src, each process
// with its own budget from newBudget (nil for none).
func newClient(attempts, procs int, newBudget func() retry.Budget, src wait.Source, clock func(time.Duration)) *client {
	c := &client{
		attempts: attempts,
		wait:     wait.FullJitter(backoffBase, backoffCeiling, wait.WithSource(src)),
		clock:    clock,
	}
	if newBudget != nil {
		c.budgets = make([]retry.Budget, procs)
		for i := range c.budgets {
			c.budgets[i] = newBudget()
		}
	}
	return c
}

// budget returns the budget of call k's process, nil if none, with its clock
// brought to now.
func (cl *client) budget(k *call, now time.Duration) retry.Budget {
	if cl.budgets == nil {
		return nil
	}
	if cl.clock != nil {
		cl.clock(now)
	}
	return cl.budgets[k.proc]
}

// answered records, at now, that call k's current attempt succeeded.
func (cl *client) answered(k *call, now time.Duration) {
	if b := cl.budget(k, now); b != nil {
		b.Attempted(retry.ClassAnswered, k.spent)
	}
}

// failed records, at now, that call k's current attempt failed, and decides what
// follows: a retry after the returned pause, or giving up.
func (cl *client) failed(k *call, now time.Duration) (time.Duration, verdict) {
	b := cl.budget(k, now)
	if b != nil {
		b.Attempted(retry.ClassTransient, k.spent)
	}
	pause := max(cl.wait(retry.Attempt{Number: int(k.attempts), PrevDelay: k.prev}), 0)
	if int(k.attempts) >= cl.attempts {
		return 0, stopped
	}
	if b != nil && !b.Allow(retry.ClassTransient) {
		return 0, refused
	}
	k.spent = retry.ClassTransient
	k.prev = pause
	return pause, again
}

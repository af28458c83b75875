package main

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

// Backoff of every retrying strategy: the engine's own default, full jitter from
// 100ms with a ceiling of 10s, drawn from a seeded source.
const (
	backoffBase    = 100 * time.Millisecond
	backoffCeiling = 10 * time.Second
)

// maxRetryAfter is the engine's clamp on a server's hint when
// Policy.MaxRetryAfter is zero (retry's defaultMaxRetryAfter).
const maxRetryAfter = time.Minute

// call is what the engine keeps for one call in progress, as far as the budget and
// the Wait can see it.
type call struct {
	proc     int32             // the client process that makes the call, whose budget it uses
	attempts int32             // attempts made so far
	spent    retry.Class       // what the budget granted for the current attempt: 0 for the first
	prev     time.Duration     // the pause before the current attempt (Attempt.PrevDelay)
	arrived  time.Duration     // when the call began
	done     func(retry.Class) // what the Gate wants to hear of the current attempt, if anything
}

// verdict is what a call does after a failed attempt.
type verdict uint8

const (
	again   verdict = iota // retry after the pause
	stopped                // the last attempt failed: give up (retry.ReasonStop)
	refused                // the budget refused the retry: give up (retry.ReasonBudget)
	gated                  // the gate refused the attempt: give up (retry.ReasonGate)
)

// client is the retrying side of the model: it applies a policy of at most
// attempts attempts, pausing as wait says, to calls that draw on one budget per
// client process. It makes the same calls into the budget and the Wait as
// retry's engine, in the same order: after an attempt, Attempted(result, spent);
// after a retryable failure, the pause, then the Stop, then Allow(class). A
// failure is either an attempt timeout, which the engine classes as transient
// and pauses after as Wait says, or a server's refusal with a hint (a 429 with
// Retry-After), which it classes as throttled and pauses after for the hint plus
// a uniform extra of up to half of it, without asking Wait. When the budget
// refuses the retry of a failure that carried a hint, the engine waits out that
// pause before it gives up; unpaced turns this off, which only the model can do.
//
// With a gate (one per process, like the budgets), the client asks it to admit
// every attempt, as the engine's begin and retryAfter do: a first attempt before
// it starts, a retry last, once the Stop and the budget have agreed to it and
// before its pause. A refused first attempt ends the call at once; a refused
// retry ends it as a budget's refusal does (retry.ReasonGate), after the pause
// if a server's hint set it. After an admitted attempt it tells the gate the
// attempt's outcome, then the budget, as the engine's attempted does.
type client struct {
	attempts int
	wait     retry.Wait
	hints    backoff.Source // the extra above a hint, as backoff.HintSource is the engine's
	unpaced  bool           // a refused retry gives up at once, even after a hint
	budgets  []retry.Budget // one per process; nil for no budget
	gates    []retry.Gate   // one per process; nil for no gate
	now      time.Duration  // the model's time of the latest call into a budget or gate
	// clock brings the clock that the budgets read (the monotonic clock of a
	// testing/synctest bubble) to a point of model time before each call into a
	// budget; nil if no budget reads the clock.
	clock func(time.Duration)
}

// newClient returns a client of procs processes that makes at most attempts
// attempts per call, pausing with full jitter drawn from src or, after a
// server's hint, for the hint and an extra drawn from hints, each process with
// its own budget from newBudget (nil for none).
func newClient(attempts, procs int, newBudget func() retry.Budget, src wait.Source, hints backoff.Source, clock func(time.Duration)) *client {
	c := &client{
		attempts: attempts,
		wait:     wait.FullJitter(backoffBase, backoffCeiling, wait.WithSource(src)),
		hints:    hints,
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

// withGates gives each of the client's processes a gate from newGate, which
// reads the model's time from now (nil for none).
func (cl *client) withGates(newGate func(env gateEnv) retry.Gate, procs int, src *rand.Rand) {
	if newGate == nil {
		return
	}
	cl.gates = make([]retry.Gate, procs)
	for i := range cl.gates {
		cl.gates[i] = newGate(gateEnv{now: func() time.Duration { return cl.now }, rand: src})
	}
}

// tick brings the client's time, and the clock the budgets and gates read, to now.
func (cl *client) tick(now time.Duration) {
	cl.now = now
	if cl.clock != nil {
		cl.clock(now)
	}
}

// budget returns the budget of call k's process, nil if none, with its clock
// brought to now.
func (cl *client) budget(k *call, now time.Duration) retry.Budget {
	if cl.budgets == nil {
		return nil
	}
	cl.tick(now)
	return cl.budgets[k.proc]
}

// admit asks, at now, the gate of call k's process to admit its next attempt,
// of class: zero for the first, else the class of the failure it retries. It
// reports whether the attempt may start; without a gate it may.
func (cl *client) admit(k *call, now time.Duration, class retry.Class) bool {
	if cl.gates == nil {
		return true
	}
	cl.tick(now)
	done, err := cl.gates[k.proc].Admit(context.Background(), class)
	if err != nil {
		return false
	}
	k.done = done
	return true
}

// report tells the gate of call k's process, at now, how its current attempt
// ended, if the gate asked to hear it.
func (cl *client) report(k *call, now time.Duration, result retry.Class) {
	if k.done != nil {
		cl.tick(now)
		k.done(result)
		k.done = nil
	}
}

// answered records, at now, that call k's current attempt succeeded.
func (cl *client) answered(k *call, now time.Duration) {
	cl.report(k, now, retry.ClassSuccess)
	if b := cl.budget(k, now); b != nil {
		b.Attempted(retry.ClassSuccess, k.spent)
	}
}

// failed records, at now, that call k's current attempt failed, with the
// server's hint (0 for none, as for a timeout), and decides what follows: a
// retry after the returned pause (again), or giving up. A call that gives up
// returns to its caller after the returned time: 0, except when the budget
// refused the retry of a failure with a hint and the client is not unpaced,
// when it is the pause the hint set.
func (cl *client) failed(k *call, now, hint time.Duration) (time.Duration, verdict) {
	class := retry.ClassTransient
	if hint > 0 {
		class = retry.ClassThrottled
	}
	cl.report(k, now, class)
	b := cl.budget(k, now)
	if b != nil {
		b.Attempted(class, k.spent)
	}
	var pause time.Duration
	if hint > 0 {
		hint = min(hint, maxRetryAfter)
		pause = backoff.Add(hint, backoff.Uniform(cl.hints, 0, hint/2))
	} else {
		pause = max(cl.wait.Wait(retry.Attempt{Number: int(k.attempts), PrevDelay: k.prev}), 0)
	}
	if int(k.attempts) >= cl.attempts {
		return 0, stopped
	}
	v := again
	if b != nil && !b.Allow(class) {
		v = refused
	} else if !cl.admit(k, now, class) {
		v = gated
	}
	if v != again {
		if hint > 0 && !cl.unpaced {
			return pause, v // keep the server's pace
		}
		return 0, v
	}
	k.spent = class
	k.prev = pause
	return pause, again
}

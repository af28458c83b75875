package retry

import (
	"context"
	"errors"
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
	"github.com/tenacious-go/tenacious/internal/layer"
)

// call is the state of one call: everything that changes lives here, on the
// caller's stack, never on the Policy.
type call struct {
	// p is a copy of the Policy: a pointer here would make a Policy on the
	// caller's stack escape to the heap along with ctx, which the hooks see.
	p       Policy
	ctx     context.Context
	a       Attempt
	stats   *Stats
	spent   Class       // what the Budget granted for the current attempt: 0 for the first
	restart int         // the attempt after whose failure a server's hint set the pause, if any
	timer   *time.Timer // of the pauses, and of a hedged call's delays
	done    func(Class) // what the Gate wants to hear of the current attempt, if anything

	// The clock, read only when something will use the reading (see ReadsTime).
	// clock says whether anything may read Elapsed or Slept, and so whether t0 is
	// set; a call then reads the clock once after each failed attempt, and
	// elsewhere only for a hook that reads it (Before, After, OnEnd) or for Stats.
	clock      bool
	timeBefore bool          // Before reads time
	timeAfter  bool          // After reads time
	timeEnd    bool          // OnEnd reads time, or the caller asked for Stats
	fresh      bool          // c.at is the current time: no attempt or pause since
	t0         time.Duration // when the first attempt began, as a monotonic offset
	at         time.Duration // the latest reading, as a monotonic offset

	// The layers (see package internal/layer): frame is the call's mark in its
	// attempts' contexts (a hedged call's current flight's); up, the attempt
	// the call runs in, if any.
	frame       *layer.Frame
	up          layer.Mark
	once        bool // WithoutRetry, or inside a hedged call's attempt: one attempt
	ignoreBelow bool // WithIgnoreLayers: retry what a layer below decided
}

// epoch is the reference of monotonic.
var epoch = time.Now()

// monotonic returns the time since epoch. It reads only the monotonic clock, which
// costs half of time.Now's two clock reads. Inside a testing/synctest bubble both
// readings are the bubble's, so differences stay exact. Every clock read of the
// engine goes through it (a variable so that the tests can count them).
var monotonic = func() time.Duration { return time.Since(epoch) }

// elapsed returns the time since the call began; the call must read the clock.
func (c *call) elapsed() time.Duration { return monotonic() - c.t0 }

// tick reads the clock into c.at and c.a.Elapsed.
func (c *call) tick() {
	c.at = monotonic()
	c.a.Elapsed, c.fresh = c.at-c.t0, true
}

// useClock decides which readings the call takes: see the clock field.
func (c *call) useClock() {
	p := &c.p
	c.timeBefore = p.Before != nil && ReadsTime(p.Before)
	c.timeAfter = p.After != nil && ReadsTime(p.After)
	c.timeEnd = c.stats != nil || p.OnEnd != nil && ReadsTime(p.OnEnd)
	c.clock = c.timeBefore || c.timeAfter || c.timeEnd ||
		p.BeforeSleep != nil && ReadsTime(p.BeforeSleep) ||
		p.Stop != nil && ReadsTime(p.Stop) ||
		p.Wait != nil && ReadsTime(p.Wait) ||
		p.Retry != nil && ReadsTime(p.Retry) ||
		p.Throttled != nil && ReadsTime(p.Throttled)
	if c.clock {
		c.t0 = monotonic()
	}
}

// alwaysClock makes the call read the clock whatever its Policy holds: a hedged
// call times its attempts.
func (c *call) alwaysClock() {
	if !c.clock {
		c.clock = true
		c.t0 = monotonic()
	}
}

// init prepares a call of p (nil is the zero Policy) under ctx, with the
// overrides ctx carries for it (see WithPolicy). It reads the clock only if
// something will use the reading.
func (c *call) init(ctx context.Context, p *Policy) {
	up, o := layer.Lookup(ctx)
	if o != nil {
		if o.HasPolicy {
			p, _ = o.Policy.(*Policy)
		}
		c.once, c.ignoreBelow = o.NoRetry, o.IgnoreBelow
		c.stats, _ = o.Stats.(*Stats)
	}
	c.up = up.Mark()
	c.once = c.once || c.up.InFlight()
	if p != nil {
		c.p = *p
	}
	c.ctx = ctx
	c.a.Context = ctx
	c.a.Name = c.p.Name
	c.useClock()
}

// mark makes the call's frame, its mark in the contexts of its attempts, for a
// call that makes one attempt at a time. The callers make it right after init,
// in their own frame: allocating deeper, on a goroutine of its own (a Group's
// task, a fan-out), would make the call outgrow the goroutine's first stack.
func (c *call) mark() { c.frame = layer.NewFrame(c.ctx, 1) }

// begin starts the next attempt of a call that mark prepared: it runs Before and
// returns the attempt's context (the call's frame, which tells the calls inside
// the attempt that they are inside it) and, with an AttemptTimeout, the function
// that releases it. It asks the Gate to admit a first attempt (retryAfter asks
// it for a retry); if the Gate refuses, begin ends the call and returns the
// error to return.
func (c *call) begin() (context.Context, context.CancelFunc, error) {
	if c.p.Gate != nil && c.a.Number == 0 {
		if refusal := c.admit(0); refusal != nil {
			e := c.giveUp(ReasonGate).(*Error)
			e.Refusal = refusal
			return nil, nil, e
		}
	}
	c.a.Number++
	c.a.Err = nil
	c.fresh = false
	if c.a.Number > 1 { // mark made the frame for the first
		c.frame.SetAttempt(c.a.Number)
	}
	if c.p.Before != nil {
		if c.timeBefore && c.a.Number > 1 {
			c.tick()
		}
		c.p.Before.Run(c.a)
	}
	if c.p.AttemptTimeout > 0 {
		ctx, cancel := context.WithTimeout(c.frame, c.p.AttemptTimeout)
		return ctx, cancel, nil
	}
	return c.frame, nil, nil
}

// admit asks the Gate to admit an attempt of class (zero for a first attempt)
// and keeps what the Gate wants to hear of it; it returns the Gate's error if
// the Gate refuses.
func (c *call) admit(class Class) error {
	done, err := c.p.Gate.Admit(c.ctx, class)
	if err == nil {
		c.done = done
	}
	return err
}

// settle releases the attempt's context and marks an error caused by the attempt's
// own timeout (not the caller's) so that it is retried. An error that is not a
// deadline error, or is marked Permanent, is left alone even if the attempt ran
// past its timeout: the operation said what went wrong.
func (c *call) settle(actx context.Context, cancel context.CancelFunc, err error) error {
	if cancel == nil {
		return err
	}
	if err != nil && actx.Err() == context.DeadlineExceeded && c.ctx.Err() == nil &&
		errors.Is(err, context.DeadlineExceeded) && !IsPermanent(err) {
		err = &attemptTimeoutError{err: err, timeout: c.p.AttemptTimeout}
	}
	cancel()
	return err
}

// end takes an attempt's outcome. It reports whether to attempt again (after the
// pause, which it sleeps) and, if not, the error to return: nil on success.
func (c *call) end(err error, rejected bool) (again bool, final error) {
	c.after(err)
	if err == nil && !rejected {
		c.attempted(ClassSuccess)
		c.finish(ReasonSuccess)
		return false, nil
	}
	return c.failed(err)
}

// after records the end of an attempt, whose error is err (nil for a success
// or a rejected result), and runs After. It reads the clock after a failure if
// anything may read time, and after a success if After or OnEnd reads it.
func (c *call) after(err error) {
	c.a.Err = err
	if c.clock && (err != nil || c.timeAfter || c.timeEnd) {
		c.tick()
	}
	if c.p.After != nil {
		c.p.After.Run(c.a)
	}
}

// failed decides what follows a failed attempt (err is nil for a rejected result):
// the end of the call, or a retry after the pause, which it sleeps.
func (c *call) failed(err error) (bool, error) {
	reason, class, hint := c.judge(err)
	switch reason {
	case ReasonNotRetried, ReasonLayerBelow:
		if err == nil { // a rejected result: the caller must not take it for a success
			return false, c.giveUp(reason)
		}
		return false, c.notRetried(reason)
	case ReasonContext:
		return false, c.giveUp(ReasonContext)
	}
	return c.retryAfter(class, hint)
}

// judge says what a failed attempt means, and tells the Budget: a reason if the
// call ends with it (ReasonNotRetried or ReasonLayerBelow, with c.a.Err the error
// to return, or ReasonContext), else zero and the class of the failure and the
// server's hint it carried. The engine, not the predicate, knows whose context
// ended: once the caller's context has ended the call is over, so a predicate
// only ever sees failures while the caller still waits, and a deadline error it
// sees is a lower layer's.
//
// An attempt that a layer below decided (a call inside it gave up after
// retrying, or refused a retry for safety) is not retried, unless the caller
// asked for it with WithIgnoreLayers; the Budget hears nothing of it, since
// the layer below told it of the service's failures already.
func (c *call) judge(err error) (reason Reason, class Class, hint time.Duration) {
	var sig signals
	if err != nil {
		sig = inspect(err, (c.p.Budget != nil || c.p.Gate != nil) && c.p.Throttled == nil) // see throttled
	}
	switch {
	case sig.permanent:
		c.a.Err = unmark(err)
		c.attempted(ClassAnswered)
		return ReasonNotRetried, 0, 0
	case c.ctx.Err() != nil:
		c.attempted(0) // the caller's doing: it tells nothing of the service
		return ReasonContext, 0, 0
	case err != nil && !c.retryable(err):
		c.attempted(ClassAnswered)
		return ReasonNotRetried, 0, 0
	case !c.ignoreBelow && c.frame != nil && c.frame.Decided(c.a.Number):
		c.attempted(0)
		return ReasonLayerBelow, 0, 0
	}
	class = ClassTransient
	if (c.p.Budget != nil || c.p.Gate != nil) && c.throttled(sig) { // the class is theirs alone
		class = ClassThrottled
	}
	c.attempted(class)
	if c.once {
		return ReasonNotRetried, 0, 0
	}
	return 0, class, sig.hint
}

// attempted tells the Gate and the Budget, if they asked, what the current
// attempt told of the service.
func (c *call) attempted(result Class) {
	if c.done != nil {
		done := c.done
		c.done = nil
		done(result)
	}
	if c.p.Budget != nil {
		c.p.Budget.Attempted(result, c.spent)
	}
}

// retryAfter asks whether a failure of class, which carried the server's hint (0
// for none), is retried, and if so sleeps the pause: it reports true, or false
// and the error that ends the call.
func (c *call) retryAfter(class Class, hint time.Duration) (bool, error) {
	// The pause is chosen here, not in allowRetry, so that the two calls out
	// (to Wait, then to Stop) are never on the stack at once: a call on a
	// goroutine of its own then fits the goroutine's first stack.
	delay, hinted := c.pause(hint)
	c.a.Delay = delay
	reason := c.allowRetry(class, hinted)
	var refusal error
	if reason == 0 && c.p.Gate != nil {
		// The Gate is asked last, as the Budget is: a retry it refuses ends
		// as a give-up that returns the last result, which the caller still
		// holds.
		if refusal = c.admit(class); refusal != nil {
			reason = ReasonGate
		}
	}
	switch reason {
	case ReasonBudget, ReasonGate:
		if hinted > 0 && !c.sleep(c.a.Delay) { // keep the server's pace
			return false, c.giveUp(ReasonContext)
		}
		e := c.giveUp(reason).(*Error)
		e.Refusal = refusal
		return false, e
	case ReasonStop, ReasonDeadline:
		return false, c.giveUp(reason)
	}
	c.spent = class
	delay = c.a.Delay
	if c.p.BeforeSleep != nil {
		c.p.BeforeSleep.Run(c.a)
	}
	if !c.sleep(delay) {
		return false, c.giveUp(ReasonContext)
	}
	c.a.PrevDelay, c.a.Delay = delay, 0
	return true, nil
}

// allowRetry decides whether a failure of class is retried after the pause
// c.a.Delay, which honours the server's hint hinted (0 for none): it asks Stop,
// the deadline and the Budget, in that order, and returns 0 if the retry goes
// ahead, else the reason it does not. It reads the clock only for a deadline,
// and then only if the call has no reading of this failure's end.
func (c *call) allowRetry(class Class, hinted time.Duration) Reason {
	delay := c.a.Delay
	if c.p.Stop == nil && c.a.Number >= DefaultAttempts || c.p.Stop != nil && c.p.Stop.Stop(c.a) {
		return ReasonStop
	}
	if dl, ok := c.ctx.Deadline(); ok {
		var left time.Duration
		if c.fresh {
			left = dl.Sub(epoch.Add(c.at))
		} else {
			left = dl.Sub(epoch.Add(monotonic()))
		}
		if delay >= left {
			if hinted == 0 || hinted >= left {
				return ReasonDeadline
			}
			// The server's hint fits, its jitter does not: spread the extra over
			// half of what is left, so the attempt still has time to run.
			c.a.Delay = hinted + backoff.Uniform(backoff.HintSource, 0, (left-hinted)/2)
		}
	}
	if c.p.Budget != nil && !c.p.Budget.Allow(class) {
		return ReasonBudget
	}
	return 0
}

// throttled reports whether a failure worth retrying, whose error said sig, is
// the service asking to slow down: Policy.Throttled, or by default a server's
// hint or a status of 429.
func (c *call) throttled(sig signals) bool {
	if c.p.Throttled != nil {
		return c.p.Throttled.Match(c.a)
	}
	return sig.hint > 0 || sig.status == 429
}

// retryable applies the attempt timeout and the Retry predicate to err, which is
// not Permanent, while the caller's context lives.
func (c *call) retryable(err error) bool {
	if _, ok := err.(*attemptTimeoutError); ok {
		return true
	}
	if c.p.Retry == nil {
		return !errors.Is(err, context.Canceled)
	}
	return c.p.Retry.Match(c.a)
}

// pause chooses the pause before the next attempt and returns it with the server's
// hint it honours, if any (else 0). A hint, clamped to MaxRetryAfter, sets the pause
// whatever Wait says, with a random extra of up to half of it so that clients told
// the same thing do not return in step; without one, Wait (or the default
// full-jitter backoff) chooses, and a negative result counts as 0.
//
// A pause that a hint set restarts the backoff (gRFC A6's rule for pushback): Wait
// then sees the attempts counted from it, Number 1 for the first failure after it,
// and no PrevDelay, so that it starts again from its first step.
func (c *call) pause(hint time.Duration) (delay, hinted time.Duration) {
	if hint = c.hintCap(hint); hint > 0 {
		c.restart = c.a.Number
		return backoff.Add(hint, backoff.Uniform(backoff.HintSource, 0, hint/2)), hint
	}
	if c.p.Wait == nil {
		return backoff.Uniform(nil, 0, backoff.Exp(defaultBase, defaultMax, c.a.Number-c.restart)), 0
	}
	number, prev := c.a.Number, c.a.PrevDelay
	if c.restart > 0 { // counted in place, not in a copy: see retryAfter
		c.a.Number -= c.restart
		if c.a.Number == 1 {
			c.a.PrevDelay = 0
		}
	}
	delay = max(c.p.Wait.Wait(c.a), 0)
	c.a.Number, c.a.PrevDelay = number, prev
	return delay, 0
}

// hintCap returns a server's hint clamped to MaxRetryAfter, or 0 if the Policy
// ignores hints.
func (c *call) hintCap(hint time.Duration) time.Duration {
	if hint <= 0 || c.p.MaxRetryAfter < 0 {
		return 0
	}
	limit := c.p.MaxRetryAfter
	if limit == 0 {
		limit = defaultMaxRetryAfter
	}
	return min(hint, limit)
}

// sleep pauses for d on the call's one timer, and reports false if the context
// ended first. A pause slept through adds d to Attempt.Slept without a clock
// read; one cut short adds the time since the failure's reading, if the call
// reads time.
func (c *call) sleep(d time.Duration) bool {
	if d <= 0 {
		return c.ctx.Err() == nil
	}
	c.setTimer(d)
	c.fresh = false
	select {
	case <-c.timer.C:
	case <-c.ctx.Done():
		c.timer.Stop()
		if c.clock {
			d = min(d, monotonic()-c.at)
		}
		c.a.Slept = backoff.Add(c.a.Slept, d)
		return false
	}
	c.a.Slept = backoff.Add(c.a.Slept, d)
	return true
}

// setTimer makes the call's one timer, made on first use, fire after d, and
// returns its channel. With Go 1.23's timers (this module's go line), Reset
// leaves no earlier tick in the channel.
func (c *call) setTimer(d time.Duration) <-chan time.Time {
	if c.timer == nil {
		c.timer = time.NewTimer(d)
	} else {
		c.timer.Reset(d)
	}
	return c.timer.C
}

// notRetried ends the call for reason (ReasonNotRetried or ReasonLayerBelow)
// with c.a.Err, an error that is not retried.
func (c *call) notRetried(reason Reason) error {
	c.finish(reason)
	return c.a.Err
}

// giveUp ends the call on a retryable error, with an *Error that says why.
func (c *call) giveUp(reason Reason) error {
	e := &Error{Reason: reason, Attempts: c.a.Number, Last: c.a.Err, Delay: c.a.Delay}
	if reason == ReasonContext {
		e.Context = c.ctx.Err()
		if cause := context.Cause(c.ctx); cause != e.Context {
			e.Cause = cause
		}
	}
	c.finish(reason)
	return e
}

// finish ends the call for reason: it tells the layer above, if the call decided
// its attempt, runs OnEnd and writes the call's statistics, if the caller asked
// for them.
func (c *call) finish(reason Reason) {
	if c.timer != nil {
		c.timer.Stop()
	}
	if reason != ReasonSuccess && c.decides(reason) { // no call out on success: see retryAfter
		c.up.Decide()
	}
	if c.timeEnd && !c.fresh {
		c.tick()
	}
	if c.p.OnEnd != nil {
		c.a.Reason = reason
		c.p.OnEnd.Run(c.a)
	}
	if c.stats != nil {
		*c.stats = Stats{Attempts: c.a.Number, Slept: c.a.Slept, Elapsed: c.a.Elapsed}
	}
}

// decides reports whether a call that ends for reason decided for the layers
// above it (see ReasonLayerBelow): it gave up after retrying, by its Stop or by
// the deadline of the call above too, its Budget refused a retry, or a layer
// below it decided. A call that made one attempt and stopped, as WithoutRetry or
// a Stop of one attempt makes it, left the retrying to the layer above; one that
// ended with the caller's context, or with a deadline of the attempt above alone
// (its AttemptTimeout), leaves the layer above to judge its own attempt.
func (c *call) decides(reason Reason) bool {
	switch reason {
	case ReasonBudget, ReasonGate, ReasonLayerBelow:
		return true
	case ReasonStop:
		return c.a.Number >= 2
	case ReasonDeadline:
		return c.a.Number >= 2 && c.up.SharesDeadline(c.ctx)
	}
	return false
}

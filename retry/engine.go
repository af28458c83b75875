package retry

import (
	"context"
	"errors"
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
	"github.com/tenacious-go/tenacious/internal/timeblind"
)

// policy is the part of a Retrier[T] that does not depend on T, copied for each call
// so that the engine is not generic (and its state stays on the caller's stack).
type policy struct {
	Stop                                 Stop
	Wait                                 Wait
	Retry                                Predicate
	Before, After, BeforeSleep, OnGiveUp Hook
	AttemptTimeout                       time.Duration
	Budget                               Budget
}

// observesTime reports whether a strategy or hook could read the measured
// durations of an Attempt (Elapsed, Slept), so that the call must read the clock:
// any hook, and any strategy but the defaults and the constructors of stop, wait
// and predicate known to read only the attempt's number, error or previous pause
// (see internal/timeblind).
func (p *policy) observesTime() bool {
	return p.Before != nil || p.After != nil || p.BeforeSleep != nil || p.OnGiveUp != nil ||
		p.Stop != nil && !timeblind.Blind(p.Stop) ||
		p.Wait != nil && !timeblind.Blind(p.Wait) ||
		p.Retry != nil && !timeblind.Blind(p.Retry)
}

// call is the state of one call of a Retrier: everything that changes lives here,
// on the caller's stack, never on the Retrier.
type call struct {
	r     policy // by value: escape analysis is field-insensitive, so a pointer here would follow ctx to the heap
	ctx   context.Context
	a     Attempt
	stats *Stats
	clock bool          // whether anything can observe time, so t0 is set
	t0    time.Duration // when the first attempt began, as a monotonic offset (see clock)
	timer *time.Timer
}

// epoch is the reference of monotonic.
var epoch = time.Now()

// monotonic returns the time since epoch. It reads only the monotonic clock, which
// costs half of time.Now's two clock reads. Inside a testing/synctest bubble both
// readings are the bubble's, so differences stay exact.
func monotonic() time.Duration { return time.Since(epoch) }

// start prepares the call. It reads the clock only if something can observe it.
func (c *call) start() {
	c.a.Context = c.ctx
	c.stats = statsFrom(c.ctx)
	c.clock = c.stats != nil || c.r.observesTime()
	if c.clock {
		c.t0 = monotonic()
	}
}

// begin starts the next attempt: it runs Before and returns the attempt's context and,
// with an AttemptTimeout, the function that releases it.
func (c *call) begin() (context.Context, context.CancelFunc) {
	c.a.Number++
	c.a.Err = nil
	if c.r.Before != nil {
		if c.a.Number > 1 {
			c.a.Elapsed = monotonic() - c.t0
		}
		c.r.Before(c.a)
	}
	if c.r.AttemptTimeout > 0 {
		return context.WithTimeout(c.ctx, c.r.AttemptTimeout)
	}
	return c.ctx, nil
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
		err = &attemptTimeoutError{err: err, timeout: c.r.AttemptTimeout}
	}
	cancel()
	return err
}

// end takes an attempt's outcome. It reports whether to attempt again (after the
// pause, which it sleeps) and, if not, the error to return: nil on success.
func (c *call) end(err error, rejected bool) (again bool, final error) {
	c.a.Err = err
	if c.clock && (err != nil || rejected || c.r.After != nil) {
		c.a.Elapsed = monotonic() - c.t0
	}
	if c.r.After != nil {
		c.r.After(c.a)
	}
	if err == nil && !rejected {
		if c.r.Budget != nil {
			c.r.Budget.Attempted(c.a.Number == 1, false)
		}
		c.finish()
		return false, nil
	}
	return c.failed(err)
}

// failed decides what follows a failed attempt (err is nil for a rejected result).
func (c *call) failed(err error) (bool, error) {
	if err != nil && !c.retryable(err) {
		err = unmark(err)
		if c.r.Budget != nil {
			c.r.Budget.Attempted(c.a.Number == 1, false)
		}
		return false, c.fail(err)
	}
	if c.r.Budget != nil {
		c.r.Budget.Attempted(c.a.Number == 1, true)
	}
	if c.ctx.Err() != nil {
		return false, c.giveUp(ReasonCanceled)
	}
	delay := c.delay()
	c.a.Delay = delay
	if c.r.Stop == nil && c.a.Number >= DefaultAttempts || c.r.Stop != nil && c.r.Stop(c.a) {
		return false, c.giveUp(ReasonStop)
	}
	var now time.Time
	if dl, ok := c.ctx.Deadline(); ok || c.clock && delay > 0 {
		now = time.Now()
		if ok && !now.Add(delay).Before(dl) {
			return false, c.giveUp(ReasonDeadline)
		}
	}
	if c.r.Budget != nil && !c.r.Budget.AllowRetry() {
		return false, c.giveUp(ReasonBudget)
	}
	if c.r.BeforeSleep != nil {
		c.r.BeforeSleep(c.a)
		if c.clock && delay > 0 {
			now = time.Now() // the hook's own time is not sleep
		}
	}
	if !c.sleep(delay, now) {
		return false, c.giveUp(ReasonCanceled)
	}
	c.a.PrevDelay, c.a.Delay = delay, 0
	return true, nil
}

// retryable applies Permanent, the attempt timeout and the Retry predicate to err.
func (c *call) retryable(err error) bool {
	if IsPermanent(err) {
		return false
	}
	if _, ok := err.(*attemptTimeoutError); ok {
		return true
	}
	if c.r.Retry == nil {
		return !isContextErr(err)
	}
	return c.r.Retry(c.a)
}

// delay runs Wait, or the default full-jitter backoff, and clamps the result at 0.
func (c *call) delay() time.Duration {
	if c.r.Wait == nil {
		return backoff.Uniform(nil, 0, backoff.Exp(DefaultBase, DefaultCap, c.a.Number))
	}
	return max(c.r.Wait(c.a), 0)
}

// sleep pauses for d on the call's one timer, made on first use, and reports false if
// the context ended first. now is the current time when the clock is in use.
func (c *call) sleep(d time.Duration, now time.Time) bool {
	if d <= 0 {
		return c.ctx.Err() == nil
	}
	if c.timer == nil {
		c.timer = time.NewTimer(d)
	} else {
		c.timer.Reset(d)
	}
	select {
	case <-c.timer.C:
	case <-c.ctx.Done():
		c.timer.Stop()
		c.addSlept(d, now)
		return false
	}
	c.addSlept(d, now)
	return true
}

func (c *call) addSlept(d time.Duration, since time.Time) {
	if c.clock {
		d = time.Since(since)
	}
	c.a.Slept = backoff.Add(c.a.Slept, d)
}

// fail ends the call with an error that is not retried.
func (c *call) fail(err error) error {
	c.a.Err = err
	if c.r.OnGiveUp != nil {
		c.r.OnGiveUp(c.a)
	}
	c.finish()
	return err
}

// giveUp ends the call on a retryable error, with an *Error that says why.
func (c *call) giveUp(reason Reason) error {
	e := &Error{Reason: reason, Attempts: c.a.Number, Last: c.a.Err}
	if reason == ReasonDeadline {
		e.Delay = c.a.Delay
	}
	if reason == ReasonCanceled {
		e.Context = c.ctx.Err()
		if cause := context.Cause(c.ctx); cause != e.Context {
			e.Cause = cause
		}
	}
	if c.r.OnGiveUp != nil {
		c.r.OnGiveUp(c.a)
	}
	c.finish()
	return e
}

// finish writes the call's statistics, if the caller asked for them.
func (c *call) finish() {
	if c.stats != nil {
		*c.stats = Stats{Attempts: c.a.Number, Slept: c.a.Slept, Elapsed: monotonic() - c.t0}
	}
}

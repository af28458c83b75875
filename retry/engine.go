package retry

import (
	"context"
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
	"github.com/tenacious-go/tenacious/internal/errchain"
)

// policy is the part of a Retrier that does not depend on T.
type policy struct {
	stop                                 Stop
	wait                                 Wait
	retry                                Predicate
	before, after, beforeSleep, onGiveUp Hook
	attemptTimeout                       time.Duration
}

// call is the state of one call of a Retrier: everything that changes lives here,
// on the caller's stack, never on the Retrier.
type call struct {
	p     policy
	ctx   context.Context
	a     Attempt
	stats *Stats
	clock bool      // whether anything can observe time, so t0 is set
	t0    time.Time // when the first attempt began
	timer *time.Timer
}

// start prepares the call. It reads the clock only if something can observe it.
func (c *call) start() {
	c.stats = statsFrom(c.ctx)
	p := &c.p
	c.clock = c.stats != nil || p.stop != nil || p.wait != nil || p.retry != nil ||
		p.before != nil || p.after != nil || p.beforeSleep != nil || p.onGiveUp != nil
	if c.clock {
		c.t0 = time.Now()
	}
}

// begin starts the next attempt: it runs Before and returns the attempt's context and,
// with an AttemptTimeout, the function that releases it.
func (c *call) begin() (context.Context, context.CancelFunc) {
	c.a.Number++
	c.a.Err = nil
	if c.p.before != nil {
		if c.a.Number > 1 {
			c.a.Elapsed = time.Since(c.t0)
		}
		c.p.before(c.a)
	}
	if c.p.attemptTimeout > 0 {
		return context.WithTimeout(c.ctx, c.p.attemptTimeout)
	}
	return c.ctx, nil
}

// settle releases the attempt's context and marks an error caused by the attempt's
// own timeout (not the caller's) so that it is retried.
func (c *call) settle(actx context.Context, cancel context.CancelFunc, err error) error {
	if cancel == nil {
		return err
	}
	if err != nil && actx.Err() == context.DeadlineExceeded && c.ctx.Err() == nil {
		err = &attemptTimeoutError{err: err, timeout: c.p.attemptTimeout}
	}
	cancel()
	return err
}

// end takes an attempt's outcome. It reports whether to attempt again (after the
// pause, which it sleeps) and, if not, the error to return: nil on success.
func (c *call) end(err error, rejected bool) (again bool, final error) {
	c.a.Err = err
	if c.clock {
		c.a.Elapsed = time.Since(c.t0)
	}
	if c.p.after != nil {
		c.p.after(c.a)
	}
	if err == nil && !rejected {
		c.finish()
		return false, nil
	}
	return c.failed(err)
}

// failed decides what follows a failed attempt (err is nil for a rejected result).
func (c *call) failed(err error) (bool, error) {
	if err != nil && !c.retryable(err) {
		if p, ok := err.(*permanentError); ok {
			err = p.err
		}
		return false, c.fail(err)
	}
	if c.ctx.Err() != nil {
		return false, c.giveUp(ReasonCanceled)
	}
	delay := c.delay()
	c.a.Delay = delay
	if c.p.stop == nil && c.a.Number >= DefaultAttempts || c.p.stop != nil && c.p.stop(c.a) {
		return false, c.giveUp(ReasonStop)
	}
	var now time.Time
	if dl, ok := c.ctx.Deadline(); ok || c.clock && delay > 0 {
		now = time.Now()
		if ok && !now.Add(delay).Before(dl) {
			return false, c.giveUp(ReasonDeadline)
		}
	}
	if c.p.beforeSleep != nil {
		c.p.beforeSleep(c.a)
	}
	if !c.sleep(delay, now) {
		return false, c.giveUp(ReasonCanceled)
	}
	c.a.PrevDelay, c.a.Delay = delay, 0
	return true, nil
}

// retryable applies Permanent, the attempt timeout and the Retry predicate to err.
func (c *call) retryable(err error) bool {
	if _, ok := errchain.Find[*permanentError](err); ok {
		return false
	}
	if _, ok := err.(*attemptTimeoutError); ok {
		return true
	}
	if c.p.retry == nil {
		return !isContextErr(err)
	}
	return c.p.retry(c.a)
}

// delay runs Wait, or the default full-jitter backoff, and clamps the result at 0.
func (c *call) delay() time.Duration {
	if c.p.wait == nil {
		return backoff.Uniform(nil, 0, backoff.Exp(DefaultBase, DefaultCap, c.a.Number))
	}
	return max(c.p.wait(c.a), 0)
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
	if c.p.onGiveUp != nil {
		c.p.onGiveUp(c.a)
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
	if c.p.onGiveUp != nil {
		c.p.onGiveUp(c.a)
	}
	c.finish()
	return e
}

// finish writes the call's statistics, if the caller asked for them.
func (c *call) finish() {
	if c.stats != nil {
		*c.stats = Stats{Attempts: c.a.Number, Slept: c.a.Slept, Elapsed: time.Since(c.t0)}
	}
}

package retry

import (
	"context"
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
)

// A Hedger makes a call start another attempt when the attempts in flight are slow
// to answer, and takes the first good answer: hedging, for the slow tail, where
// retrying is for failures. It also learns from the latencies it observes, so, like
// a Budget, one Hedger is shared by every call of a service and must be safe for
// concurrent use. Package hedge provides a fixed delay and one that follows a
// quantile of recent latencies.
//
// With a Hedger in its Policy, [Retrier.Hedge] runs its attempts on goroutines of
// its own, as do adapters for requests they know are safe to repeat; every other
// call shape runs one attempt at a time and ignores the Hedger, since only the
// call site can say that an operation is safe to run several times at once.
//
// The call starts an attempt; whenever Delay passes with no answer, it starts
// another, as long as Delay says so (its maximum in flight), Stop allows one more
// attempt (hedges count as attempts, as in gRFC A6), the time left before the
// context's deadline is at least the delay, and the Budget allows an extra attempt
// (ClassExtra: hedges are paid from the same budget as retries, so a partial outage
// in which every call is slow cannot double the load). A refused hedge just waits
// for the attempts in flight.
//
// The first acceptable answer wins: the other attempts are canceled through their
// own contexts, the call waits for them to return (an operation that ignores its
// context makes the call as slow as it is), hands their results to the Retrier's
// Discard, if any, and returns. An error that is not retried ends the call the same
// way. A failure worth retrying is retried as the Policy says (Wait, Stop, the
// deadline and the Budget decide the pause) while the others stay in flight; a
// retry that is refused gives up only once nothing is left in flight. Hooks run one
// at a time, on the call's goroutine, never concurrently: Before as each attempt
// starts (Attempt.Hedge says whether it is a hedge), After as each attempt ends
// until the call is decided, BeforeSleep before a retry's pause, and OnEnd once,
// whose Attempt.Number is the number of attempts started and whose Attempt.Hedge
// says whether the attempt that decided the call was a hedge. The give-up *Error
// counts the hedges.
type Hedger interface {
	// Delay reports how long a call that has inflight attempts running (at least
	// one) waits for an answer before it starts another, and ok false if it is
	// not to start one: while the Hedger warms up, or with inflight at its
	// maximum.
	Delay(inflight int) (d time.Duration, ok bool)
	// Observe records how long an attempt ran: until its answer, or until it was
	// canceled, which makes the time a lower bound of its latency, so that winners
	// alone do not drag the delay down.
	Observe(d time.Duration)
}

// flight is an attempt in flight of a hedged call.
type flight[T any] struct {
	n      int   // its number
	hedge  bool  // started as a hedge
	spent  Class // what the Budget granted for it: 0 for the first attempt
	began  time.Duration
	cancel context.CancelFunc

	v   T
	err error
}

// hedged runs a call whose Policy has a Hedger: the attempts run on goroutines of
// their own and report to this one, which alone runs the hooks and decides.
func hedged[T any](ctx context.Context, p *Policy, op func(context.Context) (T, error), reject func(T) bool, discard func(T)) (T, error) {
	c := new(call)
	c.init(ctx, p)
	h := c.p.Hedger
	done := make(chan *flight[T])
	running := map[*flight[T]]bool{}
	var (
		hedgeTimer, retryTimer *time.Timer
		hedgeC, retryC         <-chan time.Time
		retryClass             Class         // what the pending retry was allowed as
		retryDelay             time.Duration // and its pause
		started, hedges        int           // attempts started, and how many of them were hedges
		lastFailed             *flight[T]    // the last attempt that failed with a retryable error
		refused                Reason        // why a retry was refused while others still ran
	)
	defer func() {
		if hedgeTimer != nil {
			hedgeTimer.Stop()
		}
		if retryTimer != nil {
			retryTimer.Stop()
		}
	}()
	arm := func(t **time.Timer, d time.Duration) <-chan time.Time {
		if *t == nil {
			*t = time.NewTimer(d)
		} else {
			(*t).Reset(d)
		}
		return (*t).C
	}

	start := func(hedge bool, spent Class) {
		started++
		c.a.Number, c.a.Err, c.a.Delay, c.a.Hedge = started, nil, 0, hedge
		if c.p.Before != nil {
			c.a.Elapsed = monotonic() - c.t0
			c.p.Before(c.a)
		}
		f := &flight[T]{n: started, hedge: hedge, spent: spent, began: monotonic()}
		var actx context.Context
		if c.p.AttemptTimeout > 0 {
			actx, f.cancel = context.WithTimeout(c.ctx, c.p.AttemptTimeout)
		} else {
			actx, f.cancel = context.WithCancel(c.ctx)
		}
		running[f] = true
		go func() {
			v, err := op(actx)
			f.v, f.err = v, c.settle(actx, f.cancel, err)
			done <- f
		}()
		// The next hedge: after the Hedger's delay, if it wants one and the
		// deadline leaves at least that much time.
		hedgeC = nil
		if d, ok := h.Delay(len(running)); ok {
			if dl, has := c.ctx.Deadline(); !has || time.Until(dl) >= d {
				hedgeC = arm(&hedgeTimer, d)
			}
		}
	}

	// end settles what still runs (canceled, waited for, results discarded:
	// nothing outlives the call) and ends the call with f's outcome.
	end := func(f *flight[T], reason Reason) (T, error) {
		for g := range running {
			g.cancel()
		}
		for len(running) > 0 {
			g := <-done
			delete(running, g)
			h.Observe(monotonic() - g.began)
			if c.p.Budget != nil {
				c.p.Budget.Attempted(0, g.spent) // canceled by the call: it tells nothing
			}
			if discard != nil && g.err == nil {
				discard(g.v)
			}
		}
		// OnEnd sees the attempts started, as after a call without hedges, and
		// whether the attempt that decided the call was a hedge.
		c.a.Number, c.a.Hedge, c.a.Err = started, f.hedge, f.err
		switch reason {
		case ReasonSuccess:
			c.finish(ReasonSuccess)
			return f.v, nil
		case ReasonNotRetried:
			c.finish(ReasonNotRetried)
			return f.v, f.err
		}
		if reason == ReasonBudget && c.a.Delay > 0 && serverHint(f.err) > 0 && !c.sleep(c.a.Delay, time.Now()) {
			reason = ReasonContext // the server's pace, kept, was cut short
		}
		e := c.giveUp(reason).(*Error)
		e.Attempts, e.Hedges, e.Result = started, hedges, f.v
		return f.v, e
	}

	start(false, 0)
	for {
		select {
		case f := <-done:
			delete(running, f)
			h.Observe(monotonic() - f.began)
			c.a.Number, c.a.Hedge, c.a.Err, c.a.Delay = f.n, f.hedge, f.err, 0
			if c.p.After != nil {
				c.a.Elapsed = monotonic() - c.t0
				c.p.After(c.a)
			}
			answered := func(reason Reason) (T, error) {
				if c.p.Budget != nil {
					c.p.Budget.Attempted(ClassAnswered, f.spent)
				}
				return end(f, reason)
			}
			switch {
			case f.err == nil && (reject == nil || !reject(f.v)):
				return answered(ReasonSuccess)
			case f.err != nil && IsPermanent(f.err):
				f.err = unmark(f.err)
				return answered(ReasonNotRetried)
			case c.ctx.Err() != nil:
				if c.p.Budget != nil {
					c.p.Budget.Attempted(0, f.spent)
				}
				return end(f, ReasonContext)
			case f.err != nil && !c.retryable(f.err):
				return answered(ReasonNotRetried)
			}
			lastFailed = f
			hint := serverHint(f.err)
			class := ClassTransient
			if c.throttled(f.err, hint) {
				class = ClassThrottled
			}
			if c.p.Budget != nil {
				c.p.Budget.Attempted(class, f.spent)
			}
			if retryC == nil { // one retry pending at a time
				c.a.Number = started // Stop counts every attempt started, hedges too
				if reason, _, _ := c.allowRetry(class, hint); reason != 0 {
					refused = reason
				} else {
					refused, retryClass, retryDelay = 0, class, c.a.Delay
					if c.p.BeforeSleep != nil {
						c.p.BeforeSleep(c.a)
					}
					retryC = arm(&retryTimer, retryDelay)
				}
			}
			if len(running) == 0 && retryC == nil {
				return end(lastFailed, refused)
			}
		case <-hedgeC:
			hedgeC = nil
			c.a.Number, c.a.Err, c.a.Delay = started, nil, 0
			if c.p.Stop != nil && c.p.Stop(c.a) || c.p.Stop == nil && started >= DefaultAttempts {
				continue // no attempt left for a hedge
			}
			if c.p.Budget != nil && !c.p.Budget.Allow(ClassExtra) {
				continue // a refused hedge waits for the attempts in flight
			}
			hedges++
			start(true, ClassExtra)
		case <-retryC:
			retryC = nil
			c.a.PrevDelay = retryDelay
			c.a.Slept = backoff.Add(c.a.Slept, retryDelay)
			start(false, retryClass)
		case <-c.ctx.Done():
			f := lastFailed
			if f == nil {
				f = &flight[T]{n: started}
			}
			return end(f, ReasonContext)
		}
	}
}

package retry

import (
	"context"
	"time"

	"github.com/tenacious-go/tenacious/internal/layer"
)

// hedgeCall is the state of a hedged call (see Hedger for its rules). The caller's
// goroutine owns it and decides everything; the attempts run on goroutines of
// their own and only report, on done. It has one state of its own, waiting for the
// attempts in flight (and for the hedge delay); with none in flight the call is on
// the retry path that every call shares (call.retryAfter), which pauses and
// starts the next attempt.
type hedgeCall[T any] struct {
	c       call
	op      func(context.Context) (T, error)
	reject  func(T) bool
	discard func(T)

	actx   context.Context // every attempt's context derives from it
	cancel context.CancelFunc
	done   chan outcome[T]

	inflight  int
	started   int           // attempts started, hedges included
	hedges    int           // how many of them were hedges
	lastStart time.Duration // when the latest attempt started, since the call began
	quiet     time.Duration // since the call began, when a server's hint has passed
	hedgeC    <-chan time.Time

	kept    outcome[T] // the last failure worth retrying, what a give-up returns, or the winner
	hasKept bool
	over    bool // the call returned its outcome
}

// flight is what the call knows of an attempt it started.
type flight struct {
	n      int           // its number
	hedge  bool          // started as a hedge
	spent  Class         // what the Budget granted for it: 0 for the first attempt
	done   func(Class)   // what the Gate wants to hear of it, if anything
	began  time.Duration // monotonic offset
	ctx    context.Context
	cancel context.CancelFunc // of ctx, with an AttemptTimeout
	frame  *layer.Frame       // the attempt's mark in ctx, for the calls inside it
}

// outcome is an attempt's report: its flight, result and error.
type outcome[T any] struct {
	flight
	v   T
	err error
}

// hedges reports whether a call of p under ctx hedges: its Policy, or the one
// of WithPolicy, has a Hedger, and it may make more than one attempt (neither
// WithoutRetry nor an attempt of a hedged call above).
func hedges(ctx context.Context, p *Policy) bool {
	up, o := layer.Lookup(ctx)
	if o != nil {
		if o.NoRetry {
			return false
		}
		if o.HasPolicy {
			p, _ = o.Policy.(*Policy)
		}
	}
	return p != nil && p.Hedger != nil && !up.Mark().InFlight()
}

// hedged runs a call that hedges: its caller checked hedges(ctx, p). One that
// sends no hedge allocates the channel done, the context actx, its attempt's
// mark in its context (one per attempt), the goroutine of its attempt with what
// it captures (op too escapes to that goroutine, so a closure passed as op is
// allocated by the caller), and the timer.
func hedged[T any](ctx context.Context, p *Policy, op func(context.Context) (T, error), reject func(T) bool, discard func(T)) (T, error) {
	var h hedgeCall[T]
	h.c.init(ctx, p)
	h.c.alwaysClock()
	h.op, h.reject, h.discard = op, reject, discard
	h.actx, h.cancel = context.WithCancel(ctx)
	h.done = make(chan outcome[T])
	defer h.abandon() // on every way out, a panic included: nothing outlives the call
	if err := h.start(false); err != nil {
		h.over = true
		var zero T
		return zero, err
	}
	for {
		select {
		case o := <-h.done:
			if v, err, over := h.take(o); over {
				h.over = true
				return v, err
			}
		case <-h.hedgeC:
			h.hedgeDue()
		case <-ctx.Done():
			v, err := h.giveUp(ReasonContext)
			h.over = true
			return v, err
		}
	}
}

// abandon runs as the call returns: it releases the attempts' context and, if
// the call returns nothing, as a hook or a strategy panicked, waits for the
// attempts in flight and discards the result in hand.
func (h *hedgeCall[T]) abandon() {
	h.cancel()
	if !h.over {
		h.awaitAll()
		h.discardKept()
	}
}

// start starts an attempt, if the Gate admits it: a hedge, or the first attempt
// or a retry, paid as the Budget granted it (call.spent). A refused hedge is not
// sent; a refused first attempt or retry ends the call, and start returns the
// error to return.
func (h *hedgeCall[T]) start(hedge bool) error {
	c := &h.c
	spent := c.spent
	if hedge {
		spent = ClassExtra
	}
	if c.p.Gate != nil && (hedge || h.started == 0) { // retryAfter asked for a retry
		done, err := c.p.Gate.Admit(c.ctx, spent)
		switch {
		case err != nil && hedge:
			return nil
		case err != nil:
			e := &Error{Reason: ReasonGate, Attempts: h.started, Hedges: h.hedges, Last: h.kept.err, Refusal: err}
			c.a.Number, c.a.Err, c.a.Delay = h.started, h.kept.err, 0
			h.discardKept()
			c.finish(ReasonGate)
			return e
		}
		c.done = done
	}
	h.started++
	f := flight{n: h.started, hedge: hedge, spent: spent, done: c.done, ctx: h.actx}
	c.done = nil
	if hedge {
		h.hedges++
	}
	c.a.Number, c.a.Err, c.a.Delay, c.a.Hedge = f.n, nil, 0, hedge
	if c.p.Before != nil {
		if c.timeBefore {
			c.tick()
		}
		c.p.Before.Run(c.a)
	}
	f.frame = layer.NewFlight(h.actx, f.n)
	f.ctx = f.frame
	if c.p.AttemptTimeout > 0 {
		f.ctx, f.cancel = context.WithTimeout(f.frame, c.p.AttemptTimeout)
	}
	f.began = monotonic()
	h.lastStart = f.began - c.t0
	h.inflight++
	op, done := h.op, h.done // not h: it stays on the caller's stack
	go func() {
		v, err := op(f.ctx)
		done <- outcome[T]{flight: f, v: v, err: err}
	}()
	h.armHedge()
	return nil
}

// armHedge sets the timer of the next hedge, if the Hedger wants one with the
// attempts in flight: its delay after the latest start, and not before a server's
// hint has passed.
func (h *hedgeCall[T]) armHedge() {
	h.hedgeC = nil
	d, ok := h.c.p.Hedger.Delay(h.inflight)
	if !ok {
		if h.c.timer != nil {
			h.c.timer.Stop()
		}
		return
	}
	due := max(h.lastStart+d, h.quiet)
	h.hedgeC = h.c.setTimer(due - h.c.elapsed())
}

// hedgeDue starts a hedge, when the hedge timer fires, if the Hedger, Stop, the
// deadline and the Budget allow one; a refused hedge waits for the attempts in
// flight.
func (h *hedgeCall[T]) hedgeDue() {
	h.hedgeC = nil
	c := &h.c
	d, ok := c.p.Hedger.Delay(h.inflight)
	if !ok {
		return
	}
	c.a.Number, c.a.Err, c.a.Delay, c.a.Hedge = h.started, nil, 0, false
	c.tick()
	switch {
	case c.p.Stop == nil && h.started >= DefaultAttempts, c.p.Stop != nil && c.p.Stop.Stop(c.a):
		return // no attempt left for a hedge
	}
	if dl, ok := c.ctx.Deadline(); ok && dl.Sub(epoch.Add(c.at)) < d { // tick read the clock
		return
	}
	if c.p.Budget != nil && !c.p.Budget.Allow(ClassExtra) {
		return
	}
	h.start(true)
}

// take handles an attempt's report. It reports over once the call is decided, with
// what the call returns.
func (h *hedgeCall[T]) take(o outcome[T]) (v T, err error, over bool) {
	h.inflight--
	c := &h.c
	c.p.Hedger.Observe(monotonic() - o.began)
	o.err = c.settle(o.ctx, o.cancel, o.err)
	c.a.Number, c.a.Hedge, c.a.Delay, c.spent, c.frame, c.done = o.n, o.hedge, 0, o.spent, o.frame, o.done
	rejected := o.err == nil && h.reject != nil && h.reject(o.v)
	c.after(o.err)
	if o.err == nil && !rejected {
		c.attempted(ClassSuccess)
		return h.decide(ReasonSuccess, o)
	}
	reason, class, hint := c.judge(o.err)
	switch reason {
	case ReasonNotRetried, ReasonLayerBelow:
		if o.err != nil {
			o.err = c.a.Err // unmarked
			return h.decide(reason, o)
		}
		fallthrough // a rejected result: the caller must not take it for a success
	case ReasonContext:
		h.keep(o)
		v, err = h.giveUp(reason)
		return v, err, true
	}
	h.keep(o)
	if hint = c.hintCap(hint); hint > 0 {
		h.quiet = max(h.quiet, c.elapsed()+hint)
	}
	if h.inflight > 0 {
		h.armHedge()
		return v, nil, false
	}
	// Nothing in flight: the retry path of every call, which honours a hint
	// that an earlier attempt brought as well as this one's.
	c.a.Number = h.started
	hint = max(hint, h.quiet-c.elapsed())
	if again, final := c.retryAfter(class, hint); !again {
		return h.kept.v, h.counted(final), true
	}
	if err := h.start(false); err != nil {
		return v, err, true
	}
	return v, nil, false
}

// keep keeps o, a failure worth retrying, as the one a give-up returns, and
// discards the result of the one it supersedes.
func (h *hedgeCall[T]) keep(o outcome[T]) {
	h.discardKept()
	h.kept, h.hasKept = o, true
}

// discardKept hands the kept failure's result, if it has one (RetryResult
// rejected it), to Discard.
func (h *hedgeCall[T]) discardKept() {
	if h.hasKept && h.kept.err == nil && h.discard != nil {
		h.discard(h.kept.v)
	}
	h.hasKept = false
}

// decide ends the call with o's outcome: a success, or an error not retried.
func (h *hedgeCall[T]) decide(reason Reason, o outcome[T]) (T, error, bool) {
	h.awaitAll()
	h.keep(o) // until it is returned: if OnEnd panics, it is discarded
	c := &h.c
	c.a.Number, c.a.Hedge, c.a.Err = h.started, o.hedge, o.err
	c.finish(reason)
	h.hasKept = false
	return o.v, o.err, true
}

// giveUp ends the call for reason with the kept failure, once the attempts in
// flight have returned.
func (h *hedgeCall[T]) giveUp(reason Reason) (T, error) {
	h.awaitAll()
	c := &h.c
	c.a.Number, c.a.Hedge, c.a.Err, c.a.Delay = h.started, h.kept.hedge, h.kept.err, 0
	return h.kept.v, h.counted(c.giveUp(reason))
}

// counted completes a give-up *Error with the hedges and the result.
func (h *hedgeCall[T]) counted(err error) error {
	if e, ok := err.(*Error); ok {
		e.Hedges, e.Result = h.hedges, h.kept.v
	}
	return err
}

// awaitAll cancels the attempts in flight and waits for each to return: their
// results go to Discard, their time to the Hedger, and the Budget hears that the
// call canceled them. It runs before the call is decided and, deferred, on every
// way out of it, a panic included (even one of Discard's, which leaves the
// attempts after it to the deferred run).
func (h *hedgeCall[T]) awaitAll() {
	h.cancel()
	c := &h.c
	if h.inflight > 0 {
		c.fresh = false // waiting takes time
	}
	for h.inflight > 0 {
		o := <-h.done
		h.inflight--
		c.p.Hedger.Observe(monotonic() - o.began)
		if o.cancel != nil {
			o.cancel()
		}
		if c.p.Budget != nil {
			c.p.Budget.Attempted(0, o.spent)
		}
		if o.done != nil {
			o.done(0)
		}
		if o.err == nil && h.discard != nil {
			h.discard(o.v)
		}
	}
}

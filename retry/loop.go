package retry

import (
	"context"
	"iter"
)

// A Loop is the range-over-func form of a call, for code where a closure is
// awkward: the Go counterpart of tenacity's "for attempt in Retrying(): with
// attempt: ...". Each range over Attempts is one call, on the same engine as Do:
// the same stops, waits, hooks, deadline and statistics. Read the outcome with Err
// after the loop, as with bufio.Scanner:
//
//	loop := policy.Loop(ctx)
//	for a := range loop.Attempts() {
//		if err := send(a.Context(), msg); err != nil {
//			a.Fail(err)
//		}
//	}
//	if err := loop.Err(); err != nil { ... }
//
// An iteration whose body does not call Fail is a success and ends the loop. A
// break or return in the body ends it at once, with no further pause: Err then
// reports the error given to Fail in that iteration, if any, without a Permanent
// mark, OnEnd sees ReasonNotRetried (or ReasonSuccess if Fail was not called), and a
// budget counts the attempt as not failed. A panic in the body passes through
// unrecovered. A Loop is for one goroutine at a time.
type Loop struct {
	policy Policy
	ctx    context.Context
	err    error
}

// Loop returns a Loop that retries with a copy of *p (nil is the zero Policy) under
// ctx. It panics if ctx is nil.
func (p *Policy) Loop(ctx context.Context) *Loop {
	mustCall("Policy.Loop", ctx, false)
	l := &Loop{ctx: ctx}
	if p != nil {
		l.policy = *p
	}
	return l
}

// Err returns the outcome of the last range over Attempts: nil if an attempt
// succeeded, else what Do would have returned (the error unchanged if it was not
// retried, or an *Error if the Loop gave up).
func (l *Loop) Err() error { return l.err }

// Attempts returns an iterator over the attempts of one call. Each *Try it yields is
// only valid during its iteration: keep neither it nor its context.
func (l *Loop) Attempts() iter.Seq[*Try] {
	return func(yield func(*Try) bool) {
		l.err = nil
		var c call
		c.init(l.ctx, &l.policy)
		c.mark()
		for {
			actx, cancel, refused := c.begin()
			if refused != nil {
				l.err = refused
				return
			}
			t := &Try{ctx: actx, number: c.a.Number}
			more := yieldOnce(yield, t, cancel)
			err := c.settle(actx, cancel, t.err)
			if !more { // break or return in the body: stop here, no pause
				l.err = unmark(t.err)
				if l.err == nil {
					c.attempted(ClassSuccess)
				} else {
					c.attempted(ClassAnswered)
				}
				c.a.Err = l.err
				if l.err == nil {
					c.finish(ReasonSuccess)
				} else {
					c.finish(ReasonNotRetried)
				}
				return
			}
			again, final := c.end(err, false)
			if !again {
				l.err = final
				return
			}
		}
	}
}

// yieldOnce runs one iteration and ends the Try's validity, even if the body panics;
// on a panic it also releases the attempt's context.
func yieldOnce(yield func(*Try) bool, t *Try, cancel context.CancelFunc) (more bool) {
	panicking := true
	defer func() {
		t.done = true
		if panicking && cancel != nil {
			cancel()
		}
	}()
	more = yield(t)
	panicking = false
	return more
}

// A Try is one attempt of a Loop: the body reports a failure with Fail. It is only
// valid during its iteration; its methods panic after.
type Try struct {
	ctx    context.Context
	number int
	err    error
	done   bool
}

// Context returns the attempt's context: the Loop's, or with an AttemptTimeout, one
// derived from it that ends with the attempt.
func (t *Try) Context() context.Context {
	t.check("Context")
	return t.ctx
}

// Number returns the attempt's 1-based number.
func (t *Try) Number() int {
	t.check("Number")
	return t.number
}

// Fail records err as the attempt's failure; the Loop then decides, as Do would,
// whether to pause and try again. Fail(nil) is a no-op; of several errors, the last
// wins.
func (t *Try) Fail(err error) {
	t.check("Fail")
	if err != nil {
		t.err = err
	}
}

func (t *Try) check(method string) {
	if t.done {
		panic("retry: Try." + method + " called after its iteration ended")
	}
}

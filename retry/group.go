package retry

import (
	"context"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// A Group runs tasks concurrently, each retried by one Policy, under one context: an
// errgroup.Group whose tasks retry. It keeps errgroup's vocabulary and semantics
// (Go, TryGo, SetLimit, Wait) so what you know of errgroup holds.
//
// A Group from NewGroup fails fast: the first task to fail for good (a give-up
// *Error or an error that is not retried) cancels the group's context, which ends
// every other task's attempt and pending pause at once, and Wait returns that first
// failure, never the cancellation it caused in the others. After CollectAll, every
// task runs to its own end instead and Wait returns a *BatchError listing them all.
//
// A zero Group is valid: it retries with the zero Policy, passes tasks
// context.Background(), has no limit and fails fast without canceling anything.
//
// Panics in tasks are not recovered and not retried: like errgroup since v0.16, a
// Group does not carry them to Wait, where they would be delayed or lost; they crash
// the program with their own stack.
type Group struct {
	eg     errgroup.Group
	policy Policy
	ctx    context.Context
	cancel context.CancelCauseFunc

	tasks   atomic.Int64 // number of Go and TryGo calls so far
	collect bool

	errOnce  sync.Once
	err      error
	mu       sync.Mutex
	failures []*TaskError
}

// NewGroup returns a Group that retries each task with a copy of *p (nil means the
// zero Policy), and a context derived from ctx that is canceled when a task fails for
// good or when Wait returns. The deadline of ctx is the deadline of every task: no
// task sleeps past it.
func NewGroup(ctx context.Context, p *Policy) (*Group, context.Context) {
	ctx, cancel := context.WithCancelCause(ctx)
	g := &Group{ctx: ctx, cancel: cancel}
	if p != nil {
		g.policy = *p
	}
	return g, ctx
}

// CollectAll switches g to collect-all mode: a failure cancels nothing, every task
// runs to its own end, and Wait returns a *BatchError with one *TaskError per failed
// task, naming it by its index (the order of Go and TryGo calls, from 0). It panics if
// Go or TryGo has been called already, even a TryGo that was refused.
func (g *Group) CollectAll() {
	if g.tasks.Load() != 0 {
		panic("retry: Group.CollectAll called after a task started")
	}
	g.collect = true
}

// SetLimit limits the number of tasks running at once to n; a negative n removes the
// limit. Go blocks, and TryGo fails, while n tasks run. As with errgroup, it panics if
// called while tasks are running.
func (g *Group) SetLimit(n int) { g.eg.SetLimit(n) }

// Go runs task in a new goroutine, retried by the Group's Policy with the Group's
// context. It blocks while the Group is at its limit. A task that gets its turn
// after the Group's context has ended (a fail-fast Group failed, or the parent
// context ended) is not called: it fails with the context's cause. Go panics if
// task is nil.
func (g *Group) Go(task func(context.Context) error) {
	mustTask("Go", task)
	i := g.tasks.Add(1) - 1
	g.eg.Go(func() error { g.run(int(i), task); return nil })
}

// TryGo runs task in a new goroutine only if the Group is below its limit, and
// reports whether it did. A refused TryGo still uses up a task number, so numbers
// always follow the order of calls.
func (g *Group) TryGo(task func(context.Context) error) bool {
	mustTask("TryGo", task)
	i := g.tasks.Add(1) - 1
	return g.eg.TryGo(func() error { g.run(int(i), task); return nil })
}

// Wait blocks until every task has returned, cancels the Group's context, and returns
// the first failure, or in collect-all mode a *BatchError of all of them, or nil.
// Since its context has ended, a Group from NewGroup is spent after Wait: a task
// started later fails at once without being called.
func (g *Group) Wait() error {
	_ = g.eg.Wait()
	if g.cancel != nil {
		g.cancel(context.Canceled)
	}
	if g.collect {
		g.mu.Lock()
		defer g.mu.Unlock()
		return batchError(g.failures)
	}
	return g.err
}

func (g *Group) run(i int, task func(context.Context) error) {
	// Kept small: every task's goroutine starts with this frame on its stack.
	ctx := g.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	if ctx.Err() != nil {
		// The group failed, or its context ended, before this task started: report
		// it without calling it, as Map does.
		g.fail(i, context.Cause(ctx))
	} else if err := g.policy.Run(ctx, task); err != nil {
		g.fail(i, err)
	}
}

// fail records the final failure of task i.
func (g *Group) fail(i int, err error) {
	if g.collect {
		g.mu.Lock()
		g.failures = append(g.failures, &TaskError{Index: i, Err: err})
		g.mu.Unlock()
		return
	}
	g.errOnce.Do(func() {
		g.err = err
		if g.cancel != nil {
			g.cancel(err)
		}
	})
}

func mustTask(method string, task func(context.Context) error) {
	if task == nil {
		panic("retry: Group." + method + ": nil task")
	}
}

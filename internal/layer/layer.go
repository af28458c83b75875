// Package layer links a call of package retry to the calls of this module that
// run inside its attempts (retry's own, the HTTP transport's, the gRPC
// interceptors'), so that retries at several layers do not multiply, and carries
// the overrides a caller gives one call through its context.
//
// Every call puts one Frame in the contexts of its attempts. A call inside an
// attempt finds the Frame above it; when it gives up after retrying, or refuses a
// retry for safety, it marks the attempt it ran in as decided, and the call above
// does not retry that attempt. A Frame also hides from the calls inside it the
// overrides that were meant for its own call.
package layer

import (
	"context"
	"math"
	"sync/atomic"
)

// key is the context key of both a Frame and an Override: one lookup finds
// whichever is nearer.
type key struct{}

// Frame is a call's mark in the contexts of its attempts. A sequential call has
// one for all its attempts, and says which one runs; a hedged call has one per
// attempt (a flight), whose Attempt never changes. A call inside an attempt
// reads the attempt when it begins: one begun by a goroutine that an attempt
// left running after it returned belongs, as far as the Frame can tell, to the
// attempt in progress then.
type Frame struct {
	context.Context
	attempt int32        // the attempt in progress (see clamp); atomic once f is shared
	decided atomic.Int32 // the latest attempt a call below decided, or 0
	flight  bool         // an attempt of a hedged call
}

// clamp makes an attempt number fit a Frame's counters, which keep a Frame in
// the 32-byte size class: a call that makes more than math.MaxInt32 attempts
// counts the later ones as its last.
func clamp(n int) int32 { return int32(min(n, math.MaxInt32)) }

// NewFrame returns a Frame over ctx for attempt n of a sequential call (1 for
// its first; SetAttempt moves it on).
func NewFrame(ctx context.Context, n int) *Frame {
	return &Frame{Context: ctx, attempt: clamp(n)} // not shared yet: no atomic store
}

// NewFlight returns the Frame over ctx of attempt n of a hedged call. The calls
// inside a flight make one attempt each: the hedged call, which may run several
// flights at once, is the layer that retries, so that its attempts and those of
// a layer below never multiply.
func NewFlight(ctx context.Context, n int) *Frame {
	f := NewFrame(ctx, n)
	f.flight = true
	return f
}

// Value returns f itself for the layer key, so that calls inside f's attempts
// find f and not an Override meant for f's own call; other keys are ctx's.
func (f *Frame) Value(k any) any {
	if k == (key{}) {
		return f
	}
	return f.Context.Value(k)
}

// SetAttempt records that attempt n is in progress.
func (f *Frame) SetAttempt(n int) { atomic.StoreInt32(&f.attempt, clamp(n)) }

// Attempt returns the attempt in progress.
func (f *Frame) Attempt() int { return int(atomic.LoadInt32(&f.attempt)) }

// Decided reports whether a call below decided attempt n.
func (f *Frame) Decided(n int) bool { return f.decided.Load() == clamp(n) }

// Mark is an attempt of a call above, as a call inside it found it when it
// began: the zero Mark is none.
type Mark struct {
	f *Frame
	n int
}

// Mark returns the Mark of f's attempt in progress, for a call inside it to keep
// from its start (f from Lookup of the call's context); the zero Mark for a nil
// f.
func (f *Frame) Mark() Mark {
	if f == nil {
		return Mark{}
	}
	return Mark{f, f.Attempt()}
}

// Decide marks m's attempt as decided by a call below, unless a later attempt
// already was (a decision that comes late, from a goroutine the attempt left
// behind, never erases a later one).
func (m Mark) Decide() {
	if m.f == nil {
		return
	}
	for {
		old := m.f.decided.Load()
		if old >= clamp(m.n) || m.f.decided.CompareAndSwap(old, clamp(m.n)) {
			return
		}
	}
}

// Exists reports whether m is an attempt of a call above: false for the zero
// Mark.
func (m Mark) Exists() bool { return m.f != nil }

// InFlight reports whether m's attempt is an attempt of a hedged call.
func (m Mark) InFlight() bool { return m.f != nil && m.f.flight }

// SharesDeadline reports whether ctx, the context of a call inside m's attempt,
// has no earlier deadline than the call above: whether a deadline that ended
// the call inside is the one above's too, and not that of the attempt alone
// (an AttemptTimeout).
func (m Mark) SharesDeadline(ctx context.Context) bool {
	if m.f == nil {
		return false
	}
	inner, ok := ctx.Deadline()
	outer, outerOK := m.f.Deadline()
	return ok && outerOK && !inner.Before(outer)
}

// Override is what a caller asked of one call through its context (see
// retry.WithoutRetry, retry.WithPolicy, retry.WithIgnoreLayers,
// retry.WithStats): all under one key, so that a call finds them, and the frame
// above it, in one lookup.
type Override struct {
	// Policy, if HasPolicy, is the *retry.Policy to use in place of the call's
	// (nil for the zero Policy).
	Policy    any
	HasPolicy bool
	// NoRetry: make one attempt.
	NoRetry bool
	// IgnoreBelow: retry an attempt even when a call below decided it.
	IgnoreBelow bool
	// Stats, if set, is the *retry.Stats of retry.WithStats, which the call
	// writes (and the calls inside its attempts do not).
	Stats any
	// up is the Frame the context was in when the Override was made.
	up *Frame
}

// Lookup returns the Frame of the attempt ctx belongs to, if any, and the
// Override made for the call ctx is passed to, if any.
func Lookup(ctx context.Context) (*Frame, *Override) {
	switch v := ctx.Value(key{}).(type) {
	case *Frame:
		return v, nil
	case *Override:
		return v.up, v
	}
	return nil, nil
}

// With returns ctx with the Override that set makes of ctx's own (or of none).
func With(ctx context.Context, set func(*Override)) context.Context {
	up, o := Lookup(ctx)
	var n Override
	if o != nil {
		n = *o
	} else {
		n.up = up
	}
	set(&n)
	return context.WithValue(ctx, key{}, &n)
}

// WithoutPolicy returns ctx with o, ctx's Override, minus its Policy: for an
// adapter that applied the Policy itself before it calls the engine.
func WithoutPolicy(ctx context.Context, o *Override) context.Context {
	n := *o
	n.Policy, n.HasPolicy = nil, false
	return context.WithValue(ctx, key{}, &n)
}

// Carry returns ctx with the Frame of from, if from is in one: the values,
// deadline and cancellation of ctx, but the layer of from. An adapter whose
// attempt runs under a context of its own, not derived from the engine's
// attempt context (one that must outlive it, as an HTTP response body's does),
// passes the attempt's mark on with it.
func Carry(ctx, from context.Context) context.Context {
	f, _ := Lookup(from)
	if f == nil {
		return ctx
	}
	return &carried{Context: ctx, frame: f}
}

type carried struct {
	context.Context
	frame *Frame
}

func (c *carried) Value(k any) any {
	if k == (key{}) {
		return c.frame
	}
	return c.Context.Value(k)
}

package layer

import (
	"context"
	"testing"
	"time"
)

type otherKey struct{}

// TestFrameHidesTheOverrideOfItsCall: calls inside a frame find the frame, not
// the override meant for the frame's own call, and still see other values.
func TestFrameHidesTheOverrideOfItsCall(t *testing.T) {
	ctx := context.WithValue(context.Background(), otherKey{}, "v")
	ctx = With(ctx, func(o *Override) { o.NoRetry = true })
	if up, o := Lookup(ctx); up != nil || o == nil || !o.NoRetry {
		t.Fatalf("Lookup = %v, %+v; want no frame and the override", up, o)
	}
	f := NewFrame(ctx, 1)
	if up, o := Lookup(f); up != f || o != nil {
		t.Errorf("inside the frame: Lookup = %v, %v; want the frame and no override", up, o)
	}
	if f.Value(otherKey{}) != "v" {
		t.Errorf("the frame hides other values")
	}
	inner := With(f, func(o *Override) { o.IgnoreBelow = true })
	if up, o := Lookup(inner); up != f || o == nil || o.NoRetry || !o.IgnoreBelow {
		t.Errorf("an override inside the frame: Lookup = %v, %+v; want the frame and only IgnoreBelow", up, o)
	}
}

// TestDecideMarksTheAttemptOfTheMark: a decision concerns the attempt that was
// in progress when the call inside began, not a later one, and a late decision
// never erases a later attempt's.
func TestDecideMarksTheAttemptOfTheMark(t *testing.T) {
	f := NewFrame(context.Background(), 1)
	up, _ := Lookup(context.WithValue(f, otherKey{}, 1))
	first := up.Mark()
	f.SetAttempt(2)
	first.Decide()
	if !f.Decided(1) || f.Decided(2) {
		t.Errorf("Decided(1), Decided(2) = %v, %v; want true, false", f.Decided(1), f.Decided(2))
	}
	second := f.Mark()
	second.Decide()
	first.Decide() // late: attempt 1's call, left behind
	if !f.Decided(2) {
		t.Errorf("a late decision of attempt 1 erased attempt 2's")
	}
	(*Frame)(nil).Mark().Decide() // no frame: nothing to mark, no panic
}

// TestFlightsMakeOneAttempt: only a hedged call's attempt says so.
func TestFlightsMakeOneAttempt(t *testing.T) {
	if NewFrame(context.Background(), 1).Mark().InFlight() || !NewFlight(context.Background(), 1).Mark().InFlight() {
		t.Errorf("InFlight is wrong")
	}
}

// TestSharesDeadline: a deadline of the attempt alone is not the call's.
func TestSharesDeadline(t *testing.T) {
	base, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	f := NewFrame(base, 1)
	m := f.Mark()
	attempt, cancel2 := context.WithTimeout(f, time.Minute)
	defer cancel2()
	if !m.SharesDeadline(f) || m.SharesDeadline(attempt) || m.SharesDeadline(context.Background()) {
		t.Errorf("SharesDeadline: frame %v, attempt %v, none %v; want true, false, false",
			m.SharesDeadline(f), m.SharesDeadline(attempt), m.SharesDeadline(context.Background()))
	}
}

// TestCarryPassesTheFrameOnly: a context of its own carries the attempt's
// frame, and keeps its own values, deadline and cancellation; the overrides of
// the adapter's own call (its statistics among them) stay hidden from the calls
// inside the attempt.
func TestCarryPassesTheFrameOnly(t *testing.T) {
	f := NewFrame(context.Background(), 3)
	own, cancel := context.WithCancel(context.WithValue(context.Background(), otherKey{}, "own"))
	own = With(own, func(o *Override) { o.Stats = 1 })
	c := Carry(own, f)
	if up, o := Lookup(c); up != f || o != nil {
		t.Errorf("Lookup = %v, %v; want the carried frame and no override", up, o)
	}
	if c.Value(otherKey{}) != "own" {
		t.Errorf("Carry lost the context's own values")
	}
	cancel()
	if c.Err() == nil {
		t.Errorf("Carry does not follow the context's cancellation")
	}
	if Carry(own, context.Background()) != own {
		t.Errorf("Carry without a frame should return ctx itself")
	}
}

var sinkFrame *Frame

// BenchmarkFrame is the cost of the one value every call puts in its attempts'
// contexts, alone: what a call pays for the layer rule.
func BenchmarkFrame(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		sinkFrame = NewFrame(ctx, 1)
	}
}

package layer

import (
	"context"
	"testing"
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

// TestDecideMarksTheAttemptInProgress: a decision concerns the attempt that
// was in progress, not the next one.
func TestDecideMarksTheAttemptInProgress(t *testing.T) {
	f := NewFrame(context.Background(), 1)
	Decide(context.WithValue(f, otherKey{}, 1))
	if !f.Decided(1) {
		t.Errorf("attempt 1 not decided")
	}
	f.SetAttempt(2)
	if f.Decided(2) {
		t.Errorf("attempt 2 decided by attempt 1's inner call")
	}
	Decide(context.Background()) // no frame: nothing to mark, no panic
}

// TestCarryPassesTheFrameOnly: a context of its own carries the attempt's
// frame, and keeps its own values, deadline and cancellation.
func TestCarryPassesTheFrameOnly(t *testing.T) {
	f := NewFrame(context.Background(), 3)
	own, cancel := context.WithCancel(context.WithValue(context.Background(), otherKey{}, "own"))
	c := Carry(own, f)
	if up, _ := Lookup(c); up != f {
		t.Errorf("Lookup = %v, want the carried frame", up)
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

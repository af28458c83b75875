package retry

import (
	"context"
	"testing"
)

// TestSuccessPathsAllocateOnlyTheMark: every sequential entry point, called
// with a Policy that reads no time, one whose hooks read it, or statistics,
// allocates on success only the call's mark in its attempt's context.
func TestSuccessPathsAllocateOnlyTheMark(t *testing.T) {
	blind := &Policy{Stop: blindStop(4), Wait: blindWait(0), Retry: blindPredicate(true)}
	timed := &Policy{Stop: StopFunc(func(Attempt) bool { return false }), OnEnd: HookFunc(func(Attempt) {})}
	op := func(context.Context) (int, error) { return 1, nil }
	run := func(context.Context) error { return nil }
	add := func(_ context.Context, n int) (int, error) { return n + 1, nil }
	var stats Stats
	for _, p := range []struct {
		name string
		p    *Policy
		ctx  context.Context
	}{
		{"zero", nil, context.Background()},
		{"blind", blind, context.Background()},
		{"timed", timed, context.Background()},
		{"stats", blind, WithStats(context.Background(), &stats)},
	} {
		r := Retrier[int]{Policy: p.p}
		wrapped := Wrap(p.p, add)
		rwrapped := r.Wrap(op)
		for _, tt := range []struct {
			name string
			f    func()
		}{
			{"Do", func() { _, _ = Do(p.ctx, p.p, op) }},
			{"Run", func() { _ = p.p.Run(p.ctx, run) }},
			{"Retrier.Do", func() { _, _ = r.Do(p.ctx, op) }},
			{"Retrier.Hedge without a Hedger", func() { _, _ = r.Hedge(p.ctx, op) }},
			{"Retrier.Wrap", func() { _, _ = rwrapped(p.ctx) }},
			{"Wrap", func() { _, _ = wrapped(p.ctx, 1) }},
		} {
			if a := testing.AllocsPerRun(100, tt.f); a != 1 {
				t.Errorf("%s, %s Policy: %v allocations, want 1 (the mark)", tt.name, p.name, a)
			}
		}
	}
}

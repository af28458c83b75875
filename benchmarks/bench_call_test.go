package benchmarks

import (
	"context"
	"testing"
)

// sink keeps benchmark results alive.
var sink int

// flaky is the operation of scenarios 1 to 3: every call does Work, the first
// transient calls since calls was reset fail with ErrTransient, and the next
// returns final, or Work's result if final is nil.
type flaky struct {
	transient int
	final     error
	calls, i  int
}

func (f *flaky) op(context.Context) (int, error) {
	f.calls++
	f.i++
	v, err := Work(f.i)
	switch {
	case f.calls <= f.transient:
		return 0, ErrTransient
	case f.final != nil:
		return 0, f.final
	}
	return v, err
}

// benchCalls benchmarks one call per iteration of the direct baseline and every
// library, with pauses p, against an operation that fails transient times and then
// returns final.
func benchCalls(b *testing.B, p Pause, transient int, final error) {
	for _, a := range withDirect() {
		b.Run(a.Name, func(b *testing.B) {
			do := a.New(p)
			f := &flaky{transient: transient, final: final}
			op := Op(f.op)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				f.calls = 0
				v, err := do(ctx, op)
				if (err == nil) != (final == nil) || f.calls != transient+1 {
					b.Fatalf("got %d calls and error %v", f.calls, err)
				}
				sink = v
			}
		})
	}
}

// BenchmarkSuccess is scenario 1: the operation succeeds on its first attempt.
func BenchmarkSuccess(b *testing.B) { benchCalls(b, Backoff, 0, nil) }

// BenchmarkThreeRetries is scenario 2: three transient failures, then success,
// with zero pauses.
func BenchmarkThreeRetries(b *testing.B) { benchCalls(b, Pause{}, 3, nil) }

// BenchmarkPermanent is scenario 3: the first attempt fails with a permanent error.
func BenchmarkPermanent(b *testing.B) { benchCalls(b, Backoff, 0, errPermanent) }

package gate_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/tenacious-go/tenacious/gate"
	"github.com/tenacious-go/tenacious/retry"
)

// BenchmarkThrottleAdmitDone is the path of every attempt to a healthy service:
// Admit, then the done func with a success.
func BenchmarkThrottleAdmitDone(b *testing.B) {
	ctx := context.Background()
	b.Run("serial", func(b *testing.B) {
		th := gate.DefaultThrottle()
		b.ReportAllocs()
		for b.Loop() {
			done, err := th.Admit(ctx, 0)
			if err != nil {
				b.Fatal(err)
			}
			done(retry.ClassSuccess)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		th := gate.DefaultThrottle()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				done, err := th.Admit(ctx, 0)
				if err != nil {
					b.Error(err)
					return
				}
				done(retry.ClassSuccess)
			}
		})
	})
	// A service that fails one attempt in ten: p stays 0, and the failures
	// read the clock.
	b.Run("parallel/10%-failing", func(b *testing.B) {
		th := gate.DefaultThrottle()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				i++
				done, err := th.Admit(ctx, 0)
				if err != nil {
					b.Error(err)
					return
				}
				if i%10 == 0 {
					done(retry.ClassTransient)
				} else {
					done(retry.ClassSuccess)
				}
			}
		})
	})
	// A service that is down: p at its cap, every Admit reads the clock and
	// draws, nine in ten refuse.
	b.Run("parallel/down", func(b *testing.B) {
		th := gate.DefaultThrottle()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if done, err := th.Admit(ctx, 0); err == nil {
					done(retry.ClassTransient)
				}
			}
		})
	})
}

// work is the operation of the Do benchmarks: a small piece of real work.
//
//go:noinline
func work(_ context.Context, i int) (int, error) {
	n, err := strconv.Atoi(strconv.Itoa(i))
	return n + 1, err
}

var sink int

func benchDo(b *testing.B, p *retry.Policy) {
	ctx := context.Background()
	i := 0
	op := func(ctx context.Context) (int, error) { return work(ctx, i) }
	b.ReportAllocs()
	for b.Loop() {
		i++
		v, err := retry.Do(ctx, p, op)
		if err != nil {
			b.Fatal(err)
		}
		sink = v
	}
}

// BenchmarkDoSuccess is the success path of retry.Do: the throttle's cost is
// the difference.
func BenchmarkDoSuccess(b *testing.B) { benchDo(b, &retry.Policy{}) }

func BenchmarkDoSuccessWithThrottle(b *testing.B) {
	benchDo(b, &retry.Policy{Gate: gate.DefaultThrottle()})
}

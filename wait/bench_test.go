package wait_test

import (
	"math"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

var sink time.Duration

// bench measures w at an early attempt and at the largest one, which must cost the
// same.
func bench(b *testing.B, w retry.Wait) {
	for _, n := range []int{5, math.MaxInt} {
		name := "n=5"
		if n == math.MaxInt {
			name = "n=MaxInt"
		}
		b.Run(name, func(b *testing.B) {
			a := retry.Attempt{Number: n, PrevDelay: time.Second}
			b.ReportAllocs()
			for range b.N {
				sink = w.Wait(a)
			}
		})
	}
}

func BenchmarkFixed(b *testing.B)  { bench(b, wait.Fixed(time.Second)) }
func BenchmarkRandom(b *testing.B) { bench(b, wait.Random(time.Second, 2*time.Second)) }
func BenchmarkIncrementing(b *testing.B) {
	bench(b, wait.Incrementing(time.Second, time.Minute, time.Second))
}
func BenchmarkExponential(b *testing.B) { bench(b, wait.Exponential(time.Second, time.Minute, 2)) }
func BenchmarkExponentialFractional(b *testing.B) {
	bench(b, wait.Exponential(time.Second, time.Minute, 1.5))
}
func BenchmarkExponentialJitter(b *testing.B) {
	bench(b, wait.ExponentialJitter(time.Second, time.Minute, 2, time.Second))
}
func BenchmarkFullJitter(b *testing.B) { bench(b, wait.FullJitter(time.Second, time.Minute)) }
func BenchmarkFullJitterFloor(b *testing.B) {
	bench(b, wait.FullJitterFloor(time.Second, time.Minute, 5*time.Second))
}
func BenchmarkEqualJitter(b *testing.B)  { bench(b, wait.EqualJitter(time.Second, time.Minute)) }
func BenchmarkDecorrelated(b *testing.B) { bench(b, wait.Decorrelated(time.Second, time.Minute)) }
func BenchmarkFullJitterSeeded(b *testing.B) {
	bench(b, wait.FullJitter(time.Second, time.Minute, seeded()))
}
func BenchmarkChain(b *testing.B) {
	bench(b, wait.Chain(wait.None(), wait.Fixed(time.Second), wait.FullJitter(time.Second, time.Minute)))
}
func BenchmarkSum(b *testing.B) {
	bench(b, wait.Sum(wait.Fixed(time.Second), wait.FullJitter(time.Second, time.Minute)))
}
func BenchmarkClamp(b *testing.B) {
	bench(b, wait.Clamp(wait.FullJitter(time.Second, time.Minute), time.Second, 30*time.Second))
}

package wait_test

import (
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/wait"
)

func TestIncrementing(t *testing.T) {
	s := time.Second
	edges := []int{0, -1, math.MinInt, math.MaxInt - 1, math.MaxInt}
	checkSequences(t, []sequenceCase{
		{"up", wait.Incrementing(s, 6*s, 2*s), firstFive, []time.Duration{s, 3 * s, 5 * s, 6 * s, 6 * s}},
		{"up/edges", wait.Incrementing(s, 6*s, 2*s), edges, []time.Duration{s, s, s, 6 * s, 6 * s}},
		{"down", wait.Incrementing(5*s, 10*s, -2*s), firstFive, []time.Duration{5 * s, 3 * s, s, 0, 0}},
		{"down/edges", wait.Incrementing(5*s, 10*s, -2*s), edges, []time.Duration{5 * s, 5 * s, 5 * s, 0, 0}},
		{"flat", wait.Incrementing(s, time.Minute, 0), []int{1, 2, math.MaxInt}, []time.Duration{s, s, s}},
		{"base above max", wait.Incrementing(20*s, 10*s, s), []int{1, 2}, []time.Duration{10 * s, 10 * s}},
		{"zero max", wait.Incrementing(s, 0, s), []int{1, 2}, []time.Duration{0, 0}},
		{"saturates", wait.Incrementing(0, maxDur, maxDur), []int{1, 2, 3, math.MaxInt}, []time.Duration{0, maxDur, maxDur, maxDur}},
		{"step 1ns", wait.Incrementing(0, maxDur, 1), []int{math.MaxInt}, []time.Duration{math.MaxInt - 1}},
		{"down 1ns", wait.Incrementing(maxDur, maxDur, -1), []int{2, math.MaxInt}, []time.Duration{maxDur - 1, 1}},
		{"down all", wait.Incrementing(maxDur, maxDur, minDur), []int{1, 2, math.MaxInt}, []time.Duration{maxDur, 0, 0}},
	})
}

// wantIncrementing computes tenacity's formula exactly, with big integers.
func wantIncrementing(base, step, maxPause int64, n int) time.Duration {
	k := big.NewInt(int64(max(n, 1)) - 1)
	d := k.Mul(k, big.NewInt(step))
	d.Add(d, big.NewInt(base))
	switch {
	case d.Sign() < 0:
		return 0
	case d.Cmp(big.NewInt(maxPause)) > 0:
		return time.Duration(maxPause)
	}
	return time.Duration(d.Int64())
}

func FuzzIncrementing(f *testing.F) {
	f.Add(int64(time.Second), int64(time.Second), int64(time.Minute), 3)
	f.Add(int64(time.Minute), int64(-time.Second), int64(time.Hour), 100)
	f.Add(int64(math.MaxInt64), int64(math.MinInt64), int64(math.MaxInt64), math.MaxInt)
	f.Add(int64(0), int64(math.MaxInt64), int64(math.MaxInt64), math.MinInt)
	f.Add(int64(-1), int64(1), int64(1), 1)
	f.Add(int64(1), int64(1), int64(-1), 1)
	f.Fuzz(func(t *testing.T, base, step, maxPause int64, n int) {
		mk := func() { wait.Incrementing(time.Duration(base), time.Duration(maxPause), time.Duration(step)) }
		if base < 0 || maxPause < 0 {
			mustPanic(t, "wait: Incrementing: ", mk)
			return
		}
		w := wait.Incrementing(time.Duration(base), time.Duration(maxPause), time.Duration(step))
		if got, want := w.Wait(at(n)), wantIncrementing(base, step, maxPause, n); got != want {
			t.Fatalf("Incrementing(%d, %d, %d) at %d: got %d, want %d", base, step, maxPause, n, got, want)
		}
	})
}

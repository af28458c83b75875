package wait_test

import (
	"math"
	"sync"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/wait"
)

func TestRandomEnds(t *testing.T) {
	s := time.Second
	checkSequences(t, []sequenceCase{
		{"lowest", wait.Random(s, 2*s, lowest), []int{1, 2, math.MaxInt}, []time.Duration{s, s, s}},
		{"highest", wait.Random(s, 2*s, highest), []int{1, 2, math.MaxInt}, []time.Duration{2 * s, 2 * s, 2 * s}},
		{"point", wait.Random(s, s), []int{1, 2}, []time.Duration{s, s}},
		{"all/highest", wait.Random(0, maxDur, highest), []int{1}, []time.Duration{maxDur}},
	})
}

// TestDefaultSourceConcurrent shares Waits that use the default source between
// goroutines; run with -race.
func TestDefaultSourceConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for _, tc := range randomCases {
		w := tc.make()
		for range 4 {
			wg.Go(func() {
				for n := 1; n <= 1000; n++ {
					if d := w.Wait(after(n, time.Second)); d < 0 || d > time.Minute+time.Second {
						t.Errorf("%s at %d: got %v, want within [0, 61s]", tc.name, n, d)
						return
					}
				}
			})
		}
	}
	wg.Wait()
}

func FuzzRandom(f *testing.F) {
	f.Add(int64(time.Second), int64(2*time.Second), uint64(0))
	f.Add(int64(0), int64(math.MaxInt64), uint64(math.MaxUint64))
	f.Add(int64(-1), int64(1), uint64(1))
	f.Add(int64(2), int64(1), uint64(1))
	f.Fuzz(func(t *testing.T, lo, hi int64, x uint64) {
		mk := func() { wait.Random(time.Duration(lo), time.Duration(hi)) }
		if lo < 0 || hi < lo {
			mustPanic(t, "wait: Random: ", mk)
			return
		}
		w := wait.Random(time.Duration(lo), time.Duration(hi), wait.WithSource(constSource(x)))
		if got := w.Wait(at(1)); got < time.Duration(lo) || got > time.Duration(hi) {
			t.Fatalf("Random(%d, %d) with %#x: got %d, out of range", lo, hi, x, got)
		}
	})
}

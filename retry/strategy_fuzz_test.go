package retry

import (
	"math"
	"testing"
	"time"
)

// FuzzWaitCombinators checks that Plus, Max and Min never overflow, never go
// negative and keep their bounds, whatever the waits return.
func FuzzWaitCombinators(f *testing.F) {
	f.Add(int64(1), int64(2), int64(3), int64(0))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MaxInt64), int64(0))
	f.Add(int64(math.MinInt64), int64(math.MaxInt64), int64(0), int64(math.MaxInt64))
	f.Add(int64(-1), int64(-1), int64(5), int64(7))
	f.Fuzz(func(t *testing.T, x, y, limit, floor int64) {
		a, b := time.Duration(x), time.Duration(y)
		wa := Wait(func(Attempt) time.Duration { return a })
		wb := Wait(func(Attempt) time.Duration { return b })
		sum := wa.Plus(wb)(Attempt{})
		if sum < 0 || sum < max(a, 0) || sum < max(b, 0) {
			t.Errorf("Plus(%v, %v) = %v: negative or below a part", a, b, sum)
		}
		if limit >= 0 {
			if got := wa.Max(time.Duration(limit))(Attempt{}); got < 0 || got > time.Duration(limit) {
				t.Errorf("Max(%v) of %v = %v, want within [0, %v]", limit, a, got, limit)
			}
		}
		if floor >= 0 {
			if got := wa.Min(time.Duration(floor))(Attempt{}); got < time.Duration(floor) || got < a {
				t.Errorf("Min(%v) of %v = %v, want at least both", floor, a, got)
			}
		}
	})
}

package wait

import (
	"fmt"
	"math"
	"time"

	"github.com/tenacious-go/tenacious/retry"
)

// fail panics with a message naming the package and the constructor fn.
func fail(fn, format string, args ...any) {
	panic("wait: " + fn + ": " + fmt.Sprintf(format, args...))
}

// mustNonNegative panics if the argument called name is negative.
func mustNonNegative(fn, name string, d time.Duration) {
	if d < 0 {
		fail(fn, "negative %s %v", name, d)
	}
}

// mustRange panics unless 0 <= floor <= max.
func mustRange(fn string, floor, max time.Duration) {
	mustNonNegative(fn, "floor", floor)
	if max < floor {
		fail(fn, "max %v below floor %v", max, floor)
	}
}

// mustJitter checks the arguments shared by the Brooker jitters:
// 0 < base <= max.
func mustJitter(fn string, base, max time.Duration) {
	if base <= 0 {
		fail(fn, "base %v not positive", base)
	}
	if max < base {
		fail(fn, "max %v below base %v", max, base)
	}
}

// mustGrowth panics unless factor is a finite number no less than 1.
func mustGrowth(fn, name string, factor float64) {
	if math.IsNaN(factor) || math.IsInf(factor, 0) || factor < 1 {
		fail(fn, "%s %v not a finite number >= 1", name, factor)
	}
}

// mustWaits panics if waits is empty or holds a nil Wait.
func mustWaits(fn string, waits []retry.Wait) {
	if len(waits) == 0 {
		fail(fn, "no strategies")
	}
	for i, w := range waits {
		if w == nil {
			fail(fn, "nil strategy at index %d", i)
		}
	}
}

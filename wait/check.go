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

// mustRange panics unless 0 <= lo <= hi.
func mustRange(fn, loName, hiName string, lo, hi time.Duration) {
	mustNonNegative(fn, loName, lo)
	if hi < lo {
		fail(fn, "%s %v below %s %v", hiName, hi, loName, lo)
	}
}

// mustJitter checks the arguments shared by the Brooker jitters: 0 < base <= cap.
func mustJitter(fn string, base, cap time.Duration) {
	if base <= 0 {
		fail(fn, "base %v not positive", base)
	}
	if cap < base {
		fail(fn, "cap %v below base %v", cap, base)
	}
}

// mustGrowth panics unless b is a finite number no less than 1.
func mustGrowth(fn, name string, b float64) {
	if math.IsNaN(b) || math.IsInf(b, 0) || b < 1 {
		fail(fn, "%s %v not a finite number >= 1", name, b)
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

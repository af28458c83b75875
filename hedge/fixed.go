package hedge

import (
	"strconv"
	"time"

	"github.com/tenacious-go/tenacious/retry"
)

// Fixed returns a Hedger that starts another attempt each time delay passes
// without an answer, until maxExtra hedges are in flight beside the first attempt:
// gRFC A6's hedging policy, with hedgingDelay and maxAttempts = 1 + maxExtra. It
// learns nothing from latencies. It panics if delay is negative or maxExtra is
// below 1. Prefer [Quantile] when the latency of the service drifts.
func Fixed(delay time.Duration, maxExtra int) retry.Hedger {
	if delay < 0 {
		panic("hedge: Fixed: negative delay " + delay.String())
	}
	mustExtra("Fixed", maxExtra)
	return fixed{delay, maxExtra}
}

type fixed struct {
	delay    time.Duration
	maxExtra int
}

// Delay returns the fixed delay while fewer than 1+maxExtra attempts are in flight.
func (f fixed) Delay(inflight int) (time.Duration, bool) {
	return f.delay, inflight <= f.maxExtra
}

// Observe does nothing: the delay is fixed.
func (fixed) Observe(time.Duration) {}

func mustExtra(fn string, maxExtra int) {
	if maxExtra < 1 {
		panic("hedge: " + fn + ": maxExtra must be at least 1, got " + strconv.Itoa(maxExtra))
	}
}

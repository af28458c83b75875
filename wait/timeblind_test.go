package wait_test

import (
	"math"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/internal/timeblind"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

// TestTimeBlind: the waits registered as blind to time are known to the engine
// when called from another package, and their pauses do not depend on Elapsed or
// Slept; the others are not registered.
func TestTimeBlind(t *testing.T) {
	src := wait.WithSource(constSource(1 << 62))
	blind := map[string]retry.Wait{
		"None":              wait.None(),
		"Fixed":             wait.Fixed(time.Second),
		"Random":            wait.Random(time.Millisecond, time.Second, src),
		"Incrementing":      wait.Incrementing(time.Millisecond, time.Millisecond, time.Second),
		"Exponential":       wait.Exponential(time.Millisecond, 2, 0, time.Minute),
		"FullJitter":        wait.FullJitter(time.Millisecond, time.Minute, src),
		"EqualJitter":       wait.EqualJitter(time.Millisecond, time.Minute, src),
		"Decorrelated":      wait.Decorrelated(time.Millisecond, time.Minute, src),
		"ExponentialJitter": wait.ExponentialJitter(time.Millisecond, time.Minute, 2, time.Millisecond, src),
	}
	for name, w := range blind {
		if !timeblind.Blind(w) {
			t.Errorf("%s is not known to be blind to time", name)
		}
		for n := 1; n <= 5; n++ {
			a := retry.Attempt{Number: n, PrevDelay: time.Duration(n) * time.Millisecond}
			b := a
			b.Elapsed, b.Slept = math.MaxInt64, math.MaxInt64
			if w(a) != w(b) {
				t.Errorf("%s depends on Elapsed or Slept at attempt %d", name, n)
			}
		}
	}
	for name, w := range map[string]retry.Wait{
		"FromError": wait.FromError(wait.None(), time.Second),
		"Chain":     wait.Chain(wait.None()),
		"Sum":       wait.Sum(wait.None(), wait.None()),
		"literal":   func(retry.Attempt) time.Duration { return 0 },
	} {
		if timeblind.Blind(w) {
			t.Errorf("%s is registered as blind to time; it calls others", name)
		}
	}
}

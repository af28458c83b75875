package stop_test

import (
	"math"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/internal/timeblind"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
)

// TestTimeBlind: the constructors registered as blind to time are known to the
// engine when called from another package (so inlining has not made new closures
// of them), and their answers do not depend on Elapsed or Slept; the others are
// not registered.
func TestTimeBlind(t *testing.T) {
	closed := make(chan struct{})
	close(closed)
	blind := map[string]retry.Stop{
		"AfterAttempts": stop.AfterAttempts(3),
		"Never":         stop.Never(),
		"WhenClosed":    stop.WhenClosed(closed),
	}
	for name, s := range blind {
		if !timeblind.Blind(s) {
			t.Errorf("%s is not known to be blind to time", name)
		}
		for n := 1; n <= 5; n++ {
			a := retry.Attempt{Number: n, Delay: time.Second}
			b := a
			b.Elapsed, b.Slept = math.MaxInt64, math.MaxInt64
			if s(a) != s(b) {
				t.Errorf("%s depends on Elapsed or Slept at attempt %d", name, n)
			}
		}
	}
	for name, s := range map[string]retry.Stop{
		"AfterElapsed":  stop.AfterElapsed(time.Second),
		"BeforeElapsed": stop.BeforeElapsed(time.Second),
		"Any":           stop.Any(stop.Never(), stop.AfterAttempts(2)),
	} {
		if timeblind.Blind(s) {
			t.Errorf("%s is registered as blind to time; it reads the clock's durations or calls others", name)
		}
	}
}

package benchmarks

import (
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/retry"
)

// TestTenaciousReadsNoTime checks that the strategies of tenacious's Policy
// tell a call that they read no time (see retry.ReadsTime), as the other
// libraries' count attempts without a clock: the benchmarks then measure the
// call that reads none, as a Policy of the library's own strategies runs.
func TestTenaciousReadsNoTime(t *testing.T) {
	for _, p := range []Pause{{}, {Base: time.Millisecond, Fixed: true}, Backoff} {
		policy := NewPolicy(p)
		for field, v := range map[string]any{"Stop": policy.Stop, "Wait": policy.Wait, "Retry": policy.Retry} {
			if retry.ReadsTime(v) {
				t.Errorf("pause %+v: the Policy's %s reads time, want none", p, field)
			}
		}
	}
}

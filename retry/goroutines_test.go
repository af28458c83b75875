package retry

import (
	"bytes"
	"runtime"
	"testing"
)

// goroutinesRunning returns how many live goroutines have fn on their stack. It
// reads the stacks themselves, so unlike runtime.NumGoroutine it counts neither
// goroutines of other code nor one that has finished but is not yet recycled.
// Called after synctest.Wait in a bubble, the count is exact: Wait returns only once
// every other goroutine of the bubble is blocked or dead.
func goroutinesRunning(t *testing.T, fn string) int {
	t.Helper()
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for g := range bytes.SplitSeq(buf, []byte("\n\n")) {
		if bytes.Contains(g, []byte(fn)) {
			count++
		}
	}
	return count
}

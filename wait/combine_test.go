package wait_test

import (
	"math"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

func TestCombine(t *testing.T) {
	s := time.Second
	chained := wait.Chain(wait.Fixed(s), wait.Fixed(2*s), wait.Exponential(s, 2, 0, time.Minute))
	checkSequences(t, []sequenceCase{
		{"Chain", chained, []int{1, 2, 3, 4, 5, 100, math.MaxInt, 0, math.MinInt},
			[]time.Duration{s, 2 * s, 4 * s, 8 * s, 16 * s, time.Minute, time.Minute, s, s}},
		{"Chain/one", wait.Chain(wait.Fixed(s)), []int{1, math.MaxInt}, []time.Duration{s, s}},
		{"Chain/negative", wait.Chain(negative, wait.Fixed(s)), []int{1, 2}, []time.Duration{0, s}},
		{"Sum", wait.Sum(wait.Fixed(s), wait.Incrementing(0, s, time.Minute), negative), []int{1, 2, 3, 100},
			[]time.Duration{s, 2 * s, 3 * s, 61 * s}},
		{"Sum/one", wait.Sum(wait.Fixed(s)), []int{1}, []time.Duration{s}},
		{"Sum/saturates", wait.Sum(wait.Fixed(maxDur), wait.Fixed(1), wait.Fixed(maxDur)), []int{1}, []time.Duration{maxDur}},
		{"Sum/negative", wait.Sum(negative, negative), []int{1}, []time.Duration{0}},
	})
}

// TestCombineCopies checks that Chain and Sum do not see later changes to the
// caller's slice.
func TestCombineCopies(t *testing.T) {
	waits := []retry.Wait{wait.Fixed(time.Second), wait.Fixed(time.Second)}
	chain, sum := wait.Chain(waits...), wait.Sum(waits...)
	waits[0], waits[1] = wait.None(), wait.None()
	if got := chain(at(1)); got != time.Second {
		t.Errorf("Chain: got %v, want 1s", got)
	}
	if got := sum(at(1)); got != 2*time.Second {
		t.Errorf("Sum: got %v, want 2s", got)
	}
}

// TestChainSeesAttempt checks that Chain hands each Wait the Attempt unchanged.
func TestChainSeesAttempt(t *testing.T) {
	var seen []retry.Attempt
	record := func(a retry.Attempt) time.Duration { seen = append(seen, a); return 0 }
	w := wait.Chain(wait.None(), record)
	a := retry.Attempt{Number: 7, PrevDelay: time.Second, Elapsed: time.Minute}
	w(a)
	if len(seen) != 1 || seen[0] != a {
		t.Errorf("got %+v, want [%+v]", seen, a)
	}
}

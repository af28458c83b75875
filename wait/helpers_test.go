package wait_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

const (
	maxDur = time.Duration(math.MaxInt64)
	minDur = time.Duration(math.MinInt64)
)

// constSource always returns its own value: 0 draws the low end of every range and
// math.MaxUint64 the high end, which makes a jittered Wait deterministic.
type constSource uint64

func (c constSource) Uint64() uint64 { return uint64(c) }

var (
	lowest  = wait.WithSource(constSource(0))
	highest = wait.WithSource(constSource(math.MaxUint64))
)

// seeded returns an Option with a fresh, seeded source: the same draws every run.
func seeded() wait.Option { return wait.WithSource(rand.NewPCG(1, 2)) }

// hint is an error that carries a server's hint, as an HTTP 429 with Retry-After.
// The engine follows such hints; no Wait here reads them.
type hint time.Duration

func (h hint) Error() string             { return fmt.Sprintf("retry after %v", time.Duration(h)) }
func (h hint) RetryAfter() time.Duration { return time.Duration(h) }

// at returns the Attempt that just failed as attempt n.
func at(n int) retry.Attempt { return retry.Attempt{Number: n} }

// after returns the Attempt n whose previous pause was prev.
func after(n int, prev time.Duration) retry.Attempt {
	return retry.Attempt{Number: n, PrevDelay: prev}
}

// panicMessage runs f and returns what it panicked with, if it did.
func panicMessage(f func()) (msg string, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			msg, panicked = fmt.Sprint(r), true
		}
	}()
	f()
	return "", false
}

// attemptNumbers returns the attempt numbers the bounds tests visit: every one up to
// 130, each power of two and its neighbours up to math.MaxInt, and the nonsense
// values below 1 that count as 1.
func attemptNumbers() []int {
	ns := []int{0, -1, math.MinInt, math.MaxInt - 1, math.MaxInt}
	for n := 1; n <= 130; n++ {
		ns = append(ns, n)
	}
	for k := 7; k < 63; k++ {
		ns = append(ns, 1<<k-1, 1<<k, 1<<k+1)
	}
	return ns
}

// prevDelays returns the previous pauses the bounds tests visit, from 0 to the
// largest duration, plus a negative one.
func prevDelays() []time.Duration {
	ds := []time.Duration{-1, minDur, maxDur / 3, maxDur/3 + 1, maxDur - 1, maxDur}
	for k := 0; k < 63; k += 3 {
		ds = append(ds, 1<<k-1, 1<<k)
	}
	return ds
}

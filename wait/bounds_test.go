package wait_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

// boundsCases lists every strategy with the range its pauses must stay in. make
// builds the Wait with the given options; deterministic strategies ignore them.
var boundsCases = []struct {
	name   string
	make   func(...wait.Option) retry.Wait
	lo, hi time.Duration
}{
	{"None", func(...wait.Option) retry.Wait { return wait.None() }, 0, 0},
	{"Fixed", func(...wait.Option) retry.Wait { return wait.Fixed(3 * time.Second) }, 3 * time.Second, 3 * time.Second},
	{"Fixed/max", func(...wait.Option) retry.Wait { return wait.Fixed(maxDur) }, maxDur, maxDur},
	{"Random", func(o ...wait.Option) retry.Wait { return wait.Random(time.Second, 2*time.Second, o...) }, time.Second, 2 * time.Second},
	{"Random/all", func(o ...wait.Option) retry.Wait { return wait.Random(0, maxDur, o...) }, 0, maxDur},
	{"Incrementing", func(...wait.Option) retry.Wait { return wait.Incrementing(time.Second, time.Minute, time.Second) }, 0, time.Minute},
	{"Incrementing/down", func(...wait.Option) retry.Wait { return wait.Incrementing(time.Minute, time.Hour, -time.Second) }, 0, time.Minute},
	{"Incrementing/max", func(...wait.Option) retry.Wait { return wait.Incrementing(maxDur, maxDur, maxDur) }, maxDur, maxDur},
	{"Incrementing/min", func(...wait.Option) retry.Wait { return wait.Incrementing(maxDur, maxDur, minDur) }, 0, maxDur},
	{"Exponential", func(...wait.Option) retry.Wait { return wait.Exponential(time.Second, time.Hour, 2) }, time.Second, time.Hour},
	{"Exponential/floor", func(...wait.Option) retry.Wait {
		return wait.Clamp(wait.Exponential(time.Second, time.Hour, 2), time.Second/2, time.Hour)
	}, time.Second / 2, time.Hour},
	{"Exponential/1.5", func(...wait.Option) retry.Wait { return wait.Exponential(time.Second, time.Hour, 1.5) }, 0, time.Hour},
	{"Exponential/huge", func(...wait.Option) retry.Wait { return wait.Exponential(maxDur, maxDur, math.MaxFloat64) }, 0, maxDur},
	{"Exponential/tiny", func(...wait.Option) retry.Wait { return wait.Exponential(1, maxDur, math.Nextafter(1, 2)) }, 0, maxDur},
	{"Exponential/zero", func(...wait.Option) retry.Wait { return wait.Exponential(0, time.Minute, 10) }, 0, 0},
	{"Exponential/zero floor", func(...wait.Option) retry.Wait {
		return wait.Clamp(wait.Exponential(0, time.Minute, 10), time.Second, time.Minute)
	}, time.Second, time.Second},
	{"Exponential/base above max", func(...wait.Option) retry.Wait { return wait.Exponential(time.Hour, time.Minute, 2) }, time.Minute, time.Minute},
	{"ExponentialJitter", func(o ...wait.Option) retry.Wait {
		return wait.ExponentialJitter(time.Second, time.Minute, 2, time.Second, o...)
	}, time.Second, time.Minute},
	{"ExponentialJitter/huge", func(o ...wait.Option) retry.Wait {
		return wait.ExponentialJitter(maxDur, maxDur, math.MaxFloat64, maxDur, o...)
	}, 0, maxDur},
	{"ExponentialJitter/zero", func(o ...wait.Option) retry.Wait { return wait.ExponentialJitter(0, time.Second, 3, 0, o...) }, 0, 0},
	{"FullJitter", func(o ...wait.Option) retry.Wait { return wait.FullJitter(time.Second, 30*time.Second, o...) }, 0, 30 * time.Second},
	{"FullJitter/wide", func(o ...wait.Option) retry.Wait { return wait.FullJitter(1, maxDur, o...) }, 0, maxDur},
	{"FullJitter/max", func(o ...wait.Option) retry.Wait { return wait.FullJitter(maxDur, maxDur, o...) }, 0, maxDur},
	{"FullJitterFloor", func(o ...wait.Option) retry.Wait {
		return wait.FullJitterFloor(time.Second, 30*time.Second, 5*time.Second, o...)
	}, 5 * time.Second, 30 * time.Second},
	{"FullJitterFloor/floor below base", func(o ...wait.Option) retry.Wait {
		return wait.FullJitterFloor(time.Second, 30*time.Second, time.Second/2, o...)
	}, time.Second / 2, 30 * time.Second},
	{"FullJitterFloor/wide", func(o ...wait.Option) retry.Wait { return wait.FullJitterFloor(1, maxDur, 1, o...) }, 1, maxDur},
	{"FullJitterFloor/high floor", func(o ...wait.Option) retry.Wait {
		return wait.FullJitterFloor(1, maxDur, maxDur-1, o...)
	}, maxDur - 1, maxDur},
	{"FullJitterFloor/max", func(o ...wait.Option) retry.Wait {
		return wait.FullJitterFloor(maxDur, maxDur, maxDur, o...)
	}, maxDur, maxDur},
	{"EqualJitter", func(o ...wait.Option) retry.Wait { return wait.EqualJitter(time.Second, 30*time.Second, o...) }, time.Second / 2, 30 * time.Second},
	{"EqualJitter/wide", func(o ...wait.Option) retry.Wait { return wait.EqualJitter(1, maxDur, o...) }, 0, maxDur},
	{"Decorrelated", func(o ...wait.Option) retry.Wait { return wait.Decorrelated(time.Second, 30*time.Second, o...) }, time.Second, 30 * time.Second},
	{"Decorrelated/wide", func(o ...wait.Option) retry.Wait { return wait.Decorrelated(1, maxDur, o...) }, 1, maxDur},
	{"Decorrelated/max", func(o ...wait.Option) retry.Wait { return wait.Decorrelated(maxDur, maxDur, o...) }, maxDur, maxDur},
	{"Chain", func(o ...wait.Option) retry.Wait {
		return wait.Chain(wait.None(), wait.Fixed(time.Second), wait.FullJitter(time.Second, time.Minute, o...))
	}, 0, time.Minute},
	{"Sum", func(o ...wait.Option) retry.Wait {
		return wait.Sum(wait.Fixed(time.Second), wait.EqualJitter(time.Second, time.Minute, o...), negative)
	}, time.Second, time.Second + time.Minute},
	{"Sum/saturated", func(o ...wait.Option) retry.Wait {
		return wait.Sum(wait.Fixed(maxDur), wait.Random(0, maxDur, o...), wait.Fixed(maxDur))
	}, maxDur, maxDur},
	{"Clamp", func(o ...wait.Option) retry.Wait {
		return wait.Clamp(wait.FullJitter(time.Second, time.Hour, o...), 2*time.Second, time.Minute)
	}, 2 * time.Second, time.Minute},
	{"Clamp/negative", func(...wait.Option) retry.Wait { return wait.Clamp(negative, 0, time.Second) }, 0, 0},
	{"Clamp/point", func(o ...wait.Option) retry.Wait {
		return wait.Clamp(wait.Random(0, maxDur, o...), time.Second, time.Second)
	}, time.Second, time.Second},
	{"Clamp/all", func(o ...wait.Option) retry.Wait { return wait.Clamp(wait.Random(0, maxDur, o...), 0, maxDur) }, 0, maxDur},
}

// negative is a Wait that breaks the rules, to show that others absorb it.
var negative = retry.WaitFunc(func(retry.Attempt) time.Duration { return -time.Hour })

// boundsErrs are the errors the bounds test puts in Attempt.Err: server hints among
// them, which no Wait here follows (TestWaitsIgnoreHints).
var boundsErrs = []error{nil, errors.New("plain"), hint(-time.Second), hint(time.Second), hint(maxDur)}

// TestBounds checks that every pause of every strategy lies in its range for every
// attempt number up to math.MaxInt and every previous pause up to the largest
// duration, with the global source, a seeded one, and sources that always draw the
// lowest and the highest value. That it finishes at all for n = math.MaxInt is the
// test that each pause costs O(1).
func TestBounds(t *testing.T) {
	ns, prevs := attemptNumbers(), prevDelays()
	for _, tc := range boundsCases {
		t.Run(tc.name, func(t *testing.T) {
			for _, opts := range [][]wait.Option{nil, {seeded()}, {lowest}, {highest}} {
				w := tc.make(opts...)
				for _, n := range ns {
					for _, prev := range prevs {
						for _, err := range boundsErrs {
							a := retry.Attempt{Number: n, PrevDelay: prev, Err: err}
							if d := w.Wait(a); d < tc.lo || d > tc.hi {
								t.Fatalf("%+v: got %v, want within [%v, %v]", a, d, tc.lo, tc.hi)
							}
						}
					}
				}
			}
		})
	}
}

// TestBoundsRandomAttempts draws attempt numbers and previous pauses at random over
// their whole range.
func TestBoundsRandomAttempts(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, tc := range boundsCases {
		w := tc.make(seeded())
		for range 10_000 {
			a := retry.Attempt{Number: r.IntN(math.MaxInt) + 1, PrevDelay: time.Duration(r.Int64())}
			if d := w.Wait(a); d < tc.lo || d > tc.hi {
				t.Fatalf("%s: %+v: got %v, want within [%v, %v]", tc.name, a, d, tc.lo, tc.hi)
			}
		}
	}
}

// TestWaitsIgnoreHints checks that no Wait of the package follows a server's hint
// in Attempt.Err, which is the engine's job whatever the Wait: each gives the same
// pauses, drawn from the same seeded source, with a hint as without.
func TestWaitsIgnoreHints(t *testing.T) {
	for _, tc := range boundsCases {
		for _, h := range []time.Duration{time.Millisecond, time.Minute, maxDur} {
			plain, hinted := tc.make(seeded()), tc.make(seeded())
			for n := 1; n <= 20; n++ {
				a := retry.Attempt{Number: n, PrevDelay: time.Second}
				want := plain.Wait(a)
				a.Err = fmt.Errorf("get: %w", hint(h))
				if got := hinted.Wait(a); got != want {
					t.Fatalf("%s at %d: got %v with a hint of %v, want %v as without", tc.name, n, got, h, want)
				}
			}
		}
	}
}

// TestNoAllocs checks that no strategy allocates when it computes a pause.
func TestNoAllocs(t *testing.T) {
	a := retry.Attempt{Number: 5, PrevDelay: time.Second, Err: hint(time.Second)}
	for _, tc := range boundsCases {
		for _, opts := range [][]wait.Option{nil, {seeded()}} {
			w := tc.make(opts...)
			if allocs := testing.AllocsPerRun(100, func() { w.Wait(a) }); allocs != 0 {
				t.Errorf("%s: got %v allocations per pause, want 0", tc.name, allocs)
			}
		}
	}
}

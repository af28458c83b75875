package wait_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

// TestJitterEnds pins each jitter's exact range by drawing its lowest and highest
// values.
func TestJitterEnds(t *testing.T) {
	s, ms := time.Second, time.Millisecond
	ns := []int{1, 2, 3, 4, 5, 6, math.MaxInt, 0}
	checkSequences(t, []sequenceCase{
		{"FullJitter/highest", wait.FullJitter(s, 10*s, highest), ns,
			[]time.Duration{s, 2 * s, 4 * s, 8 * s, 10 * s, 10 * s, 10 * s, s}},
		{"FullJitter/lowest", wait.FullJitter(s, 10*s, lowest), ns, make([]time.Duration, len(ns))},
		{"FullJitter/max", wait.FullJitter(maxDur, maxDur, highest), []int{1, math.MaxInt}, []time.Duration{maxDur, maxDur}},
		{"EqualJitter/highest", wait.EqualJitter(s, 10*s, highest), ns,
			[]time.Duration{s, 2 * s, 4 * s, 8 * s, 10 * s, 10 * s, 10 * s, s}},
		{"EqualJitter/lowest", wait.EqualJitter(s, 10*s, lowest), ns,
			[]time.Duration{500 * ms, s, 2 * s, 4 * s, 5 * s, 5 * s, 5 * s, 500 * ms}},
		{"EqualJitter/odd", wait.EqualJitter(3, 3, lowest), []int{1}, []time.Duration{1}},
		{"EqualJitter/odd high", wait.EqualJitter(3, 3, highest), []int{1}, []time.Duration{3}},
		{"EqualJitter/max", wait.EqualJitter(maxDur, maxDur, highest), []int{1, math.MaxInt}, []time.Duration{maxDur, maxDur}},
		{"Decorrelated/lowest", wait.Decorrelated(s, 10*s, lowest), ns, []time.Duration{s, s, s, s, s, s, s, s}},
	})
}

// TestFullJitterFloorEnds pins FullJitterFloor's exact window, [floor,
// max(floor, min(max, base·2^(n-1)))], by drawing its lowest and highest values.
func TestFullJitterFloorEnds(t *testing.T) {
	s := time.Second
	ns := []int{1, 2, 3, 4, 5, 6, math.MaxInt, 0, math.MinInt}
	checkSequences(t, []sequenceCase{
		{"highest", wait.FullJitterFloor(s, 10*s, 3*s, highest), ns,
			[]time.Duration{3 * s, 3 * s, 4 * s, 8 * s, 10 * s, 10 * s, 10 * s, 3 * s, 3 * s}},
		{"lowest", wait.FullJitterFloor(s, 10*s, 3*s, lowest), ns,
			[]time.Duration{3 * s, 3 * s, 3 * s, 3 * s, 3 * s, 3 * s, 3 * s, 3 * s, 3 * s}},
		{"floor below base/highest", wait.FullJitterFloor(2*s, 10*s, s, highest), []int{1, 2, 3},
			[]time.Duration{2 * s, 4 * s, 8 * s}},
		{"floor below base/lowest", wait.FullJitterFloor(2*s, 10*s, s, lowest), []int{1, 2, 3},
			[]time.Duration{s, s, s}},
		{"zero floor/lowest", wait.FullJitterFloor(s, 10*s, 0, lowest), []int{1, math.MaxInt}, []time.Duration{0, 0}},
		{"floor at max", wait.FullJitterFloor(s, 10*s, 10*s, lowest), []int{1, 5, math.MaxInt},
			[]time.Duration{10 * s, 10 * s, 10 * s}},
		{"max/highest", wait.FullJitterFloor(1, maxDur, maxDur-1, highest), []int{1, 63, 64, math.MaxInt},
			[]time.Duration{maxDur - 1, maxDur - 1, maxDur, maxDur}},
		{"max/lowest", wait.FullJitterFloor(maxDur, maxDur, maxDur, lowest), []int{1, math.MaxInt},
			[]time.Duration{maxDur, maxDur}},
	})
}

// TestFullJitterFloorZeroIsFullJitter checks that a floor of 0 changes nothing:
// the same source gives the same pauses as FullJitter.
func TestFullJitterFloorZeroIsFullJitter(t *testing.T) {
	a := wait.FullJitter(time.Second, time.Minute, seeded())
	b := wait.FullJitterFloor(time.Second, time.Minute, 0, seeded())
	for n := 1; n <= 100; n++ {
		if x, y := a.Wait(at(n)), b.Wait(at(n)); x != y {
			t.Fatalf("attempt %d: FullJitter %v, FullJitterFloor with floor 0 %v", n, x, y)
		}
	}
}

// TestFullJitterFloorDistribution checks that FullJitterFloor spreads its pauses
// evenly over [floor, top], with none below the floor and almost none exactly on
// it, where Clamp around FullJitter puts a fraction floor/top exactly on it.
func TestFullJitterFloorDistribution(t *testing.T) {
	const n = 10_000
	s := time.Second
	for _, opts := range [][]wait.Option{{seeded()}, nil} {
		// Attempt 5: full jitter's window is [0, 16s]; the floor is 5s.
		w := wait.FullJitterFloor(s, 30*s, 5*s, opts...)
		onFloor := 0
		for range n {
			if d := w.Wait(at(5)); d < 5*s {
				t.Fatalf("got %v, below the floor 5s", d)
			} else if d == 5*s {
				onFloor++
			}
		}
		if onFloor > n/100 {
			t.Errorf("%d of %d pauses exactly on the floor, want at most 1%%", onFloor, n)
		}
		mean, hist := stats(t, w, at(5), 5*s, 16*s, n)
		checkMean(t, "FullJitterFloor at 5", mean, 10500*time.Millisecond)
		checkFlat(t, "FullJitterFloor at 5", hist, n)

		// Past the maximum: [5s, 30s].
		mean, hist = stats(t, w, at(40), 5*s, 30*s, n)
		checkMean(t, "FullJitterFloor at 40", mean, 17500*time.Millisecond)
		checkFlat(t, "FullJitterFloor at 40", hist, n)

		// Clamp, by contrast, puts 5/16 of the pauses exactly on the floor.
		clamped := wait.Clamp(wait.FullJitter(s, 30*s, opts...), 5*s, 30*s)
		onFloor = 0
		for range n {
			if clamped.Wait(at(5)) == 5*s {
				onFloor++
			}
		}
		if want := n * 5 / 16; onFloor < want*9/10 || onFloor > want*11/10 {
			t.Errorf("Clamp: %d of %d pauses exactly on the floor, want about %d", onFloor, n, want)
		}
	}
}

func TestDecorrelatedEnds(t *testing.T) {
	s, ms := time.Second, time.Millisecond
	high, low := wait.Decorrelated(s, 10*s, highest), wait.Decorrelated(s, 10*s, lowest)
	tests := []struct {
		prev          time.Duration
		wantLow, want time.Duration
	}{
		{0, s, 3 * s}, // first retry: grows from base
		{-s, s, 3 * s},
		{100 * ms, s, s}, // 3·prev below base
		{333 * ms, s, s},
		{334 * ms, s, s + 2*ms},
		{2 * s, s, 6 * s},
		{3 * s, s, 9 * s},
		{4 * s, s, 10 * s}, // at the maximum
		{maxDur/3 + 1, s, 10 * s},
		{maxDur, s, 10 * s},
	}
	for _, tt := range tests {
		if got := high.Wait(after(2, tt.prev)); got != tt.want {
			t.Errorf("highest after %v: got %v, want %v", tt.prev, got, tt.want)
		}
		if got := low.Wait(after(2, tt.prev)); got != tt.wantLow {
			t.Errorf("lowest after %v: got %v, want %v", tt.prev, got, tt.wantLow)
		}
	}
	if got := wait.Decorrelated(1, maxDur, highest).Wait(after(2, maxDur)); got != maxDur {
		t.Errorf("Decorrelated(1ns, max) after max: got %v, want %v", got, maxDur)
	}
}

// randomCases are the randomised strategies, for the reproducibility test.
var randomCases = []struct {
	name string
	make func(...wait.Option) retry.Wait
}{
	{"Random", func(o ...wait.Option) retry.Wait { return wait.Random(time.Second, 5*time.Second, o...) }},
	{"FullJitter", func(o ...wait.Option) retry.Wait { return wait.FullJitter(time.Second, time.Minute, o...) }},
	{"EqualJitter", func(o ...wait.Option) retry.Wait { return wait.EqualJitter(time.Second, time.Minute, o...) }},
	{"Decorrelated", func(o ...wait.Option) retry.Wait { return wait.Decorrelated(time.Second, time.Minute, o...) }},
	{"FullJitterFloor", func(o ...wait.Option) retry.Wait {
		return wait.FullJitterFloor(time.Second, time.Minute, 2*time.Second, o...)
	}},
	{"ExponentialJitter", func(o ...wait.Option) retry.Wait {
		return wait.ExponentialJitter(time.Second, time.Minute, 2, time.Second, o...)
	}},
}

// TestReproducible checks that a seeded source makes a randomised Wait give the
// same pauses every time, and a different seed different ones.
func TestReproducible(t *testing.T) {
	run := func(w retry.Wait) []time.Duration {
		var ds []time.Duration
		var prev time.Duration
		for n := 1; n <= 100; n++ {
			prev = w.Wait(after(n, prev))
			ds = append(ds, prev)
		}
		return ds
	}
	for _, tc := range randomCases {
		a, b := run(tc.make(seeded())), run(tc.make(seeded()))
		if !slices.Equal(a, b) {
			t.Errorf("%s: two Waits seeded alike differ:\n%v\n%v", tc.name, a, b)
		}
		if c := run(tc.make(wait.WithSource(rand.NewPCG(5, 6)))); slices.Equal(a, c) {
			t.Errorf("%s: two Waits seeded differently agree: %v", tc.name, a)
		}
	}
}

// TestFullJitterGolden pins the first pauses from rand.NewPCG(1, 2), so that a
// change in how durations are drawn shows up.
func TestFullJitterGolden(t *testing.T) {
	w := wait.FullJitter(time.Second, 30*time.Second, seeded())
	want := []time.Duration{769373270, 1232872448, 3137712007, 6372772628, 3748420331}
	for i, d := range want {
		if got := w.Wait(at(i + 1)); got != d {
			t.Errorf("attempt %d: got %d, want %d", i+1, got, d)
		}
	}
}

// stats draws n pauses from w at attempt a, checks they lie in [lo, hi], and returns
// their mean and a histogram of 10 equal buckets over [lo, hi].
func stats(t *testing.T, w retry.Wait, a retry.Attempt, lo, hi time.Duration, n int) (mean time.Duration, hist [10]int) {
	t.Helper()
	var sum time.Duration
	for range n {
		d := w.Wait(a)
		if d < lo || d > hi {
			t.Fatalf("%+v: got %v, want within [%v, %v]", a, d, lo, hi)
		}
		sum += d
		hist[min(int((d-lo)*10/(hi-lo+1)), 9)]++
	}
	return sum / time.Duration(n), hist
}

func checkMean(t *testing.T, name string, got, want time.Duration) {
	t.Helper()
	if diff := got - want; diff < -want/25 || diff > want/25 { // 4%
		t.Errorf("%s: mean %v, want about %v", name, got, want)
	}
}

func checkFlat(t *testing.T, name string, hist [10]int, n int) {
	t.Helper()
	for i, c := range hist {
		if c < n/10*85/100 || c > n/10*115/100 {
			t.Errorf("%s: bucket %d holds %d of %d draws, want about %d", name, i, c, n, n/10)
		}
	}
}

func TestJitterDistribution(t *testing.T) {
	const n = 10_000
	ms := time.Millisecond
	for _, opts := range [][]wait.Option{{seeded()}, nil} {
		mean, hist := stats(t, wait.FullJitter(100*ms, 10*time.Second, opts...), at(4), 0, 800*ms, n)
		checkMean(t, "FullJitter", mean, 400*ms)
		checkFlat(t, "FullJitter", hist, n)

		mean, hist = stats(t, wait.EqualJitter(100*ms, 10*time.Second, opts...), at(4), 400*ms, 800*ms, n)
		checkMean(t, "EqualJitter", mean, 600*ms)
		checkFlat(t, "EqualJitter", hist, n)

		mean, hist = stats(t, wait.Decorrelated(100*ms, 10*time.Second, opts...), after(4, time.Second), 100*ms, 3*time.Second, n)
		checkMean(t, "Decorrelated", mean, 1550*ms)
		checkFlat(t, "Decorrelated", hist, n)

		mean, hist = stats(t, wait.Random(time.Second, 3*time.Second, opts...), at(1), time.Second, 3*time.Second, n)
		checkMean(t, "Random", mean, 2*time.Second)
		checkFlat(t, "Random", hist, n)
	}
}

// TestDecorrelatedWalk feeds Decorrelated its own pauses, as a call does, and
// checks that they never leave [base, max] and do reach both ends' neighbourhoods.
func TestDecorrelatedWalk(t *testing.T) {
	const base, maxPause = 10 * time.Millisecond, time.Second
	w := wait.Decorrelated(base, maxPause, seeded())
	var prev, lo, hi time.Duration = 0, maxPause, 0
	for n := 1; n <= 10_000; n++ {
		d := w.Wait(after(n, prev))
		if d < base || d > maxPause {
			t.Fatalf("attempt %d after %v: got %v, want within [%v, %v]", n, prev, d, base, maxPause)
		}
		lo, hi, prev = min(lo, d), max(hi, d), d
	}
	if lo > 2*base || hi < maxPause {
		t.Errorf("pauses spanned [%v, %v], want about [%v, %v]", lo, hi, base, maxPause)
	}
}

// FuzzJitters checks every Brooker jitter against its formula, computed exactly,
// for every base, max, attempt number, previous pause and random draw; and that
// invalid arguments panic at construction.
func FuzzJitters(f *testing.F) {
	f.Add(int64(time.Second), int64(time.Minute), 3, int64(0), uint64(0))
	f.Add(int64(time.Second), int64(time.Minute), 30, int64(time.Hour), uint64(math.MaxUint64))
	f.Add(int64(1), int64(math.MaxInt64), math.MaxInt, int64(math.MaxInt64), uint64(1<<63))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), math.MinInt, int64(math.MinInt64), uint64(12345))
	f.Add(int64(0), int64(1), 1, int64(0), uint64(0))
	f.Add(int64(2), int64(1), 1, int64(0), uint64(0))
	f.Fuzz(func(t *testing.T, base, maxPause int64, n int, prev int64, x uint64) {
		b, c, p := time.Duration(base), time.Duration(maxPause), time.Duration(prev)
		src := wait.WithSource(constSource(x))
		if base <= 0 || maxPause < base {
			mustPanic(t, "wait: FullJitter: ", func() { wait.FullJitter(b, c, src) })
			mustPanic(t, "wait: EqualJitter: ", func() { wait.EqualJitter(b, c, src) })
			mustPanic(t, "wait: Decorrelated: ", func() { wait.Decorrelated(b, c, src) })
			return
		}
		a := after(n, p)
		ceil := backoff.Exp(b, c, n) // checked against math/big in FuzzExp
		if got := wait.FullJitter(b, c, src).Wait(a); got < 0 || got > ceil {
			t.Fatalf("FullJitter(%d, %d) at %d: got %d, want within [0, %d]", b, c, n, got, ceil)
		}
		if got := wait.EqualJitter(b, c, src).Wait(a); got < ceil/2 || got > ceil {
			t.Fatalf("EqualJitter(%d, %d) at %d: got %d, want within [%d, %d]", b, c, n, got, ceil/2, ceil)
		}
		from := p // Decorrelated grows from the previous pause, or from base at first
		if p <= 0 {
			from = b
		}
		grow := backoff.Mul(from, 3)
		if got := wait.Decorrelated(b, c, src).Wait(a); got < b || got > c || got > max(b, grow) {
			t.Fatalf("Decorrelated(%d, %d) after %d: got %d, want within [%d, min(%d, max(%[1]d, %d))]", b, c, p, got, b, c, grow)
		}
	})
}

// FuzzFullJitterFloor checks FullJitterFloor against its formula for every base,
// max, floor, attempt number and random draw, the lowest and highest draws
// exactly; and that invalid arguments panic at construction.
func FuzzFullJitterFloor(f *testing.F) {
	f.Add(int64(time.Second), int64(time.Minute), int64(5*time.Second), 3, uint64(0))
	f.Add(int64(time.Second), int64(time.Minute), int64(0), 30, uint64(math.MaxUint64))
	f.Add(int64(1), int64(math.MaxInt64), int64(math.MaxInt64-1), math.MaxInt, uint64(1<<63))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MaxInt64), math.MinInt, uint64(12345))
	f.Add(int64(0), int64(1), int64(0), 1, uint64(0))
	f.Add(int64(2), int64(1), int64(0), 1, uint64(0))
	f.Add(int64(1), int64(2), int64(-1), 1, uint64(0))
	f.Add(int64(1), int64(2), int64(3), 1, uint64(0))
	f.Fuzz(func(t *testing.T, base, maxPause, floor int64, n int, x uint64) {
		b, c, fl := time.Duration(base), time.Duration(maxPause), time.Duration(floor)
		src := wait.WithSource(constSource(x))
		if base <= 0 || maxPause < base || floor < 0 || maxPause < floor {
			mustPanic(t, "wait: FullJitterFloor: ", func() { wait.FullJitterFloor(b, c, fl, src) })
			return
		}
		top := max(fl, backoff.Exp(b, c, n)) // Exp is checked against math/big in FuzzExp
		name := fmt.Sprintf("FullJitterFloor(%d, %d, %d) at %d", b, c, fl, n)
		if got := wait.FullJitterFloor(b, c, fl, src).Wait(at(n)); got < fl || got > top {
			t.Fatalf("%s, draw %#x: got %d, want within [%d, %d]", name, x, got, fl, top)
		}
		if got := wait.FullJitterFloor(b, c, fl, lowest).Wait(at(n)); got != fl {
			t.Fatalf("%s, lowest: got %d, want %d", name, got, fl)
		}
		if got := wait.FullJitterFloor(b, c, fl, highest).Wait(at(n)); got != top {
			t.Fatalf("%s, highest: got %d, want %d", name, got, top)
		}
	})
}

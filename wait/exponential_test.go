package wait_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/wait"
)

func TestExponential(t *testing.T) {
	s, ms := time.Second, time.Millisecond
	checkSequences(t, []sequenceCase{
		{"doubling", wait.Exponential(s, time.Minute, 2),
			[]int{1, 2, 3, 4, 5, 6, 7, 8, math.MaxInt, 0, math.MinInt},
			[]time.Duration{s, 2 * s, 4 * s, 8 * s, 16 * s, 32 * s, time.Minute, time.Minute, time.Minute, s, s}},
		{"floor", wait.Clamp(wait.Exponential(100*ms, 5*s, 3), 250*ms, 5*s), firstFive,
			[]time.Duration{250 * ms, 300 * ms, 900 * ms, 2700 * ms, 5 * s}},
		{"fractional factor", wait.Exponential(s, time.Hour, 1.5), firstFive,
			[]time.Duration{s, 1500 * ms, 2250 * ms, 3375 * ms, 5062500 * time.Microsecond}},
		{"factor 1", wait.Exponential(s, time.Minute, 1), []int{1, 2, math.MaxInt}, []time.Duration{s, s, s}},
		{"zero base", wait.Exponential(0, time.Minute, 10), []int{1, 2, math.MaxInt}, []time.Duration{0, 0, 0}},
		{"zero base, floor", wait.Clamp(wait.Exponential(0, time.Minute, 10), s, time.Minute),
			[]int{1, 2, math.MaxInt}, []time.Duration{s, s, s}},
		{"floor equals ceiling", wait.Clamp(wait.Exponential(s, 3*s, 2), 3*s, 3*s), []int{1, 2, 3}, []time.Duration{3 * s, 3 * s, 3 * s}},
		{"base above ceiling", wait.Exponential(2*s, s, 2), []int{1, 2, math.MaxInt}, []time.Duration{s, s, s}},
		{"zero ceiling", wait.Exponential(s, 0, 2), []int{1, 2}, []time.Duration{0, 0}},
		{"saturates at 2^63", wait.Exponential(1, maxDur, 2),
			[]int{63, 64, 65, math.MaxInt}, []time.Duration{1 << 62, maxDur, maxDur, maxDur}},
		{"exact above 2^53", wait.Exponential(1<<53+1, maxDur, 2),
			[]int{1, 2, 3}, []time.Duration{1<<53 + 1, 1<<54 + 2, 1<<55 + 4}},
		{"3·2^61", wait.Exponential(3, maxDur, 2), []int{62, 63}, []time.Duration{3 << 61, maxDur}},
		{"factor 10", wait.Exponential(s, maxDur, 10), []int{10, 11, 19}, []time.Duration{1e18, maxDur, maxDur}},
		{"huge factor", wait.Exponential(s, maxDur, math.MaxFloat64), []int{1, 2, math.MaxInt}, []time.Duration{s, maxDur, maxDur}},
		{"max base", wait.Exponential(maxDur, maxDur, 1), []int{1, math.MaxInt}, []time.Duration{maxDur, maxDur}},
	})
}

func TestExponentialJitterEnds(t *testing.T) {
	s, ms := time.Second, time.Millisecond
	checkSequences(t, []sequenceCase{
		{"lowest", wait.ExponentialJitter(s, time.Minute, 2, 500*ms, lowest),
			[]int{1, 2, 3, 6, 7, math.MaxInt}, []time.Duration{s, 2 * s, 4 * s, 32 * s, time.Minute, time.Minute}},
		{"highest", wait.ExponentialJitter(s, time.Minute, 2, 500*ms, highest),
			[]int{1, 2, 3, 6, 7, math.MaxInt}, []time.Duration{1500 * ms, 2500 * ms, 4500 * ms, 32500 * ms, time.Minute, time.Minute}},
		{"no jitter", wait.ExponentialJitter(s, time.Minute, 3, 0), []int{1, 2, 3}, []time.Duration{s, 3 * s, 9 * s}},
		{"base above ceiling", wait.ExponentialJitter(2*s, s, 2, s, highest), []int{1, 2}, []time.Duration{s, s}},
		{"saturates", wait.ExponentialJitter(maxDur, maxDur, 2, maxDur, highest), []int{1, math.MaxInt}, []time.Duration{maxDur, maxDur}},
	})
}

func TestExponentialJitterDistribution(t *testing.T) {
	w := wait.ExponentialJitter(time.Second, time.Minute, 2, time.Second, seeded())
	const draws = 10_000
	var sum time.Duration
	for range draws {
		d := w(at(3))
		if d < 4*time.Second || d > 5*time.Second {
			t.Fatalf("got %v, want within [4s, 5s]", d)
		}
		sum += d
	}
	if mean := sum / draws; mean < 4480*time.Millisecond || mean > 4520*time.Millisecond {
		t.Errorf("mean %v, want about 4.5s", mean)
	}
}

func TestExponentialJitterReproducible(t *testing.T) {
	mk := func() []time.Duration {
		w := wait.ExponentialJitter(time.Second, time.Minute, 2, time.Second, seeded())
		var ds []time.Duration
		for n := 1; n <= 100; n++ {
			ds = append(ds, w(at(n)))
		}
		return ds
	}
	if a, b := mk(), mk(); !slices.Equal(a, b) {
		t.Errorf("two Waits with the same seed differ:\n%v\n%v", a, b)
	}
}

// validGrowth reports whether f is a valid factor for Exponential.
func validGrowth(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) && f >= 1 }

// mustPanic fails t unless mk panics with a message that begins with prefix.
func mustPanic(t *testing.T, prefix string, mk func()) {
	t.Helper()
	if msg, ok := panicMessage(mk); !ok || !strings.HasPrefix(msg, prefix) {
		t.Fatalf("got panic %v %q, want one beginning %q", ok, msg, prefix)
	}
}

// FuzzExponential checks Exponential against its formula, and with a floor added by
// Clamp, as tenacity's min; and that invalid arguments panic at construction.
func FuzzExponential(f *testing.F) {
	f.Add(int64(time.Second), int64(time.Minute), 2.0, int64(0), 5)
	f.Add(int64(time.Second), int64(time.Hour), 1.5, int64(time.Second), 30)
	f.Add(int64(1), int64(math.MaxInt64), 2.0, int64(0), 64)
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), math.MaxFloat64, int64(0), math.MaxInt)
	f.Add(int64(0), int64(1), math.Inf(1), int64(0), 2)
	f.Add(int64(1), int64(1), math.NaN(), int64(0), 2)
	f.Add(int64(1), int64(1), 0.5, int64(0), 2)
	f.Add(int64(1), int64(1), 2.0, int64(2), math.MinInt)
	f.Add(int64(-1), int64(1), 2.0, int64(0), 1)
	f.Add(int64(1), int64(-1), 2.0, int64(0), 1)
	f.Fuzz(func(t *testing.T, base, ceiling int64, factor float64, floor int64, n int) {
		b, c, fl := time.Duration(base), time.Duration(ceiling), time.Duration(floor)
		mk := func() { wait.Exponential(b, c, factor) }
		if base < 0 || ceiling < 0 || !validGrowth(factor) {
			mustPanic(t, "wait: Exponential: ", mk)
			return
		}
		w := wait.Exponential(b, c, factor)
		got := w(at(n))
		if got < 0 || got > c {
			t.Fatalf("Exponential(%d, %d, %g) at %d: got %d, want within [0, %d]", base, ceiling, factor, n, got, ceiling)
		}
		// Below the ceiling the pause is the formula's value, to float precision.
		want := float64(base) * math.Pow(factor, float64(max(n, 1)-1))
		if base == 0 {
			want = 0
		}
		if want < float64(ceiling) && math.Abs(float64(got)-want) > want*1e-12+1 {
			t.Fatalf("Exponential(%d, %d, %g) at %d: got %d, want about %g", base, ceiling, factor, n, got, want)
		}
		if want > float64(ceiling)*(1+1e-12)+1 && got != c {
			t.Fatalf("Exponential(%d, %d, %g) at %d: got %d, want the ceiling %d", base, ceiling, factor, n, got, ceiling)
		}

		// tenacity's min: a floor added by Clamp.
		mkFloor := func() { wait.Clamp(w, fl, c) }
		if floor < 0 || ceiling < floor {
			mustPanic(t, "wait: Clamp: ", mkFloor)
			return
		}
		clamped := wait.Clamp(w, fl, c)(at(n))
		name := fmt.Sprintf("Clamp(Exponential(%d, %d, %g), %d, %d) at %d", base, ceiling, factor, floor, ceiling, n)
		if clamped < fl || clamped > c {
			t.Fatalf("%s: got %d, want within [%d, %d]", name, clamped, floor, ceiling)
		}
		if wantClamped := max(got, fl); clamped != wantClamped {
			t.Fatalf("%s: got %d, want %d", name, clamped, wantClamped)
		}
		if want > float64(floor) && want < float64(ceiling) && math.Abs(float64(clamped)-want) > want*1e-12+1 {
			t.Fatalf("%s: got %d, want about %g", name, clamped, want)
		}
	})
}

func FuzzExponentialJitter(f *testing.F) {
	f.Add(int64(time.Second), int64(time.Minute), 2.0, int64(time.Second), 5, uint64(0))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), math.MaxFloat64, int64(math.MaxInt64), math.MaxInt, uint64(math.MaxUint64))
	f.Add(int64(0), int64(0), 1.0, int64(0), math.MinInt, uint64(7))
	f.Add(int64(1), int64(1), math.NaN(), int64(1), 1, uint64(7))
	f.Add(int64(1), int64(1), 2.0, int64(-1), 1, uint64(7))
	f.Fuzz(func(t *testing.T, base, ceiling int64, factor float64, jitter int64, n int, x uint64) {
		mk := func() {
			wait.ExponentialJitter(time.Duration(base), time.Duration(ceiling), factor, time.Duration(jitter))
		}
		if base < 0 || ceiling < 0 || jitter < 0 || !validGrowth(factor) {
			mustPanic(t, "wait: ExponentialJitter: ", mk)
			return
		}
		w := wait.ExponentialJitter(time.Duration(base), time.Duration(ceiling), factor, time.Duration(jitter),
			wait.WithSource(constSource(x)))
		got := w(at(n))
		// The exponential part is Exponential's, with no ceiling of its own.
		exp := wait.Exponential(time.Duration(base), maxDur, factor)(at(n))
		lo, hi := min(exp, time.Duration(ceiling)), min(time.Duration(ceiling), exp+time.Duration(jitter))
		if exp+time.Duration(jitter) < exp { // overflow: saturate
			hi = time.Duration(ceiling)
		}
		if got < lo || got > hi {
			t.Fatalf("ExponentialJitter(%d, %d, %g, %d) at %d: got %d, want within [%d, %d]", base, ceiling, factor, jitter, n, got, lo, hi)
		}
	})
}

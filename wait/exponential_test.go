package wait_test

import (
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
		{"doubling", wait.Exponential(s, 2, 0, time.Minute),
			[]int{1, 2, 3, 4, 5, 6, 7, 8, math.MaxInt, 0, math.MinInt},
			[]time.Duration{s, 2 * s, 4 * s, 8 * s, 16 * s, 32 * s, time.Minute, time.Minute, time.Minute, s, s}},
		{"min", wait.Exponential(100*ms, 3, 250*ms, 5*s), firstFive,
			[]time.Duration{250 * ms, 300 * ms, 900 * ms, 2700 * ms, 5 * s}},
		{"fractional base", wait.Exponential(s, 1.5, 0, time.Hour), firstFive,
			[]time.Duration{s, 1500 * ms, 2250 * ms, 3375 * ms, 5062500 * time.Microsecond}},
		{"base 1", wait.Exponential(s, 1, 0, time.Minute), []int{1, 2, math.MaxInt}, []time.Duration{s, s, s}},
		{"zero multiplier", wait.Exponential(0, 10, s, time.Minute), []int{1, 2, math.MaxInt}, []time.Duration{s, s, s}},
		{"min equals max", wait.Exponential(s, 2, 3*s, 3*s), []int{1, 2, 3}, []time.Duration{3 * s, 3 * s, 3 * s}},
		{"saturates at 2^63", wait.Exponential(1, 2, 0, maxDur),
			[]int{63, 64, 65, math.MaxInt}, []time.Duration{1 << 62, maxDur, maxDur, maxDur}},
		{"exact above 2^53", wait.Exponential(1<<53+1, 2, 0, maxDur),
			[]int{1, 2, 3}, []time.Duration{1<<53 + 1, 1<<54 + 2, 1<<55 + 4}},
		{"3·2^61", wait.Exponential(3, 2, 0, maxDur), []int{62, 63}, []time.Duration{3 << 61, maxDur}},
		{"base 10", wait.Exponential(s, 10, 0, maxDur), []int{10, 11, 19}, []time.Duration{1e18, maxDur, maxDur}},
		{"huge base", wait.Exponential(s, math.MaxFloat64, 0, maxDur), []int{1, 2, math.MaxInt}, []time.Duration{s, maxDur, maxDur}},
		{"max multiplier", wait.Exponential(maxDur, 1, 0, maxDur), []int{1, math.MaxInt}, []time.Duration{maxDur, maxDur}},
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
		{"initial above max", wait.ExponentialJitter(2*s, s, 2, s, highest), []int{1, 2}, []time.Duration{s, s}},
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

// validGrowth reports whether b is a valid base for Exponential.
func validGrowth(b float64) bool { return !math.IsNaN(b) && !math.IsInf(b, 0) && b >= 1 }

// mustPanic fails t unless mk panics with a message that begins with prefix.
func mustPanic(t *testing.T, prefix string, mk func()) {
	t.Helper()
	if msg, ok := panicMessage(mk); !ok || !strings.HasPrefix(msg, prefix) {
		t.Fatalf("got panic %v %q, want one beginning %q", ok, msg, prefix)
	}
}

func FuzzExponential(f *testing.F) {
	f.Add(int64(time.Second), 2.0, int64(0), int64(time.Minute), 5)
	f.Add(int64(time.Second), 1.5, int64(time.Second), int64(time.Hour), 30)
	f.Add(int64(1), 2.0, int64(0), int64(math.MaxInt64), 64)
	f.Add(int64(math.MaxInt64), math.MaxFloat64, int64(0), int64(math.MaxInt64), math.MaxInt)
	f.Add(int64(0), math.Inf(1), int64(0), int64(1), 2)
	f.Add(int64(1), math.NaN(), int64(0), int64(1), 2)
	f.Add(int64(1), 0.5, int64(0), int64(1), 2)
	f.Add(int64(1), 2.0, int64(2), int64(1), math.MinInt)
	f.Fuzz(func(t *testing.T, mult int64, base float64, lo, hi int64, n int) {
		mk := func() { wait.Exponential(time.Duration(mult), base, time.Duration(lo), time.Duration(hi)) }
		if mult < 0 || !validGrowth(base) || lo < 0 || hi < lo {
			mustPanic(t, "wait: Exponential: ", mk)
			return
		}
		w := wait.Exponential(time.Duration(mult), base, time.Duration(lo), time.Duration(hi))
		got := w(at(n))
		if got < time.Duration(lo) || got > time.Duration(hi) {
			t.Fatalf("Exponential(%d, %g, %d, %d) at %d: got %d, want within [%d, %d]", mult, base, lo, hi, n, got, lo, hi)
		}
		// Away from the clamps the pause is the formula's value, to float precision.
		want := float64(mult) * math.Pow(base, float64(max(n, 1)-1))
		if mult == 0 {
			want = 0
		}
		if want > float64(lo) && want < float64(hi) && math.Abs(float64(got)-want) > want*1e-12+1 {
			t.Fatalf("Exponential(%d, %g, %d, %d) at %d: got %d, want about %g", mult, base, lo, hi, n, got, want)
		}
	})
}

func FuzzExponentialJitter(f *testing.F) {
	f.Add(int64(time.Second), int64(time.Minute), 2.0, int64(time.Second), 5, uint64(0))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), math.MaxFloat64, int64(math.MaxInt64), math.MaxInt, uint64(math.MaxUint64))
	f.Add(int64(0), int64(0), 1.0, int64(0), math.MinInt, uint64(7))
	f.Add(int64(1), int64(1), math.NaN(), int64(1), 1, uint64(7))
	f.Add(int64(1), int64(1), 2.0, int64(-1), 1, uint64(7))
	f.Fuzz(func(t *testing.T, initial, limit int64, expBase float64, jitter int64, n int, x uint64) {
		mk := func() {
			wait.ExponentialJitter(time.Duration(initial), time.Duration(limit), expBase, time.Duration(jitter))
		}
		if initial < 0 || limit < 0 || jitter < 0 || !validGrowth(expBase) {
			mustPanic(t, "wait: ExponentialJitter: ", mk)
			return
		}
		w := wait.ExponentialJitter(time.Duration(initial), time.Duration(limit), expBase, time.Duration(jitter),
			wait.WithSource(constSource(x)))
		got := w(at(n))
		// The exponential part is Exponential's, without its clamps.
		exp := wait.Exponential(time.Duration(initial), expBase, 0, maxDur)(at(n))
		lo, hi := min(exp, time.Duration(limit)), min(time.Duration(limit), exp+time.Duration(jitter))
		if exp+time.Duration(jitter) < exp { // overflow: saturate
			hi = time.Duration(limit)
		}
		if got < lo || got > hi {
			t.Fatalf("ExponentialJitter(%d, %d, %g, %d) at %d: got %d, want within [%d, %d]", initial, limit, expBase, jitter, n, got, lo, hi)
		}
	})
}

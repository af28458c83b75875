package wait_test

import (
	"fmt"
	"math"
	"math/big"
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
		{"floor equals max", wait.Clamp(wait.Exponential(s, 3*s, 2), 3*s, 3*s), []int{1, 2, 3}, []time.Duration{3 * s, 3 * s, 3 * s}},
		{"base above max", wait.Exponential(2*s, s, 2), []int{1, 2, math.MaxInt}, []time.Duration{s, s, s}},
		{"zero max", wait.Exponential(s, 0, 2), []int{1, 2}, []time.Duration{0, 0}},
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
		{"base above max", wait.ExponentialJitter(2*s, s, 2, s, highest), []int{1, 2}, []time.Duration{s, s}},
		{"saturates", wait.ExponentialJitter(maxDur, maxDur, 2, maxDur, highest), []int{1, math.MaxInt}, []time.Duration{maxDur, maxDur}},
	})
}

func TestExponentialJitterDistribution(t *testing.T) {
	w := wait.ExponentialJitter(time.Second, time.Minute, 2, time.Second, seeded())
	const draws = 10_000
	var sum time.Duration
	for range draws {
		d := w.Wait(at(3))
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
			ds = append(ds, w.Wait(at(n)))
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

// bigPause returns base·factor^(n-1), n below 1 counting as 1, computed with
// math/big to 256 bits, which is exact for a whole-number factor and within 2^-240
// of the exact value otherwise; or nil if it is 2^64 or more, where every max
// caps it.
func bigPause(base time.Duration, factor float64, n int) *big.Float {
	p := new(big.Float).SetPrec(256).SetInt64(int64(base))
	m := uint64(max(n, 1) - 1)
	if base == 0 || m == 0 || factor == 1 {
		return p
	}
	if float64(m)*math.Log2(factor)+math.Log2(float64(base)) > 66 {
		return nil // a shortcut: far above 2^64, and the powers below would be huge
	}
	x := new(big.Float).SetPrec(256).SetFloat64(factor)
	for ; m > 0; m >>= 1 {
		if m&1 == 1 {
			p.Mul(p, x)
		}
		x.Mul(x, x)
	}
	if p.Cmp(new(big.Float).SetFloat64(1<<64)) >= 0 {
		return nil
	}
	return p
}

// cappedPause returns bigPause(base, factor, n) capped at maxPause, and whether it
// is a whole number of nanoseconds.
func cappedPause(base, maxPause time.Duration, factor float64, n int) (*big.Float, bool) {
	c := new(big.Float).SetPrec(256).SetInt64(int64(maxPause))
	p := bigPause(base, factor, n)
	if p == nil || p.Cmp(c) > 0 {
		return c, true
	}
	return p, p.IsInt()
}

// nearPause reports whether got is the exact pause want, or, when want is not a
// whole number of nanoseconds, within Exponential's promise: 10^-13 of want,
// relatively, and the dropped fraction of a nanosecond.
func nearPause(got time.Duration, want *big.Float, whole bool) bool {
	g := new(big.Float).SetPrec(256).SetInt64(int64(got))
	if whole {
		return g.Cmp(want) == 0
	}
	diff, _ := new(big.Float).Sub(g, want).Float64()
	w, _ := want.Float64()
	return math.Abs(diff) <= w*1e-13+1
}

// FuzzExponential checks Exponential against its formula, computed with math/big:
// exactly for a whole-number factor, and within the documented error otherwise;
// with a floor added by Clamp, as tenacity's min; and that invalid arguments panic
// at construction.
func FuzzExponential(f *testing.F) {
	f.Add(int64(time.Second), int64(time.Minute), 2.0, int64(0), 5)
	f.Add(int64(time.Second), int64(time.Hour), 1.5, int64(time.Second), 30)
	f.Add(int64(1), int64(math.MaxInt64), 2.0, int64(0), 64)
	f.Add(int64(1), int64(math.MaxInt64), 3.0, int64(0), 35)
	f.Add(int64(1), int64(math.MaxInt64), 1.001, int64(0), 43000)
	f.Add(int64(1), int64(math.MaxInt64), 1+1e-9, int64(0), 43624599729)
	f.Add(int64(1), int64(math.MaxInt64), math.Nextafter(1, 2), int64(0), 1<<62)
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), math.MaxFloat64, int64(0), math.MaxInt)
	f.Add(int64(0), int64(1), math.Inf(1), int64(0), 2)
	f.Add(int64(1), int64(1), math.NaN(), int64(0), 2)
	f.Add(int64(1), int64(1), 0.5, int64(0), 2)
	f.Add(int64(1), int64(1), 2.0, int64(2), math.MinInt)
	f.Add(int64(-1), int64(1), 2.0, int64(0), 1)
	f.Add(int64(1), int64(-1), 2.0, int64(0), 1)
	f.Fuzz(func(t *testing.T, base, maxPause int64, factor float64, floor int64, n int) {
		b, c, fl := time.Duration(base), time.Duration(maxPause), time.Duration(floor)
		mk := func() { wait.Exponential(b, c, factor) }
		if base < 0 || maxPause < 0 || !validGrowth(factor) {
			mustPanic(t, "wait: Exponential: ", mk)
			return
		}
		w := wait.Exponential(b, c, factor)
		got := w.Wait(at(n))
		name := fmt.Sprintf("Exponential(%d, %d, %g) at %d", base, maxPause, factor, n)
		if got < 0 || got > c {
			t.Fatalf("%s: got %d, want within [0, %d]", name, got, maxPause)
		}
		want, whole := cappedPause(b, c, factor, n)
		if !nearPause(got, want, whole) {
			t.Fatalf("%s: got %d, want %s", name, got, want.Text('f', 3))
		}

		// tenacity's min: a floor added by Clamp.
		mkFloor := func() { wait.Clamp(w, fl, c) }
		if floor < 0 || maxPause < floor {
			mustPanic(t, "wait: Clamp: ", mkFloor)
			return
		}
		clamped := wait.Clamp(w, fl, c).Wait(at(n))
		name = fmt.Sprintf("Clamp(Exponential(%d, %d, %g), %d, %d) at %d", base, maxPause, factor, floor, maxPause, n)
		if clamped < fl || clamped > c {
			t.Fatalf("%s: got %d, want within [%d, %d]", name, clamped, floor, maxPause)
		}
		if wantClamped := max(got, fl); clamped != wantClamped {
			t.Fatalf("%s: got %d, want %d", name, clamped, wantClamped)
		}
		if want.Cmp(new(big.Float).SetInt64(floor)) > 0 && !nearPause(clamped, want, whole) {
			t.Fatalf("%s: got %d, want %s", name, clamped, want.Text('f', 3))
		}
	})
}

// TestExponentialExact checks, against math/big, that a whole-number factor gives
// the exact pause, to the nanosecond, where float64 cannot hold the power exactly
// (above 2^53) and up to the largest duration, for Exponential and for
// ExponentialJitter's exponential part.
func TestExponentialExact(t *testing.T) {
	tests := []struct {
		name   string
		base   time.Duration
		factor float64
		n      int
	}{
		{"factor 3, attempt 35: 3^34, 1ns above math.Pow's", 1, 3, 35},
		{"factor 3, attempt 36", 1, 3, 36},
		{"factor 3, attempt 40: 3^39", 1, 3, 40},
		{"factor 3, attempt 41: saturates", 1, 3, 41},
		{"factor 3 from 1s, attempt 21", time.Second, 3, 21},
		{"factor 3 from 1s, attempt 22: saturates", time.Second, 3, 22},
		{"factor 5 from 3ns, attempt 27", 3, 5, 27},
		{"factor 7, attempt 23: 7^22", 1, 7, 23},
		{"factor 7, attempt 24: saturates", 1, 7, 24},
		{"factor 10 from 9ns, attempt 19", 9, 10, 19},
		{"factor 10 from 10ns, attempt 19: saturates", 10, 10, 19},
		{"factor 11, attempt 19: 11^18", 1, 11, 19},
		{"factor 12345, attempt 5", 999, 12345, 5},
		{"largest square below 2^63", 1, 3037000499, 3},
		{"smallest square above", 1, 3037000500, 3},
		{"factor 2^53+2 from 3ns", 3, 1<<53 + 2, 2},
		{"factor 2^62", 1, 1 << 62, 2},
		{"factor 2^62 from 2ns: saturates", 2, 1 << 62, 2},
		{"factor 2^63", 1, 1 << 63, 2},
		{"factor 2^63, attempt 1", 1, 1 << 63, 1},
		{"largest factor", 1, math.MaxFloat64, 2},
		{"largest factor, last attempt", maxDur, math.MaxFloat64, math.MaxInt},
		{"factor 3, last attempt", 12345, 3, math.MaxInt},
		{"factor 1, last attempt", maxDur, 1, math.MaxInt},
		{"factor 2, attempt 63", 1, 2, 63},
		{"factor 2, attempt 64: saturates", 1, 2, 64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, whole := cappedPause(tt.base, maxDur, tt.factor, tt.n)
			if !whole {
				t.Fatalf("the reference %s is not a whole number", want.Text('f', 3))
			}
			w, _ := want.Int64()
			if got := wait.Exponential(tt.base, maxDur, tt.factor).Wait(at(tt.n)); got != time.Duration(w) {
				t.Errorf("Exponential: got %d, want %d", got, w)
			}
			if got := wait.ExponentialJitter(tt.base, maxDur, tt.factor, 0).Wait(at(tt.n)); got != time.Duration(w) {
				t.Errorf("ExponentialJitter without jitter: got %d, want %d", got, w)
			}
			if got, want := wait.ExponentialJitter(tt.base, maxDur, tt.factor, 7, highest).Wait(at(tt.n)), min(w, math.MaxInt64-7)+7; got != time.Duration(want) {
				t.Errorf("ExponentialJitter, highest of 7ns: got %d, want %d", got, want)
			}
			// Below the pause, the maximum caps it exactly.
			if w > 0 {
				c := time.Duration(w - 1)
				if got := wait.Exponential(tt.base, c, tt.factor).Wait(at(tt.n)); got != c {
					t.Errorf("Exponential capped at %d: got %d, want %d", c, got, c)
				}
			}
		})
	}
}

// FuzzExponentialExact checks Exponential and ExponentialJitter against math/big
// for whole-number factors, where the pause must be exact to the nanosecond for
// every attempt number.
func FuzzExponentialExact(f *testing.F) {
	f.Add(int64(1), int64(math.MaxInt64), uint64(3), 35, int64(0), uint64(0))
	f.Add(int64(time.Second), int64(time.Hour), uint64(2), 13, int64(time.Second), uint64(math.MaxUint64))
	f.Add(int64(3), int64(math.MaxInt64), uint64(5), 27, int64(1), uint64(1<<63))
	f.Add(int64(1), int64(math.MaxInt64), uint64(3037000499), 3, int64(0), uint64(0))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), uint64(math.MaxUint64), math.MaxInt, int64(math.MaxInt64), uint64(7))
	f.Add(int64(12345), int64(math.MaxInt64), uint64(1), math.MinInt, int64(0), uint64(0))
	f.Fuzz(func(t *testing.T, base, maxPause int64, factor uint64, n int, jitter int64, x uint64) {
		b, c, j := time.Duration(base&math.MaxInt64), time.Duration(maxPause&math.MaxInt64), time.Duration(jitter&math.MaxInt64)
		k := float64(max(factor, 1)) // a whole number, rounded to float64 if above 2^53
		want, whole := cappedPause(b, c, k, n)
		if !whole {
			t.Fatalf("the reference %s is not a whole number", want.Text('f', 3))
		}
		w, _ := want.Int64()
		name := fmt.Sprintf("(%d, %d, %.0f) at %d", b, c, k, n)
		if got := wait.Exponential(b, c, k).Wait(at(n)); got != time.Duration(w) {
			t.Fatalf("Exponential%s: got %d, want %d", name, got, w)
		}
		// ExponentialJitter adds its draw to the uncapped exponential part.
		e, _ := cappedPause(b, maxDur, k, n)
		ew, _ := e.Int64()
		jw := new(big.Int).Add(big.NewInt(ew), big.NewInt(int64(j)))
		if jw.Cmp(big.NewInt(int64(c))) > 0 {
			jw.SetInt64(int64(c))
		}
		if got := wait.ExponentialJitter(b, c, k, j, lowest).Wait(at(n)); got != time.Duration(w) {
			t.Fatalf("ExponentialJitter%s, jitter %d, lowest: got %d, want %d", name, j, got, w)
		}
		if got := wait.ExponentialJitter(b, c, k, j, highest).Wait(at(n)); got != time.Duration(jw.Int64()) {
			t.Fatalf("ExponentialJitter%s, jitter %d, highest: got %d, want %d", name, j, got, jw.Int64())
		}
		if got := wait.ExponentialJitter(b, c, k, j, wait.WithSource(constSource(x))).Wait(at(n)); got < time.Duration(w) || got > time.Duration(jw.Int64()) {
			t.Fatalf("ExponentialJitter%s, jitter %d, draw %#x: got %d, want within [%d, %d]", name, j, x, got, w, jw.Int64())
		}
	})
}

func FuzzExponentialJitter(f *testing.F) {
	f.Add(int64(time.Second), int64(time.Minute), 2.0, int64(time.Second), 5, uint64(0))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), math.MaxFloat64, int64(math.MaxInt64), math.MaxInt, uint64(math.MaxUint64))
	f.Add(int64(0), int64(0), 1.0, int64(0), math.MinInt, uint64(7))
	f.Add(int64(1), int64(1), math.NaN(), int64(1), 1, uint64(7))
	f.Add(int64(1), int64(1), 2.0, int64(-1), 1, uint64(7))
	f.Fuzz(func(t *testing.T, base, maxPause int64, factor float64, jitter int64, n int, x uint64) {
		mk := func() {
			wait.ExponentialJitter(time.Duration(base), time.Duration(maxPause), factor, time.Duration(jitter))
		}
		if base < 0 || maxPause < 0 || jitter < 0 || !validGrowth(factor) {
			mustPanic(t, "wait: ExponentialJitter: ", mk)
			return
		}
		w := wait.ExponentialJitter(time.Duration(base), time.Duration(maxPause), factor, time.Duration(jitter),
			wait.WithSource(constSource(x)))
		got := w.Wait(at(n))
		// The exponential part is Exponential's, with no max of its own.
		exp := wait.Exponential(time.Duration(base), maxDur, factor).Wait(at(n))
		lo, hi := min(exp, time.Duration(maxPause)), min(time.Duration(maxPause), exp+time.Duration(jitter))
		if exp+time.Duration(jitter) < exp { // overflow: saturate
			hi = time.Duration(maxPause)
		}
		if got < lo || got > hi {
			t.Fatalf("ExponentialJitter(%d, %d, %g, %d) at %d: got %d, want within [%d, %d]", base, maxPause, factor, jitter, n, got, lo, hi)
		}
	})
}

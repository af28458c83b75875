package backoff

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"
)

const minDur = time.Duration(math.MinInt64)

// constSource always returns its own value: 0 draws the low end of a range and
// math.MaxUint64 the high end.
type constSource uint64

func (c constSource) Uint64() uint64 { return uint64(c) }

// sat returns x kept within [0, Max].
func sat(x *big.Int) time.Duration {
	switch {
	case x.Sign() < 0:
		return 0
	case !x.IsInt64():
		return Max
	}
	return time.Duration(x.Int64())
}

func TestExp(t *testing.T) {
	tests := []struct {
		base, limit time.Duration
		n           int
		want        time.Duration
	}{
		{time.Second, time.Minute, 1, time.Second},
		{time.Second, time.Minute, 2, 2 * time.Second},
		{time.Second, time.Minute, 6, 32 * time.Second},
		{time.Second, time.Minute, 7, time.Minute},
		{time.Second, time.Minute, 0, time.Second},
		{time.Second, time.Minute, -1, time.Second},
		{time.Second, time.Minute, math.MinInt, time.Second}, // n-1 must not wrap
		{time.Second, time.Minute, math.MaxInt, time.Minute},
		{1, Max, 63, 1 << 62},
		{1, Max, 64, Max},
		{1, Max, 65, Max},
		{1, Max, math.MaxInt, Max},
		{3, Max, 62, 3 << 61},
		{3, Max, 63, Max},
		{Max, Max, 1, Max},
		{Max, Max, math.MaxInt, Max},
		{2 * time.Second, time.Second, 1, time.Second}, // base above limit
		{0, time.Minute, 10, 0},
		{0, time.Minute, 64, 0}, // 0·2^63 is 0, not the limit
		{0, time.Minute, math.MaxInt, 0},
		{-25, Max, 106, 0},
		{0, 0, 10, 0},
		{-time.Second, time.Minute, 3, 0},
		{time.Second, -time.Minute, 3, 0},
		{minDur, minDur, math.MinInt, 0},
	}
	for _, tt := range tests {
		if got := Exp(tt.base, tt.limit, tt.n); got != tt.want {
			t.Errorf("Exp(%d, %d, %d) = %d, want %d", tt.base, tt.limit, tt.n, got, tt.want)
		}
	}
}

func TestAdd(t *testing.T) {
	tests := []struct{ a, b, want time.Duration }{
		{1, 2, 3},
		{Max, 0, Max},
		{Max, 1, Max},
		{Max, Max, Max},
		{Max - 1, 1, Max},
		{-1, 0, 0},
		{-1, 3, 2},
		{3, -5, 0},
		{minDur, -1, 0},
		{minDur, minDur, 0},
		{minDur, Max, 0},
		{Max, minDur, 0},
		{Max, -1, Max - 1},
	}
	for _, tt := range tests {
		if got := Add(tt.a, tt.b); got != tt.want {
			t.Errorf("Add(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestMul(t *testing.T) {
	tests := []struct {
		d    time.Duration
		n    int
		want time.Duration
	}{
		{time.Second, 3, 3 * time.Second},
		{0, math.MaxInt, 0},
		{Max, 0, 0},
		{Max, 1, Max},
		{Max, 2, Max},
		{1, math.MaxInt, time.Duration(math.MaxInt)},
		{2, math.MaxInt / 2, time.Duration(math.MaxInt/2) * 2},
		{2, math.MaxInt/2 + 1, Max},
		{-time.Second, 3, 0},
		{time.Second, -3, 0},
		{-time.Second, -3, 3 * time.Second},
		{-1, math.MinInt, Max}, // 2^63
		{minDur, -1, Max},
		{minDur, math.MinInt, Max},
		{minDur, 1, 0},
		{1, math.MinInt, 0},
	}
	for _, tt := range tests {
		if got := Mul(tt.d, tt.n); got != tt.want {
			t.Errorf("Mul(%d, %d) = %d, want %d", tt.d, tt.n, got, tt.want)
		}
	}
}

func TestPow(t *testing.T) {
	tests := []struct{ x, n, want int }{
		{3, 34, 16677181699666569}, // above 2^53, where float64 is 1 short
		{3, 39, 4052555153018976267},
		{3, 40, math.MaxInt}, // 3^40 > 2^63
		{2, 62, 1 << 62},
		{2, 63, math.MaxInt},
		{2, 64, math.MaxInt},
		{2, math.MaxInt, math.MaxInt},
		{10, 18, 1e18},
		{10, 19, math.MaxInt},
		{7, 22, 3909821048582988049},
		{7, 23, math.MaxInt},
		{3037000499, 2, 3037000499 * 3037000499}, // the largest square below 2^63
		{3037000500, 2, math.MaxInt},
		{math.MaxInt, 1, math.MaxInt},
		{math.MaxInt, 2, math.MaxInt},
		{5, 1, 5},
		{5, 0, 1},
		{5, -1, 1},
		{5, math.MinInt, 1},
		{1, math.MaxInt, 1},
		{0, 0, 1},
		{0, 1, 0},
		{0, math.MaxInt, 0},
		{-3, 3, 0},
		{math.MinInt, 2, 0},
	}
	for _, tt := range tests {
		if got := Pow(tt.x, tt.n); got != tt.want {
			t.Errorf("Pow(%d, %d) = %d, want %d", tt.x, tt.n, got, tt.want)
		}
	}
}

func TestFromFloat(t *testing.T) {
	tests := []struct {
		ns   float64
		want time.Duration
	}{
		{0, 0},
		{math.Copysign(0, -1), 0},
		{-1, 0},
		{0.9, 0},
		{1.5, 1},
		{1e9, time.Second},
		{math.NaN(), 0},
		{math.Inf(1), Max},
		{math.Inf(-1), 0},
		{-math.MaxFloat64, 0},
		{math.MaxFloat64, Max},
		{1 << 63, Max},
		{math.Nextafter(1<<63, 0), Max - 1023}, // largest float64 below 2^63
	}
	for _, tt := range tests {
		if got := FromFloat(tt.ns); got != tt.want {
			t.Errorf("FromFloat(%g) = %d, want %d", tt.ns, got, tt.want)
		}
	}
}

func TestUniformEnds(t *testing.T) {
	tests := []struct {
		lo, hi time.Duration
		x      uint64
		want   time.Duration
	}{
		{0, 10, 0, 0},
		{0, 10, math.MaxUint64, 10},
		{5, 10, 0, 5},
		{5, 10, math.MaxUint64, 10},
		{0, Max, 0, 0},
		{0, Max, math.MaxUint64, Max},
		{0, Max, 1 << 63, 1 << 62},
		{Max - 1, Max, math.MaxUint64, Max},
		{10, 10, math.MaxUint64, 10},
		{10, 5, math.MaxUint64, 10}, // hi below lo
		{-10, -5, math.MaxUint64, 0},
		{-10, 5, math.MaxUint64, 5},
		{minDur, Max, math.MaxUint64, Max},
	}
	for _, tt := range tests {
		if got := Uniform(constSource(tt.x), tt.lo, tt.hi); got != tt.want {
			t.Errorf("Uniform(%#x, %d, %d) = %d, want %d", tt.x, tt.lo, tt.hi, got, tt.want)
		}
	}
}

func TestUniformDistribution(t *testing.T) {
	const lo, hi, draws = 100, 199, 100_000
	for _, src := range []Source{nil, rand.NewPCG(1, 2)} {
		var count [hi - lo + 1]int
		for range draws {
			d := Uniform(src, lo, hi)
			if d < lo || d > hi {
				t.Fatalf("Uniform(%T, %d, %d) = %d, out of range", src, lo, hi, d)
			}
			count[d-lo]++
		}
		for i, c := range count {
			if want := draws / len(count); c < want*7/10 || c > want*13/10 {
				t.Errorf("Uniform(%T): %d drawn %d times, want about %d", src, lo+i, c, want)
			}
		}
	}
}

func FuzzExp(f *testing.F) {
	f.Add(int64(time.Second), int64(time.Minute), 3)
	f.Add(int64(1), int64(Max), 63)
	f.Add(int64(1), int64(Max), 64)
	f.Add(int64(Max), int64(Max), math.MaxInt)
	f.Add(int64(3), int64(Max), math.MinInt)
	f.Add(int64(-1), int64(math.MinInt64), -1)
	f.Add(int64(-25), int64(math.MaxInt64-66), 106)
	f.Fuzz(func(t *testing.T, base, limit int64, n int) {
		got := Exp(time.Duration(base), time.Duration(limit), n)
		shift := uint(min(max(n, 1)-1, 64)) // beyond 64 doublings any positive base is past Max
		want := new(big.Int).Lsh(big.NewInt(max(base, 0)), shift)
		if l := big.NewInt(max(limit, 0)); want.Cmp(l) > 0 {
			want = l
		}
		if got != sat(want) {
			t.Fatalf("Exp(%d, %d, %d) = %d, want %d", base, limit, n, got, sat(want))
		}
	})
}

// FuzzPow checks Pow against math/big for every base and exponent.
func FuzzPow(f *testing.F) {
	f.Add(3, 34)
	f.Add(3, 40)
	f.Add(2, 63)
	f.Add(3037000499, 2)
	f.Add(math.MaxInt, math.MaxInt)
	f.Add(-2, 3)
	f.Add(0, 0)
	f.Add(7, math.MinInt)
	f.Fuzz(func(t *testing.T, x, n int) {
		got := Pow(x, n)
		var want *big.Int
		switch {
		case n <= 0:
			want = big.NewInt(1)
		case x <= 1:
			want = big.NewInt(int64(max(x, 0)))
		default: // x >= 2: beyond 64 factors the power is past math.MaxInt
			want = new(big.Int).Exp(big.NewInt(int64(x)), big.NewInt(int64(min(n, 64))), nil)
		}
		if got < 0 || time.Duration(got) != sat(want) {
			t.Fatalf("Pow(%d, %d) = %d, want %d", x, n, got, sat(want))
		}
	})
}

func FuzzAdd(f *testing.F) {
	f.Add(int64(1), int64(2))
	f.Add(int64(math.MaxInt64), int64(1))
	f.Add(int64(math.MinInt64), int64(math.MinInt64))
	f.Add(int64(math.MinInt64), int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, a, b int64) {
		got := Add(time.Duration(a), time.Duration(b))
		want := sat(new(big.Int).Add(big.NewInt(a), big.NewInt(b)))
		if got != want {
			t.Fatalf("Add(%d, %d) = %d, want %d", a, b, got, want)
		}
	})
}

func FuzzMul(f *testing.F) {
	f.Add(int64(time.Second), 3)
	f.Add(int64(math.MaxInt64), 2)
	f.Add(int64(math.MinInt64), -1)
	f.Add(int64(-1), math.MinInt)
	f.Add(int64(math.MinInt64), math.MinInt)
	f.Fuzz(func(t *testing.T, d int64, n int) {
		got := Mul(time.Duration(d), n)
		want := sat(new(big.Int).Mul(big.NewInt(d), big.NewInt(int64(n))))
		if got != want {
			t.Fatalf("Mul(%d, %d) = %d, want %d", d, n, got, want)
		}
	})
}

func FuzzFromFloat(f *testing.F) {
	for _, x := range []float64{0, -1, 1.5, 1 << 63, math.Nextafter(1<<63, 0), math.Inf(1), math.NaN()} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, ns float64) {
		got := FromFloat(ns)
		switch {
		case math.IsNaN(ns) || ns <= 0:
			if got != 0 {
				t.Fatalf("FromFloat(%g) = %d, want 0", ns, got)
			}
		case ns >= 1<<63:
			if got != Max {
				t.Fatalf("FromFloat(%g) = %d, want Max", ns, got)
			}
		case float64(got) > ns || ns-float64(got) >= 1:
			t.Fatalf("FromFloat(%g) = %d, want its integer part", ns, got)
		}
	})
}

func FuzzUniform(f *testing.F) {
	f.Add(int64(0), int64(10), uint64(0))
	f.Add(int64(0), int64(math.MaxInt64), uint64(math.MaxUint64))
	f.Add(int64(math.MinInt64), int64(math.MaxInt64), uint64(1<<63))
	f.Add(int64(10), int64(5), uint64(7))
	f.Add(int64(-10), int64(-5), uint64(7))
	f.Fuzz(func(t *testing.T, lo, hi int64, x uint64) {
		got := Uniform(constSource(x), time.Duration(lo), time.Duration(hi))
		l, h := max(lo, 0), max(hi, 0)
		if h <= l {
			if int64(got) != l {
				t.Fatalf("Uniform(%#x, %d, %d) = %d, want %d", x, lo, hi, got, l)
			}
			return
		}
		if int64(got) < l || int64(got) > h {
			t.Fatalf("Uniform(%#x, %d, %d) = %d, out of [%d, %d]", x, lo, hi, got, l, h)
		}
		// The draw is monotonic in x: 0 gives lo and MaxUint64 gives hi.
		if x == 0 && int64(got) != l || x == math.MaxUint64 && int64(got) != h {
			t.Fatalf("Uniform(%#x, %d, %d) = %d, want an end of the range", x, lo, hi, got)
		}
	})
}

func BenchmarkUniform(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		Uniform(nil, 0, Max)
	}
}

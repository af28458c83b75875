package wait_test

import (
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

func TestCombine(t *testing.T) {
	s := time.Second
	chained := wait.Chain(wait.Fixed(s), wait.Fixed(2*s), wait.Exponential(s, time.Minute, 2))
	checkSequences(t, []sequenceCase{
		{"Chain", chained, []int{1, 2, 3, 4, 5, 100, math.MaxInt, 0, math.MinInt},
			[]time.Duration{s, 2 * s, 4 * s, 8 * s, 16 * s, time.Minute, time.Minute, s, s}},
		{"Chain/one", wait.Chain(wait.Fixed(s)), []int{1, math.MaxInt}, []time.Duration{s, s}},
		{"Chain/negative", wait.Chain(negative, wait.Fixed(s)), []int{1, 2}, []time.Duration{0, s}},
		{"Sum", wait.Sum(wait.Fixed(s), wait.Incrementing(0, time.Minute, s), negative), []int{1, 2, 3, 100},
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
	if got := chain.Wait(at(1)); got != time.Second {
		t.Errorf("Chain: got %v, want 1s", got)
	}
	if got := sum.Wait(at(1)); got != 2*time.Second {
		t.Errorf("Sum: got %v, want 2s", got)
	}
}

// TestChainSeesAttempt checks that Chain hands each Wait the Attempt unchanged.
func TestChainSeesAttempt(t *testing.T) {
	var seen []retry.Attempt
	record := retry.WaitFunc(func(a retry.Attempt) time.Duration { seen = append(seen, a); return 0 })
	w := wait.Chain(wait.None(), record)
	a := retry.Attempt{Number: 7, PrevDelay: time.Second, Elapsed: time.Minute}
	w.Wait(a)
	if len(seen) != 1 || seen[0] != a {
		t.Errorf("got %+v, want [%+v]", seen, a)
	}
}

// TestSumClampSeeAttempt checks that Sum and Clamp hand their Waits the Attempt
// unchanged, which Decorrelated relies on.
func TestSumClampSeeAttempt(t *testing.T) {
	a := retry.Attempt{Number: 7, PrevDelay: time.Second, Elapsed: time.Minute}
	for name, mk := range map[string]func(retry.Wait) retry.Wait{
		"Sum":   func(w retry.Wait) retry.Wait { return wait.Sum(wait.None(), w) },
		"Clamp": func(w retry.Wait) retry.Wait { return wait.Clamp(w, time.Second, time.Minute) },
	} {
		var seen []retry.Attempt
		record := retry.WaitFunc(func(a retry.Attempt) time.Duration { seen = append(seen, a); return 0 })
		mk(record).Wait(a)
		if len(seen) != 1 || seen[0] != a {
			t.Errorf("%s: got %+v, want [%+v]", name, seen, a)
		}
	}
}

func TestClamp(t *testing.T) {
	s := time.Second
	tests := []struct {
		name            string
		w               retry.Wait
		floor, maxPause time.Duration
		ns              []int
		want            []time.Duration
		wantPanic       string // "" for none
	}{
		{"within", wait.Incrementing(0, time.Minute, s), 2 * s, 4 * s, []int{1, 2, 3, 4, 5, 6, math.MaxInt},
			[]time.Duration{2 * s, 2 * s, 2 * s, 3 * s, 4 * s, 4 * s, 4 * s}, ""},
		{"max only", wait.Fixed(time.Hour), 0, time.Minute, []int{1, math.MaxInt}, []time.Duration{time.Minute, time.Minute}, ""},
		{"floor only", wait.Fixed(s), 5 * s, maxDur, []int{1, math.MaxInt}, []time.Duration{5 * s, 5 * s}, ""},
		{"unchanged", wait.Fixed(3 * s), s, 5 * s, []int{1}, []time.Duration{3 * s}, ""},
		{"at the ends", wait.Chain(wait.Fixed(s), wait.Fixed(5*s)), s, 5 * s, []int{1, 2}, []time.Duration{s, 5 * s}, ""},
		{"point", wait.FullJitter(s, time.Minute, highest), 3 * s, 3 * s, firstFive,
			[]time.Duration{3 * s, 3 * s, 3 * s, 3 * s, 3 * s}, ""},
		{"zero", wait.Fixed(time.Hour), 0, 0, []int{1}, []time.Duration{0}, ""},
		{"negative counts as 0", negative, 0, s, []int{1}, []time.Duration{0}, ""},
		{"negative lifted to floor", negative, 2 * s, 3 * s, []int{1}, []time.Duration{2 * s}, ""},
		// Jitter below the floor is lost: every such draw lands on the floor.
		{"jitter/lowest", wait.FullJitter(s, time.Minute, lowest), 2 * s, time.Minute, firstFive,
			[]time.Duration{2 * s, 2 * s, 2 * s, 2 * s, 2 * s}, ""},
		{"jitter/highest", wait.FullJitter(s, time.Minute, highest), 2 * s, 10 * s, []int{1, 2, 3, 4, 5, math.MaxInt},
			[]time.Duration{2 * s, 2 * s, 4 * s, 8 * s, 10 * s, 10 * s}, ""},
		{"largest", wait.Fixed(maxDur), 0, maxDur, []int{1}, []time.Duration{maxDur}, ""},
		{"saturated sum", wait.Sum(wait.Fixed(maxDur), wait.Fixed(maxDur)), s, time.Minute, []int{1}, []time.Duration{time.Minute}, ""},
		{"nil", nil, 0, s, nil, nil, "wait: Clamp: nil strategy"},
		{"nil and bad bounds", nil, -s, -2 * s, nil, nil, "wait: Clamp: nil strategy"},
		{"negative floor", wait.None(), -s, s, nil, nil, "wait: Clamp: negative floor -1s"},
		{"negative floor/min", wait.None(), minDur, 0, nil, nil, "wait: Clamp: negative floor -2562047h47m16.854775808s"},
		{"max below floor", wait.None(), 2 * s, s, nil, nil, "wait: Clamp: max 1s below floor 2s"},
		{"negative max", wait.None(), 0, -1, nil, nil, "wait: Clamp: max -1ns below floor 0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w retry.Wait
			msg, panicked := panicMessage(func() { w = wait.Clamp(tt.w, tt.floor, tt.maxPause) })
			switch {
			case tt.wantPanic == "" && panicked:
				t.Fatalf("got panic %q, want none", msg)
			case tt.wantPanic != "" && !panicked:
				t.Fatalf("got no panic, want %q", tt.wantPanic)
			case msg != tt.wantPanic:
				t.Fatalf("got panic %q, want %q", msg, tt.wantPanic)
			}
			for i, n := range tt.ns {
				if got := w.Wait(at(n)); got != tt.want[i] {
					t.Errorf("attempt %d: got %v, want %v", n, got, tt.want[i])
				}
			}
		})
	}
}

// constWait returns a Wait that always returns d, even a negative d: the fuzz
// tests use it to stand for any Wait's pause.
func constWait(d time.Duration) retry.Wait {
	return retry.WaitFunc(func(retry.Attempt) time.Duration { return d })
}

// FuzzSum checks that Sum never overflows, never goes negative and is exactly the
// saturated sum of the parts, a negative one counted as 0, whatever the Waits
// return.
func FuzzSum(f *testing.F) {
	f.Add(int64(1), int64(2))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64))
	f.Add(int64(math.MinInt64), int64(math.MaxInt64))
	f.Add(int64(-1), int64(-1))
	f.Fuzz(func(t *testing.T, x, y int64) {
		a, b := time.Duration(x), time.Duration(y)
		sum := wait.Sum(constWait(a), constWait(b)).Wait(at(1))
		if sum < 0 || sum < max(a, 0) || sum < max(b, 0) {
			t.Fatalf("Sum(%v, %v): got %v, want no negative and no smaller than a part", a, b, sum)
		}
		want := new(big.Int).Add(big.NewInt(max(x, 0)), big.NewInt(max(y, 0)))
		if want.Cmp(big.NewInt(math.MaxInt64)) > 0 {
			want.SetInt64(math.MaxInt64)
		}
		if sum != time.Duration(want.Int64()) {
			t.Fatalf("Sum(%v, %v): got %v, want %v", a, b, sum, time.Duration(want.Int64()))
		}
	})
}

// FuzzClamp checks that every pause of Clamp lies within [floor, max] and is
// w's pause, a negative one counted as 0, moved to the nearer end when outside,
// whatever w returns; that a max alone (floor 0) and a floor alone (max
// the largest duration) keep their bound; and that invalid bounds panic at
// construction.
func FuzzClamp(f *testing.F) {
	f.Add(int64(1), int64(2), int64(3))
	f.Add(int64(math.MaxInt64), int64(0), int64(math.MaxInt64))
	f.Add(int64(math.MinInt64), int64(0), int64(math.MaxInt64))
	f.Add(int64(-1), int64(5), int64(7))
	f.Add(int64(time.Hour), int64(time.Second), int64(time.Minute))
	f.Add(int64(time.Second), int64(-1), int64(time.Minute))
	f.Add(int64(time.Second), int64(time.Minute), int64(time.Second))
	f.Fuzz(func(t *testing.T, x, floor, maxPause int64) {
		d, fl, c := time.Duration(x), time.Duration(floor), time.Duration(maxPause)
		w := constWait(d)
		if maxPause >= 0 { // a max alone, tenacity's max
			if got := wait.Clamp(w, 0, c).Wait(at(1)); got < 0 || got > c {
				t.Fatalf("Clamp(%v, 0, %v): got %v, want within [0, %v]", d, c, got, c)
			}
		}
		if floor >= 0 { // a floor alone, tenacity's min
			if got := wait.Clamp(w, fl, maxDur).Wait(at(1)); got < fl || got < d {
				t.Fatalf("Clamp(%v, %v, max): got %v, want at least both", d, fl, got)
			}
		}
		mk := func() { wait.Clamp(w, fl, c) }
		if floor < 0 || maxPause < floor {
			mustPanic(t, "wait: Clamp: ", mk)
			return
		}
		got := wait.Clamp(w, fl, c).Wait(at(1))
		if got < fl || got > c {
			t.Fatalf("Clamp(%v, %v, %v): got %v, want within [%v, %v]", d, fl, c, got, fl, c)
		}
		if want := min(max(d, 0, fl), c); got != want {
			t.Fatalf("Clamp(%v, %v, %v): got %v, want %v", d, fl, c, got, want)
		}
	})
}

package stop_test

import (
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
)

const maxDuration = time.Duration(math.MaxInt64)

func TestAfterElapsed(t *testing.T) {
	tests := []struct {
		d, elapsed, delay time.Duration
		want              bool
	}{
		{d: time.Second, elapsed: 0, want: false},
		{d: time.Second, elapsed: time.Second - 1, want: false}, // just below
		{d: time.Second, elapsed: time.Second, want: true},      // at
		{d: time.Second, elapsed: time.Second + 1, want: true},  // just above
		{d: time.Second, elapsed: -time.Second, want: false},
		// It looks back only: the coming pause does not count.
		{d: time.Second, elapsed: time.Second - 1, delay: maxDuration, want: false},
		{d: maxDuration, elapsed: maxDuration - 1, want: false},
		{d: maxDuration, elapsed: maxDuration, want: true},
		{d: 1, elapsed: 1, want: true},
	}
	for _, tt := range tests {
		a := retry.Attempt{Number: 1, Elapsed: tt.elapsed, Delay: tt.delay}
		if got := stop.AfterElapsed(tt.d).Stop(a); got != tt.want {
			t.Errorf("AfterElapsed(%v) at elapsed %v, delay %v: got %v, want %v",
				tt.d, tt.elapsed, tt.delay, got, tt.want)
		}
	}
}

func TestBeforeElapsed(t *testing.T) {
	tests := []struct {
		name              string
		d, elapsed, delay time.Duration
		want              bool
	}{
		{"first attempt, no pause", time.Second, 0, 0, false},
		{"sum just below", time.Second, 600 * time.Millisecond, 400*time.Millisecond - 1, false},
		{"sum at", time.Second, 600 * time.Millisecond, 400 * time.Millisecond, true},
		{"sum just above", time.Second, 600 * time.Millisecond, 400*time.Millisecond + 1, true},
		{"elapsed just below, no pause", time.Second, time.Second - 1, 0, false},
		{"elapsed at, no pause", time.Second, time.Second, 0, true},
		{"elapsed above, no pause", time.Second, time.Second + 1, 0, true},
		{"pause alone at", time.Second, 0, time.Second, true},
		{"negative delay counts as zero", time.Second, time.Second - 1, -time.Hour, false},
		{"negative elapsed counts as zero", time.Second, -time.Hour, time.Second - 1, false},
		{"negative elapsed, pause at", time.Second, -time.Hour, time.Second, true},
		// Saturation: a plain Elapsed+Delay would wrap around to a negative sum and
		// never stop.
		{"huge delay", time.Second, 1, maxDuration, true},
		{"huge delay, large elapsed", time.Hour, time.Hour - 1, maxDuration, true},
		{"huge both", maxDuration, maxDuration, maxDuration, true},
		{"huge d, sum just below", maxDuration, maxDuration / 2, maxDuration/2 + 0, false},
		{"huge d, sum at", maxDuration, maxDuration/2 + 1, maxDuration / 2, true},
		{"huge d, huge delay", maxDuration, 1, maxDuration, true},
		{"huge d, min elapsed", maxDuration, math.MinInt64, maxDuration - 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := retry.Attempt{Number: 2, Elapsed: tt.elapsed, Delay: tt.delay}
			if got := stop.BeforeElapsed(tt.d).Stop(a); got != tt.want {
				t.Errorf("BeforeElapsed(%v) at elapsed %v, delay %v: got %v, want %v",
					tt.d, tt.elapsed, tt.delay, got, tt.want)
			}
		})
	}
}

// FuzzBeforeElapsed checks BeforeElapsed against the same rule computed on
// unbounded integers.
func FuzzBeforeElapsed(f *testing.F) {
	f.Add(int64(time.Second), int64(0), int64(0))
	f.Add(int64(time.Second), int64(time.Second-1), int64(1))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MaxInt64))
	f.Add(int64(1), int64(math.MinInt64), int64(math.MinInt64))
	f.Fuzz(func(t *testing.T, d, elapsed, delay int64) {
		if d <= 0 {
			t.Skip()
		}
		sum := new(big.Int).Add(big.NewInt(max(elapsed, 0)), big.NewInt(max(delay, 0)))
		want := sum.Cmp(big.NewInt(d)) >= 0
		a := retry.Attempt{Elapsed: time.Duration(elapsed), Delay: time.Duration(delay)}
		if got := stop.BeforeElapsed(time.Duration(d)).Stop(a); got != want {
			t.Errorf("BeforeElapsed(%d) at elapsed %d, delay %d: got %v, want %v",
				d, elapsed, delay, got, want)
		}
	})
}

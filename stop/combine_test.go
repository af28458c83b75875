package stop_test

import (
	"testing"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
)

// constStop returns a Stop with a fixed answer that counts its calls in *calls.
func constStop(v bool, calls *int) retry.Stop {
	return retry.StopFunc(func(retry.Attempt) bool { *calls++; return v })
}

func TestAnyAll(t *testing.T) {
	tests := []struct {
		name     string
		in       []bool
		wantAny  bool
		wantAll  bool
		anyCalls int // how many Stops Any asks before it knows
		allCalls int
	}{
		{"F", []bool{false}, false, false, 1, 1},
		{"T", []bool{true}, true, true, 1, 1},
		{"FF", []bool{false, false}, false, false, 2, 1},
		{"FT", []bool{false, true}, true, false, 2, 1},
		{"TF", []bool{true, false}, true, false, 1, 2},
		{"TT", []bool{true, true}, true, true, 1, 2},
		{"FFF", []bool{false, false, false}, false, false, 3, 1},
		{"FFT", []bool{false, false, true}, true, false, 3, 1},
		{"TTF", []bool{true, true, false}, true, false, 1, 3},
		{"TTT", []bool{true, true, true}, true, true, 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls int
			stops := make([]retry.Stop, len(tt.in))
			for i, v := range tt.in {
				stops[i] = constStop(v, &calls)
			}
			a := retry.Attempt{Number: 1}

			calls = 0
			if got := stop.Any(stops...).Stop(a); got != tt.wantAny {
				t.Errorf("Any: got %v, want %v", got, tt.wantAny)
			}
			if calls != tt.anyCalls {
				t.Errorf("Any asked %d Stops, want %d", calls, tt.anyCalls)
			}

			calls = 0
			if got := stop.All(stops...).Stop(a); got != tt.wantAll {
				t.Errorf("All: got %v, want %v", got, tt.wantAll)
			}
			if calls != tt.allCalls {
				t.Errorf("All asked %d Stops, want %d", calls, tt.allCalls)
			}
		})
	}
}

// TestAnyAllCopy checks that Any and All keep their own copy of the slice.
func TestAnyAllCopy(t *testing.T) {
	never, always := stop.Never(), stop.AfterAttempts(1)
	stops := []retry.Stop{never, never}
	anyStop, allStop := stop.Any(stops...), stop.All(stops...)
	stops[0], stops[1] = always, always
	a := retry.Attempt{Number: 1}
	if anyStop.Stop(a) {
		t.Error("Any after the slice changed: got true, want false")
	}
	if allStop.Stop(a) {
		t.Error("All after the slice changed: got true, want false")
	}
}

// TestAnyAllReal combines real constructors on the attempts at their boundaries.
func TestAnyAllReal(t *testing.T) {
	attempts := stop.AfterAttempts(3)
	closed := make(chan struct{})
	signal := stop.WhenClosed(closed)
	anyStop, allStop := stop.Any(attempts, signal), stop.All(attempts, signal)
	check := func(when string, number int, wantAny, wantAll bool) {
		t.Helper()
		a := retry.Attempt{Number: number}
		if got := anyStop.Stop(a); got != wantAny {
			t.Errorf("Any %s at attempt %d: got %v, want %v", when, number, got, wantAny)
		}
		if got := allStop.Stop(a); got != wantAll {
			t.Errorf("All %s at attempt %d: got %v, want %v", when, number, got, wantAll)
		}
	}
	check("before close", 2, false, false)
	check("before close", 3, true, false)
	close(closed)
	check("after close", 2, true, false)
	check("after close", 3, true, true)
}

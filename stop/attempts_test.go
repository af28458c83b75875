package stop_test

import (
	"math"
	"testing"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
)

func TestAfterAttempts(t *testing.T) {
	tests := []struct {
		n, number int
		want      bool
	}{
		{n: 1, number: 1, want: true},
		{n: 1, number: 2, want: true},
		{n: 3, number: 1, want: false},
		{n: 3, number: 2, want: false}, // n-1
		{n: 3, number: 3, want: true},  // n
		{n: 3, number: 4, want: true},  // n+1
		{n: math.MaxInt, number: math.MaxInt - 1, want: false},
		{n: math.MaxInt, number: math.MaxInt, want: true},
	}
	for _, tt := range tests {
		got := stop.AfterAttempts(tt.n).Stop(retry.Attempt{Number: tt.number})
		if got != tt.want {
			t.Errorf("AfterAttempts(%d) at attempt %d: got %v, want %v", tt.n, tt.number, got, tt.want)
		}
	}
}

func TestNever(t *testing.T) {
	s := stop.Never()
	for _, a := range []retry.Attempt{
		{},
		{Number: 1},
		{Number: math.MaxInt, Elapsed: math.MaxInt64, Delay: math.MaxInt64, Slept: math.MaxInt64},
	} {
		if s.Stop(a) {
			t.Errorf("Never()(%+v): got true, want false", a)
		}
	}
}

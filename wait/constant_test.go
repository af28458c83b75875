package wait_test

import (
	"math"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

// sequenceCase is a deterministic Wait and its exact pause after each attempt in ns.
type sequenceCase struct {
	name string
	w    retry.Wait
	ns   []int
	want []time.Duration
}

// firstFive are the attempt numbers of most sequence tests.
var firstFive = []int{1, 2, 3, 4, 5}

func checkSequences(t *testing.T, tests []sequenceCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, n := range tt.ns {
				if got := tt.w.Wait(at(n)); got != tt.want[i] {
					t.Errorf("attempt %d: got %v, want %v", n, got, tt.want[i])
				}
			}
		})
	}
}

func TestConstant(t *testing.T) {
	s := time.Second
	checkSequences(t, []sequenceCase{
		{"None", wait.None(), []int{1, 2, math.MaxInt, 0}, []time.Duration{0, 0, 0, 0}},
		{"Fixed", wait.Fixed(s), []int{1, 2, math.MaxInt, 0}, []time.Duration{s, s, s, s}},
		{"Fixed/zero", wait.Fixed(0), []int{1, 2, math.MaxInt}, []time.Duration{0, 0, 0}},
		{"Fixed/max", wait.Fixed(maxDur), []int{1, math.MaxInt}, []time.Duration{maxDur, maxDur}},
	})
}

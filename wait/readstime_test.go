package wait_test

import (
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

// TestReadsTime checks what every Wait of the package tells a call about reading
// time: none reads it, and Chain, Sum and Clamp read it exactly when a Wait they
// combine does, such as a function adapted with retry.WaitFunc.
func TestReadsTime(t *testing.T) {
	s := time.Second
	fixed := wait.Fixed(s)
	jitter := wait.FullJitter(s, time.Minute)
	adapted := retry.WaitFunc(func(a retry.Attempt) time.Duration { return a.Elapsed }) // assumed to read time
	tests := []struct {
		name string
		w    retry.Wait
		want bool
	}{
		{"None", wait.None(), false},
		{"Fixed", wait.Fixed(s), false},
		{"Random", wait.Random(s, 2*s), false},
		{"Random/source", wait.Random(s, 2*s, seeded()), false},
		{"Incrementing", wait.Incrementing(s, time.Minute, s), false},
		{"Exponential", wait.Exponential(s, time.Minute, 2), false},
		{"Exponential/fractional", wait.Exponential(s, time.Minute, 1.5), false},
		{"ExponentialJitter", wait.ExponentialJitter(s, time.Minute, 2, s), false},
		{"FullJitter", wait.FullJitter(s, time.Minute), false},
		{"FullJitter/source", wait.FullJitter(s, time.Minute, seeded()), false},
		{"FullJitterFloor", wait.FullJitterFloor(s, time.Minute, s/2), false},
		{"EqualJitter", wait.EqualJitter(s, time.Minute), false},
		{"Decorrelated", wait.Decorrelated(s, time.Minute), false},
		{"WaitFunc", adapted, true},

		{"Chain/one blind", wait.Chain(fixed), false},
		{"Chain/one WaitFunc", wait.Chain(adapted), true},
		{"Chain/blind", wait.Chain(wait.None(), fixed, jitter), false},
		{"Chain/WaitFunc first", wait.Chain(adapted, fixed, jitter), true},
		{"Chain/WaitFunc last", wait.Chain(wait.None(), fixed, adapted), true},
		{"Chain/nested blind", wait.Chain(fixed, wait.Sum(fixed, jitter)), false},
		{"Chain/nested WaitFunc", wait.Chain(fixed, wait.Clamp(adapted, 0, s)), true},

		{"Sum/one blind", wait.Sum(jitter), false},
		{"Sum/one WaitFunc", wait.Sum(adapted), true},
		{"Sum/blind", wait.Sum(fixed, wait.Incrementing(0, time.Minute, s), jitter), false},
		{"Sum/WaitFunc first", wait.Sum(adapted, fixed), true},
		{"Sum/WaitFunc last", wait.Sum(fixed, jitter, adapted), true},
		{"Sum/nested blind", wait.Sum(fixed, wait.Chain(wait.None(), jitter)), false},
		{"Sum/nested WaitFunc", wait.Sum(wait.Chain(fixed, adapted), jitter), true},

		{"Clamp/blind", wait.Clamp(jitter, s, time.Minute), false},
		{"Clamp/WaitFunc", wait.Clamp(adapted, s, time.Minute), true},
		{"Clamp/nested blind", wait.Clamp(wait.Sum(fixed, jitter), 0, time.Minute), false},
		{"Clamp/nested WaitFunc", wait.Clamp(wait.Sum(fixed, adapted), 0, time.Minute), true},
	}
	for _, tt := range tests {
		if got := retry.ReadsTime(tt.w); got != tt.want {
			t.Errorf("ReadsTime(%s): got %v, want %v", tt.name, got, tt.want)
		}
	}
}

package wait_test

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

func TestConstructorPanics(t *testing.T) {
	s := time.Second
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name      string
		make      func()
		wantPanic string // "" for none
	}{
		{"Fixed/zero", func() { wait.Fixed(0) }, ""},
		{"Fixed/negative", func() { wait.Fixed(-1) }, "wait: Fixed: negative duration -1ns"},

		{"Random/zero", func() { wait.Random(0, 0) }, ""},
		{"Random/all", func() { wait.Random(0, maxDur) }, ""},
		{"Random/negative floor", func() { wait.Random(-s, s) }, "wait: Random: negative floor -1s"},
		{"Random/max below floor", func() { wait.Random(2*s, s) }, "wait: Random: max 1s below floor 2s"},
		{"Random/nil source", func() { wait.Random(0, s, wait.WithSource(nil)) }, "wait: WithSource: nil source"},

		{"Incrementing/negative step", func() { wait.Incrementing(0, 0, minDur) }, ""},
		{"Incrementing/base above max", func() { wait.Incrementing(2*s, s, s) }, ""},
		{"Incrementing/negative base", func() { wait.Incrementing(-s, s, s) }, "wait: Incrementing: negative base -1s"},
		{"Incrementing/negative max", func() { wait.Incrementing(s, -s, s) }, "wait: Incrementing: negative max -1s"},

		{"Exponential/zero", func() { wait.Exponential(0, 0, 1) }, ""},
		{"Exponential/largest factor", func() { wait.Exponential(s, maxDur, math.MaxFloat64) }, ""},
		{"Exponential/base above max", func() { wait.Exponential(2*s, s, 2) }, ""},
		{"Exponential/negative base", func() { wait.Exponential(-s, s, 2) }, "wait: Exponential: negative base -1s"},
		{"Exponential/negative max", func() { wait.Exponential(s, -1, 2) }, "wait: Exponential: negative max -1ns"},
		{"Exponential/NaN factor", func() { wait.Exponential(s, s, nan) }, "wait: Exponential: factor NaN not a finite number >= 1"},
		{"Exponential/Inf factor", func() { wait.Exponential(s, s, inf) }, "wait: Exponential: factor +Inf not a finite number >= 1"},
		{"Exponential/-Inf factor", func() { wait.Exponential(s, s, -inf) }, "wait: Exponential: factor -Inf not a finite number >= 1"},
		{"Exponential/factor below 1", func() { wait.Exponential(s, s, 0.5) }, "wait: Exponential: factor 0.5 not a finite number >= 1"},
		{"Exponential/zero factor", func() { wait.Exponential(s, s, 0) }, "wait: Exponential: factor 0 not a finite number >= 1"},
		{"Exponential/negative factor", func() { wait.Exponential(s, s, -2) }, "wait: Exponential: factor -2 not a finite number >= 1"},

		{"ExponentialJitter/zero", func() { wait.ExponentialJitter(0, 0, 1, 0) }, ""},
		{"ExponentialJitter/base above max", func() { wait.ExponentialJitter(2*s, s, 2, 0) }, ""},
		{"ExponentialJitter/negative base", func() { wait.ExponentialJitter(-s, s, 2, 0) }, "wait: ExponentialJitter: negative base -1s"},
		{"ExponentialJitter/negative max", func() { wait.ExponentialJitter(s, -s, 2, 0) }, "wait: ExponentialJitter: negative max -1s"},
		{"ExponentialJitter/NaN factor", func() { wait.ExponentialJitter(s, s, nan, 0) }, "wait: ExponentialJitter: factor NaN not a finite number >= 1"},
		{"ExponentialJitter/Inf factor", func() { wait.ExponentialJitter(s, s, inf, 0) }, "wait: ExponentialJitter: factor +Inf not a finite number >= 1"},
		{"ExponentialJitter/factor below 1", func() { wait.ExponentialJitter(s, s, 0.99, 0) }, "wait: ExponentialJitter: factor 0.99 not a finite number >= 1"},
		{"ExponentialJitter/negative jitter", func() { wait.ExponentialJitter(s, s, 2, -1) }, "wait: ExponentialJitter: negative jitter -1ns"},

		{"FullJitter/equal", func() { wait.FullJitter(s, s) }, ""},
		{"FullJitter/max", func() { wait.FullJitter(maxDur, maxDur) }, ""},
		{"FullJitter/zero base", func() { wait.FullJitter(0, s) }, "wait: FullJitter: base 0s not positive"},
		{"FullJitter/negative base", func() { wait.FullJitter(-s, s) }, "wait: FullJitter: base -1s not positive"},
		{"FullJitter/max below base", func() { wait.FullJitter(2*s, s) }, "wait: FullJitter: max 1s below base 2s"},
		{"FullJitter/negative max", func() { wait.FullJitter(s, -s) }, "wait: FullJitter: max -1s below base 1s"},
		{"FullJitter/nil source", func() { wait.FullJitter(s, s, wait.WithSource(nil)) }, "wait: WithSource: nil source"},
		{"FullJitter/zero Option", func() { wait.FullJitter(s, s, wait.Option{}) }, ""},

		{"FullJitterFloor/zero floor", func() { wait.FullJitterFloor(s, 2*s, 0) }, ""},
		{"FullJitterFloor/floor below base", func() { wait.FullJitterFloor(2*s, 3*s, s) }, ""},
		{"FullJitterFloor/floor above base", func() { wait.FullJitterFloor(s, 3*s, 2*s) }, ""},
		{"FullJitterFloor/floor at max", func() { wait.FullJitterFloor(s, 3*s, 3*s) }, ""},
		{"FullJitterFloor/max", func() { wait.FullJitterFloor(maxDur, maxDur, maxDur) }, ""},
		{"FullJitterFloor/zero base", func() { wait.FullJitterFloor(0, s, 0) }, "wait: FullJitterFloor: base 0s not positive"},
		{"FullJitterFloor/negative base", func() { wait.FullJitterFloor(-s, s, 0) }, "wait: FullJitterFloor: base -1s not positive"},
		{"FullJitterFloor/max below base", func() { wait.FullJitterFloor(2*s, s, 0) }, "wait: FullJitterFloor: max 1s below base 2s"},
		{"FullJitterFloor/negative floor", func() { wait.FullJitterFloor(s, 2*s, -s) }, "wait: FullJitterFloor: negative floor -1s"},
		{"FullJitterFloor/min floor", func() { wait.FullJitterFloor(s, 2*s, minDur) }, "wait: FullJitterFloor: negative floor -2562047h47m16.854775808s"},
		{"FullJitterFloor/max below floor", func() { wait.FullJitterFloor(s, 2*s, 3*s) }, "wait: FullJitterFloor: max 2s below floor 3s"},
		{"FullJitterFloor/nil source", func() { wait.FullJitterFloor(s, 2*s, s, wait.WithSource(nil)) }, "wait: WithSource: nil source"},
		{"FullJitterFloor/zero Option", func() { wait.FullJitterFloor(s, 2*s, s, wait.Option{}) }, ""},

		{"EqualJitter/equal", func() { wait.EqualJitter(s, s) }, ""},
		{"EqualJitter/zero base", func() { wait.EqualJitter(0, s) }, "wait: EqualJitter: base 0s not positive"},
		{"EqualJitter/max below base", func() { wait.EqualJitter(2*s, s) }, "wait: EqualJitter: max 1s below base 2s"},

		{"Decorrelated/equal", func() { wait.Decorrelated(s, s) }, ""},
		{"Decorrelated/zero base", func() { wait.Decorrelated(0, s) }, "wait: Decorrelated: base 0s not positive"},
		{"Decorrelated/negative base", func() { wait.Decorrelated(minDur, s) }, "wait: Decorrelated: base -2562047h47m16.854775808s not positive"},
		{"Decorrelated/max below base", func() { wait.Decorrelated(2*s, s) }, "wait: Decorrelated: max 1s below base 2s"},

		{"Chain/one", func() { wait.Chain(wait.None()) }, ""},
		{"Chain/empty", func() { wait.Chain() }, "wait: Chain: no strategies"},
		{"Chain/nil slice", func() { wait.Chain([]retry.Wait(nil)...) }, "wait: Chain: no strategies"},
		{"Chain/nil", func() { wait.Chain(nil) }, "wait: Chain: nil strategy at index 0"},
		{"Chain/second nil", func() { wait.Chain(wait.None(), nil) }, "wait: Chain: nil strategy at index 1"},

		{"Sum/one", func() { wait.Sum(wait.None()) }, ""},
		{"Sum/empty", func() { wait.Sum() }, "wait: Sum: no strategies"},
		{"Sum/nil", func() { wait.Sum(nil) }, "wait: Sum: nil strategy at index 0"},
		{"Sum/second nil", func() { wait.Sum(wait.None(), nil) }, "wait: Sum: nil strategy at index 1"},

		{"WithSource/PCG", func() { wait.WithSource(rand.NewPCG(1, 2)) }, ""},
		{"WithSource/Rand", func() { wait.WithSource(rand.New(rand.NewPCG(1, 2))) }, ""},
		{"WithSource/nil", func() { wait.WithSource(nil) }, "wait: WithSource: nil source"},
		{"WithSource/nil *PCG", func() { wait.WithSource((*rand.PCG)(nil)) }, "wait: WithSource: nil source *rand.PCG"},
		{"WithSource/nil *ChaCha8", func() { wait.WithSource((*rand.ChaCha8)(nil)) }, "wait: WithSource: nil source *rand.ChaCha8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, panicked := panicMessage(tt.make)
			switch {
			case tt.wantPanic == "" && panicked:
				t.Errorf("got panic %q, want none", msg)
			case tt.wantPanic != "" && !panicked:
				t.Errorf("got no panic, want %q", tt.wantPanic)
			case msg != tt.wantPanic:
				t.Errorf("got panic %q, want %q", msg, tt.wantPanic)
			}
		})
	}
}

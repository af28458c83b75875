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
		{"Random/negative min", func() { wait.Random(-s, s) }, "wait: Random: negative min -1s"},
		{"Random/max below min", func() { wait.Random(2*s, s) }, "wait: Random: max 1s below min 2s"},
		{"Random/nil source", func() { wait.Random(0, s, wait.WithSource(nil)) }, "wait: WithSource: nil source"},

		{"Incrementing/negative step", func() { wait.Incrementing(0, minDur, 0) }, ""},
		{"Incrementing/negative start", func() { wait.Incrementing(-s, s, s) }, "wait: Incrementing: negative start -1s"},
		{"Incrementing/negative max", func() { wait.Incrementing(s, s, -s) }, "wait: Incrementing: negative max -1s"},

		{"Exponential/zero", func() { wait.Exponential(0, 1, 0, 0) }, ""},
		{"Exponential/largest base", func() { wait.Exponential(s, math.MaxFloat64, 0, maxDur) }, ""},
		{"Exponential/negative multiplier", func() { wait.Exponential(-s, 2, 0, s) }, "wait: Exponential: negative multiplier -1s"},
		{"Exponential/NaN base", func() { wait.Exponential(s, nan, 0, s) }, "wait: Exponential: base NaN not a finite number >= 1"},
		{"Exponential/Inf base", func() { wait.Exponential(s, inf, 0, s) }, "wait: Exponential: base +Inf not a finite number >= 1"},
		{"Exponential/-Inf base", func() { wait.Exponential(s, -inf, 0, s) }, "wait: Exponential: base -Inf not a finite number >= 1"},
		{"Exponential/base below 1", func() { wait.Exponential(s, 0.5, 0, s) }, "wait: Exponential: base 0.5 not a finite number >= 1"},
		{"Exponential/zero base", func() { wait.Exponential(s, 0, 0, s) }, "wait: Exponential: base 0 not a finite number >= 1"},
		{"Exponential/negative base", func() { wait.Exponential(s, -2, 0, s) }, "wait: Exponential: base -2 not a finite number >= 1"},
		{"Exponential/negative min", func() { wait.Exponential(s, 2, -1, s) }, "wait: Exponential: negative min -1ns"},
		{"Exponential/max below min", func() { wait.Exponential(s, 2, 2*s, s) }, "wait: Exponential: max 1s below min 2s"},

		{"ExponentialJitter/zero", func() { wait.ExponentialJitter(0, 0, 1, 0) }, ""},
		{"ExponentialJitter/initial above max", func() { wait.ExponentialJitter(2*s, s, 2, 0) }, ""},
		{"ExponentialJitter/negative initial", func() { wait.ExponentialJitter(-s, s, 2, 0) }, "wait: ExponentialJitter: negative initial -1s"},
		{"ExponentialJitter/negative max", func() { wait.ExponentialJitter(s, -s, 2, 0) }, "wait: ExponentialJitter: negative max -1s"},
		{"ExponentialJitter/NaN base", func() { wait.ExponentialJitter(s, s, nan, 0) }, "wait: ExponentialJitter: expBase NaN not a finite number >= 1"},
		{"ExponentialJitter/Inf base", func() { wait.ExponentialJitter(s, s, inf, 0) }, "wait: ExponentialJitter: expBase +Inf not a finite number >= 1"},
		{"ExponentialJitter/base below 1", func() { wait.ExponentialJitter(s, s, 0.99, 0) }, "wait: ExponentialJitter: expBase 0.99 not a finite number >= 1"},
		{"ExponentialJitter/negative jitter", func() { wait.ExponentialJitter(s, s, 2, -1) }, "wait: ExponentialJitter: negative jitter -1ns"},

		{"FullJitter/equal", func() { wait.FullJitter(s, s) }, ""},
		{"FullJitter/max", func() { wait.FullJitter(maxDur, maxDur) }, ""},
		{"FullJitter/zero base", func() { wait.FullJitter(0, s) }, "wait: FullJitter: base 0s not positive"},
		{"FullJitter/negative base", func() { wait.FullJitter(-s, s) }, "wait: FullJitter: base -1s not positive"},
		{"FullJitter/cap below base", func() { wait.FullJitter(2*s, s) }, "wait: FullJitter: cap 1s below base 2s"},
		{"FullJitter/negative cap", func() { wait.FullJitter(s, -s) }, "wait: FullJitter: cap -1s below base 1s"},
		{"FullJitter/nil source", func() { wait.FullJitter(s, s, wait.WithSource(nil)) }, "wait: WithSource: nil source"},
		{"FullJitter/zero Option", func() { wait.FullJitter(s, s, wait.Option{}) }, ""},

		{"EqualJitter/equal", func() { wait.EqualJitter(s, s) }, ""},
		{"EqualJitter/zero base", func() { wait.EqualJitter(0, s) }, "wait: EqualJitter: base 0s not positive"},
		{"EqualJitter/cap below base", func() { wait.EqualJitter(2*s, s) }, "wait: EqualJitter: cap 1s below base 2s"},

		{"Decorrelated/equal", func() { wait.Decorrelated(s, s) }, ""},
		{"Decorrelated/zero base", func() { wait.Decorrelated(0, s) }, "wait: Decorrelated: base 0s not positive"},
		{"Decorrelated/negative base", func() { wait.Decorrelated(minDur, s) }, "wait: Decorrelated: base -2562047h47m16.854775808s not positive"},
		{"Decorrelated/cap below base", func() { wait.Decorrelated(2*s, s) }, "wait: Decorrelated: cap 1s below base 2s"},

		{"Chain/one", func() { wait.Chain(wait.None()) }, ""},
		{"Chain/empty", func() { wait.Chain() }, "wait: Chain: no strategies"},
		{"Chain/nil slice", func() { wait.Chain([]retry.Wait(nil)...) }, "wait: Chain: no strategies"},
		{"Chain/nil", func() { wait.Chain(nil) }, "wait: Chain: nil strategy at index 0"},
		{"Chain/second nil", func() { wait.Chain(wait.None(), nil) }, "wait: Chain: nil strategy at index 1"},

		{"Sum/one", func() { wait.Sum(wait.None()) }, ""},
		{"Sum/empty", func() { wait.Sum() }, "wait: Sum: no strategies"},
		{"Sum/nil", func() { wait.Sum(nil) }, "wait: Sum: nil strategy at index 0"},
		{"Sum/second nil", func() { wait.Sum(wait.None(), nil) }, "wait: Sum: nil strategy at index 1"},

		{"FromError/1ns", func() { wait.FromError(wait.None(), 1) }, ""},
		{"FromError/nil fallback", func() { wait.FromError(nil, s) }, "wait: FromError: nil fallback"},
		{"FromError/zero max", func() { wait.FromError(wait.None(), 0) }, "wait: FromError: max 0s not positive"},
		{"FromError/negative max", func() { wait.FromError(wait.None(), -s) }, "wait: FromError: max -1s not positive"},

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

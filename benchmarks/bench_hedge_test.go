package benchmarks

import (
	"context"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go"
	"github.com/failsafe-go/failsafe-go/hedgepolicy"

	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/retry"
)

// BenchmarkHedgeIdle is scenario 9: a call that may hedge but never does, as its
// operation answers long before the hedge delay (1s). "Do" is the same call
// without hedging, the baseline: the difference is what being ready to hedge
// costs a call (a goroutine for the attempt, the channel it reports on, the
// context that cancels it, the hedge timer). failsafe-go's hedge policy is
// measured the same way.
func BenchmarkHedgeIdle(b *testing.B) {
	ctx := context.Background()
	op := func(context.Context) (int, error) { return Work(1) } // captures nothing: op itself allocates nothing
	r := retry.Retrier[int]{Policy: &retry.Policy{Hedger: hedge.Fixed(time.Second, 1)}}
	plain := retry.Retrier[int]{}
	fs := failsafe.With(hedgepolicy.NewWithDelay[int](time.Second))
	for _, c := range []struct {
		name string
		call func() (int, error)
	}{
		{"tenacious Do", func() (int, error) { return plain.Do(ctx, op) }},
		{"tenacious Hedge", func() (int, error) { return r.Hedge(ctx, op) }},
		{"failsafe-go hedgepolicy", func() (int, error) {
			return fs.GetWithExecution(func(failsafe.Execution[int]) (int, error) { return Work(1) })
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				v, err := c.call()
				if err != nil {
					b.Fatal(err)
				}
				sink = v
			}
		})
	}
}

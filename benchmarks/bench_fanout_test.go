package benchmarks

import (
	"context"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/tenacious-go/tenacious/retry"
)

// Scenario 4 makes fanout calls, at most limit at a time.
const fanout, limit = 10_000, 64

// BenchmarkFanout is scenario 4: fanout calls that succeed at once, limit at a
// time, through errgroup with the direct call (the baseline) and with every
// library, and through tenacious's own Group and Map.
func BenchmarkFanout(b *testing.B) {
	b.Run("errgroup", func(b *testing.B) { benchErrgroup(b, Direct) })
	b.Run("tenacious-Group", benchGroup)
	b.Run("tenacious-Map", benchMap)
	for _, a := range Adapters {
		b.Run(a.Name, func(b *testing.B) { benchErrgroup(b, a.New(Backoff)) })
	}
}

func benchErrgroup(b *testing.B, do Retry) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		g, ctx := errgroup.WithContext(ctx)
		g.SetLimit(limit)
		for i := range fanout {
			g.Go(func() error {
				_, err := do(ctx, func(context.Context) (int, error) { return Work(i) })
				return err
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
}

func benchGroup(b *testing.B) {
	p := NewPolicy(Backoff)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		g, _ := retry.NewGroup(ctx, p)
		g.SetLimit(limit)
		for i := range fanout {
			g.Go(func(context.Context) error {
				_, err := Work(i)
				return err
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
}

func benchMap(b *testing.B) {
	p := NewPolicy(Backoff)
	inputs := make([]int, fanout)
	for i := range inputs {
		inputs[i] = i
	}
	f := func(_ context.Context, in int) (int, error) { return Work(in) }
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		out, err := retry.Map(ctx, p, inputs, limit, f)
		if err != nil {
			b.Fatal(err)
		}
		sink = out[len(out)-1]
	}
}

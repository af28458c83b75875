package retry

import (
	"context"
	"testing"

	"golang.org/x/sync/errgroup"
)

const benchTasks = 100

// BenchmarkGroup runs benchTasks successful tasks through a Group per op; compare with
// BenchmarkErrgroupBaseline, a hand-written errgroup loop making the same calls.
func BenchmarkGroup(b *testing.B) {
	b.ReportAllocs()
	p := benchPolicy()
	op := func(ctx context.Context) error { _, err := work(ctx, 7); return err }
	for b.Loop() {
		g, _ := NewGroup(context.Background(), p)
		g.SetLimit(64)
		for range benchTasks {
			g.Go(op)
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkErrgroupBaseline(b *testing.B) {
	b.ReportAllocs()
	p := benchPolicy()
	op := func(ctx context.Context) error { _, err := work(ctx, 7); return err }
	for b.Loop() {
		g, ctx := errgroup.WithContext(context.Background())
		g.SetLimit(64)
		for range benchTasks {
			g.Go(func() error { return p.Run(ctx, op) })
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMap10k maps 10,000 inputs with limit 64; BenchmarkMap10kErrgroup does the
// same with a hand-written errgroup loop.
func BenchmarkMap10k(b *testing.B) {
	b.ReportAllocs()
	p := benchPolicy()
	inputs := make([]int, 10_000)
	for b.Loop() {
		if _, err := Map(context.Background(), p, inputs, 64, work); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMap10kErrgroup(b *testing.B) {
	b.ReportAllocs()
	p := benchPolicy()
	inputs := make([]int, 10_000)
	for b.Loop() {
		out := make([]int, len(inputs))
		g, ctx := errgroup.WithContext(context.Background())
		g.SetLimit(64)
		for i, in := range inputs {
			g.Go(func() error {
				v, err := Do(ctx, p, func(ctx context.Context) (int, error) { return work(ctx, in) })
				out[i] = v
				return err
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
}

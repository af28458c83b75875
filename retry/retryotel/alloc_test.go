package retryotel_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryotel"
	"github.com/tenacious-go/tenacious/wait"
)

func succeed(context.Context) error { return nil }

// flip fails every other call: a call of a Policy that retries makes two
// attempts, the first failing.
type flip struct{ n int }

func (f *flip) op(context.Context) error {
	f.n++
	if f.n%2 == 1 {
		return errFlaky
	}
	return nil
}

// providers are the MeterProviders the allocation tests and benchmarks measure:
// the no-op one, where only this package's code runs, and the SDK's.
func providers() []struct {
	name string
	mp   metric.MeterProvider
} {
	return []struct {
		name string
		mp   metric.MeterProvider
	}{
		{"noop", noop.NewMeterProvider()},
		{"sdk", sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))},
	}
}

// TestInstrumentAddsNoAllocation checks that an instrumented Policy allocates no
// more than the same Policy not instrumented (one allocation per call, its mark
// in the attempt's context), once the Telemetry has seen the operation name: on
// the success path, and on a retried call whose context holds no recording span.
// With the SDK's MeterProvider, the SDK's own code runs too.
func TestInstrumentAddsNoAllocation(t *testing.T) {
	ctx := context.Background()
	plain := retry.Policy{Name: op, Wait: wait.None()}
	f := new(flip)
	for _, pr := range providers() {
		tel, err := retryotel.New(retryotel.WithMeterProvider(pr.mp))
		if err != nil {
			t.Fatal(err)
		}
		inst := tel.Instrument(&plain)
		_ = inst.Run(ctx, succeed)
		_ = inst.Run(ctx, f.op)
		for _, c := range []struct {
			name string
			op   func(context.Context) error
		}{{"success", succeed}, {"retried", f.op}} {
			base := testing.AllocsPerRun(1000, func() { _ = plain.Run(ctx, c.op) })
			if c.name == "success" && base != 1 {
				t.Errorf("%s, success: %v allocations per call not instrumented, want 1", pr.name, base)
			}
			got := testing.AllocsPerRun(1000, func() { _ = inst.Run(ctx, c.op) })
			t.Logf("%s, %s: %v allocations per call, %v without", pr.name, c.name, got, base)
			if got != base {
				t.Errorf("%s, %s: %v allocations per call instrumented, want %v as without", pr.name, c.name, got, base)
			}
		}
	}
}

// TestNamesAllocateOnce checks that an operation name costs allocations only the
// first time a Telemetry sees it, including past the bound on names: later calls
// allocate what calls of the same Policies not instrumented do (the call's own
// one allocation, its mark in the attempt's context).
func TestNamesAllocateOnce(t *testing.T) {
	ctx := context.Background()
	tel, err := retryotel.New(retryotel.WithMeterProvider(noop.NewMeterProvider()), retryotel.WithMaxOperations(2))
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"a", "b", "c", "d"} // c and d are past the bound
	plain := make([]*retry.Policy, len(names))
	inst := make([]*retry.Policy, len(names))
	for i, n := range names {
		plain[i] = &retry.Policy{Name: n}
		inst[i] = tel.Instrument(plain[i])
		_ = inst[i].Run(ctx, succeed)
	}
	runAll := func(ps []*retry.Policy) func() {
		return func() {
			for _, p := range ps {
				_ = p.Run(ctx, succeed)
			}
		}
	}
	base := testing.AllocsPerRun(1000, runAll(plain))
	if base > float64(len(names)) {
		t.Errorf("%v allocations for %d calls not instrumented, want at most one per call", base, len(names))
	}
	if got := testing.AllocsPerRun(1000, runAll(inst)); got != base {
		t.Errorf("%v allocations for %d calls of names seen before, want %v as without", got, len(names), base)
	}
}

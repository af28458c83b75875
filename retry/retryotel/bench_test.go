package retryotel_test

import (
	"context"
	"testing"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryotel"
	"github.com/tenacious-go/tenacious/wait"
)

// BenchmarkSuccess measures a call that succeeds at once, of a named Policy: not
// instrumented ("plain"); with empty hooks in the three fields Instrument fills
// ("hooked": what any hook costs, as the engine then reads the clock); and
// instrumented with a Telemetry on the no-op MeterProvider ("noop": this
// package's code alone) and on the SDK's, read by a ManualReader ("sdk"). The
// -parallel variants run on every P at once, sharing the Telemetry.
//
//	go test -run XXX -bench . -benchmem -count 6
func BenchmarkSuccess(b *testing.B) {
	bench(b, succeed, true)
}

// BenchmarkRetried measures a call whose first attempt fails and whose retry,
// after no pause, succeeds, in a context with no recording span.
func BenchmarkRetried(b *testing.B) {
	f := new(flip)
	bench(b, f.op, false)
}

func bench(b *testing.B, op func(context.Context) error, parallel bool) {
	ctx := context.Background()
	plain := retry.Policy{Name: "GET api.example.com", Wait: wait.None()}
	nothing := retry.HookFunc(func(retry.Attempt) {})
	hooked := plain
	hooked.Before, hooked.BeforeSleep, hooked.OnEnd = nothing, nothing, nothing
	policies := []struct {
		name string
		p    *retry.Policy
	}{{"plain", &plain}, {"hooked", &hooked}}
	for _, pr := range providers() {
		tel, err := retryotel.New(retryotel.WithMeterProvider(pr.mp))
		if err != nil {
			b.Fatal(err)
		}
		policies = append(policies, struct {
			name string
			p    *retry.Policy
		}{pr.name, tel.Instrument(&plain)})
	}
	for _, c := range policies {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = c.p.Run(ctx, op)
			}
		})
		if parallel {
			b.Run(c.name+"-parallel", func(b *testing.B) {
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						_ = c.p.Run(ctx, op)
					}
				})
			})
		}
	}
}

package benchmarks

import (
	"slices"
	"testing"
	"time"
)

// BenchmarkCancel is scenario 5: how long each library takes to return once the
// context is canceled during a 10s pause, reported as the median and maximum over
// the iterations (run.sh runs 50), from cancel to return. ns/op, which is mostly
// the time let pass before canceling, is not reported.
func BenchmarkCancel(b *testing.B) {
	for _, a := range Adapters {
		b.Run(a.Name, func(b *testing.B) {
			do := a.New(Pause{Base: 10 * time.Second, Fixed: true})
			var lats []time.Duration
			b.ReportAllocs()
			for b.Loop() {
				lat, calls, err := cancelDuringPause(do)
				if err == nil || calls != 1 {
					b.Fatalf("got %d calls and error %v, want 1 and an error", calls, err)
				}
				lats = append(lats, lat)
			}
			slices.Sort(lats)
			b.ReportMetric(float64(lats[len(lats)/2]), "median-ns")
			b.ReportMetric(float64(lats[len(lats)-1]), "max-ns")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkOvershoot is scenario 6: how much longer than asked a 2ms pause takes,
// from the end of the failed attempt to the start of the next, reported as the
// median over the iterations.
func BenchmarkOvershoot(b *testing.B) {
	const pause = 2 * time.Millisecond
	for _, a := range Adapters {
		b.Run(a.Name, func(b *testing.B) {
			do := a.New(Pause{Base: pause, Fixed: true})
			var overs []time.Duration
			b.ReportAllocs()
			for b.Loop() {
				over, err := overshoot(do, pause)
				if err != nil {
					b.Fatal(err)
				}
				overs = append(overs, over)
			}
			slices.Sort(overs)
			b.ReportMetric(float64(overs[len(overs)/2]), "overshoot-ns")
		})
	}
}

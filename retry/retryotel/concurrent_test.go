package retryotel_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryotel"
	"github.com/tenacious-go/tenacious/wait"
)

// TestConcurrentCalls makes calls from many goroutines at once, with more
// operation names than the Telemetry keeps, under recording spans, and checks that
// every call and retry is counted once and that the names past the bound are
// recorded as _OTHER. Run it with -race.
func TestConcurrentCalls(t *testing.T) {
	const (
		goroutines = 16
		calls      = 200
		names      = 8
		kept       = 5
	)
	tel, reader := newTelemetry(t, retryotel.WithMaxOperations(kept))
	tracer, sr, _ := newTracer(t)
	// One Policy without a name, named per call as an adapter does, and one per
	// name.
	shared := tel.Instrument(&retry.Policy{Wait: wait.None()})
	own := make([]*retry.Policy, names)
	for i := range own {
		own[i] = tel.Instrument(&retry.Policy{Name: "op" + strconv.Itoa(i), Wait: wait.None()})
	}
	var retries atomic.Int64
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range calls {
				n := (g + i) % names
				p := own[n]
				if i%2 == 0 {
					named := *shared
					named.Name = "op" + strconv.Itoa(n) // a fresh string, as an adapter builds
					p = &named
				}
				ctx, span := tracer.Start(context.Background(), "caller")
				fails := [3]int{0, 1, 5}[i%3] // success, retried success, stop
				retries.Add(int64(min(fails, retry.DefaultAttempts-1)))
				_ = p.Run(ctx, failing(fails))
				span.End()
			}
		})
	}
	wg.Wait()

	var total, totalRetries int
	ops := map[string]bool{}
	for k, v := range points(t, reader) {
		n, _ := strconv.Atoi(v)
		switch {
		case strings.HasPrefix(k, "tenacious.calls{"):
			total += n
		case strings.HasPrefix(k, "tenacious.retries{"):
			totalRetries += n
		}
		if i := strings.Index(k, "tenacious.operation="); i >= 0 {
			ops[strings.FieldsFunc(k[i+len("tenacious.operation="):], func(r rune) bool { return r == ',' || r == '}' })[0]] = true
		}
	}
	if total != goroutines*calls {
		t.Errorf("tenacious.calls adds up to %d, want %d", total, goroutines*calls)
	}
	if int64(totalRetries) != retries.Load() {
		t.Errorf("tenacious.retries adds up to %d, want %d", totalRetries, retries.Load())
	}
	if len(ops) != kept+1 || !ops["_OTHER"] {
		t.Errorf("operations recorded: %v, want %d names and _OTHER", ops, kept)
	}
	events := 0
	for _, s := range sr.Ended() {
		events += len(s.Events())
	}
	// Each call of i%3 == 1 retries once; each of i%3 == 2 retries
	// DefaultAttempts-1 times, then gives up: DefaultAttempts events.
	var want int
	for i := range calls {
		want += [3]int{0, 1, retry.DefaultAttempts}[i%3]
	}
	if events != want*goroutines {
		t.Errorf("%d span events, want %d", events, want*goroutines)
	}
}

package retryotel_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

var errFlaky = errors.New("flaky")

// failing returns an operation that fails its first n attempts with errFlaky.
func failing(n int) func(context.Context) error {
	calls := 0
	return func(context.Context) error {
		calls++
		if calls <= n {
			return errFlaky
		}
		return nil
	}
}

// script is a scripted call: what it runs, under which Policy, and what the
// metrics and the span events say of it.
type script struct {
	name   string
	policy *retry.Policy
	// run makes the call with ctx and the instrumented Policy.
	run    func(ctx context.Context, p *retry.Policy) error
	points map[string]string
	events []string
}

const op = "GET api.example.com"

func scripts() []script {
	ms := time.Millisecond
	fixed := wait.Fixed(100 * ms)
	return []script{
		{
			name:   "success",
			policy: &retry.Policy{Name: op, Wait: fixed},
			run:    func(ctx context.Context, p *retry.Policy) error { return p.Run(ctx, failing(0)) },
			points: ends(op, "success", 1, 1, "0"),
		},
		{
			name:   "retried success",
			policy: &retry.Policy{Name: op, Wait: fixed},
			run:    func(ctx context.Context, p *retry.Policy) error { return p.Run(ctx, failing(2)) },
			points: with(ends(op, "success", 1, 3, "0.2"), "tenacious.retries{tenacious.operation="+op+"}", "2"),
			events: []string{
				"tenacious.retry error.type=*errors.errorString,tenacious.attempt=1,tenacious.operation=" + op + ",tenacious.pause=0.1",
				"tenacious.retry error.type=*errors.errorString,tenacious.attempt=2,tenacious.operation=" + op + ",tenacious.pause=0.1",
			},
		},
		{
			name:   "not retried",
			policy: &retry.Policy{Name: op, Wait: fixed},
			run: func(ctx context.Context, p *retry.Policy) error {
				return p.Run(ctx, func(context.Context) error { return retry.Permanent(errFlaky) })
			},
			points: ends(op, "not_retried", 1, 1, "0"),
		},
		{
			name:   "stop",
			policy: &retry.Policy{Name: op, Wait: fixed},
			run:    func(ctx context.Context, p *retry.Policy) error { return p.Run(ctx, failing(5)) },
			points: with(ends(op, "stop", 1, 4, "0.3"), "tenacious.retries{tenacious.operation="+op+"}", "3"),
			events: []string{
				"tenacious.retry error.type=*errors.errorString,tenacious.attempt=1,tenacious.operation=" + op + ",tenacious.pause=0.1",
				"tenacious.retry error.type=*errors.errorString,tenacious.attempt=2,tenacious.operation=" + op + ",tenacious.pause=0.1",
				"tenacious.retry error.type=*errors.errorString,tenacious.attempt=3,tenacious.operation=" + op + ",tenacious.pause=0.1",
				"tenacious.give_up error.type=*errors.errorString,tenacious.attempts=4,tenacious.ending=stop,tenacious.operation=" + op + ",tenacious.pause=0.1",
			},
		},
		{
			name:   "deadline",
			policy: &retry.Policy{Name: op, Wait: fixed},
			run: func(ctx context.Context, p *retry.Policy) error {
				ctx, cancel := context.WithTimeout(ctx, 150*ms)
				defer cancel()
				return p.Run(ctx, failing(5))
			},
			points: with(ends(op, "deadline", 1, 2, "0.1"), "tenacious.retries{tenacious.operation="+op+"}", "1"),
			events: []string{
				"tenacious.retry error.type=*errors.errorString,tenacious.attempt=1,tenacious.operation=" + op + ",tenacious.pause=0.1",
				"tenacious.give_up error.type=*errors.errorString,tenacious.attempts=2,tenacious.ending=deadline,tenacious.operation=" + op + ",tenacious.pause=0.1",
			},
		},
		{
			// 20 tokens pay for one retry after a transient failure (14), not two.
			name:   "budget",
			policy: &retry.Policy{Name: op, Wait: fixed, Budget: budget.NewQuota(20, 14, 5)},
			run:    func(ctx context.Context, p *retry.Policy) error { return p.Run(ctx, failing(5)) },
			points: with(ends(op, "budget", 1, 2, "0.1"), "tenacious.retries{tenacious.operation="+op+"}", "1"),
			events: []string{
				"tenacious.retry error.type=*errors.errorString,tenacious.attempt=1,tenacious.operation=" + op + ",tenacious.pause=0.1",
				"tenacious.give_up error.type=*errors.errorString,tenacious.attempts=2,tenacious.ending=budget,tenacious.operation=" + op + ",tenacious.pause=0.1",
			},
		},
		{
			// The context ends halfway through the first pause.
			name:   "context",
			policy: &retry.Policy{Name: op, Wait: fixed},
			run: func(ctx context.Context, p *retry.Policy) error {
				ctx, cancel := context.WithCancel(ctx)
				defer cancel()
				time.AfterFunc(50*ms, cancel)
				return p.Run(ctx, failing(5))
			},
			points: ends(op, "context", 1, 1, "0.05"),
			events: []string{
				"tenacious.retry error.type=*errors.errorString,tenacious.attempt=1,tenacious.operation=" + op + ",tenacious.pause=0.1",
				"tenacious.give_up error.type=*errors.errorString,tenacious.attempts=1,tenacious.ending=context,tenacious.operation=" + op + ",tenacious.pause=0.1",
			},
		},
		{
			// A call of two attempts inside the first attempt gives up: that layer
			// decided, so this one refuses to retry.
			name:   "layer below",
			policy: &retry.Policy{Name: op, Wait: fixed},
			run: func(ctx context.Context, p *retry.Policy) error {
				inner := retry.Policy{Stop: stop.AfterAttempts(2), Wait: fixed}
				return p.Run(ctx, func(ctx context.Context) error { return inner.Run(ctx, failing(5)) })
			},
			points: ends(op, "layer_below", 1, 1, "0"),
			events: []string{
				"tenacious.give_up error.type=*retry.Error,tenacious.attempts=1,tenacious.ending=layer_below,tenacious.operation=" + op,
			},
		},
		{
			// A rejected result fails the attempts: no error, so no error.type.
			name:   "rejected result",
			policy: &retry.Policy{Name: op, Wait: fixed},
			run: func(ctx context.Context, p *retry.Policy) error {
				r := retry.Retrier[int]{Policy: p, RetryResult: func(int) bool { return true }}
				_, err := r.Do(ctx, func(context.Context) (int, error) { return 0, nil })
				return err
			},
			points: with(ends(op, "stop", 1, 4, "0.3"), "tenacious.retries{tenacious.operation="+op+"}", "3"),
			events: []string{
				"tenacious.retry tenacious.attempt=1,tenacious.operation=" + op + ",tenacious.pause=0.1",
				"tenacious.retry tenacious.attempt=2,tenacious.operation=" + op + ",tenacious.pause=0.1",
				"tenacious.retry tenacious.attempt=3,tenacious.operation=" + op + ",tenacious.pause=0.1",
				"tenacious.give_up tenacious.attempts=4,tenacious.ending=stop,tenacious.operation=" + op + ",tenacious.pause=0.1",
			},
		},
		{
			// The first attempt hangs; the hedge started after 10ms answers 5ms later.
			name:   "hedge won",
			policy: &retry.Policy{Name: op, Wait: fixed, Hedger: hedge.Fixed(10*ms, 1)},
			run: func(ctx context.Context, p *retry.Policy) error {
				r := retry.Retrier[int]{Policy: p}
				var n atomic.Int32 // the attempts run concurrently
				_, err := r.Hedge(ctx, func(ctx context.Context) (int, error) {
					if n.Add(1) == 1 {
						<-ctx.Done()
						return 0, ctx.Err()
					}
					time.Sleep(5 * ms)
					return 2, nil
				})
				return err
			},
			points: with(ends(op, "success", 1, 2, "0"),
				"tenacious.hedge.started{tenacious.operation="+op+"}", "1",
				"tenacious.hedge.won{tenacious.operation="+op+"}", "1"),
		},
		{
			// The first attempt answers before the hedge does: the hedge lost.
			name:   "hedge lost",
			policy: &retry.Policy{Name: op, Wait: fixed, Hedger: hedge.Fixed(10*ms, 1)},
			run: func(ctx context.Context, p *retry.Policy) error {
				r := retry.Retrier[int]{Policy: p}
				var n atomic.Int32 // the attempts run concurrently
				_, err := r.Hedge(ctx, func(ctx context.Context) (int, error) {
					if n.Add(1) == 1 {
						time.Sleep(15 * ms)
						return 1, nil
					}
					<-ctx.Done()
					return 0, ctx.Err()
				})
				return err
			},
			points: with(ends(op, "success", 1, 2, "0"), "tenacious.hedge.started{tenacious.operation="+op+"}", "1"),
		},
		{
			name:   "no name",
			policy: &retry.Policy{Wait: fixed},
			run:    func(ctx context.Context, p *retry.Policy) error { return p.Run(ctx, failing(1)) },
			points: map[string]string{
				"tenacious.calls{tenacious.ending=success,tenacious.outcome=success}":           "1",
				"tenacious.call.attempts{tenacious.ending=success,tenacious.outcome=success}":   "count=1 sum=2",
				"tenacious.call.pause_time{tenacious.ending=success,tenacious.outcome=success}": "count=1 sum=0.1",
				"tenacious.retries{}": "1",
			},
			events: []string{"tenacious.retry error.type=*errors.errorString,tenacious.attempt=1,tenacious.pause=0.1"},
		},
	}
}

// TestMetrics runs each scripted call once and checks every data point: the
// counts and the histograms' sums, exactly, under synctest's clock.
func TestMetrics(t *testing.T) {
	for _, s := range scripts() {
		t.Run(s.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tel, reader := newTelemetry(t)
				p := tel.Instrument(s.policy)
				_ = s.run(t.Context(), p)
				if diff := cmp.Diff(s.points, points(t, reader)); diff != "" {
					t.Errorf("data points (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// TestMetricsAccumulate runs every scripted call three times into one Telemetry
// (each round with fresh budgets) and checks that the points add up to the sums of
// the scripts' own.
func TestMetricsAccumulate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tel, reader := newTelemetry(t)
		want := map[string][2]float64{} // count (or a counter's value), sum
		for range 3 {
			for _, s := range scripts() {
				p := tel.Instrument(s.policy)
				_ = s.run(t.Context(), p)
				for k, v := range s.points {
					w := want[k]
					c, sum := parsePoint(t, v)
					want[k] = [2]float64{w[0] + c, w[1] + sum}
				}
			}
		}
		got := points(t, reader)
		if len(got) != len(want) {
			t.Errorf("%d data points, want %d", len(got), len(want))
		}
		for k, w := range want {
			c, sum := parsePoint(t, got[k])
			if c != w[0] || math.Abs(sum-w[1]) > 1e-9 {
				t.Errorf("%s = %q, want count %v, sum %v", k, got[k], w[0], w[1])
			}
		}
	})
}

// parsePoint reads a counter's value, or a histogram's count and sum.
func parsePoint(t *testing.T, v string) (count, sum float64) {
	t.Helper()
	if n, err := strconv.Atoi(v); err == nil {
		return float64(n), 0
	}
	if _, err := fmt.Sscanf(v, "count=%g sum=%g", &count, &sum); err != nil {
		t.Fatalf("data point %q: %v", v, err)
	}
	return count, sum
}

// TestInstruments checks the kind, unit and temporality of each instrument, as
// the package documentation's table gives them.
func TestInstruments(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tel, reader := newTelemetry(t)
		for _, s := range scripts() {
			p := tel.Instrument(s.policy)
			_ = s.run(t.Context(), p)
		}
		var rm metricdata.ResourceMetrics
		if err := reader.Collect(context.Background(), &rm); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"tenacious.calls":           "counter {call}",
			"tenacious.call.attempts":   "histogram[int64] {attempt}",
			"tenacious.call.pause_time": "histogram[float64] s",
			"tenacious.retries":         "counter {retry}",
			"tenacious.hedge.started":   "counter {hedge}",
			"tenacious.hedge.won":       "counter {hedge}",
		}
		got := map[string]string{}
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				kind := "?"
				switch d := m.Data.(type) {
				case metricdata.Sum[int64]:
					if d.IsMonotonic && d.Temporality == metricdata.CumulativeTemporality {
						kind = "counter"
					}
				case metricdata.Histogram[int64]:
					kind = "histogram[int64]"
				case metricdata.Histogram[float64]:
					kind = "histogram[float64]"
				}
				got[m.Name] = kind + " " + m.Unit
				if m.Description == "" {
					t.Errorf("%s: no description", m.Name)
				}
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("instruments (-want +got):\n%s", diff)
		}
	})
}

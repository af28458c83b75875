package retryotel_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/tenacious-go/tenacious/retry/retryotel"
)

// newTelemetry returns a Telemetry that records into a MeterProvider read by the
// returned ManualReader.
func newTelemetry(t testing.TB, opts ...retryotel.Option) (*retryotel.Telemetry, *sdkmetric.ManualReader) {
	t.Helper()
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	tel, err := retryotel.New(append([]retryotel.Option{retryotel.WithMeterProvider(mp)}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return tel, reader
}

// newTracer returns a tracer whose spans, once ended, the recorder holds.
func newTracer(t testing.TB) (trace.Tracer, *tracetest.SpanRecorder, *sdktrace.TracerProvider) {
	t.Helper()
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp.Tracer("test"), sr, tp
}

// points collects the reader's metrics as one line per data point, keyed by the
// metric name and its attributes, as in "tenacious.calls{tenacious.ending=stop,...}":
// a counter's value is its sum, a histogram's "count=N sum=S".
func points(t testing.TB, reader *sdkmetric.ManualReader) map[string]string {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatalf("Collect: %v", err)
	}
	got := map[string]string{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != retryotel.ScopeName {
			continue
		}
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					got[key(m.Name, p.Attributes)] = fmt.Sprint(p.Value)
				}
			case metricdata.Histogram[int64]:
				for _, p := range d.DataPoints {
					got[key(m.Name, p.Attributes)] = fmt.Sprintf("count=%d sum=%v", p.Count, p.Sum)
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					got[key(m.Name, p.Attributes)] = fmt.Sprintf("count=%d sum=%v", p.Count, p.Sum)
				}
			default:
				t.Fatalf("metric %s: unexpected data %T", m.Name, m.Data)
			}
		}
	}
	return got
}

func key(name string, set attribute.Set) string {
	return name + "{" + attrs(set.ToSlice()) + "}"
}

// attrs writes key-value pairs sorted by key, as "k=v,k=v".
func attrs(kvs []attribute.KeyValue) string {
	s := make([]string, 0, len(kvs))
	for _, kv := range kvs {
		s = append(s, string(kv.Key)+"="+kv.Value.String())
	}
	slices.Sort(s)
	return strings.Join(s, ",")
}

// events returns the span's events, one line each: the name, then the attributes.
func events(s sdktrace.ReadOnlySpan) []string {
	var got []string
	for _, e := range s.Events() {
		got = append(got, e.Name+" "+attrs(e.Attributes))
	}
	return got
}

// ends returns the points of one call of operation op that ended as ending, with
// n attempts and pause seconds of pause in all.
func ends(op, ending string, calls, attempts int, pause string) map[string]string {
	outcome := "failure"
	if ending == "success" {
		outcome = "success"
	}
	a := "tenacious.ending=" + ending + ",tenacious.operation=" + op + ",tenacious.outcome=" + outcome
	return map[string]string{
		"tenacious.calls{" + a + "}":           fmt.Sprint(calls),
		"tenacious.call.attempts{" + a + "}":   fmt.Sprintf("count=%d sum=%d", calls, attempts),
		"tenacious.call.pause_time{" + a + "}": fmt.Sprintf("count=%d sum=%s", calls, pause),
	}
}

// with returns m with more points.
func with(m map[string]string, kv ...string) map[string]string {
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

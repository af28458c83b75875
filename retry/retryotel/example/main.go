// Command example shows retryotel at work: an HTTP client whose retryhttp
// Transport retries a flaky loopback server, with its retries exported to
// standard output through the OpenTelemetry SDK's stdout exporters (stdouttrace
// and stdoutmetric).
//
// The client's Transport sends each attempt through otelhttp, which starts a
// client span per attempt, over retryotel.ResendCount, which sets
// http.request.resend_count on the spans of the retries; its Policy is
// instrumented by a retryotel.Telemetry, which adds the tenacious.retry and
// tenacious.give_up events to the caller's span and records the tenacious.*
// metrics.
//
// By default the exporters' JSON is condensed to a line per span, event and data
// point; -json prints it as the exporters write it.
//
//	go run ./example         # from retry/retryotel
//	go run ./example -json
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/retry/retryotel"
	"github.com/tenacious-go/tenacious/wait"
)

func main() {
	raw := flag.Bool("json", false, "print the exporters' JSON as they write it")
	flag.Parse()
	if err := run(os.Stdout, *raw); err != nil {
		log.Fatal(err)
	}
}

func run(out io.Writer, raw bool) error {
	ctx := context.Background()
	srv := flakyServer()
	defer srv.Close()
	fmt.Fprintf(out, "flaky server at %s: /flaky answers 503 twice, then 200; /down always 503\n\n", srv.URL)

	// The SDK, exporting to standard output: spans as they end, metrics once, as
	// the MeterProvider shuts down.
	spans := &spanWriter{}
	traceOpts := []stdouttrace.Option{stdouttrace.WithoutTimestamps(), stdouttrace.WithWriter(spans)}
	metricOpts := []stdoutmetric.Option{stdoutmetric.WithoutTimestamps(), stdoutmetric.WithEncoder(&metricEncoder{w: out})}
	if raw {
		traceOpts = []stdouttrace.Option{stdouttrace.WithoutTimestamps(), stdouttrace.WithPrettyPrint(), stdouttrace.WithWriter(out)}
		metricOpts = []stdoutmetric.Option{stdoutmetric.WithoutTimestamps(), stdoutmetric.WithPrettyPrint(), stdoutmetric.WithWriter(out)}
	}
	traceExp, err := stdouttrace.New(traceOpts...)
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(traceExp))
	metricExp, err := stdoutmetric.New(metricOpts...)
	if err != nil {
		return err
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(metricExp, sdkmetric.WithInterval(time.Hour))))

	// The wiring: instrument the service's Policy once, and give the Transport
	// otelhttp over ResendCount as its Base.
	tel, err := retryotel.New(retryotel.WithMeterProvider(mp))
	if err != nil {
		return err
	}
	svc := tel.Instrument(&retry.Policy{Wait: wait.Exponential(10*time.Millisecond, 100*time.Millisecond, 2)})
	client := retryhttp.NewClient(&retryhttp.Transport{
		Base:   otelhttp.NewTransport(retryotel.ResendCount(http.DefaultTransport), otelhttp.WithTracerProvider(tp)),
		Policy: svc,
	})

	tracer := tp.Tracer("example")
	for _, path := range []string{"/flaky", "/down", "/ok"} {
		ctx, span := tracer.Start(ctx, "fetch "+path)
		var stats retry.Stats
		req, err := http.NewRequestWithContext(retry.WithStats(ctx, &stats), http.MethodGet, srv.URL+path, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		span.End()
		fmt.Fprintf(out, "GET %-6s -> %s after %d attempt(s), %v of pauses\n", path, resp.Status, stats.Attempts, stats.Slept.Round(time.Millisecond))
	}

	if err := tp.Shutdown(ctx); err != nil {
		return err
	}
	if !raw {
		fmt.Fprintln(out, "\nspans (stdouttrace):")
		spans.print(out)
		fmt.Fprintln(out, "\nmetrics (stdoutmetric):")
	}
	return mp.Shutdown(ctx)
}

// flakyServer answers each path as main's banner says.
func flakyServer() *httptest.Server {
	var mu sync.Mutex
	seen := map[string]int{}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Path]++
		n := seen[r.URL.Path]
		mu.Unlock()
		if r.URL.Path == "/down" || r.URL.Path == "/flaky" && n <= 2 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
}

// span is what the condensed output shows of a span that stdouttrace wrote.
type span struct {
	Name        string
	SpanContext struct{ SpanID string }
	Parent      struct{ SpanID string }
	SpanKind    trace.SpanKind
	Attributes  []keyValue
	Events      []struct {
		Name       string
		Attributes []keyValue
	}
}

// keyValue is an attribute as stdouttrace writes it.
type keyValue struct {
	Key   string
	Value struct{ Value any }
}

// spanWriter receives stdouttrace's JSON, a span at a time, and keeps the spans.
type spanWriter struct {
	buf   bytes.Buffer
	spans []span
}

func (w *spanWriter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	dec := json.NewDecoder(&w.buf)
	for dec.More() {
		var s span
		if err := dec.Decode(&s); err != nil {
			return 0, err
		}
		w.spans = append(w.spans, s)
	}
	return len(p), nil
}

// shown are the attributes of otelhttp's spans that the condensed output shows.
var shown = []string{"http.request.method", "http.response.status_code", "http.request.resend_count"}

// print writes each caller's span with its events, then its attempts' spans.
func (w *spanWriter) print(out io.Writer) {
	for _, s := range w.spans {
		if s.Parent.SpanID != "" && s.Parent.SpanID != "0000000000000000" {
			continue
		}
		fmt.Fprintf(out, "  %s (%s)\n", s.Name, s.SpanKind)
		for _, e := range s.Events {
			fmt.Fprintf(out, "    event %s %s\n", e.Name, kvs(e.Attributes, nil))
		}
		for _, c := range w.spans {
			if c.Parent.SpanID == s.SpanContext.SpanID {
				fmt.Fprintf(out, "    %s (%s) %s\n", c.Name, c.SpanKind, kvs(c.Attributes, shown))
			}
		}
	}
}

// kvs writes the attributes, those of keys only if keys is not nil.
func kvs(attrs []keyValue, keys []string) string {
	var b strings.Builder
	for _, kv := range attrs {
		if keys != nil && !slices.Contains(keys, kv.Key) {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%v", kv.Key, kv.Value.Value)
	}
	return b.String()
}

// metricEncoder is a stdoutmetric.Encoder that writes a line per data point of
// this module's metrics.
type metricEncoder struct{ w io.Writer }

func (e *metricEncoder) Encode(v any) error {
	rm, ok := v.(*metricdata.ResourceMetrics)
	if !ok {
		return fmt.Errorf("unexpected %T", v)
	}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != retryotel.ScopeName {
			continue
		}
		for _, m := range sm.Metrics {
			var lines []string
			line := func(set attribute.Set, value string) {
				lines = append(lines, fmt.Sprintf("  %s{%s} %s", m.Name, set.Encoded(attribute.DefaultEncoder()), value))
			}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					line(p.Attributes, fmt.Sprint(p.Value))
				}
			case metricdata.Histogram[int64]:
				for _, p := range d.DataPoints {
					line(p.Attributes, fmt.Sprintf("count=%d sum=%d %s", p.Count, p.Sum, m.Unit))
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					line(p.Attributes, fmt.Sprintf("count=%d sum=%.3f %s", p.Count, p.Sum, m.Unit))
				}
			}
			slices.Sort(lines)
			for _, l := range lines {
				fmt.Fprintln(e.w, l)
			}
		}
	}
	return nil
}

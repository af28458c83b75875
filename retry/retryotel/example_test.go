package retryotel_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"slices"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryotel"
	"github.com/tenacious-go/tenacious/wait"
)

// printMetrics prints the data points of the Telemetry's metrics, one a line.
func printMetrics(reader sdkmetric.Reader) {
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		log.Fatal(err)
	}
	var lines []string
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					lines = append(lines, fmt.Sprintf("%s %s = %d", m.Name, p.Attributes.Encoded(attribute.DefaultEncoder()), p.Value))
				}
			case metricdata.Histogram[int64]:
				for _, p := range d.DataPoints {
					lines = append(lines, fmt.Sprintf("%s %s: count %d, sum %d", m.Name, p.Attributes.Encoded(attribute.DefaultEncoder()), p.Count, p.Sum))
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					lines = append(lines, fmt.Sprintf("%s %s: count %d, sum %g", m.Name, p.Attributes.Encoded(attribute.DefaultEncoder()), p.Count, p.Sum))
				}
			}
		}
	}
	slices.Sort(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
}

// A Telemetry records into the MeterProvider it is given, here the SDK's, read by
// hand; without WithMeterProvider it takes the global one.
func ExampleNew() {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())

	tel, err := retryotel.New(retryotel.WithMeterProvider(mp))
	if err != nil {
		log.Fatal(err)
	}
	svc := tel.Instrument(&retry.Policy{Name: "GetUser", Wait: wait.None()})

	failures := 1
	_ = svc.Run(context.Background(), func(context.Context) error {
		if failures > 0 {
			failures--
			return errors.New("unavailable")
		}
		return nil
	})
	printMetrics(reader)
	// Output:
	// tenacious.call.attempts tenacious.ending=success,tenacious.operation=GetUser,tenacious.outcome=success: count 1, sum 2
	// tenacious.call.pause_time tenacious.ending=success,tenacious.operation=GetUser,tenacious.outcome=success: count 1, sum 0
	// tenacious.calls tenacious.ending=success,tenacious.operation=GetUser,tenacious.outcome=success = 1
	// tenacious.retries tenacious.operation=GetUser = 1
}

// Instrument the Policy a service shares, once; every call of the copy is
// recorded, and a give-up adds events to the caller's span.
func ExampleTelemetry_Instrument() {
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	defer tp.Shutdown(context.Background())
	tel, err := retryotel.New() // the global MeterProvider
	if err != nil {
		log.Fatal(err)
	}

	svc := tel.Instrument(&retry.Policy{Name: "SELECT users", Wait: wait.None()})
	ctx, span := tp.Tracer("example").Start(context.Background(), "handle request")
	_, err = retry.Do(ctx, svc, func(context.Context) (string, error) {
		return "", errors.New("connection reset")
	})
	span.End()

	fmt.Println(err)
	for _, e := range sr.Ended()[0].Events() {
		fmt.Println(e.Name)
		for _, kv := range e.Attributes {
			fmt.Printf("  %s: %s\n", kv.Key, kv.Value.String())
		}
	}
	// Output:
	// retry: gave up after 4 attempts: connection reset
	// tenacious.retry
	//   tenacious.operation: SELECT users
	//   tenacious.attempt: 1
	//   error.type: *errors.errorString
	//   tenacious.pause: 0
	// tenacious.retry
	//   tenacious.operation: SELECT users
	//   tenacious.attempt: 2
	//   error.type: *errors.errorString
	//   tenacious.pause: 0
	// tenacious.retry
	//   tenacious.operation: SELECT users
	//   tenacious.attempt: 3
	//   error.type: *errors.errorString
	//   tenacious.pause: 0
	// tenacious.give_up
	//   tenacious.operation: SELECT users
	//   tenacious.ending: stop
	//   tenacious.attempts: 4
	//   error.type: *errors.errorString
}

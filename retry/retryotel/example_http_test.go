package retryotel_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/retry/retryotel"
	"github.com/tenacious-go/tenacious/wait"
)

// ResendCount goes beneath otelhttp, which starts a client span per attempt, and
// sets http.request.resend_count on the spans of the retries.
func ExampleResendCount() {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) < 3 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	defer tp.Shutdown(context.Background())
	tel, err := retryotel.New()
	if err != nil {
		log.Fatal(err)
	}

	svc := tel.Instrument(&retry.Policy{Wait: wait.None()})
	client := retryhttp.NewClient(&retryhttp.Transport{
		Base:   otelhttp.NewTransport(retryotel.ResendCount(http.DefaultTransport), otelhttp.WithTracerProvider(tp)),
		Policy: svc,
	})
	resp, err := client.Get(srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()

	for _, s := range sr.Ended() {
		if s.SpanKind() != trace.SpanKindClient {
			continue
		}
		resend := "not set"
		for _, kv := range s.Attributes() {
			if kv.Key == "http.request.resend_count" {
				resend = kv.Value.String()
			}
		}
		fmt.Println("attempt span: http.request.resend_count", resend)
	}
	// Output:
	// attempt span: http.request.resend_count not set
	// attempt span: http.request.resend_count 1
	// attempt span: http.request.resend_count 2
}

package retryotel_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/retry/retryotel"
	"github.com/tenacious-go/tenacious/wait"
)

// flakyServer answers 503 to the first fails requests, then 200.
func flakyServer(t *testing.T, fails int32) *httptest.Server {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= fails {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// clientSpans returns the client spans, in the order they started, as their
// http.response.status_code and http.request.resend_count ("-" if not set).
func clientSpans(spans []sdktrace.ReadOnlySpan) []string {
	spans = slices.DeleteFunc(slices.Clone(spans), func(s sdktrace.ReadOnlySpan) bool {
		return s.SpanKind() != trace.SpanKindClient
	})
	slices.SortFunc(spans, func(a, b sdktrace.ReadOnlySpan) int { return a.StartTime().Compare(b.StartTime()) })
	var got []string
	for _, s := range spans {
		status, resend := "-", "-"
		for _, kv := range s.Attributes() {
			switch kv.Key {
			case "http.response.status_code":
				status = kv.Value.String()
			case "http.request.resend_count":
				resend = kv.Value.String()
			}
		}
		got = append(got, "status="+status+" resend_count="+resend)
	}
	return got
}

// TestResendCount sends a request through a retryhttp.Transport whose Base is
// otelhttp's Transport over ResendCount, to a server that answers 503 twice, and
// checks the three attempts' spans, the caller's span events and the metrics.
func TestResendCount(t *testing.T) {
	srv := flakyServer(t, 2)
	tel, reader := newTelemetry(t)
	tracer, sr, tp := newTracer(t)
	svc := tel.Instrument(&retry.Policy{Wait: wait.None()})
	client := retryhttp.NewClient(&retryhttp.Transport{
		Base:   otelhttp.NewTransport(retryotel.ResendCount(http.DefaultTransport), otelhttp.WithTracerProvider(tp)),
		Policy: svc,
	})
	ctx, span := tracer.Start(context.Background(), "caller")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	span.End()
	if resp.StatusCode != http.StatusOK || string(body) != "ok" {
		t.Fatalf("got %d %q, want 200 ok", resp.StatusCode, body)
	}

	want := []string{"status=503 resend_count=-", "status=503 resend_count=1", "status=200 resend_count=2"}
	if diff := cmp.Diff(want, clientSpans(sr.Ended())); diff != "" {
		t.Errorf("client spans (-want +got):\n%s", diff)
	}

	name := "GET " + strings.TrimPrefix(srv.URL, "http://")
	var caller sdktrace.ReadOnlySpan
	for _, s := range sr.Ended() {
		if s.Name() == "caller" {
			caller = s
		}
	}
	wantEvents := []string{
		"tenacious.retry error.type=*retryhttp.StatusError,tenacious.attempt=1,tenacious.operation=" + name + ",tenacious.pause=0",
		"tenacious.retry error.type=*retryhttp.StatusError,tenacious.attempt=2,tenacious.operation=" + name + ",tenacious.pause=0",
	}
	if diff := cmp.Diff(wantEvents, events(caller)); diff != "" {
		t.Errorf("caller's events (-want +got):\n%s", diff)
	}
	wantPoints := with(ends(name, "success", 1, 3, "0"), "tenacious.retries{tenacious.operation="+name+"}", "2")
	if diff := cmp.Diff(wantPoints, points(t, reader)); diff != "" {
		t.Errorf("data points (-want +got):\n%s", diff)
	}
}

// TestResendCountAlone checks that ResendCount leaves alone a request that no
// retryhttp.Transport sent, and a first attempt.
func TestResendCountAlone(t *testing.T) {
	srv := flakyServer(t, 0)
	_, sr, tp := newTracer(t)
	base := otelhttp.NewTransport(retryotel.ResendCount(nil), otelhttp.WithTracerProvider(tp))
	for _, rt := range []http.RoundTripper{base, &retryhttp.Transport{Base: base}} {
		resp, err := (&http.Client{Transport: rt}).Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	want := []string{"status=200 resend_count=-", "status=200 resend_count=-"}
	if diff := cmp.Diff(want, clientSpans(sr.Ended())); diff != "" {
		t.Errorf("client spans (-want +got):\n%s", diff)
	}
}

type closer struct {
	http.RoundTripper
	closed int
}

func (c *closer) CloseIdleConnections() { c.closed++ }

// TestResendCountCloseIdleConnections checks that ResendCount forwards
// CloseIdleConnections to its base.
func TestResendCountCloseIdleConnections(t *testing.T) {
	c := &closer{RoundTripper: http.DefaultTransport}
	rt := retryotel.ResendCount(c)
	rt.(interface{ CloseIdleConnections() }).CloseIdleConnections()
	if c.closed != 1 {
		t.Errorf("base closed its idle connections %d times, want 1", c.closed)
	}
}

// TestResendCountHedge sends a request that the Transport hedges, to a server
// whose first answer hangs, and checks that the hedge's span carries the resend
// count and that the metrics count the hedge and its win.
func TestResendCountHedge(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			<-r.Context().Done() // the first attempt hangs until the hedge wins
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	tel, reader := newTelemetry(t)
	_, sr, tp := newTracer(t)
	svc := tel.Instrument(&retry.Policy{Hedger: hedge.Fixed(20*time.Millisecond, 1)})
	client := retryhttp.NewClient(&retryhttp.Transport{
		Base:   otelhttp.NewTransport(retryotel.ResendCount(http.DefaultTransport), otelhttp.WithTracerProvider(tp)),
		Policy: svc,
	})
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" {
		t.Fatalf("body %q, want ok", body)
	}

	want := []string{"status=- resend_count=-", "status=200 resend_count=1"}
	if diff := cmp.Diff(want, clientSpans(sr.Ended())); diff != "" {
		t.Errorf("client spans (-want +got):\n%s", diff)
	}
	name := "GET " + strings.TrimPrefix(srv.URL, "http://")
	wantPoints := with(ends(name, "success", 1, 2, "0"),
		"tenacious.hedge.started{tenacious.operation="+name+"}", "1",
		"tenacious.hedge.won{tenacious.operation="+name+"}", "1")
	if diff := cmp.Diff(wantPoints, points(t, reader)); diff != "" {
		t.Errorf("data points (-want +got):\n%s", diff)
	}
}

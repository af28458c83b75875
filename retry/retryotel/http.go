package retryotel

import (
	"net/http"

	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/tenacious-go/tenacious/retry/retryhttp"
)

// ResendCount returns an http.RoundTripper that sends each request through base
// (http.DefaultTransport if nil) and, when the request is a resend by a
// retryhttp.Transport (a retry or a hedge: attempt n, n >= 2, as
// retryhttp.AttemptNumber reads it from the request's context), first sets the
// attribute http.request.resend_count = n-1 of the HTTP semantic conventions on
// the span of the request's context. Put it under otelhttp's Transport, which
// starts a client span per attempt and does not set that attribute itself:
//
//	rt := &retryhttp.Transport{
//		Base:   otelhttp.NewTransport(retryotel.ResendCount(http.DefaultTransport)),
//		Policy: svc, // tel.Instrument(&retry.Policy{...})
//	}
//
// A first attempt, a request that no retryhttp.Transport sent, and a span that
// is not recording are left alone. The RoundTripper forwards CloseIdleConnections
// to base.
func ResendCount(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &resendCount{base: base}
}

type resendCount struct {
	base http.RoundTripper
}

// RoundTrip sets the attribute on the request's span, then sends it through base.
func (r *resendCount) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if n, ok := retryhttp.AttemptNumber(ctx); ok && n > 1 {
		if span := trace.SpanFromContext(ctx); span.IsRecording() {
			span.SetAttributes(semconv.HTTPRequestResendCount(n - 1))
		}
	}
	return r.base.RoundTrip(req)
}

// CloseIdleConnections closes the idle connections of base, if it has such a
// method.
func (r *resendCount) CloseIdleConnections() {
	if c, ok := r.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

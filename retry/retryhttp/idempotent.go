package retryhttp

import (
	"context"
	"net/http"
)

type idempotentKey struct{}

// WithIdempotent returns a copy of ctx that marks every request made with it as
// safe to send more than once, whatever its method: the caller's promise that the
// server deduplicates it or that repeating it does no harm. Use it for a POST or
// PATCH that the Transport would otherwise send only once:
//
//	req, err := http.NewRequestWithContext(retryhttp.WithIdempotent(ctx), "POST", url, body)
//
// An Idempotency-Key header does the same for one request, and
// Transport.AssumeIdempotent for all of them.
func WithIdempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey{}, true)
}

// idempotent reports whether req may be sent again after it may have reached the
// server: its method is idempotent (RFC 9110 §9.2.2), it carries an
// Idempotency-Key or X-Idempotency-Key header (present in the map, even with no
// value, as http.Transport's own retry rule reads it), or its context was marked
// by WithIdempotent.
func idempotent(req *http.Request) bool {
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace,
		http.MethodPut, http.MethodDelete:
		return true
	}
	if _, ok := req.Header["Idempotency-Key"]; ok {
		return true
	}
	if _, ok := req.Header["X-Idempotency-Key"]; ok {
		return true
	}
	marked, _ := req.Context().Value(idempotentKey{}).(bool)
	return marked
}

// replayable reports whether req's body can be sent again: it has none, or
// GetBody makes a fresh copy.
func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

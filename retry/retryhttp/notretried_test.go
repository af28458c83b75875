package retryhttp_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"

	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
)

// TestNotRetriedErrorSaysWhy: a transport error that the Policy would retry, on
// a request the Transport does not send again for safety, comes back in a
// *retry.NotRetriedError that says why (Name the method, Reason the rule), and
// still matches the error underneath; OnEnd sees Base's error, and the rule as
// its Reason. One the Policy's Retry itself refused comes back unchanged, as
// does one a request made with retry.WithoutRetry is not sent again for (OnEnd:
// not_retried); and a response is always returned as a response.
func TestNotRetriedErrorSaysWhy(t *testing.T) {
	errReset := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	errDial := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	errTLS := errors.New("tls: handshake failure")
	tests := []struct {
		name     string
		method   string
		body     io.Reader
		ctx      func(context.Context) context.Context
		retry    retry.Predicate
		err      error // Base's error on the first attempt, or nil for a 503
		attempts int
		reason   retry.Reason // of the NotRetriedError, if any, and of OnEnd
		nre      bool         // a NotRetriedError; false: the error unchanged
		message  string
	}{
		{"POST, EOF", "POST", strings.NewReader("x"), nil, nil, io.EOF, 1,
			retry.ReasonNotIdempotent, true, "retry: POST not retried (not_idempotent): EOF"},
		{"PATCH, reset", "PATCH", strings.NewReader("x"), nil, nil, errReset, 1,
			retry.ReasonNotIdempotent, true, "retry: PATCH not retried (not_idempotent): read tcp: connection reset by peer"},
		{"PUT, body not replayable", "PUT", opaque{strings.NewReader("x")}, nil, nil, io.EOF, 1,
			retry.ReasonNotReplayable, true, "retry: PUT not retried (not_replayable): EOF"},
		{"POST WithIdempotent, body not replayable", "POST", opaque{strings.NewReader("x")}, retryhttp.WithIdempotent, nil, errReset, 1,
			retry.ReasonNotReplayable, true, "retry: POST not retried (not_replayable): read tcp: connection reset by peer"},
		{"POST, body not replayable, failed dial", "POST", opaque{strings.NewReader("x")}, nil, nil, errDial, 1,
			retry.ReasonNotReplayable, true, "retry: POST not retried (not_replayable): dial tcp: connection refused"},
		{"POST, failed dial: retried", "POST", strings.NewReader("x"), nil, nil, errDial, 2, retry.ReasonSuccess, false, ""},
		{"GET, EOF: retried", "GET", nil, nil, nil, io.EOF, 2, retry.ReasonSuccess, false, ""},
		{"POST, Retry said no", "POST", strings.NewReader("x"), nil, predicate.Never(), io.EOF, 1, retry.ReasonNotRetried, false, "EOF"},
		{"POST, not transient", "POST", strings.NewReader("x"), nil, nil, errTLS, 1, retry.ReasonNotRetried, false, "tls: handshake failure"},
		{"GET WithoutRetry", "GET", nil, retry.WithoutRetry, nil, io.EOF, 1, retry.ReasonNotRetried, false, "EOF"},
		{"POST WithoutRetry", "POST", strings.NewReader("x"), retry.WithoutRetry, nil, io.EOF, 1, retry.ReasonNotRetried, false, "EOF"},
		{"POST, 503: a response", "POST", strings.NewReader("x"), nil, nil, nil, 1, retry.ReasonNotIdempotent, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var ended []error
				var reasons []retry.Reason
				f := &fake{script: func(n int, _ *http.Request) (*http.Response, error) {
					switch {
					case n > 1:
						return answer(200, ""), nil
					case tt.err == nil:
						return answer(503, ""), nil
					}
					return nil, tt.err
				}}
				tr := &retryhttp.Transport{Base: f, Policy: &retry.Policy{
					Retry: tt.retry,
					OnEnd: retry.HookFunc(func(a retry.Attempt) { ended, reasons = append(ended, a.Err), append(reasons, a.Reason) }),
				}}
				ctx := t.Context()
				if tt.ctx != nil {
					ctx = tt.ctx(ctx)
				}
				req, _ := http.NewRequestWithContext(ctx, tt.method, "http://api.invalid/", tt.body)
				resp, err := tr.RoundTrip(req)
				if f.n != tt.attempts {
					t.Errorf("%d attempts, want %d", f.n, tt.attempts)
				}
				if len(reasons) != 1 || reasons[0] != tt.reason {
					t.Errorf("OnEnd saw the reasons %v, want [%v]", reasons, tt.reason)
				}
				if tt.message == "" {
					if err != nil {
						t.Fatalf("RoundTrip: %v, want a response", err)
					}
					resp.Body.Close()
					f.checkClosed(t)
					return
				}
				if resp != nil || err == nil || err.Error() != tt.message {
					t.Fatalf("RoundTrip = %v, %v; want the error %q", resp, err, tt.message)
				}
				nre, isNRE := errorAs[*retry.NotRetriedError](err)
				switch {
				case !tt.nre && (isNRE || err != tt.err):
					t.Errorf("err = %#v, want Base's error unchanged", err)
				case tt.nre && (!isNRE || nre.Reason != tt.reason || nre.Name != tt.method || nre.Err != tt.err):
					t.Errorf("err = %#v, want a NotRetriedError for %s, %q and Base's error", err, tt.method, tt.reason)
				case !errors.Is(err, tt.err):
					t.Errorf("errors.Is(err, Base's error) = false for %v", err)
				}
				if tt.err == errReset || tt.err == errDial {
					if op, ok := errorAs[*net.OpError](err); !ok || op != tt.err {
						t.Errorf("errors.As(err, *net.OpError) = %v, %t; want Base's", op, ok)
					}
				}
				if len(ended) != 1 || ended[0] != tt.err {
					t.Errorf("OnEnd saw %v, want Base's error as it came", ended)
				}
			})
		})
	}
}

// TestNotRetriedErrorThroughClient: a POST whose connection the server resets
// after reading it comes back through an http.Client as a *url.Error around the
// *retry.NotRetriedError, which still matches the reset.
func TestNotRetriedErrorThroughClient(t *testing.T) {
	e := newEnv(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if c := hijack(t, w, true); c != nil {
			_ = c.Close()
		}
	})
	resp, err := e.client.Post(e.srv.URL, "text/plain", strings.NewReader("charge 10 EUR"))
	if err == nil {
		resp.Body.Close()
		t.Fatal("Post succeeded, want an error")
	}
	var ue *url.Error
	nre, ok := errorAs[*retry.NotRetriedError](err)
	if !errors.As(err, &ue) || !ok || nre.Name != "POST" || nre.Reason != retry.ReasonNotIdempotent {
		t.Fatalf("err = %v, want a *url.Error around a NotRetriedError for a POST not idempotent", err)
	}
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
		t.Errorf("err = %v, want it to match the reset", err)
	}
	if !strings.Contains(err.Error(), "retry: POST not retried (not_idempotent): ") {
		t.Errorf("err = %q, want it to say why", err)
	}
	if e.hits.Load() != 1 {
		t.Errorf("server saw %d requests, want 1", e.hits.Load())
	}
}

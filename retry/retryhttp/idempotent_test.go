package retryhttp_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
)

// recorder is a handler that records the method and body of every request, then
// answers with codes in turn, as statuses does.
type recorder struct {
	mu     sync.Mutex
	bodies []string
	codes  []int
}

func (rec *recorder) handle(n int, w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.bodies = append(rec.bodies, r.Method+" "+string(b))
	rec.mu.Unlock()
	statuses(rec.codes...)(n, w, r)
}

func (rec *recorder) got() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]string(nil), rec.bodies...)
}

// TestIdempotency sends requests that meet 503, 503, 200 and counts how many
// times the server received each one.
func TestIdempotency(t *testing.T) {
	key := func(name string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set(name, "k-1") }
	}
	tests := []struct {
		name   string
		method string
		edit   func(*http.Request)
		assume bool
		sent   int
	}{
		{"GET", "GET", nil, false, 3},
		{"empty method is GET", "", nil, false, 3},
		{"HEAD", "HEAD", nil, false, 3},
		{"OPTIONS", "OPTIONS", nil, false, 3},
		{"TRACE", "TRACE", nil, false, 3},
		{"PUT", "PUT", nil, false, 3},
		{"DELETE", "DELETE", nil, false, 3},
		{"POST", "POST", nil, false, 1},
		{"PATCH", "PATCH", nil, false, 1},
		{"unknown method", "FROB", nil, false, 1},
		{"lower-case get is not GET", "get", nil, false, 1},
		{"POST with Idempotency-Key", "POST", key("Idempotency-Key"), false, 3},
		{"POST with X-Idempotency-Key", "POST", key("X-Idempotency-Key"), false, 3},
		{"POST with an unsent Idempotency-Key", "POST", func(r *http.Request) { r.Header["Idempotency-Key"] = nil }, false, 3},
		{"PATCH with Idempotency-Key", "PATCH", key("Idempotency-Key"), false, 3},
		{"POST opted in per request", "POST", func(r *http.Request) { *r = *r.WithContext(retryhttp.WithIdempotent(r.Context())) }, false, 3},
		{"PATCH opted in per request", "PATCH", func(r *http.Request) { *r = *r.WithContext(retryhttp.WithIdempotent(r.Context())) }, false, 3},
		{"POST opted in per transport", "POST", nil, true, 3},
		{"unknown method opted in per transport", "FROB", nil, true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{codes: []int{503, 503, 200}}
			e := newEnv(t, rec.handle)
			e.tr.AssumeIdempotent = tt.assume
			req, err := http.NewRequest(tt.method, e.srv.URL, strings.NewReader("payload"))
			if err != nil {
				t.Fatal(err)
			}
			if tt.edit != nil {
				tt.edit(req)
			}
			resp, err := e.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			wantCode := 200
			if tt.sent == 1 {
				wantCode = 503
			}
			if code, _ := readAll(t, resp); code != wantCode {
				t.Errorf("status = %d, want %d", code, wantCode)
			}
			got := rec.got()
			if len(got) != tt.sent {
				t.Fatalf("server received %d requests (%q), want %d", len(got), got, tt.sent)
			}
			for _, b := range got {
				if want := method(tt.method) + " payload"; b != want {
					t.Errorf("server received %q, want %q", b, want)
				}
			}
		})
	}
}

// method returns the method a server sees for a request's Method field.
func method(m string) string {
	if m == "" {
		return "GET"
	}
	return m
}

// TestPOSTNeverSentTwice cuts the connection after the server has read a POST's
// body: the POST may have taken effect, so it is not sent again, and the error
// comes back in a *retry.NotRetriedError that says so, not as a give-up.
func TestPOSTNeverSentTwice(t *testing.T) {
	rec := &recorder{codes: []int{200}}
	e := newEnv(t, func(n int, w http.ResponseWriter, r *http.Request) {
		rec.handle(n, httpDiscard{}, r)
		if c := hijack(t, w, true); c != nil {
			_ = c.Close()
		}
	})
	resp, err := e.client.Post(e.srv.URL, "text/plain", strings.NewReader("charge 10 EUR"))
	if err == nil {
		resp.Body.Close()
		t.Fatal("Post succeeded, want an error")
	}
	if got := rec.got(); len(got) != 1 || got[0] != "POST charge 10 EUR" {
		t.Errorf("server received %q, want one POST", got)
	}
	if _, ok := errorAs[*retry.Error](err); ok {
		t.Errorf("err = %v, want Base's error, not a give-up", err)
	}
	if _, ok := errorAs[*retry.NotRetriedError](err); !ok {
		t.Errorf("err = %v, want a NotRetriedError", err)
	}
}

// httpDiscard is a ResponseWriter that writes nowhere.
type httpDiscard struct{}

func (httpDiscard) Header() http.Header         { return http.Header{} }
func (httpDiscard) Write(b []byte) (int, error) { return len(b), nil }
func (httpDiscard) WriteHeader(int)             {}

// TestPOSTRetriedAfterDialFailure refuses the first dial: nothing was sent, so the
// POST is sent again, and the server receives it once.
func TestPOSTRetriedAfterDialFailure(t *testing.T) {
	rec := &recorder{codes: []int{200}}
	e := newEnv(t, rec.handle)
	refused := closedAddr(t)
	var dials atomic.Int32
	e.base.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			addr = refused
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	var errs []error
	e.p.After = retry.HookFunc(func(a retry.Attempt) { errs = append(errs, a.Err) })
	resp, err := e.client.Post(e.srv.URL, "text/plain", strings.NewReader("charge 10 EUR"))
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := readAll(t, resp); code != 200 {
		t.Errorf("status = %d, want 200", code)
	}
	if got := rec.got(); len(got) != 1 || got[0] != "POST charge 10 EUR" {
		t.Errorf("server received %q, want one POST", got)
	}
	if len(errs) != 2 || !errors.Is(errs[0], syscall.ECONNREFUSED) {
		t.Errorf("attempt errors = %v, want connection refused, then nil", errs)
	}
}

// TestPOSTNotRetriedOnStatus checks that a status the server answered a POST with
// comes back after one attempt, however retryable it would be for a GET.
func TestPOSTNotRetriedOnStatus(t *testing.T) {
	for _, code := range []int{429, 502, 503} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			rec := &recorder{codes: []int{code, 200}}
			e := newEnv(t, rec.handle)
			resp, err := e.client.Post(e.srv.URL, "text/plain", strings.NewReader("x"))
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := readAll(t, resp); got != code || len(rec.got()) != 1 {
				t.Errorf("got %d after %d requests, want %d after 1", got, len(rec.got()), code)
			}
		})
	}
}

package retryhttp_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tenacious-go/tenacious/retry"
)

// binary is a body with every byte value, so that a replay that loses or
// re-encodes anything shows.
var binary = func() []byte {
	b := make([]byte, 3*256)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}()

// opaque is a reader of a type http.NewRequest does not know, so the request it
// makes has no GetBody.
type opaque struct{ io.Reader }

func TestBodyReplayedByteForByte(t *testing.T) {
	tests := []struct {
		name string
		req  func(url string) *http.Request
	}{
		{"bytes.Reader", func(u string) *http.Request {
			req, _ := http.NewRequest("PUT", u, bytes.NewReader(binary))
			return req
		}},
		{"own GetBody", func(u string) *http.Request {
			req, _ := http.NewRequest("PUT", u, opaque{bytes.NewReader(binary)})
			req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(opaque{bytes.NewReader(binary)}), nil }
			return req
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{codes: []int{503, 502, 200}}
			e := newEnv(t, rec.handle)
			resp, err := e.client.Do(tt.req(e.srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			if code, _ := readAll(t, resp); code != 200 {
				t.Fatalf("status = %d, want 200", code)
			}
			want := []string{"PUT " + string(binary), "PUT " + string(binary), "PUT " + string(binary)}
			if diff := cmp.Diff(want, rec.got()); diff != "" {
				t.Errorf("bodies received (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBodyWithoutGetBodyNotRetried sends a body that cannot be made again: one
// attempt, and its answer comes back.
func TestBodyWithoutGetBodyNotRetried(t *testing.T) {
	rec := &recorder{codes: []int{503, 200}}
	e := newEnv(t, rec.handle)
	req, _ := http.NewRequest("PUT", e.srv.URL, opaque{strings.NewReader("once")})
	if req.GetBody != nil {
		t.Fatal("test setup: request has GetBody")
	}
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := readAll(t, resp); code != 503 {
		t.Errorf("status = %d, want 503", code)
	}
	if diff := cmp.Diff([]string{"PUT once"}, rec.got()); diff != "" {
		t.Errorf("bodies received (-want +got):\n%s", diff)
	}
}

// TestGetBodyFails checks that a GetBody error ends the round trip with that
// error, after discarding the response it was retrying.
func TestGetBodyFails(t *testing.T) {
	rec := &recorder{codes: []int{503, 200}}
	e := newEnv(t, rec.handle)
	errGone := errors.New("body gone")
	req, _ := http.NewRequest("PUT", e.srv.URL, strings.NewReader("x"))
	req.GetBody = func() (io.ReadCloser, error) { return nil, errGone }
	resp, err := e.client.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatal("Do succeeded, want the GetBody error")
	}
	if !errors.Is(err, errGone) || !strings.Contains(err.Error(), "retryhttp: GetBody: body gone") {
		t.Errorf("err = %v, want it to wrap errGone", err)
	}
	if n := len(rec.got()); n != 1 {
		t.Errorf("server received %d requests, want 1", n)
	}
}

// snapshot is what a caller can see of a request: it must be the same after
// RoundTrip as before.
type snapshot struct {
	Method, URL, Proto, Host, RemoteAddr, RequestURI string
	Header, Trailer                                  http.Header
	Body                                             io.ReadCloser
	ContentLength                                    int64
	TransferEncoding                                 []string
	Close                                            bool
	Form, PostForm                                   url.Values
	HasGetBody                                       bool
	Ctx                                              context.Context
}

func snap(r *http.Request) snapshot {
	return snapshot{
		Method: r.Method, URL: r.URL.String(), Proto: r.Proto, Host: r.Host,
		RemoteAddr: r.RemoteAddr, RequestURI: r.RequestURI,
		Header: r.Header.Clone(), Trailer: r.Trailer.Clone(),
		Body: r.Body, ContentLength: r.ContentLength,
		TransferEncoding: append([]string(nil), r.TransferEncoding...),
		Close:            r.Close, Form: r.Form, PostForm: r.PostForm,
		HasGetBody: r.GetBody != nil, Ctx: r.Context(),
	}
}

// TestRequestNotMutated retries a request twice, with and without an attempt
// timeout, and compares what the caller sees of it before and after.
func TestRequestNotMutated(t *testing.T) {
	for _, timeout := range []time.Duration{0, time.Minute} {
		t.Run("AttemptTimeout="+timeout.String(), func(t *testing.T) {
			rec := &recorder{codes: []int{503, 503, 200}}
			e := newEnv(t, rec.handle)
			e.p.AttemptTimeout = timeout
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "PUT", e.srv.URL+"/p?q=1", strings.NewReader("body"))
			req.Header.Set("X-Test", "a")
			req.Header.Add("X-Test", "b")
			req.Header["Idempotency-Key"] = nil
			before := snap(req)
			resp, err := e.tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Request != req {
				t.Errorf("resp.Request is not the caller's request")
			}
			if code, _ := readAll(t, resp); code != 200 {
				t.Fatalf("status = %d, want 200", code)
			}
			opt := cmp.Comparer(func(a, b io.ReadCloser) bool { return a == b })
			ctxOpt := cmp.Comparer(func(a, b context.Context) bool { return a == b })
			if diff := cmp.Diff(before, snap(req), opt, ctxOpt); diff != "" {
				t.Errorf("request changed (-before +after):\n%s", diff)
			}
			if n := len(rec.got()); n != 3 {
				t.Errorf("server received %d requests, want 3", n)
			}
		})
	}
}

// TestStalledDiscardedBodyWithoutDeadline: a server that sends 503 with a body it
// never finishes cannot hold a round trip that has neither a deadline nor an
// AttemptTimeout: discarding its responses is bounded in time too.
func TestStalledDiscardedBodyWithoutDeadline(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	e := newEnv(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("0123456789"))
		w.(http.Flusher).Flush()
		<-release // stall the rest of the body
	})
	e.p.Stop = retry.StopFunc(func(a retry.Attempt) bool { return a.Number >= 3 })
	done := make(chan error, 1)
	go func() {
		resp, err := e.client.Get(e.srv.URL) // no deadline, no AttemptTimeout
		if err == nil {
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("status %d, want the last 503", resp.StatusCode)
			}
			once.Do(func() { close(release) }) // let the last body finish
			resp.Body.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Get: %v, want the last 503", err)
		}
	case <-time.After(time.Minute): // a hang, not a slow machine: the bound is ~0.5s
		once.Do(func() { close(release) })
		t.Fatal("RoundTrip hung draining a stalled body")
	}
	if e.hits.Load() != 3 {
		t.Errorf("server saw %d requests, want 3", e.hits.Load())
	}
}

// TestNoBodyReleasesAttemptContext: with an AttemptTimeout, a response without a
// body (HEAD) keeps http.NoBody, and its attempt's context is released at once.
func TestNoBodyReleasesAttemptContext(t *testing.T) {
	e := newEnv(t, func(int, http.ResponseWriter, *http.Request) {})
	e.p.AttemptTimeout = time.Minute
	e.tr.Base = e.base // the body counter would wrap http.NoBody
	req, err := http.NewRequestWithContext(context.Background(), http.MethodHead, e.srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Body != http.NoBody {
		t.Errorf("Body = %T, want http.NoBody", resp.Body)
	}
}

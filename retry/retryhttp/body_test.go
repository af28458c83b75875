package retryhttp_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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

package retryhttp_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
)

// roundTripFunc is a Base made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// TestNewClient checks that NewClient installs the Transport, or a zero one.
func TestNewClient(t *testing.T) {
	tr := new(retryhttp.Transport)
	if c := retryhttp.NewClient(tr); c.Transport != tr {
		t.Errorf("NewClient(tr).Transport = %v, want tr", c.Transport)
	}
	if c := retryhttp.NewClient(nil); c.Transport.(*retryhttp.Transport) == nil {
		t.Errorf("NewClient(nil).Transport = nil, want a zero Transport")
	}
}

// closer records calls of CloseIdleConnections.
type closer struct {
	roundTripFunc
	calls int
}

func (c *closer) CloseIdleConnections() { c.calls++ }

func TestCloseIdleConnections(t *testing.T) {
	c := &closer{}
	retryhttp.NewClient(&retryhttp.Transport{Base: c}).CloseIdleConnections()
	if c.calls != 1 {
		t.Errorf("Base.CloseIdleConnections called %d times, want 1", c.calls)
	}
	// A Base without the method is left alone.
	(&retryhttp.Transport{Base: roundTripFunc(nil)}).CloseIdleConnections()
}

// TestNilBodyWithAttemptTimeout checks a Base that returns a response without a
// body (which http.Client would replace by http.NoBody) under an attempt timeout.
func TestNilBodyWithAttemptTimeout(t *testing.T) {
	var ctx context.Context
	base := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		ctx = req.Context()
		return &http.Response{StatusCode: 204, Header: http.Header{}}, nil
	})
	tr := &retryhttp.Transport{Base: base, Policy: &retry.Policy{AttemptTimeout: time.Minute}}
	resp, err := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
	if err != nil || resp.Body != nil {
		t.Fatalf("RoundTrip = %v, %v; want the response as it was", resp, err)
	}
	if ctx.Err() == nil {
		t.Errorf("the attempt's context is still alive with no body to release it")
	}
}

// rwBody is the writable body of a 101 Switching Protocols response.
type rwBody struct {
	io.Reader
	written []byte
}

func (b *rwBody) Write(p []byte) (int, error) {
	b.written = append(b.written, p...)
	return len(p), nil
}
func (b *rwBody) Close() error { return nil }

// TestSwitchingProtocolsBodyWritable checks that binding a body to an attempt's
// context keeps the Write method of an upgraded connection.
func TestSwitchingProtocolsBodyWritable(t *testing.T) {
	body := &rwBody{}
	base := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 101, Header: http.Header{}, Body: body, Request: req}, nil
	})
	tr := &retryhttp.Transport{Base: base, Policy: &retry.Policy{AttemptTimeout: time.Minute}}
	resp, err := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	w, ok := resp.Body.(io.Writer)
	if !ok {
		t.Fatalf("body %T is not writable", resp.Body)
	}
	_, _ = w.Write([]byte("hi"))
	if string(body.written) != "hi" {
		t.Errorf("written %q, want hi", body.written)
	}
}

// TestBaseReturnsNothing checks that a Base breaking the contract with a nil
// response and a nil error gets an error, not a panic.
func TestBaseReturnsNothing(t *testing.T) {
	tr := &retryhttp.Transport{Base: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, nil })}
	resp, err := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
	if resp != nil || err == nil || err.Error() != "retryhttp: Base returned a nil *http.Response with a nil error" {
		t.Errorf("RoundTrip = %v, %v; want nil and an error", resp, err)
	}
}

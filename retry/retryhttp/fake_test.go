package retryhttp_test

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// fake is a Base that answers from a script, without a network, for tests of
// timing under testing/synctest. Each answer sees the request and its number.
type fake struct {
	script func(n int, req *http.Request) (*http.Response, error)
	n      int
	open   atomic.Int32 // bodies handed out and not yet closed
}

func (f *fake) RoundTrip(req *http.Request) (*http.Response, error) {
	f.n++
	resp, err := f.script(f.n, req)
	if resp != nil {
		f.open.Add(1)
		resp.Body = &fakeBody{Reader: strings.NewReader(resp.Status), f: f}
		resp.Request = req
	}
	return resp, err
}

type fakeBody struct {
	io.Reader
	f      *fake
	closed bool
}

func (b *fakeBody) Close() error {
	if !b.closed {
		b.closed = true
		b.f.open.Add(-1)
	}
	return nil
}

// answer returns a response with code and the Retry-After value ra, if any.
func answer(code int, ra string) *http.Response {
	h := http.Header{}
	if ra != "" {
		h.Set("Retry-After", ra)
	}
	return &http.Response{StatusCode: code, Status: http.StatusText(code), Header: h}
}

// checkClosed fails the test if a body f handed out is still open.
func (f *fake) checkClosed(t *testing.T) {
	t.Helper()
	if n := f.open.Load(); n != 0 {
		t.Errorf("%d bodies left open", n)
	}
}

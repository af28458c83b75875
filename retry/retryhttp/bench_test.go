package retryhttp_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/wait"
)

// benchGET runs b.N GETs through rt against a loopback server that answers 200
// with a short body, reading and closing each body, as a client does.
func benchGET(b *testing.B, wrap func(http.RoundTripper) http.RoundTripper) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "hello, tenacious")
	}))
	defer srv.Close()
	base := &http.Transport{MaxIdleConnsPerHost: 4}
	defer base.CloseIdleConnections()
	client := &http.Client{Transport: wrap(base)}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := client.Get(srv.URL)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
}

// BenchmarkBareGET is a GET through the bare http.Transport.
func BenchmarkBareGET(b *testing.B) {
	benchGET(b, func(rt http.RoundTripper) http.RoundTripper { return rt })
}

// BenchmarkTransportGET is the same GET through a zero-configured Transport
// around the same http.Transport: it succeeds the first time.
func BenchmarkTransportGET(b *testing.B) {
	benchGET(b, func(rt http.RoundTripper) http.RoundTripper { return &retryhttp.Transport{Base: rt} })
}

// BenchmarkTransportOverhead measures the Transport alone, around a Base that
// answers at once with a response made beforehand: the cost it adds to every
// request that succeeds the first time.
func BenchmarkTransportOverhead(b *testing.B) {
	resp := &http.Response{StatusCode: 200, Body: http.NoBody}
	base := roundTripFunc(func(*http.Request) (*http.Response, error) { return resp, nil })
	tr := &retryhttp.Transport{Base: base}
	req, _ := http.NewRequest("GET", "http://127.0.0.1/", nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tr.RoundTrip(req); err != nil {
			b.Fatal(err)
		}
	}
}

// flakyBase answers 503 to the first three attempts of each round trip and 200
// to the fourth, with responses and bodies made beforehand, so that the
// benchmark counts the Transport's allocations only.
type flakyBase struct {
	n     int
	resps [4]http.Response
	body  [4]strings.Reader
}

func (f *flakyBase) RoundTrip(*http.Request) (*http.Response, error) {
	i := f.n % 4
	f.n++
	f.body[i].Reset("service unavailable")
	f.resps[i] = http.Response{StatusCode: http.StatusServiceUnavailable, Body: io.NopCloser(&f.body[i]), ContentLength: 19, Header: http.Header{}}
	if i == 3 {
		f.resps[i].StatusCode = http.StatusOK
	}
	return &f.resps[i], nil
}

// BenchmarkTransportRetries is a round trip answered 503 three times and then
// 200, with no pause between attempts: what the retry path allocates.
func BenchmarkTransportRetries(b *testing.B) {
	tr := &retryhttp.Transport{Base: &flakyBase{}, Policy: &retry.Policy{Wait: wait.None()}}
	req, _ := http.NewRequest("GET", "http://127.0.0.1/", nil)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := tr.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatal(resp, err)
		}
	}
}

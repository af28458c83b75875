package retryhttp_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tenacious-go/tenacious/retry/retryhttp"
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

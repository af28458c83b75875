package benchmarks

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// BenchmarkHTTP is scenario 7: a GET that succeeds the first time, against a
// loopback server, through a bare http.Client (the baseline), tenacious's
// retryhttp.Transport and go-retryablehttp, each over its own http.Transport.
// Each reads and closes the response body, as a client does.
func BenchmarkHTTP(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "hello, tenacious")
	}))
	defer srv.Close()
	clients := []struct {
		name string
		get  func(base http.RoundTripper) func(url string) (*http.Response, error)
	}{
		{"bare", func(base http.RoundTripper) func(string) (*http.Response, error) {
			return (&http.Client{Transport: base}).Get
		}},
		{"tenacious", func(base http.RoundTripper) func(string) (*http.Response, error) {
			return retryhttp.NewClient(&retryhttp.Transport{
				Base: base,
				Policy: &retry.Policy{
					Stop: stop.AfterAttempts(MaxAttempts),
					Wait: wait.FullJitter(Base, Cap),
				},
			}).Get
		}},
		{"go-retryablehttp", func(base http.RoundTripper) func(string) (*http.Response, error) {
			c := retryablehttp.NewClient()
			c.HTTPClient = &http.Client{Transport: base}
			c.Logger = nil // it logs every request by default
			c.RetryMax, c.RetryWaitMin, c.RetryWaitMax = MaxAttempts-1, Base, Cap
			return c.Get
		}},
	}
	for _, c := range clients {
		b.Run(c.name, func(b *testing.B) {
			base := &http.Transport{MaxIdleConnsPerHost: 4}
			defer base.CloseIdleConnections()
			get := c.get(base)
			b.ReportAllocs()
			for b.Loop() {
				resp, err := get(srv.URL)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("got status %d", resp.StatusCode)
				}
			}
		})
	}
}

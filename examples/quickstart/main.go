// Quickstart starts a flaky HTTP server on loopback and calls it through a
// retryhttp.Transport: the server answers 503, then 429 with Retry-After, then
// 200. Each retry is logged by the slog hook, and the result is printed.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"time"

	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/stop"
)

func main() {
	srv := flakyServer()
	defer srv.Close()

	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch {
			case a.Key == slog.TimeKey:
				return slog.Attr{} // keep the output short
			case a.Value.Kind() == slog.KindDuration:
				return slog.Duration(a.Key, a.Value.Duration().Round(time.Millisecond))
			}
			return a
		},
	}))

	// One Policy for every call to this service. The Transport fills what it
	// leaves nil with its HTTP defaults: it retries only what is safe (a GET, on
	// 503, on 429 after the server's Retry-After, on dropped connections and
	// timeouts) and otherwise backs off with full jitter.
	api := retry.Policy{
		Stop:           stop.Any(stop.AfterAttempts(5), stop.AfterElapsed(10*time.Second)),
		BeforeSleep:    hooks.LogBeforeSleep(logger, slog.LevelWarn),
		AttemptTimeout: 2 * time.Second,
	}
	client := retryhttp.NewClient(&retryhttp.Transport{Policy: &api})

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var stats retry.Stats
	req, err := http.NewRequestWithContext(retry.WithStats(ctx, &stats), http.MethodGet, srv.URL, nil)
	if err != nil {
		fmt.Println("failed:", err)
		os.Exit(1)
	}
	fmt.Println("GET", srv.URL, "- the server answers 503, then 429 with Retry-After: 1, then 200")
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println("failed:", err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		fmt.Println("failed:", resp.Status, err)
		os.Exit(1)
	}
	fmt.Printf("got %q after %d attempts in %v\n", body, stats.Attempts, time.Since(start).Round(10*time.Millisecond))
}

// flakyServer answers 503, then 429 with "Retry-After: 1", then 200.
func flakyServer() *httptest.Server {
	var n atomic.Int32
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		switch n.Add(1) {
		case 1:
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
		case 2:
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
		default:
			fmt.Fprint(w, "hello, tenacious")
		}
	}))
}

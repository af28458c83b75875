// Quickstart starts a flaky HTTP server on loopback and calls it through a
// retry.Retrier: the server answers 503, then 429 with Retry-After, then 200. Each
// retry is logged by the slog hook, and the result is printed.
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
	"strconv"
	"sync/atomic"
	"time"

	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

func main() {
	srv := flakyServer()
	defer srv.Close()

	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // keep the output short
			}
			return a
		},
	}))

	r := retry.Retrier[string]{
		Stop:        stop.AfterAttempts(5).Or(stop.AfterElapsed(10 * time.Second)),
		Wait:        wait.FromError(wait.FullJitter(100*time.Millisecond, 2*time.Second), 5*time.Second),
		Retry:       predicate.Transient(),
		BeforeSleep: hooks.Log(logger, slog.LevelWarn),
	}

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var stats retry.Stats
	start := time.Now()
	body, err := r.Do(retry.WithStats(ctx, &stats), func(ctx context.Context) (string, error) {
		return get(ctx, srv.URL)
	})
	if err != nil {
		fmt.Println("failed:", err)
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

// get fetches url and turns a non-2xx answer into a statusError, which
// predicate.Transient and wait.FromError understand.
func get(ctx context.Context, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", retry.Permanent(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode/100 != 2 {
		secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		return "", &statusError{code: resp.StatusCode, retryAfter: time.Duration(secs) * time.Second}
	}
	return string(b), nil
}

type statusError struct {
	code       int
	retryAfter time.Duration
}

func (e *statusError) Error() string             { return "server said " + http.StatusText(e.code) }
func (e *statusError) StatusCode() int           { return e.code }
func (e *statusError) RetryAfter() time.Duration { return e.retryAfter }

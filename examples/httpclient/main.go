// Httpclient GETs from a flaky loopback server through retryhttp's Transport: a 503,
// a 429 that asks for 200ms, then a 200. Each retry and any give-up is logged.
package main

import (
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"time"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
)

func main() {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		switch calls.Add(1) {
		case 1:
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
		case 2:
			w.Header().Set("retry-after-ms", "200") // or Retry-After, in seconds
			http.Error(w, "slow down", http.StatusTooManyRequests)
		default:
			fmt.Fprint(w, "hello, tenacious")
		}
	}))
	defer srv.Close()

	logger := slog.New(slog.NewTextHandler(os.Stdout, nil))
	api := &retry.Policy{ // Stop, Wait, Retry nil: the defaults, and the HTTP rules
		AttemptTimeout: time.Second,
		BeforeSleep:    hooks.LogBeforeSleep(logger, slog.LevelWarn),
		OnEnd:          hooks.LogEnd(logger, slog.LevelError),
		Budget:         budget.Default(), // one per service: caps retries when it fails
	}
	client := retryhttp.NewClient(&retryhttp.Transport{Policy: api})

	resp, err := client.Get(srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK { // a response is not an error
		log.Fatalf("%s: %v", resp.Status, err)
	}
	fmt.Printf("%s: %s\n", resp.Status, body)
}

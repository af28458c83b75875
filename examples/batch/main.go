// Batch fetches 200 URLs from a flaky loopback server with a retry.Group: at most 16
// requests in flight, one deadline for the whole batch, every transient failure
// retried, and a summary at the end.
//
//	go run ./examples/batch
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

const items = 200

func main() {
	srv := flakyServer()
	defer srv.Close()

	p := retry.Policy{
		Stop:  stop.AfterAttempts(5),
		Wait:  wait.FullJitter(10*time.Millisecond, 200*time.Millisecond),
		Retry: predicate.Transient(),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	start := time.Now()
	g, _ := retry.NewGroup(ctx, &p) // tasks receive the group's context
	g.CollectAll()                  // one bad item must not cancel the other 199
	g.SetLimit(16)
	var retried atomic.Int64
	for i := range items {
		url := srv.URL + "/item/" + strconv.Itoa(i)
		attempts := 0
		g.Go(func(ctx context.Context) error {
			if attempts++; attempts == 2 {
				retried.Add(1)
			}
			return fetch(ctx, url)
		})
	}
	err := g.Wait()

	var be *retry.BatchError
	failed := 0
	if errors.As(err, &be) {
		failed = len(be.Failures)
	} else if err != nil {
		fmt.Println("batch failed:", err)
		os.Exit(1)
	}
	fmt.Printf("%d items in %v (at most 16 in flight): %d ok, %d of them after a retry; %d failed\n",
		items, time.Since(start).Round(time.Millisecond), items-failed, retried.Load(), failed)
	if be != nil {
		for _, f := range be.Failures {
			fmt.Printf("  item %d: %v\n", f.Index, f.Err) // tasks were started in item order
		}
	}
}

// flakyServer fails the first request for every third item with 503 and for every
// seventh with 429, and answers 404 for items 49, 99, 149 and 199, which no retry can
// fix.
func flakyServer() *httptest.Server {
	var mu sync.Mutex
	seen := map[string]int{}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Path[len("/item/"):])
		mu.Lock()
		seen[r.URL.Path]++
		first := seen[r.URL.Path] == 1
		mu.Unlock()
		switch {
		case n%50 == 49:
			http.NotFound(w, r)
		case first && n%3 == 0:
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
		case first && n%7 == 0:
			http.Error(w, "slow down", http.StatusTooManyRequests)
		default:
			fmt.Fprintf(w, "item %d", n)
		}
	}))
}

func fetch(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return retry.Permanent(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	// A non-2xx status becomes a *retryhttp.StatusError, which predicate.Transient
	// classifies: 503 and 429 are retried, 404 is not.
	return retryhttp.CheckResponse(resp)
}

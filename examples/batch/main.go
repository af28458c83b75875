// Batch fetches 100 items from a flaky loopback server with retry.Map: 8 at a time,
// each retried on its own, one deadline for the batch. Give-ups are logged.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/wait"
)

func main() {
	var seen sync.Map // the server fails the first request for every third item
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		if _, again := seen.LoadOrStore(id, true); !again && id%3 == 0 {
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintf(w, "item %d", id)
	}))
	defer srv.Close()

	logger := slog.New(slog.NewTextHandler(os.Stdout, nil))
	items := &retry.Policy{
		Name:  "items",
		Wait:  wait.FullJitter(10*time.Millisecond, 100*time.Millisecond),
		Retry: predicate.Transient(), // a 503 or a 429, not a 404
		OnEnd: hooks.LogEnd(logger, slog.LevelError),
	}
	ids := make([]int, 100)
	for i := range ids {
		ids[i] = i
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	bodies, err := retry.Map(ctx, items, ids, 8, func(ctx context.Context, id int) (string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/"+strconv.Itoa(id), nil)
		if err != nil {
			return "", retry.Permanent(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err == nil {
			err = retryhttp.CheckResponse(resp) // a *retryhttp.StatusError for 4xx and 5xx
		}
		return string(body), err
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("fetched %d items, from %q to %q\n", len(bodies), bodies[0], bodies[len(bodies)-1])
}

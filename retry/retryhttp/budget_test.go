package retryhttp_test

import (
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/retry"
)

// TestBudgetStopsRetryStorm: 100 GETs against a server that is down, with one
// shared budget, reach the server barely more than 100 times (400 without it), and
// each caller still gets the server's last response.
func TestBudgetStopsRetryStorm(t *testing.T) {
	for _, tt := range []struct {
		name     string
		budget   retry.Budget
		min, max int32
	}{
		{"no budget", nil, 400, 400},
		{"default budget", budget.Default(), 100, 110},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				http.Error(w, "down", http.StatusServiceUnavailable)
			})
			e.p.Budget = tt.budget
			var wg sync.WaitGroup
			for range 100 {
				wg.Go(func() {
					resp, err := e.client.Get(e.srv.URL)
					if err != nil {
						t.Errorf("Get: %v, want the last 503", err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusServiceUnavailable {
						t.Errorf("status %d, want 503", resp.StatusCode)
					}
				})
			}
			wg.Wait()
			if n := e.hits.Load(); n < tt.min || n > tt.max {
				t.Errorf("the server saw %d requests for 100 calls, want %d..%d", n, tt.min, tt.max)
			}
		})
	}
}

// TestBudgetRefusalIsVisibleToHooks: a refused retry ends the round trip, and
// OnEnd sees the status that was not retried, and why.
func TestBudgetRefusalIsVisibleToHooks(t *testing.T) {
	e := newEnv(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "busy", http.StatusTooManyRequests)
	})
	b := budget.NewTokenBucket(2, 1)
	b.Attempted(false, true) // at half: no retries
	e.p.Budget = b
	var gaveUp int
	var reason retry.Reason
	e.p.OnEnd = func(a retry.Attempt) {
		var se interface{ StatusCode() int }
		if errors.As(a.Err, &se) {
			gaveUp = se.StatusCode()
		}
		reason = a.Reason
	}
	resp, err := e.client.Get(e.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if e.hits.Load() != 1 || gaveUp != http.StatusTooManyRequests || reason != retry.ReasonBudget {
		t.Errorf("server saw %d requests, OnEnd saw %d, %v; want 1 and 429, budget", e.hits.Load(), gaveUp, reason)
	}
}

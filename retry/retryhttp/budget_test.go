package retryhttp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
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
		{"default budget: the 2 retries of a fresh process's tokens, then none", budget.Default(), 102, 102},
		{"the AWS quota: 35 retries of 14 tokens, then none", budget.NewQuota(500, 14, 5), 135, 135},
		{"gRPC's token bucket", budget.NewTokenBucket(10, 0.2), 100, 110},
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
	b.Attempted(retry.ClassTransient, retry.ClassTransient) // at half: no retries
	e.p.Budget = b
	var gaveUp int
	var reason retry.Reason
	e.p.OnEnd = retry.HookFunc(func(a retry.Attempt) {
		var se interface{ StatusCode() int }
		if errors.As(a.Err, &se) {
			gaveUp = se.StatusCode()
		}
		reason = a.Reason
	})
	resp, err := e.client.Get(e.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if e.hits.Load() != 1 || gaveUp != http.StatusTooManyRequests || reason != retry.ReasonBudget {
		t.Errorf("server saw %d requests, OnEnd saw %d, %v; want 1 and 429, budget", e.hits.Load(), gaveUp, reason)
	}
}

// TestBudgetHearsFailuresItCannotRetry: POSTs to a server that is down are sent
// once each, but the budget must still hear that the service fails, so that the
// GETs that follow are throttled instead of being retried on credit the POSTs
// earned. (A token bucket charges failures; budget.Default charges retries.)
func TestBudgetHearsFailuresItCannotRetry(t *testing.T) {
	e := newEnv(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	})
	b := budget.NewTokenBucket(10, 0.2)
	e.p.Budget = b
	for range 20 {
		resp, err := e.client.Post(e.srv.URL, "text/plain", http.NoBody)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if got := e.hits.Load(); got != 20 {
		t.Fatalf("20 POSTs reached the server %d times, want 20 (never retried)", got)
	}
	if b.Tokens() != 0 {
		t.Errorf("tokens = %v after 20 failed POSTs, want 0", b.Tokens())
	}
	resp, err := e.client.Get(e.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := e.hits.Load(); got != 21 {
		t.Errorf("a GET after the outage was sent %d times, want 1: the budget is empty", got-20)
	}
}

// heard is what a recordingBudget heard: an Attempted call with its result and
// what it spent, or an Allow call with its class.
type heard struct {
	Call                 string
	Result, Spent, Class retry.Class
}

// recordingBudget is a retry.Budget that records what it hears and allows every
// retry.
type recordingBudget struct {
	mu    sync.Mutex
	heard []heard
}

func (b *recordingBudget) Attempted(result, spent retry.Class) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.heard = append(b.heard, heard{Call: "attempted", Result: result, Spent: spent})
}

func (b *recordingBudget) Allow(c retry.Class) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.heard = append(b.heard, heard{Call: "allow", Class: c})
	return true
}

// TestPolicyBudgetHearsTransport gives one Policy, with one Budget, to a Transport
// and to retry.Do: the Budget hears every attempt of both, each request that
// fails once then succeeds, and a POST's 503 that the Transport cannot retry but
// that is still a failure of the service.
func TestPolicyBudgetHearsTransport(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fake{script: func(n int, _ *http.Request) (*http.Response, error) {
			if n%2 == 1 {
				return answer(http.StatusServiceUnavailable, ""), nil
			}
			return answer(http.StatusOK, ""), nil
		}}
		b := &recordingBudget{}
		svc := &retry.Policy{Budget: b}
		tr := &retryhttp.Transport{Base: f, Policy: svc}
		for range 2 {
			resp, err := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("RoundTrip = %v, %v; want 200", resp, err)
			}
			resp.Body.Close()
		}
		post, _ := http.NewRequest(http.MethodPost, "http://api.invalid/", strings.NewReader("x"))
		resp, err := tr.RoundTrip(post)
		if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("POST: RoundTrip = %v, %v; want the 503, not retried", resp, err)
		}
		resp.Body.Close()
		calls := 0
		if _, err := retry.Do(t.Context(), svc, func(context.Context) (int, error) {
			if calls++; calls == 1 {
				return 0, errors.New("flaky")
			}
			return calls, nil
		}); err != nil {
			t.Fatal(err)
		}
		T, S := retry.ClassTransient, retry.ClassSuccess
		failThenSucceed := []heard{{Call: "attempted", Result: T}, {Call: "allow", Class: T}, {Call: "attempted", Result: S, Spent: T}}
		var want []heard
		want = append(want, failThenSucceed...)                  // GET
		want = append(want, failThenSucceed...)                  // GET
		want = append(want, heard{Call: "attempted", Result: T}) // POST: the service failed
		want = append(want, failThenSucceed...)                  // retry.Do
		if diff := cmp.Diff(want, b.heard); diff != "" {
			t.Errorf("the Budget heard (-want +got):\n%s", diff)
		}
		if f.n != 5 {
			t.Errorf("Base sent %d requests, want 5", f.n)
		}
		f.checkClosed(t)
	})
}

package retryhttp_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/retry/retryhttp"

	"github.com/tenacious-go/tenacious/retry"
)

// TestStalledDiscardedBodyWithoutDeadline: a server that sends 503 with a body it
// never finishes cannot hold a round trip that has neither a deadline nor an
// AttemptTimeout: discarding its responses is bounded in time too.
func TestStalledDiscardedBodyWithoutDeadline(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	e := newEnv(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("0123456789"))
		w.(http.Flusher).Flush()
		<-release // stall the rest of the body
	})
	e.p.Stop = func(a retry.Attempt) bool { return a.Number >= 3 }
	done := make(chan error, 1)
	go func() {
		resp, err := e.client.Get(e.srv.URL) // no deadline, no AttemptTimeout
		if err == nil {
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("status %d, want the last 503", resp.StatusCode)
			}
			once.Do(func() { close(release) }) // let the last body finish
			resp.Body.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Get: %v, want the last 503", err)
		}
	case <-time.After(time.Minute): // a hang, not a slow machine: the bound is ~0.5s
		once.Do(func() { close(release) })
		t.Fatal("RoundTrip hung draining a stalled body")
	}
	if e.hits.Load() != 3 {
		t.Errorf("server saw %d requests, want 3", e.hits.Load())
	}
}

// TestBudgetHearsFailuresItCannotRetry: POSTs to a server that is down are sent
// once each, but the budget must still hear that the service fails, so that the
// GETs that follow are throttled instead of being retried on credit the POSTs
// earned.
func TestBudgetHearsFailuresItCannotRetry(t *testing.T) {
	e := newEnv(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	})
	b := retry.DefaultBudget()
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

// TestNoBodyReleasesAttemptContext: with an AttemptTimeout, a response without a
// body (HEAD) keeps http.NoBody, and its attempt's context is released at once.
func TestNoBodyReleasesAttemptContext(t *testing.T) {
	e := newEnv(t, func(int, http.ResponseWriter, *http.Request) {})
	e.p.AttemptTimeout = time.Minute
	e.tr.Base = e.base // the body counter would wrap http.NoBody
	req, err := http.NewRequestWithContext(context.Background(), http.MethodHead, e.srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Body != http.NoBody {
		t.Errorf("Body = %T, want http.NoBody", resp.Body)
	}
}

// TestLateErrorIsNotATimeout: an error that is not a timeout, arriving after the
// attempt's timeout has passed, is judged by Retry, not retried as a timeout.
func TestLateErrorIsNotATimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		errTLS := errors.New("tls: failed to verify certificate")
		calls := 0
		tr := &retryhttp.Transport{
			Base: roundTripFunc(func(*http.Request) (*http.Response, error) {
				calls++
				time.Sleep(2 * time.Second) // past the attempt's timeout, ignoring it
				return nil, errTLS
			}),
			AttemptTimeout: time.Second,
		}
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://example.invalid/", nil)
		_, err := tr.RoundTrip(req)
		if !errors.Is(err, errTLS) || calls != 1 {
			t.Errorf("RoundTrip = %v after %d calls, want the TLS error after 1", err, calls)
		}
	})
}

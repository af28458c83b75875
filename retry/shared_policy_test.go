package retry_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/wait"
)

// countingBudget allows every retry and counts the attempts it is told of.
type countingBudget struct{ attempts, failed atomic.Int64 }

func (b *countingBudget) Attempted(result, _ retry.Class) {
	b.attempts.Add(1)
	if result == retry.ClassTransient || result == retry.ClassThrottled {
		b.failed.Add(1)
	}
}

func (b *countingBudget) Allow(retry.Class) bool { return true }

// flakyRoundTripper answers 503 to every first request of a path, then 200.
type flakyRoundTripper struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (f *flakyRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	first := !f.seen[req.URL.Path]
	f.seen[req.URL.Path] = true
	f.mu.Unlock()
	rec := httptest.NewRecorder()
	if first {
		rec.WriteHeader(http.StatusServiceUnavailable)
	}
	return rec.Result(), nil
}

type user struct{ ID int }

// TestOnePolicyServesEveryCallShape declares one Policy with one Budget and uses
// that same value for every call shape: a typed Do, a Retrier built from it, an
// error-only Run, a Group, a Map, the loop form and an HTTP Transport. Each call
// fails once, then succeeds: the one Budget must have heard of every attempt, two
// per call.
func TestOnePolicyServesEveryCallShape(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := new(countingBudget)
		svc := retry.Policy{Wait: wait.None(), Budget: b}
		errBusy := errors.New("busy")
		ctx := t.Context()
		onceThen := func() func() error {
			calls := 0
			return func() error {
				if calls++; calls == 1 {
					return errBusy
				}
				return nil
			}
		}

		next := onceThen()
		u, err := retry.Do(ctx, &svc, func(context.Context) (user, error) { return user{ID: 7}, next() })
		if err != nil || u.ID != 7 {
			t.Errorf("Do = %v, %v; want {7}, nil", u, err)
		}

		r := retry.Retrier[user]{Policy: &svc, RetryResult: func(u user) bool { return u.ID == 0 }}
		calls := 0
		u, err = r.Do(ctx, func(context.Context) (user, error) {
			calls++
			return user{ID: calls - 1}, nil // the first result is rejected
		})
		if err != nil || u.ID != 1 {
			t.Errorf("Retrier.Do = %v, %v; want {1}, nil", u, err)
		}

		next = onceThen()
		if err := svc.Run(ctx, func(context.Context) error { return next() }); err != nil {
			t.Errorf("Run = %v, want nil", err)
		}

		g, _ := retry.NewGroup(ctx, &svc)
		for range 3 {
			next := onceThen()
			g.Go(func(context.Context) error { return next() })
		}
		if err := g.Wait(); err != nil {
			t.Errorf("Group.Wait = %v, want nil", err)
		}

		var mu sync.Mutex
		tries := map[int]int{}
		out, err := retry.Map(ctx, &svc, []int{1, 2, 3, 4}, 2, func(_ context.Context, id int) (user, error) {
			mu.Lock()
			tries[id]++
			n := tries[id]
			mu.Unlock()
			if n == 1 {
				return user{}, errBusy
			}
			return user{ID: id}, nil
		})
		if err != nil || len(out) != 4 || out[3].ID != 4 {
			t.Errorf("Map = %v, %v; want 4 users, nil", out, err)
		}

		loop := svc.Loop(ctx)
		for a := range loop.Attempts() {
			if a.Number() == 1 {
				a.Fail(errBusy)
			}
		}
		if err := loop.Err(); err != nil {
			t.Errorf("loop.Err = %v, want nil", err)
		}

		client := &http.Client{Transport: &retryhttp.Transport{Base: &flakyRoundTripper{seen: map[string]bool{}}, Policy: &svc}}
		for _, path := range []string{"/a", "/b"} {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://users.test"+path, nil)
			resp, err := client.Do(req)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %v, %v; want 200", path, resp, err)
			}
			_ = resp.Body.Close()
		}

		// Do, Retrier.Do, Run, 3 group tasks, 4 inputs, the loop and 2 requests:
		// 13 calls of two attempts each, the first of which failed.
		if got, failed := b.attempts.Load(), b.failed.Load(); got != 26 || failed != 13 {
			t.Errorf("the shared budget heard of %d attempts (%d failed), want 26 (13)", got, failed)
		}
	})
}

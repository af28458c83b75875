package retryhttp_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// TestSuccessAllocatesNothing checks that a round trip that succeeds at once
// adds no allocation to Base's: the zero Transport, one with the zero Policy, and
// one with every field set but AttemptTimeout (whose context allocates by nature).
func TestSuccessAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes sync.Pool's behaviour")
	}
	resp := &http.Response{StatusCode: 200, Body: http.NoBody}
	base := roundTripFunc(func(*http.Request) (*http.Response, error) { return resp, nil })
	req := mustGet(t, "http://api.invalid/")
	hook := func(retry.Attempt) {}
	tests := map[string]*retryhttp.Transport{
		"zero":        {Base: base},
		"zero Policy": {Base: base, Policy: &retry.Policy{}},
		"budget":      {Base: base, Policy: &retry.Policy{Budget: budget.Default()}},
		"every field": {
			Base: base,
			Policy: &retry.Policy{
				Name: "api", Stop: stop.AfterAttempts(5), Wait: wait.Fixed(time.Millisecond),
				Retry: predicate.Transient(), Before: hook, After: hook, BeforeSleep: hook, OnEnd: hook,
				MaxRetryAfter: 1, Budget: budget.Default(),
			},
			Max500Retries: 2, AssumeIdempotent: true,
		},
	}
	for name, tr := range tests {
		if a := testing.AllocsPerRun(100, func() { _, _ = tr.RoundTrip(req) }); a != 0 {
			t.Errorf("%s: %v allocations per round trip, want 0", name, a)
		}
	}
	// The per-request options cost their context, made beforehand, and nothing
	// per round trip.
	tr := tests["every field"]
	for name, ctx := range map[string]context.Context{
		"WithoutRetry": retryhttp.WithoutRetry(context.Background()),
		"WithPolicy":   retryhttp.WithPolicy(context.Background(), &retry.Policy{Stop: stop.AfterAttempts(2)}),
	} {
		req := req.WithContext(ctx)
		if a := testing.AllocsPerRun(100, func() { _, _ = tr.RoundTrip(req) }); a != 0 {
			t.Errorf("%s: %v allocations per round trip, want 0", name, a)
		}
	}
}

// TestNameAllocatesOnlyForHooks checks that the name a round trip gives itself,
// when its Policy has hooks and no Name, is the one allocation of its success
// path, and that it is not built for a Policy without hooks.
func TestNameAllocatesOnlyForHooks(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes sync.Pool's behaviour")
	}
	resp := &http.Response{StatusCode: 200, Body: http.NoBody}
	base := roundTripFunc(func(*http.Request) (*http.Response, error) { return resp, nil })
	req := mustGet(t, "http://api.invalid/")
	hook := func(retry.Attempt) {}
	tests := []struct {
		name   string
		policy *retry.Policy
		allocs float64
	}{
		{"no hooks", &retry.Policy{Stop: stop.AfterAttempts(2)}, 0},
		{"a hook", &retry.Policy{After: hook}, 1},
		{"a hook and a Name", &retry.Policy{After: hook, Name: "api"}, 0},
	}
	for _, tt := range tests {
		tr := &retryhttp.Transport{Base: base, Policy: tt.policy}
		if a := testing.AllocsPerRun(100, func() { _, _ = tr.RoundTrip(req) }); a != tt.allocs {
			t.Errorf("%s: %v allocations per round trip, want %v", tt.name, a, tt.allocs)
		}
	}
}

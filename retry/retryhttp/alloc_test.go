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

// TestSuccessAllocatesOnlyTheLayerMark checks that a round trip that succeeds at
// once adds two allocations to Base's, the engine's layer mark (the Frame in its
// attempts' contexts) and the shallow copy of the request that carries it to
// Base, for a retrying layer inside Base (a Base that is net/http's own Transport
// gets the request itself: see TestFirstRequestCarriesTheAttempt), whatever its
// Transport: the zero Transport, one with the
// zero Policy, and one with every field set but AttemptTimeout (whose context
// allocates by nature). A request made with retry.WithoutRetry costs nothing more;
// one made with retry.WithPolicy costs the context the round trip passes the
// engine in its place, without the Policy it applied.
func TestSuccessAllocatesOnlyTheLayerMark(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes sync.Pool's behaviour")
	}
	resp := &http.Response{StatusCode: 200, Body: http.NoBody}
	base := roundTripFunc(func(*http.Request) (*http.Response, error) { return resp, nil })
	req := mustGet(t, "http://api.invalid/")
	hook := retry.HookFunc(func(retry.Attempt) {})
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
		if a := testing.AllocsPerRun(100, func() { _, _ = tr.RoundTrip(req) }); a != 2 {
			t.Errorf("%s: %v allocations per round trip, want 2", name, a)
		}
	}
	tr := tests["every field"]
	for _, tt := range []struct {
		name   string
		ctx    context.Context
		allocs float64
	}{
		{"WithoutRetry", retry.WithoutRetry(context.Background()), 2},
		// layer.WithoutPolicy: the Override without its Policy, and its context.
		{"WithPolicy", retry.WithPolicy(context.Background(), &retry.Policy{Stop: stop.AfterAttempts(2)}), 4},
	} {
		req := req.WithContext(tt.ctx)
		if a := testing.AllocsPerRun(100, func() { _, _ = tr.RoundTrip(req) }); a != tt.allocs {
			t.Errorf("%s: %v allocations per round trip, want %v", tt.name, a, tt.allocs)
		}
	}
}

// TestNameAllocatesOnlyForHooks checks that the name a round trip gives itself,
// when its Policy has hooks and no Name, is the one allocation of its success
// path beside the layer mark, and that it is not built for a Policy without
// hooks.
func TestNameAllocatesOnlyForHooks(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes sync.Pool's behaviour")
	}
	resp := &http.Response{StatusCode: 200, Body: http.NoBody}
	base := roundTripFunc(func(*http.Request) (*http.Response, error) { return resp, nil })
	req := mustGet(t, "http://api.invalid/")
	hook := retry.HookFunc(func(retry.Attempt) {})
	tests := []struct {
		name   string
		policy *retry.Policy
		allocs float64
	}{
		{"no hooks", &retry.Policy{Stop: stop.AfterAttempts(2)}, 2},
		{"a hook", &retry.Policy{After: hook}, 3},
		{"a hook and a Name", &retry.Policy{After: hook, Name: "api"}, 2},
	}
	for _, tt := range tests {
		tr := &retryhttp.Transport{Base: base, Policy: tt.policy}
		if a := testing.AllocsPerRun(100, func() { _, _ = tr.RoundTrip(req) }); a != tt.allocs {
			t.Errorf("%s: %v allocations per round trip, want %v", tt.name, a, tt.allocs)
		}
	}
}

// TestRetriesAllocate bounds what the retry path allocates: a round trip
// answered 503 three times and then 200, with no pause, through a Base that
// allocates 8 times itself (a body and a header per response). The Transport's
// share is its layer mark and the request's copies, a StatusError per failed
// response, and the watch of each discarded body's drain.
func TestRetriesAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes sync.Pool's behaviour")
	}
	tr := &retryhttp.Transport{Base: &flakyBase{}, Policy: &retry.Policy{Wait: wait.None()}}
	req := mustGet(t, "http://api.invalid/")
	if a := testing.AllocsPerRun(100, func() { _, _ = tr.RoundTrip(req) }); a > 28 {
		t.Errorf("%v allocations per round trip, want at most 28 (v0 made 29)", a)
	}
}

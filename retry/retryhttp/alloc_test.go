package retryhttp_test

import (
	"net/http"
	"testing"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
)

// TestSuccessAllocatesNothing checks that a round trip that succeeds at once
// adds no allocation to Base's: the zero Transport, and one with every field set.
func TestSuccessAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes sync.Pool's behaviour")
	}
	resp := &http.Response{StatusCode: 200, Body: http.NoBody}
	base := roundTripFunc(func(*http.Request) (*http.Response, error) { return resp, nil })
	req := mustGet(t, "http://api.invalid/")
	tests := map[string]*retryhttp.Transport{
		"zero": {Base: base},
		"hooks": {
			Base: base, Before: func(retry.Attempt) {}, After: func(retry.Attempt) {},
			BeforeSleep: func(retry.Attempt) {}, OnGiveUp: func(retry.Attempt) {},
			MaxRetryAfter: 1, Max500Retries: 2, AssumeIdempotent: true,
		},
	}
	for name, tr := range tests {
		if a := testing.AllocsPerRun(100, func() { _, _ = tr.RoundTrip(req) }); a != 0 {
			t.Errorf("%s: %v allocations per round trip, want 0", name, a)
		}
	}
}

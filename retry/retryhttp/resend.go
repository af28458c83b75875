package retryhttp

import (
	"context"

	"github.com/tenacious-go/tenacious/internal/layer"
)

// AttemptNumber reports the 1-based number of the attempt that ctx, a request's
// context, belongs to, while that attempt runs: for a request that the Transport
// passes to its Base, 2 or more when it sends the request again (a retry or a
// hedge), whose HTTP span can then carry the semantic convention
// http.request.resend_count (n-1). It reads the attempt of the innermost retrying
// call of this module that ctx descends from (a Transport's round trip, or a
// retry.Do around a request made with the attempt's context). ok is false for a
// first attempt, and for a context of no retrying call.
func AttemptNumber(ctx context.Context) (n int, ok bool) {
	f, _ := layer.Lookup(ctx)
	if f == nil {
		return 0, false
	}
	if n = f.Attempt(); n < 2 {
		return 0, false
	}
	return n, true
}

package retryhttp

import (
	"context"

	"github.com/tenacious-go/tenacious/internal/layer"
)

// AttemptNumber reports the 1-based number of the attempt that ctx, a request's
// context, belongs to, while that attempt runs: for a request that the Transport
// passes to its Base, 2 or more when the request is a resend (a retry or a
// hedge), whose HTTP span can then carry the semantic convention
// http.request.resend_count (n-1). It reads the attempts of the retrying calls of
// this module that ctx descends from, innermost first, and reports the first
// that is not a first attempt: a request that a Transport sends once inside the
// second attempt of a retry.Do, or of a hedged call above it, is a resend too.
// ok is false for a request that no layer has sent before, and for a context of
// no retrying call.
func AttemptNumber(ctx context.Context) (n int, ok bool) {
	for f, _ := layer.Lookup(ctx); f != nil; f, _ = layer.Lookup(f.Context) {
		if n = f.Attempt(); n >= 2 {
			return n, true
		}
	}
	return 0, false
}

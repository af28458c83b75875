package retryhttp

import "context"

// attemptKey is the context key under which the Transport puts the number of a
// request it sends again.
type attemptKey struct{}

// AttemptNumber reports the 1-based number of the attempt a request is, from the
// context of a request that the Transport passes to its Base: 2 or more for a
// request it sends again (a retry or a hedge), whose HTTP span can then carry the
// semantic convention http.request.resend_count (n-1). For the first attempt,
// and for any other context, ok is false.
func AttemptNumber(ctx context.Context) (n int, ok bool) {
	n, ok = ctx.Value(attemptKey{}).(int)
	return n, ok
}

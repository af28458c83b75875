package retry

import "context"

// Wrap returns a function with f's signature that calls f through p: the Go
// counterpart of tenacity's @retry decorator. Every call of the returned function
// has its own attempts, so it is safe for concurrent use. Wrap copies *p (nil is
// the zero Policy), so later changes to p do not affect it; it panics if f is nil.
//
// For a function of no argument, or of several, wrap a closure; for one that
// returns only an error, call [Policy.Run] in a closure of your own.
func Wrap[A, T any](p *Policy, f func(context.Context, A) (T, error)) func(context.Context, A) (T, error) {
	if f == nil {
		panic("retry: Wrap: nil function")
	}
	var pc Policy
	if p != nil {
		pc = *p
	}
	return func(ctx context.Context, arg A) (T, error) {
		mustCall("Wrap", ctx, false)
		return do(ctx, &pc, func(ctx context.Context) (T, error) { return f(ctx, arg) }, nil, nil)
	}
}

package retry

import "context"

// Wrap returns a function with f's signature that calls f through r: the Go
// counterpart of tenacity's @retry decorator. Every call of the returned function
// has its own attempts, so it is safe for concurrent use. Wrap copies *r, so later
// changes to r do not affect it; it panics if r or f is nil.
//
// Use WrapDo for a function without an argument and WrapRun for one that returns
// only an error.
func Wrap[A, T any](r *Retrier[T], f func(context.Context, A) (T, error)) func(context.Context, A) (T, error) {
	if r == nil || f == nil {
		panic("retry: Wrap: nil Retrier or function")
	}
	rc := *r
	return func(ctx context.Context, arg A) (T, error) {
		return rc.Do(ctx, func(ctx context.Context) (T, error) { return f(ctx, arg) })
	}
}

// WrapDo returns a function that calls f through r, as Do would. It copies *r and
// panics if r or f is nil.
func WrapDo[T any](r *Retrier[T], f func(context.Context) (T, error)) func(context.Context) (T, error) {
	if r == nil || f == nil {
		panic("retry: WrapDo: nil Retrier or function")
	}
	rc := *r
	return func(ctx context.Context) (T, error) { return rc.Do(ctx, f) }
}

// WrapRun returns a function that calls f through r, as Run would. It copies *r and
// panics if r or f is nil.
func WrapRun[T any](r *Retrier[T], f func(context.Context) error) func(context.Context) error {
	if r == nil || f == nil {
		panic("retry: WrapRun: nil Retrier or function")
	}
	rc := *r
	return func(ctx context.Context) error { return rc.Run(ctx, f) }
}

package retry

import (
	"context"
	"sync"
	"sync/atomic"
)

// Map calls f on every input, at most limit at a time, each call retried by p (nil
// is the zero Policy), and
// returns the results in input order. It fails fast: the first input to fail for
// good cancels the others' attempts and pauses, and Map returns that error, with the
// results of the inputs that succeeded (the others are zero). The deadline of ctx
// bounds the whole batch.
//
// Map runs exactly min(limit, len(inputs)) goroutines, which take inputs in order,
// so memory and goroutines are bounded by limit, not by the number of inputs; it
// returns only when all of them have. It panics if limit is below 1 or f is nil.
// Use MapAll to let every input run to its end and learn each failure.
func Map[In, Out any](ctx context.Context, p *Policy, inputs []In, limit int, f func(context.Context, In) (Out, error)) ([]Out, error) {
	var firstErr error
	var once sync.Once
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(context.Canceled)
	out := mapInputs(ctx, "Map", p, inputs, limit, f, func(_ int, err error) {
		once.Do(func() { firstErr = err; cancel(err) })
	})
	return out, firstErr
}

// MapAll is Map in collect-all mode: every input runs to its own end, whatever
// happens to the others, and MapAll returns every result in input order (zero where
// the input failed) and a *BatchError with one *TaskError per failed input, whose
// Index is the input's index; or nil if all succeeded. Inputs not yet started when
// ctx ends are not called: each fails with the context's cause.
func MapAll[In, Out any](ctx context.Context, p *Policy, inputs []In, limit int, f func(context.Context, In) (Out, error)) ([]Out, error) {
	var mu sync.Mutex
	var failures []*TaskError
	out := mapInputs(ctx, "MapAll", p, inputs, limit, f, func(i int, err error) {
		mu.Lock()
		failures = append(failures, &TaskError{Index: i, Err: err})
		mu.Unlock()
	})
	return out, batchError(failures)
}

// mapInputs runs the workers of Map and MapAll and reports each failure to fail.
func mapInputs[In, Out any](ctx context.Context, name string, p *Policy, inputs []In, limit int, f func(context.Context, In) (Out, error), fail func(int, error)) []Out {
	switch {
	case limit < 1:
		panic("retry: " + name + ": limit must be at least 1")
	case f == nil:
		panic("retry: " + name + ": nil function")
	}
	out := make([]Out, len(inputs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(limit, len(inputs)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(inputs) {
					return
				}
				if ctx.Err() != nil { // the batch is over: report, don't call
					fail(i, context.Cause(ctx))
					continue
				}
				v, err := do(ctx, p, func(ctx context.Context) (Out, error) { return f(ctx, inputs[i]) }, nil, nil)
				if err != nil {
					fail(i, err)
					continue
				}
				out[i] = v
			}
		})
	}
	wg.Wait()
	return out
}

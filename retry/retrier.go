package retry

import "context"

// Do calls op until it succeeds or p gives up, and returns op's last result and
// error, as [Policy.Run] does for an error-only operation: an error that is not
// retried comes back unchanged, giving up on a retryable one returns an *Error
// (whose Result is the last result too), and the end of ctx is final. T is inferred
// from op, so a call site writes no type argument:
//
//	u, err := retry.Do(ctx, &svc, func(ctx context.Context) (User, error) { return api.User(ctx, id) })
//
// A nil p is the zero Policy. Do panics if ctx or op is nil. On the success path it
// allocates once, its mark in the attempt's context. To retry a result as well as
// an error, use [Retrier.Do].
func Do[T any](ctx context.Context, p *Policy, op func(context.Context) (T, error)) (T, error) {
	mustCall("Do", ctx, op == nil)
	return do(ctx, p, op, nil, nil)
}

// Retrier is a Policy with a typed result predicate: the Go counterpart of
// tenacity's retry_if_result. Derive one from a service's Policy with one literal,
// which shares its strategies, hooks and Budget:
//
//	r := retry.Retrier[User]{Policy: svc, RetryResult: func(u User) bool { return u.ID == "" }}
//
// A zero Retrier is valid: it is the zero Policy with no result predicate. Like a
// Policy, it is configuration only and safe for concurrent use.
type Retrier[T any] struct {
	// Policy says how to retry; nil is the zero Policy. It must not change while
	// calls use it.
	Policy *Policy
	// RetryResult, if set, asks for another attempt when an attempt succeeds with a
	// result it rejects. Errors are still retried as Policy.Retry says: set Retry to
	// predicate.Never() to retry results only, as tenacity's retry_if_result alone
	// does.
	RetryResult func(T) bool

	// Discard, if set, receives every result that the call does not return, once
	// a later attempt has superseded it: a result RetryResult rejected before a
	// retry, in Do and Hedge alike, and in Hedge the result of an attempt that lost
	// the race. Close what the result holds there, such as a response body. It
	// runs on the call's goroutine, before the call returns, once per such result.
	// A result returned with an error is not passed: by Go's convention the
	// operation cleans it up before it returns the error. The result the call
	// returns, the last rejected one included when the call gives up on it, is
	// the caller's.
	Discard func(T)
}

// Do is [Do] with r's Policy, and RetryResult applied to every successful result: a
// rejected result counts as a failed attempt whose Attempt.Err is nil, and giving
// up on it returns an *Error whose Last is nil and whose Result is the rejected
// value. Do panics if ctx or op is nil.
func (r *Retrier[T]) Do(ctx context.Context, op func(context.Context) (T, error)) (T, error) {
	mustCall("Retrier.Do", ctx, op == nil)
	return do(ctx, r.Policy, op, r.RetryResult, r.Discard)
}

// Wrap returns a function that calls op through r, as [Retrier.Do] does: the
// decorator form of a Retrier, as [Wrap] is of a Policy. Every call of the
// returned function has its own attempts, so it is safe for concurrent use; it
// reads r at each call. Wrap panics if op is nil. (A method cannot add a type
// parameter, so for an operation that takes an argument, close over it, or use
// [Wrap] with the Policy.)
func (r *Retrier[T]) Wrap(op func(context.Context) (T, error)) func(context.Context) (T, error) {
	if op == nil {
		panic("retry: Retrier.Wrap: nil operation")
	}
	return func(ctx context.Context) (T, error) {
		mustCall("Retrier.Wrap", ctx, false)
		return do(ctx, r.Policy, op, r.RetryResult, r.Discard)
	}
}

// Hedge is [Retrier.Do] with hedging: with a Hedger in the Policy, it starts
// another attempt whenever the ones in flight are slow to answer, runs them
// concurrently, takes the first acceptable result and hands the others to
// Discard (see Hedger for the rules). Call it only for an operation that is safe
// to run several times at once; Do, Run and the other call shapes never do.
// Without a Hedger, or with [WithoutRetry], Hedge is Do. Hedge panics if ctx or op
// is nil.
//
// Each attempt runs with a context of its own, derived from ctx, which is canceled
// as soon as the call is decided, the winner's included: as with AttemptTimeout,
// a result must not depend on it, so read what it needs (a response body) inside
// op. Unlike Do, Hedge hands op to goroutines of its own, so a closure passed to
// it is allocated on the heap.
func (r *Retrier[T]) Hedge(ctx context.Context, op func(context.Context) (T, error)) (T, error) {
	mustCall("Retrier.Hedge", ctx, op == nil)
	if !hedges(ctx, r.Policy) {
		return do(ctx, r.Policy, op, r.RetryResult, r.Discard)
	}
	return hedged(ctx, r.Policy, op, r.RetryResult, r.Discard)
}

// do runs a typed call on the engine. A result that reject rejects goes to
// discard, if set, once the retry that supersedes it is certain.
//
// The loop stays in this one function, with the call's state in its frame: a
// call made on a goroutine of its own (a Group's task, a fan-out) then fits the
// goroutine's first stack, which a deeper chain of frames would make it outgrow
// and copy.
func do[T any](ctx context.Context, p *Policy, op func(context.Context) (T, error), reject func(T) bool, discard func(T)) (T, error) {
	var c call
	c.init(ctx, p)
	c.mark()
	for {
		actx, cancel, refused := c.begin()
		if refused != nil {
			var zero T
			return zero, refused
		}
		v, err := op(actx)
		err = c.settle(actx, cancel, err)
		rejected := err == nil && reject != nil && reject(v)
		again, final := c.end(err, rejected)
		if !again {
			if ge, ok := final.(*Error); ok {
				ge.Result = v
			}
			return v, final
		}
		if rejected && discard != nil {
			discard(v)
		}
	}
}

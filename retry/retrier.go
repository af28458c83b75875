package retry

import (
	"context"
	"time"
)

// Default values of a zero Retrier.
const (
	// DefaultAttempts is the number of attempts a nil Stop allows.
	DefaultAttempts = 3
	// DefaultBase and DefaultCap bound the full-jitter exponential backoff of a nil
	// Wait: a pause drawn uniformly from [0, min(DefaultCap, DefaultBase·2^(n-1))].
	DefaultBase = 100 * time.Millisecond
	DefaultCap  = 10 * time.Second
)

// Retrier calls an operation until it succeeds, a strategy says stop, or the context
// ends. A zero Retrier is valid: it makes at most 3 attempts with full-jitter
// exponential backoff (100ms base, 10s cap) and retries every error except those
// marked Permanent and context errors.
//
// A Retrier is configuration only: one value serves any number of goroutines, and
// each call keeps its own state. Copy it and change a field to derive a variant, as
// tenacity's retry_with does. Panics in the operation or in a strategy are not
// recovered and not retried.
type Retrier[T any] struct {
	// Stop says when to give up; nil stops after DefaultAttempts attempts.
	Stop Stop
	// Wait chooses each pause; nil is full-jitter exponential backoff between 0 and
	// min(DefaultCap, DefaultBase·2^(n-1)).
	Wait Wait
	// Retry says which errors are worth another attempt; nil retries every error but
	// context.Canceled and context.DeadlineExceeded. Errors marked Permanent are
	// never retried, and an attempt that ran out of AttemptTimeout always is.
	Retry Predicate
	// RetryResult, if set, asks for another attempt when an attempt succeeds with a
	// result it rejects (tenacity's retry_if_result).
	RetryResult func(T) bool

	// Before runs before every attempt.
	Before Hook
	// After runs after every attempt, successful or not.
	After Hook
	// BeforeSleep runs before each pause, once the retry is certain; Attempt.Delay is
	// the pause.
	BeforeSleep Hook
	// OnGiveUp runs once when the call ends in failure, for any reason: an error
	// that is not retried, a Stop, the deadline, the context or the budget.
	OnGiveUp Hook

	// AttemptTimeout, if positive, bounds each attempt: the operation's context ends
	// after it. An attempt that times out is retried (its error matches
	// ErrAttemptTimeout); the end of the caller's context is final. The attempt's
	// context is canceled as soon as the operation returns, so a result must not
	// depend on it: read a response body inside the operation.
	AttemptTimeout time.Duration

	// Budget, if set, caps retries as a share of the traffic of every call that
	// shares it (see DefaultBudget). When it refuses a retry, the call gives up at
	// once with ReasonBudget. Nil means no budget.
	Budget Budget
}

// Policy is a Retrier for operations that return only an error; use its Run method.
// It needs no type argument: var p retry.Policy is ready to use.
type Policy = Retrier[struct{}]

// Do calls op until it succeeds or the Retrier gives up, and returns op's last result
// and error. An error that is not retried comes back unchanged (unwrapped from
// Permanent); giving up on a retryable one returns an *Error. The first attempt is
// always made; ctx is passed to op (or, with AttemptTimeout, a context derived from
// it), and its end is final: Do returns at once, waking from any pause. If op
// itself returns the context's error, that error is not retried and so comes back
// unchanged; any other error cut short by the context's end becomes an *Error with
// ReasonCanceled. Do panics if ctx or op is nil.
//
// On the success path Do allocates nothing.
func (r *Retrier[T]) Do(ctx context.Context, op func(context.Context) (T, error)) (T, error) {
	mustCall("Do", ctx, op == nil)
	var c call
	r.fill(&c.r)
	c.ctx = ctx
	c.start()
	for {
		actx, cancel := c.begin()
		v, err := op(actx)
		err = c.settle(actx, cancel, err)
		rejected := err == nil && r.RetryResult != nil && r.RetryResult(v)
		again, final := c.end(err, rejected)
		if !again {
			if ge, ok := final.(*Error); ok {
				ge.Result = v
			}
			return v, final
		}
	}
}

// Run is Do for an operation that returns only an error. RetryResult is not used.
func (r *Retrier[T]) Run(ctx context.Context, op func(context.Context) error) error {
	mustCall("Run", ctx, op == nil)
	var c call
	r.fill(&c.r)
	c.ctx = ctx
	c.start()
	for {
		actx, cancel := c.begin()
		err := c.settle(actx, cancel, op(actx))
		if again, final := c.end(err, false); !again {
			return final
		}
	}
}

// fill copies the strategies, hooks and settings that do not depend on T into p,
// in place: a call's state is copied once, not built and then moved.
func (r *Retrier[T]) fill(p *policy) {
	p.Stop, p.Wait, p.Retry = r.Stop, r.Wait, r.Retry
	p.Before, p.After, p.BeforeSleep, p.OnGiveUp = r.Before, r.After, r.BeforeSleep, r.OnGiveUp
	p.AttemptTimeout, p.Budget = r.AttemptTimeout, r.Budget
}

func mustCall(method string, ctx context.Context, nilOp bool) {
	switch {
	case ctx == nil:
		panic("retry: Retrier." + method + ": nil Context")
	case nilOp:
		panic("retry: Retrier." + method + ": nil operation")
	}
}

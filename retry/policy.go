package retry

import (
	"context"
	"time"
)

// DefaultAttempts is the number of attempts a nil Stop allows, in every call of a
// Policy: this package's (Do, Run, the loop form, Group, Map, Wrap, Retrier) and
// the adapters' (retryhttp, retrygrpc).
const DefaultAttempts = 4

// Policy says how to retry a call: when to stop, how long to wait, which failures to
// retry, what to tell the hooks, how long an attempt may take and which budget to
// draw on. A service declares one and every call shape shares it: [Do] for a typed
// result, [Policy.Run] for an error-only call, [Policy.Loop], [Group], [Map], [Wrap],
// [Retrier] (which adds a result predicate) and adapters such as retryhttp's
// Transport.
//
// A zero Policy is valid: at most 4 attempts, full-jitter exponential backoff
// (100ms base, 10s max), server hints honoured up to a minute, and a retry of every
// error except those marked Permanent and context.Canceled. These defaults are the
// same wherever the Policy runs, but for a nil Retry, which an adapter fills with
// its protocol's rules (retryhttp's Transport and retrygrpc's interceptors retry
// only what is safe to send again).
//
// Retry at one layer: when a call of a Policy runs inside an attempt of another
// (its context descends from the attempt's) and gives up after retrying, runs out
// of Budget, or refuses a retry for safety, the outer call does not retry that
// attempt (ReasonLayerBelow); and a call inside an attempt of a hedged call makes
// one attempt, the hedged call doing the retrying. So stacked layers never
// multiply the attempts a server sees. [WithoutRetry], [WithPolicy] and [WithIgnoreLayers] override one
// call through its context, for every entry point alike.
//
// A Policy is configuration only: one value serves any number of goroutines, and
// each call keeps its own state. Its fields must not change while calls use it. Copy
// it and change a field to derive a variant, as tenacity's retry_with does: the copy
// shares the Budget. Panics in an operation, a strategy or a hook are not recovered
// and not retried.
type Policy struct {
	// A Policy holds strategies that may be functions, which == cannot
	// compare: this keeps == from compiling rather than panicking.
	_ [0]func()

	// Name, if set, names what the calls do ("GET api.example.com", a gRPC method),
	// for the hooks: they read it as Attempt.Name. Adapters set it per call.
	Name string

	// Stop says when to give up; nil stops after DefaultAttempts (4) attempts.
	Stop Stop
	// Wait chooses each pause; nil is full-jitter exponential backoff: after
	// attempt n, a pause drawn uniformly from [0, min(10s, 100ms·2^(n-1))]. A
	// server's hint in the attempt's error overrides it: see MaxRetryAfter. A
	// pause that a hint set restarts the backoff, as gRFC A6 says of pushback:
	// Wait then sees Attempt.Number counted from that pause (1 for the first
	// failure after it) and no PrevDelay, so the next pause it chooses is its
	// first step again. Stop and the hooks see the real Number.
	Wait Wait
	// Retry says which errors are worth another attempt; nil retries every error
	// but context.Canceled. Errors marked Permanent are never retried, and an
	// attempt that ran out of AttemptTimeout always is. Retry is asked only while
	// the caller's context lives: once it has ended the call is over, so a
	// context.DeadlineExceeded that Retry sees is a lower layer's own timeout (a
	// driver's, a server's), which is transient.
	Retry Predicate

	// Before runs before every attempt.
	Before Hook
	// After runs after every attempt, successful or not.
	After Hook
	// BeforeSleep runs before each pause, once the retry is certain; Attempt.Delay is
	// the pause.
	BeforeSleep Hook
	// OnEnd runs once when the call ends, however it ends; Attempt.Reason says how:
	// a success, an error not retried (and which rule said no: Retry, a rule of
	// safety, a layer below), or a give-up (a Stop, the deadline, the budget, the
	// context).
	OnEnd Hook

	// MaxRetryAfter caps the pause a server's hint can ask for. A hint is a
	// RetryAfter() time.Duration method of an error in the tree of the attempt's
	// error, found as errors.As would find it (retryhttp's StatusError carries an
	// HTTP Retry-After this way; an error of your own can too). When the failed
	// attempt's error carries a positive hint, the pause is the hint, clamped to
	// MaxRetryAfter, plus a random extra of up to half of it, so that clients told
	// the same thing do not come back in step; Wait is not asked. Zero means a
	// minute; a negative value ignores hints, so that Wait alone chooses every
	// pause.
	MaxRetryAfter time.Duration

	// AttemptTimeout, if positive, bounds each attempt: the operation's context ends
	// after it. An attempt that times out is retried (its error matches
	// ErrAttemptTimeout); the end of the caller's context is final. The timeout is
	// cooperative: an operation that ignores its context runs on, and the call
	// waits for it. The attempt's context is canceled as soon as the operation
	// returns, so a result must not depend on it: read a response body inside the
	// operation.
	AttemptTimeout time.Duration

	// Budget, if set, caps retries as a share of the traffic of every call that
	// shares it (see package budget). When it refuses a retry, the call gives up
	// with ReasonBudget: at once, or, if the failure carried a server's hint, after
	// waiting out the pause the hint set, so that a caller who sends its next
	// request at once still goes at the server's pace. Nil means no budget.
	Budget Budget

	// Gate, if set, admits or refuses every attempt before it starts, first
	// attempts included (see Gate and package gate): shared per service, like
	// a Budget. Nil admits every attempt.
	Gate Gate

	// Hedger, if set, lets Retrier.Hedge, and adapters for requests they know are
	// safe to repeat, start another attempt when the ones in flight are slow to
	// answer, and take the first good answer (see Hedger). Every other call runs
	// one attempt at a time, whatever it holds.
	Hedger Hedger

	// Throttled says which failures worth retrying are the service asking the
	// caller to slow down (ClassThrottled, for the Budget) rather than failing
	// (ClassTransient). Nil means a failure whose error carries a server's hint
	// (see MaxRetryAfter) or a StatusCode() of 429. Only the Budget and the
	// Gate hear the class, so Throttled is asked only when the Policy has one.
	Throttled Predicate
}

// Run calls op until it succeeds or the Policy gives up, and returns nil or op's last
// error. An error that is not retried comes back unchanged (unwrapped from
// Permanent); giving up on a retryable one returns an *Error. The first attempt is
// always made; ctx is passed to op (or, with AttemptTimeout, a context derived from
// it), and its end is final: Run returns at once, waking from any pause, with an
// *Error of ReasonContext that unwraps to op's last error and to the context's
// error, whatever op returned (a Permanent error aside). A nil p is the zero
// Policy. Run panics if ctx or op is nil.
//
// On the success path Run allocates once, its mark in the attempt's context (see
// [ReasonLayerBelow]). Use [Do] for an operation that also
// returns a result.
func (p *Policy) Run(ctx context.Context, op func(context.Context) error) error {
	mustCall("Policy.Run", ctx, op == nil)
	var c call
	c.init(ctx, p)
	c.mark()
	for {
		actx, cancel, refused := c.begin()
		if refused != nil {
			return refused
		}
		err := c.settle(actx, cancel, op(actx))
		if again, final := c.end(err, false); !again {
			return final
		}
	}
}

func mustCall(fn string, ctx context.Context, nilOp bool) {
	switch {
	case ctx == nil:
		panic("retry: " + fn + ": nil Context")
	case nilOp:
		panic("retry: " + fn + ": nil operation")
	}
}

// The full-jitter exponential backoff of a nil Wait: see Policy.Wait.
const (
	defaultBase = 100 * time.Millisecond
	defaultMax  = 10 * time.Second
)

// defaultMaxRetryAfter is the longest server hint a zero MaxRetryAfter honours.
const defaultMaxRetryAfter = time.Minute

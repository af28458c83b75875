package retry

import (
	"context"

	"github.com/tenacious-go/tenacious/internal/layer"
)

// WithoutRetry returns a copy of ctx that makes the calls made with it (Do, Run,
// a Retrier, the loop form, a Group's or Map's tasks, an HTTP request through
// retryhttp's Transport, a gRPC call through retrygrpc's interceptors) make one
// attempt and never retry it: for a health check, or a call whose caller
// retries at its own layer. The Policy still applies to that attempt: its hooks
// see it, its Budget hears of it, its AttemptTimeout bounds it. A failure comes
// back unchanged, as an error not retried (OnEnd sees ReasonNotRetried).
//
// Like every override here, it applies to the calls made with ctx and not to
// the calls inside their attempts: an attempt's context does not carry it. It
// composes with [WithPolicy] and [WithIgnoreLayers] in any order.
func WithoutRetry(ctx context.Context) context.Context {
	return layer.With(ctx, func(o *layer.Override) { o.NoRetry = true })
}

// WithPolicy returns a copy of ctx that makes the calls made with it follow p in
// place of their own Policy: a stricter Stop for a call made while a user waits,
// another Budget for a batch job, without a second client. A nil p is the zero
// Policy. In an adapter, a nil field of p means the adapter's default, and the
// adapter's rules of safety still apply. The innermost WithPolicy wins; p must
// not change while calls use it.
func WithPolicy(ctx context.Context, p *Policy) context.Context {
	return layer.With(ctx, func(o *layer.Override) { o.Policy, o.HasPolicy = p, true })
}

// WithIgnoreLayers returns a copy of ctx that makes the calls made with it retry
// an attempt even when a layer below decided it (see ReasonLayerBelow): for an
// outer layer that means to repeat what the inner one gave up on, such as one
// that fails over to another region. The attempts still count against the
// Policy's Stop and Budget.
func WithIgnoreLayers(ctx context.Context) context.Context {
	return layer.With(ctx, func(o *layer.Override) { o.IgnoreBelow = true })
}

package retryhttp

import (
	"context"

	"github.com/tenacious-go/tenacious/retry"
)

// optionsKey is the context key of a request's options.
type optionsKey struct{}

// options is what WithoutRetry and WithPolicy say about the requests made with a
// context: one value, so that a round trip looks them up once.
type options struct {
	policy    *retry.Policy
	hasPolicy bool // policy replaces the Transport's, even when nil
	noRetry   bool
}

// withoutRetry is the options of WithoutRetry alone, shared.
var withoutRetry = &options{noRetry: true}

// WithoutRetry returns a copy of ctx that makes the Transport send every request
// made with it once, and never again: for a health check, or a call that has a
// retry loop of its own. The Transport's Policy (or the one of [WithPolicy]) still
// applies to that attempt: its hooks see it, its Budget hears of it, its
// AttemptTimeout bounds it. What Base returned comes back as it came, a response
// whatever its status, or an error unchanged; OnEnd sees ReasonNotRetried when the
// attempt failed.
//
// It composes with WithPolicy in either order: the request follows that Policy,
// without retries.
func WithoutRetry(ctx context.Context) context.Context {
	o, _ := ctx.Value(optionsKey{}).(*options)
	if o == nil {
		return context.WithValue(ctx, optionsKey{}, withoutRetry)
	}
	c := *o
	c.noRetry = true
	return context.WithValue(ctx, optionsKey{}, &c)
}

// WithPolicy returns a copy of ctx that makes the Transport retry every request
// made with it as p says, in place of the Transport's own Policy: a stricter
// Stop for a call made while a user waits, a Policy with another Budget for a
// batch job, without a second client. A nil field of p means the Transport's
// default, as it does in Transport.Policy, and a nil p is the zero Policy (the
// Transport's defaults throughout). The Transport's own fields (Base,
// Max500Retries, AssumeIdempotent) and its rules of safety still apply.
//
// The innermost WithPolicy wins; a [WithoutRetry] on either side of it still
// holds. p must not change while requests use it.
func WithPolicy(ctx context.Context, p *retry.Policy) context.Context {
	c := options{policy: p, hasPolicy: true}
	if o, _ := ctx.Value(optionsKey{}).(*options); o != nil {
		c.noRetry = o.noRetry
	}
	return context.WithValue(ctx, optionsKey{}, &c)
}

// requestOptions returns the options of ctx; nil if it has none.
func requestOptions(ctx context.Context) *options {
	o, _ := ctx.Value(optionsKey{}).(*options)
	return o
}

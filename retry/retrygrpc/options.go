package retrygrpc

import (
	"context"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/tenacious-go/tenacious/retry"
)

// An Option changes what an interceptor retries. Options apply to every call
// the interceptor makes; the call options [Idempotent], [NoRetry], [UsePolicy]
// and [IgnoreLayers], and the context of [WithIdempotent], apply to one call.
type Option func(*config)

// RetryAborted makes the default table (a nil Policy.Retry) retry ABORTED too,
// for a service whose ABORTED means a concurrency conflict worth another try, as
// the gRPC status code documentation suggests, rather than a failed
// read-modify-write sequence the caller must restart itself. A Policy.Retry of
// your own decides for itself: see [Codes].
func RetryAborted() Option {
	return func(c *config) { c.aborted = true }
}

// IdempotentMethods marks the methods named, by full method name as gRPC
// spells it ("/package.Service/Method"), as safe to repeat, whatever their
// descriptors say: the interceptor retries them. It panics if a name is not of
// that form.
func IdempotentMethods(fullMethods ...string) Option {
	for _, m := range fullMethods {
		if _, ok := descriptorName(m); !ok {
			panic("retrygrpc: IdempotentMethods: " + m + " is not a full method name /package.Service/Method")
		}
	}
	return func(c *config) {
		if c.methods == nil {
			c.methods = make(map[string]bool, len(fullMethods))
		}
		for _, m := range fullMethods {
			c.methods[m] = true
		}
	}
}

// AssumeIdempotent makes the interceptor treat every method as safe to repeat,
// as if its descriptor said IDEMPOTENT. Use it only when every server behind the
// connection deduplicates requests, or when no method has side effects.
func AssumeIdempotent() Option {
	return func(c *config) { c.assumeIdempotent = true }
}

// A DescriptorSource finds descriptors by full name, as *protoregistry.Files
// does.
type DescriptorSource interface {
	FindDescriptorByName(protoreflect.FullName) (protoreflect.Descriptor, error)
}

// Descriptors makes the interceptor read methods' idempotency_level from src
// instead of protoregistry.GlobalFiles, where generated code registers its
// descriptors: for descriptors built at run time (protodesc.NewFiles), or
// fetched by server reflection. It panics if src is nil.
func Descriptors(src DescriptorSource) Option {
	if src == nil {
		panic("retrygrpc: Descriptors: nil DescriptorSource")
	}
	return func(c *config) { c.source = src }
}

// The call options of this package embed grpc.EmptyCallOption, so that gRPC
// ignores them. Idempotent is a fact about the call: each retrygrpc interceptor
// the call goes through reads it, and passes it on. NoRetry, UsePolicy and
// IgnoreLayers are overrides of one call, as their context forms are: the
// interceptor that reads them does not pass them on to the invoker or streamer
// it calls, so an interceptor chained after it follows its own Policy.
type (
	idempotentCallOption   struct{ grpc.EmptyCallOption }
	noRetryCallOption      struct{ grpc.EmptyCallOption }
	ignoreLayersCallOption struct{ grpc.EmptyCallOption }
	usePolicyCallOption    struct {
		grpc.EmptyCallOption
		p *retry.Policy
	}
)

// Idempotent returns a call option that marks one call as safe to repeat,
// whatever its method's descriptor says:
//
//	resp, err := client.Charge(ctx, req, retrygrpc.Idempotent()) // the server deduplicates by req.Id
//
// Without the interceptors, gRPC ignores it.
func Idempotent() grpc.CallOption { return idempotentCallOption{} }

// NoRetry returns a call option that makes the interceptors make one attempt
// of the call and never retry it, as retry.WithoutRetry does for a context:
// for a health check, or a call whose caller retries at its own layer. The
// Policy still applies to that attempt: its hooks see it, its Budget hears of
// it, its AttemptTimeout bounds it (a unary call's; a stream is committed at
// its opening). A failure comes back as gRPC returned it, as an error not
// retried (retry.ReasonNotRetried), and the interceptor leaves the layer above
// free to retry it, unless the server's pushback said not to; a hedged call
// sends no hedge.
//
// Like retry.WithoutRetry, it applies to the call of the interceptor that
// reads it, the first retrygrpc interceptor the call goes through, and not to
// the calls inside its attempts: the interceptor does not pass it on to the
// invoker or streamer it calls, so a second retrygrpc interceptor chained after
// it follows its own Policy. A call option wins over the context: NoRetry
// applies whatever the context carries. Without the interceptors, gRPC ignores
// it.
func NoRetry() grpc.CallOption { return noRetryCallOption{} }

// UsePolicy returns a call option that makes the interceptors run the call
// with p in place of the Policy they were made with, as retry.WithPolicy does
// for a context: a stricter Stop for a call made while a user waits, another
// Budget for a batch job, without a second connection. A nil p is the zero
// Policy. As for the interceptor's own Policy, a nil field of p means the
// engine's default and a nil Retry the gRPC table, and the rules of safety
// still apply: only methods safe to repeat are retried, and none past its
// commit point. p must not change while calls use it.
//
// Like retry.WithPolicy, it applies to the call of the first retrygrpc
// interceptor the call goes through, which does not pass it on: an interceptor
// chained after it follows its own Policy. A call option wins over the
// context: UsePolicy overrides the Policy of a retry.WithPolicy context.
// Without the interceptors, gRPC ignores it.
func UsePolicy(p *retry.Policy) grpc.CallOption { return usePolicyCallOption{p: p} }

// IgnoreLayers returns a call option that makes the interceptors retry an
// attempt of the call even when a layer below decided it (see
// retry.ReasonLayerBelow), as retry.WithIgnoreLayers does for a context: for
// two retrygrpc interceptors chained on one connection, where the outer one
// means to repeat what the inner one gave up on. The attempts still count
// against the Policy's Stop and Budget. Like retry.WithIgnoreLayers, it applies
// to the call of the first retrygrpc interceptor the call goes through, which
// does not pass it on. Without the interceptors, gRPC ignores it.
func IgnoreLayers() grpc.CallOption { return ignoreLayersCallOption{} }

// callFlags is what the call options of this package ask of one call.
type callFlags struct {
	idempotent, noRetry, ignoreLayers bool
	hasPolicy                         bool
	policy                            *retry.Policy
	// overrides: the call options hold NoRetry, UsePolicy or IgnoreLayers,
	// which the interceptor does not pass on (see appendPassed).
	overrides bool
}

// flagsOf reads the call options of this package among opts; of several
// UsePolicy, the last wins.
func flagsOf(opts []grpc.CallOption) callFlags {
	var f callFlags
	for _, o := range opts {
		switch o := o.(type) {
		case idempotentCallOption:
			f.idempotent = true
		case noRetryCallOption:
			f.noRetry, f.overrides = true, true
		case ignoreLayersCallOption:
			f.ignoreLayers, f.overrides = true, true
		case usePolicyCallOption:
			f.policy, f.hasPolicy, f.overrides = o.p, true, true
		}
	}
	return f
}

// appendPassed appends to dst the call options of opts that the interceptor
// passes on to the invoker or streamer it calls: all of them but NoRetry,
// UsePolicy and IgnoreLayers, which apply to its own call only, as their
// context forms do.
func appendPassed(dst, opts []grpc.CallOption) []grpc.CallOption {
	for _, o := range opts {
		switch o.(type) {
		case noRetryCallOption, usePolicyCallOption, ignoreLayersCallOption:
			continue
		}
		dst = append(dst, o)
	}
	return dst
}

type idempotentKey struct{}

// WithIdempotent returns a copy of ctx that marks every call made with it as
// safe to repeat, whatever its method's descriptor says: the caller's promise
// that the server deduplicates the call, or that repeating it does no harm.
// Prefer the call option [Idempotent], which cannot leak into other calls made
// with the same context.
func WithIdempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey{}, true)
}

// descriptorName returns the full name of the method descriptor of a full
// method name: "package.Service.Method" for "/package.Service/Method".
func descriptorName(fullMethod string) (protoreflect.FullName, bool) {
	if len(fullMethod) < 4 || fullMethod[0] != '/' {
		return "", false
	}
	svc, method, ok := strings.Cut(fullMethod[1:], "/")
	if !ok || svc == "" || method == "" || strings.Contains(method, "/") {
		return "", false
	}
	return protoreflect.FullName(svc + "." + method), true
}

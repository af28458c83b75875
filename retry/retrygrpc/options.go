package retrygrpc

import (
	"context"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// An Option changes what an interceptor retries. Options apply to every call
// the interceptor makes; [Idempotent] and [WithIdempotent] mark single calls.
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

// idempotentCallOption is the call option of Idempotent. It embeds
// grpc.EmptyCallOption, so gRPC passes it along and ignores it.
type idempotentCallOption struct{ grpc.EmptyCallOption }

// Idempotent returns a call option that marks one call as safe to repeat,
// whatever its method's descriptor says:
//
//	resp, err := client.Charge(ctx, req, retrygrpc.Idempotent()) // the server deduplicates by req.Id
//
// Without the interceptors, gRPC ignores it.
func Idempotent() grpc.CallOption { return idempotentCallOption{} }

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

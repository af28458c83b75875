package retrygrpc

import (
	"context"
	"sync"
	"sync/atomic"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/tenacious-go/tenacious/retry"
)

// maxCached bounds the idempotency cache of an interceptor: a client calls a
// fixed set of methods, but a proxy may forward any name.
const maxCached = 4096

// config is what an interceptor was made with: its Policy and its options, and
// the idempotency of the methods it has called.
type config struct {
	policy           *retry.Policy
	aborted          bool
	assumeIdempotent bool
	methods          map[string]bool // IdempotentMethods
	source           DescriptorSource

	// levels caches, by full method name, whether the method's descriptor says it
	// is safe to repeat. Readers load the map without a lock; a writer replaces it
	// with a copy (methods are few, and each is looked up once).
	levels atomic.Pointer[map[string]bool]
	mu     sync.Mutex
}

func newConfig(p *retry.Policy, opts []Option) *config {
	c := &config{policy: p}
	for _, o := range opts {
		if o == nil {
			panic("retrygrpc: nil Option")
		}
		o(c)
	}
	return c
}

// idempotent reports whether a call of method may be repeated: the interceptor's
// options say so, the method's descriptor does, or the call was marked by the
// Idempotent call option (marked) or a WithIdempotent context.
func (c *config) idempotent(ctx context.Context, method string, marked bool) bool {
	if marked || c.assumeIdempotent || c.methods[method] || c.safeMethod(method) {
		return true
	}
	marked, _ = ctx.Value(idempotentKey{}).(bool)
	return marked
}

// safeMethod reports whether the descriptor of method sets its idempotency_level
// to NO_SIDE_EFFECTS or IDEMPOTENT. The answer is cached.
func (c *config) safeMethod(method string) bool {
	if m := c.levels.Load(); m != nil {
		if safe, ok := (*m)[method]; ok {
			return safe
		}
	}
	safe := c.lookup(method)
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.levels.Load()
	if old != nil && len(*old) >= maxCached {
		return safe
	}
	m := make(map[string]bool, 1+lenOf(old))
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	m[method] = safe
	c.levels.Store(&m)
	return safe
}

func lenOf(m *map[string]bool) int {
	if m == nil {
		return 0
	}
	return len(*m)
}

// lookup reads the idempotency_level of method's descriptor; a method that is not
// found is not safe to repeat.
func (c *config) lookup(method string) bool {
	name, ok := descriptorName(method)
	if !ok {
		return false
	}
	var src DescriptorSource = protoregistry.GlobalFiles
	if c.source != nil {
		src = c.source
	}
	d, err := src.FindDescriptorByName(name)
	if err != nil {
		return false
	}
	md, ok := d.(protoreflect.MethodDescriptor)
	if !ok {
		return false
	}
	opts, ok := md.Options().(*descriptorpb.MethodOptions)
	if !ok {
		return false
	}
	switch opts.GetIdempotencyLevel() {
	case descriptorpb.MethodOptions_NO_SIDE_EFFECTS, descriptorpb.MethodOptions_IDEMPOTENT:
		return true
	}
	return false
}

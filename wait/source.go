package wait

import (
	"reflect"

	"github.com/tenacious-go/tenacious/internal/backoff"
)

// Source is a source of uniformly distributed 64-bit values: *rand.Rand, *rand.PCG
// and *rand.ChaCha8 from math/rand/v2 all satisfy it.
type Source interface {
	Uint64() uint64
}

// Option configures a randomised Wait: Random and the jittered ones. The zero
// Option changes nothing.
type Option struct {
	apply func(*config)
}

// config is what the options set.
type config struct {
	src backoff.Source // nil means math/rand/v2's global generator
}

func configure(opts []Option) config {
	var c config
	for _, o := range opts {
		if o.apply != nil {
			o.apply(&c)
		}
	}
	return c
}

// WithSource returns an Option that makes a Wait draw its random values from src
// instead of the default, math/rand/v2's global generator, which is safe for
// concurrent use and needs no seeding.
//
// The Wait calls src.Uint64 at most once per pause, from whichever goroutine asks for
// the pause, so src must be safe for concurrent use if the Wait is shared by
// goroutines, as a Policy's usually is; *rand.Rand, *rand.PCG and *rand.ChaCha8 are
// not. A seeded source such as rand.NewPCG(1, 2) is for tests and simulations that
// run on one goroutine, where it makes every pause reproducible. WithSource panics if
// src is nil, or a nil pointer.
func WithSource(src Source) Option {
	if src == nil {
		fail("WithSource", "nil source")
	}
	if v := reflect.ValueOf(src); v.Kind() == reflect.Pointer && v.IsNil() {
		fail("WithSource", "nil source %T", src)
	}
	return Option{apply: func(c *config) { c.src = src }}
}

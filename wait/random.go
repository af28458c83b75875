package wait

import (
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
	"github.com/tenacious-go/tenacious/retry"
)

// Random returns a Wait whose pause is drawn uniformly from [floor, max], both
// ends included, afresh for every retry. It is tenacity's wait_random.
//
// Random(d, d) always pauses for d. The values come from math/rand/v2's global
// generator unless [WithSource] says otherwise. It panics if floor is negative or
// max is below floor. Random does not grow with the attempt number; prefer
// [FullJitter] for a spread that also backs off.
func Random(floor, max time.Duration, opts ...Option) retry.Wait {
	mustRange("Random", floor, max)
	src := configure(opts).src
	return &random{floor, max, src}
}

type random struct {
	floor, max time.Duration
	src        backoff.Source
}

func (r *random) Wait(retry.Attempt) time.Duration { return backoff.Uniform(r.src, r.floor, r.max) }
func (*random) ReadsTime() bool                    { return false }

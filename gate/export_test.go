package gate

import (
	"sync/atomic"
	"time"
)

// SetDraw makes t draw its random values from draw instead of math/rand/v2's
// global generator, so that a test decides every refusal. Call it before t is
// used.
func (t *Throttle) SetDraw(draw func() float64) { t.draw = draw }

// CountClock makes t count its clock readings in n. Call it before t is used.
func (t *Throttle) CountClock(n *atomic.Int64) {
	clock := t.clock
	t.clock = func() time.Duration { n.Add(1); return clock() }
}

// TickEvery is how often a success reads the clock.
const TickEvery = throttleTickEvery

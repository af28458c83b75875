package budget

import (
	"sync/atomic"
	"time"

	"github.com/tenacious-go/tenacious/retry"
)

var _ retry.Budget = (*Ratio)(nil)

// A Ratio is Finagle's retry budget: over a sliding window, retries may be at most
// ratio times the calls made (first attempts), plus a reserve of minPerSecond retries
// per second for services with little traffic. Calls deposit ratio, retries withdraw
// one, and both expire from the window with time, so time alone restores the budget.
// One Ratio is shared by every Policy that calls the same service. Counters are
// atomic, in ten slots per window, and time is read from the monotonic clock. The
// count is approximate under races: a few retries may pass beyond the exact limit
// (never more than the callers racing), and a count made at the instant a slot is
// recycled may be lost.
type Ratio struct {
	ratio   float64
	reserve float64 // retries the reserve allows per window
	slot    time.Duration
	slots   [ratioSlots]ratioSlot
}

const ratioSlots = 10

type ratioSlot struct {
	epoch   atomic.Int64 // which slot-length period of time the counts belong to
	calls   atomic.Int64
	retries atomic.Int64
}

// NewRatio returns a Ratio that allows retries up to ratio times the calls made in
// the last window, plus minPerSecond retries per second. Finagle's defaults are
// NewRatio(0.2, 10, 10*time.Second). ratio must be in [0, 1000], minPerSecond in
// [0, 1e9], window at least 10ms; it panics otherwise.
func NewRatio(ratio, minPerSecond float64, window time.Duration) *Ratio {
	switch {
	case !(ratio >= 0 && ratio <= 1000):
		panic("budget: NewRatio: ratio must be in [0, 1000], got " + fmtFloat(ratio))
	case !(minPerSecond >= 0 && minPerSecond <= 1e9):
		panic("budget: NewRatio: minPerSecond must be in [0, 1e9], got " + fmtFloat(minPerSecond))
	case window < 10*time.Millisecond:
		panic("budget: NewRatio: window must be at least 10ms, got " + window.String())
	}
	return &Ratio{ratio: ratio, reserve: minPerSecond * window.Seconds(), slot: window / ratioSlots}
}

// Attempted deposits a call after its first attempt (spent is zero), however it
// ended: a Ratio bounds retries as a share of traffic, and a call answered with
// an error is traffic too. Other attempts change nothing.
func (b *Ratio) Attempted(_, spent retry.Class) {
	if spent == 0 {
		b.current().calls.Add(1)
	}
}

// Allow reports whether the window's balance covers one more attempt, a retry or an
// extra one alike, and if so withdraws it.
func (b *Ratio) Allow(retry.Class) bool {
	cur := b.current()
	now := cur.epoch.Load()
	var calls, retries int64
	for i := range b.slots {
		s := &b.slots[i]
		if now-s.epoch.Load() < ratioSlots {
			calls += s.calls.Load()
			retries += s.retries.Load()
		}
	}
	if b.reserve+b.ratio*float64(calls)-float64(retries) < 1 {
		return false
	}
	cur.retries.Add(1)
	return true
}

// current returns the slot of the present time, clearing it first if it holds counts
// of an earlier window.
func (b *Ratio) current() *ratioSlot {
	// Floor division: the monotonic offset is negative inside a synctest bubble.
	t, slot := int64(monotonic()), int64(b.slot)
	epoch := t / slot
	if t%slot < 0 {
		epoch--
	}
	s := &b.slots[(epoch%ratioSlots+ratioSlots)%ratioSlots]
	if old := s.epoch.Load(); old != epoch && s.epoch.CompareAndSwap(old, epoch) {
		s.calls.Store(0)
		s.retries.Store(0)
	}
	return s
}

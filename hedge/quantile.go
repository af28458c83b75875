package hedge

import (
	"math"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tenacious-go/tenacious/retry"
)

// Sizes of a Quantile's memory.
const (
	// Window is how many recent latencies a Quantile keeps: its memory is bounded.
	Window = 256
	// WarmUp is how many latencies a Quantile observes before it hedges at all.
	WarmUp = 32
	// refresh is how many observations pass between two computations of the quantile.
	refresh = 16
)

// A Quantile is a Hedger whose delay follows the latencies of recent attempts: it
// hedges a call once it has run longer than the q-quantile of the last Window
// attempts, kept within [floor, max], so that about the slowest 1-q of calls
// hedge. It observes every attempt that ends, and counts one it canceled as taking
// the time it ran, a lower bound, so that the winners of races alone do not drag
// the delay down. It does not hedge until it has observed WarmUp attempts.
//
// Choose q below 1 minus the share of slow attempts you mean to hedge: with 5% of
// attempts slow, q = 0.9 holds the delay among the fast ones, where q = 0.95 sits
// on the boundary and wanders as hedged attempts are observed.
//
// A Quantile is safe for concurrent use: Delay reads one atomic word; Observe
// takes a lock, and every 16 observations sorts a copy of the window (256
// durations). Share one by every call of a service.
type Quantile struct {
	q               float64
	floor, maxDelay time.Duration
	maxExtra        int

	delay atomic.Int64 // the current delay; negative while warming up

	mu      sync.Mutex
	samples [Window]time.Duration
	n       int // observations so far, saturating at a large number
	next    int // where the next one goes
	sorted  [Window]time.Duration
}

// NewQuantile returns a Quantile that hedges at the q-quantile of recent latencies
// (q in (0, 1), such as 0.95), never sooner than floor nor later than max,
// with at most maxExtra hedges in flight beside the first attempt. It panics if q
// is not in (0, 1), floor is negative, max is below floor, or maxExtra is
// below 1.
func NewQuantile(q float64, floor, max time.Duration, maxExtra int) *Quantile {
	switch {
	case !(q > 0 && q < 1):
		panic("hedge: NewQuantile: q must be in (0, 1), got " + strconv.FormatFloat(q, 'g', -1, 64))
	case floor < 0:
		panic("hedge: NewQuantile: negative floor " + floor.String())
	case max < floor:
		panic("hedge: NewQuantile: max " + max.String() + " below floor " + floor.String())
	}
	mustExtra("NewQuantile", maxExtra)
	h := &Quantile{q: q, floor: floor, maxDelay: max, maxExtra: maxExtra}
	h.delay.Store(-1)
	return h
}

// Delay returns the current delay while fewer than 1+maxExtra attempts are in
// flight, once the Quantile has warmed up.
func (h *Quantile) Delay(inflight int) (time.Duration, bool) {
	d := h.delay.Load()
	return time.Duration(d), d >= 0 && inflight <= h.maxExtra
}

// Observe records how long an attempt ran.
func (h *Quantile) Observe(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.samples[h.next] = max(d, 0)
	h.next = (h.next + 1) % Window
	if h.n < math.MaxInt32 {
		h.n++
	}
	if h.n < WarmUp || h.n%refresh != 0 && h.n != WarmUp {
		return
	}
	k := min(h.n, Window)
	s := h.sorted[:k]
	copy(s, h.samples[:k])
	slices.Sort(s)
	i := min(int(math.Ceil(h.q*float64(k)))-1, k-1)
	h.delay.Store(int64(min(max(s[max(i, 0)], h.floor), h.maxDelay)))
}

// Current returns the delay the Quantile hedges at now, and false while it warms up.
func (h *Quantile) Current() (time.Duration, bool) {
	d := h.delay.Load()
	return time.Duration(d), d >= 0
}

var _ retry.Hedger = (*Quantile)(nil)

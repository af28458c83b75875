package gate

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tenacious-go/tenacious/retry"
)

var _ retry.Gate = (*Throttle)(nil)

// ErrThrottled is the error of an attempt a Throttle refused. The call ends with
// an *retry.Error of retry.ReasonGate whose Refusal it is, so errors.Is(err,
// ErrThrottled) tells a caller that the request never left the process.
var ErrThrottled = errors.New("gate: throttled: too few recent attempts were accepted")

const (
	// ThrottlePadding is added to the requests in the denominator of a Throttle's
	// refusal probability, (requests − k·accepts) / (requests + ThrottlePadding):
	// a client that sent little refuses little (one failure alone gives 1/9),
	// and learns the service's state from a few attempts more before it sheds
	// load. It is grpc-go's value; the SRE book's formula adds 1, with which
	// three failures and nothing else refuse three attempts in four.
	ThrottlePadding = 8
	// ThrottleMaxRefusal caps a Throttle's refusal probability, so that at least
	// one attempt in ten still reaches a service that fails everything: those
	// probes see it recover. Without a cap, the refusals, which count as
	// requests, would push p toward 1 in a long outage (0.97 after 300
	// requests), and the few probes left would see the recovery later.
	// failsafe-go's adaptive throttler uses the same cap.
	ThrottleMaxRefusal = 0.9
)

// The ring of a Throttle: throttleSlots buckets of a tenth of the window each.
const throttleSlots = 10

// throttleRebase is how far behind the latest reading a reading must be to be
// taken for another time base, rather than a goroutine that read the clock
// before another: a Throttle made outside a synctest bubble and used inside it.
// A window if longer.
const throttleRebase = time.Minute

// throttleTickEvery is how often a success reads the clock: when it is the
// throttleTickEvery-th request of its bucket. See Throttle's clock.
const throttleTickEvery = 16

// A slot's counts, packed in one word so that one atomic add records an
// outcome: requests in the high half, accepts in the low half.
const (
	oneRequest = 1 << 32
	oneAccept  = 1
)

// A Throttle is the client-side adaptive throttling of Google's SRE book
// ("Handling Overload", chapter 21), as grpc-go's RLS balancer implements it: over
// a sliding window it counts requests, the attempts the client wanted to send
// (those it refused itself included), and accepts, those the service accepted,
// and it refuses a new attempt with probability
//
//	p = max(0, (requests − k·accepts) / (requests + ThrottlePadding)), at most ThrottleMaxRefusal
//
// A healthy service, which accepts nearly everything, gives p = 0: nothing is
// refused and nothing random is drawn. Once it accepts fewer than one request in
// k, the client sheds the excess itself, at no cost to the service, sending
// about k times what the service accepts; every client of the service doing the
// same, the fleet does too. A refused attempt counts as a request without an
// accept, which keeps p up while the service stays down; as successes return,
// or as the window forgets the failures, p falls back to zero.
//
// It implements retry.Gate for every attempt alike: a first attempt, a retry, a
// hedge (retry.ClassExtra). The outcome the engine reports counts as a request
// and an accept for retry.ClassSuccess and retry.ClassAnswered (the service
// answered, even with an error not worth retrying), as a request alone for
// retry.ClassTransient and retry.ClassThrottled (an overload signal), and not at
// all for zero: an attempt the caller's context ended, or a hedge that lost,
// tells nothing of the service. A refused attempt gets ErrThrottled.
//
// The window is a ring of ten buckets, each a tenth of it, so a count is
// forgotten between 0.9 and 1 window after it was made; each bucket counts up to
// 2³² requests. A Throttle is safe for concurrent use, and lock-free but when a
// bucket is recycled, once a tenth of the window. Under concurrent use, a
// decision may miss the counts of attempts that end at the same moment. In a
// testing/synctest bubble it reads the bubble's clock; make one per test, as
// it keeps its counts from one test to the next.
//
// # Clock
//
// A Throttle reads the monotonic clock only where the time changes a decision:
// on every Admit while p is above zero, for every failure and refusal, and for
// one success in 16 (the 16th request of a bucket, then the 32nd, …). Other
// successes are filed under the latest reading, and while p was zero at the
// latest reading Admit admits without reading the clock: an attempt to a
// healthy service costs one atomic add, a few loads and a sixteenth of a clock
// reading. The staleness this allows is harmless:
//
//   - Failures and refusals, which raise p, are always filed at their own time,
//     and while p is above zero every Admit computes it at a fresh reading: the
//     refusals are those of the formula, and recovery (p falling as failures
//     leave the window) is seen at the Admit it happens.
//   - A success may be filed in an earlier bucket than its own, by at most the
//     time the client takes to make 16 requests: within a bucket for a client
//     that makes 16 requests per tenth of the window (about 5 a second with a
//     30-second window), which is the ring's own precision. Such a success
//     leaves the window early, so a stale filing can only make the throttle
//     forget accepts early, as if the client were quieter than it is; never
//     make it keep a failure longer.
//   - Between two readings p can rise only as accepts leave the window (a
//     failure or refusal reads the clock): failures that older successes
//     outweighed then count in full. The throttle sees that rise at the next
//     failure or 16th request; until then it admits on the word of accepts
//     that have just left the window, and the first of those attempts to fail
//     makes the next Admit exact.
type Throttle struct {
	k      float64
	width  int64                // of a bucket, in nanoseconds
	rebase int64                // throttleRebase, in buckets
	done   func(retry.Class)    // t.record, made once: Admit allocates nothing
	clock  func() time.Duration // time since the Throttle was made
	draw   func() float64       // uniform in [0, 1): rand.Float64 but in tests

	// refusing is whether p was above zero at the latest computation: while it
	// is false, Admit admits at once. now is the bucket of the latest clock
	// reading. Both are written rarely, and read by every attempt.
	refusing atomic.Bool
	now      atomic.Int64
	_        [64]byte // keeps the counts, written by every attempt, off their line

	mu    sync.Mutex // serializes the recycling of a slot
	slots [throttleSlots]throttleSlot
}

type throttleSlot struct {
	bucket atomic.Int64  // the bucket the counts belong to: time since the Throttle was made / width
	counts atomic.Uint64 // requests<<32 | accepts
}

// DefaultThrottle returns a new Throttle with the values of the SRE book and of
// grpc-go's RLS balancer: NewThrottle(2, 30*time.Second). Share one by every
// Policy that calls the same service.
func DefaultThrottle() *Throttle { return NewThrottle(2, 30*time.Second) }

// NewThrottle returns a Throttle that refuses attempts once the service accepts
// fewer than one request in k, over the last window. The SRE book recommends k
// = 2, which sends the service about twice what it accepts; a smaller k sheds
// load sooner and more (1.1 sends 10% more than it accepts), a larger one
// later. k must be finite and at least 1, and window at least 10ms; it panics
// otherwise. Prefer [DefaultThrottle] unless you have measured.
func NewThrottle(k float64, window time.Duration) *Throttle {
	switch {
	case !(k >= 1 && k <= math.MaxFloat64):
		panic("gate: NewThrottle: k must be finite and at least 1, got " + strconv.FormatFloat(k, 'g', -1, 64))
	case window < 10*time.Millisecond:
		panic("gate: NewThrottle: window must be at least 10ms, got " + window.String())
	}
	start := time.Now()
	t := &Throttle{
		k:     k,
		width: int64(window / throttleSlots),
		clock: func() time.Duration { return time.Since(start) },
		draw:  rand.Float64,
	}
	t.rebase = max(int64(throttleRebase)/t.width, throttleSlots)
	t.done = t.record
	n := t.tick()
	for i := range t.slots {
		t.slots[i].bucket.Store(n - throttleSlots) // empty, and out of the window
	}
	return t
}

// Admit admits an attempt of any class at once while p is zero. Otherwise it
// refuses it with probability p, computed afresh, counts the refusal as a
// request, and returns ErrThrottled. ctx is not used.
func (t *Throttle) Admit(context.Context, retry.Class) (func(retry.Class), error) {
	if !t.refusing.Load() {
		return t.done, nil
	}
	n := t.tick()
	if p := t.update(n); p > 0 && t.draw() < p {
		t.add(n, oneRequest)
		return nil, ErrThrottled
	}
	return t.done, nil
}

// record counts the outcome of an attempt Admit admitted: it is the done func.
func (t *Throttle) record(result retry.Class) {
	switch result {
	case retry.ClassSuccess, retry.ClassAnswered:
		c := t.add(t.now.Load(), oneRequest|oneAccept)
		if (c>>32)%throttleTickEvery == 0 {
			t.update(t.tick())
		}
	case retry.ClassTransient, retry.ClassThrottled:
		n := t.tick()
		t.add(n, oneRequest)
		t.update(n)
	}
}

// Probability returns the probability with which t refuses an attempt now, in
// [0, ThrottleMaxRefusal]: zero for a healthy service. It reads the clock; call
// it for a metric, not before every attempt: Admit decides.
func (t *Throttle) Probability() float64 { return t.update(t.tick()) }

// tick reads the clock, and returns the bucket of the present time, which it
// makes t.now (or t.now, if another goroutine read a later time meanwhile; see
// throttleRebase).
func (t *Throttle) tick() int64 {
	d := int64(t.clock())
	n := d / t.width
	if d%t.width < 0 { // floor: in a synctest bubble, a Throttle made outside it reads negative times
		n--
	}
	for {
		old := t.now.Load()
		if n <= old && n >= old-t.rebase {
			return old
		}
		if t.now.CompareAndSwap(old, n) {
			return n
		}
	}
}

// update computes p over the window that ends with bucket n, and records whether
// it is above zero.
func (t *Throttle) update(n int64) float64 {
	var requests, accepts uint64
	for i := range t.slots {
		s := &t.slots[i]
		// A later bucket, recycled by a goroutine that read a later time,
		// counts too.
		if b := s.bucket.Load(); b > n-throttleSlots && b <= n+t.rebase {
			c := s.counts.Load()
			requests += c >> 32
			accepts += c & math.MaxUint32
		}
	}
	p := (float64(requests) - t.k*float64(accepts)) / (float64(requests) + ThrottlePadding)
	p = min(max(p, 0), ThrottleMaxRefusal)
	if refusing := p > 0; t.refusing.Load() != refusing {
		t.refusing.Store(refusing)
	}
	return p
}

// add adds delta to the counts of bucket n, recycling its slot if it holds an
// earlier bucket (or one of another time base), and returns the slot's new
// counts. A goroutine that read the clock a window ago, and finds the slot
// already holds a later turn of the ring, adds to that: one count, filed late.
func (t *Throttle) add(n int64, delta uint64) uint64 {
	s := &t.slots[(n%throttleSlots+throttleSlots)%throttleSlots]
	if b := s.bucket.Load(); b < n || b > n+t.rebase {
		t.mu.Lock()
		if b := s.bucket.Load(); b < n || b > n+t.rebase {
			s.counts.Store(0) // before the bucket: who sees bucket n sees zeroed counts
			s.bucket.Store(n)
		}
		t.mu.Unlock()
	}
	return s.counts.Add(delta)
}

package retry

import (
	"math"
	"strconv"
	"sync/atomic"
	"time"
)

// A Budget caps retries as a share of traffic, so that retries cannot multiply the
// load on a service that is already failing (a retry storm). One Budget is shared by
// every Retrier, Transport and Group that calls the same service; it must be safe for
// concurrent use. First attempts are never throttled: a Budget only decides whether
// a call may retry.
//
// The engine calls Attempted after every attempt and AllowRetry before every retry,
// after Stop and the deadline have agreed to it; when AllowRetry says no, the call
// gives up at once with ReasonBudget. TokenBucket (gRPC's retry throttling) and
// RatioBudget (Finagle's retry budget) are the two proven models; DefaultBudget is
// the one to start with.
type Budget interface {
	// Attempted records the end of an attempt: first says whether it was its call's
	// first attempt, failed whether it failed in a way its Retrier would retry (a
	// success, or an error that is not retried, is not a failure of the service).
	Attempted(first, failed bool)
	// AllowRetry reports whether a call may retry now, spending for the retry if the
	// model does.
	AllowRetry() bool
}

// DefaultBudget returns a new TokenBucket of 10 tokens that earns 0.2 token per
// success: gRPC's retry throttling with the bucket size of gRPC's example (the A6
// retry design) and the 1:5 exchange of the AWS SDKs' retry quota (a retry costs 5,
// a success refunds 1), which is also Finagle's default of retries up to 20% of
// requests. Its effect:
//
//   - A service that fails every request: retries stop once the bucket is at half,
//     so a crowd of callers adds about 5 retries in all instead of multiplying its
//     load by the number of attempts.
//   - A service that fails less than one attempt in six (0.2/1.2) keeps the bucket
//     full, so every failure is retried; at one in ten, nearly every retry goes
//     ahead even under sustained load.
//   - In between, the bucket drains and retries fall to what successes pay for.
func DefaultBudget() *TokenBucket { return NewTokenBucket(10, 0.2) }

// milli is the fixed-point scale of a TokenBucket: tokens are counted in thousandths.
const milli = 1000

// A TokenBucket is gRPC's retry throttling: it holds up to maxTokens tokens and starts
// full; every failed attempt takes one token, every successful one gives back
// tokenRatio, and a retry is allowed only while more than half the tokens remain.
// Time alone earns nothing back: only successes do. It is lock-free: one atomic word,
// updated by compare-and-swap.
type TokenBucket struct {
	tokens    atomic.Int64 // thousandths of a token
	max, gain int64        // thousandths
}

// NewTokenBucket returns a full TokenBucket. maxTokens must be in [0.001, 1e12] and
// tokenRatio in (0, maxTokens]; both are kept to a thousandth of a token. It panics
// otherwise.
func NewTokenBucket(maxTokens, tokenRatio float64) *TokenBucket {
	if !(maxTokens >= 0.001 && maxTokens <= 1e12) {
		panic("retry: NewTokenBucket: maxTokens must be in [0.001, 1e12], got " + fmtFloat(maxTokens))
	}
	if !(tokenRatio > 0 && tokenRatio <= maxTokens) {
		panic("retry: NewTokenBucket: tokenRatio must be in (0, maxTokens], got " + fmtFloat(tokenRatio))
	}
	b := &TokenBucket{max: int64(math.Round(maxTokens * milli)), gain: max(1, int64(math.Round(tokenRatio*milli)))}
	b.tokens.Store(b.max)
	return b
}

// Attempted takes a token for a failure and gives back tokenRatio for anything else,
// within [0, maxTokens].
func (b *TokenBucket) Attempted(_, failed bool) {
	delta := b.gain
	if failed {
		delta = -milli
	}
	for {
		old := b.tokens.Load()
		n := min(max(old+delta, 0), b.max)
		if n == old || b.tokens.CompareAndSwap(old, n) {
			return
		}
	}
}

// AllowRetry reports whether more than half the tokens remain. It spends nothing: the
// failure that led to the retry already did.
func (b *TokenBucket) AllowRetry() bool { return b.tokens.Load()*2 > b.max }

// Tokens returns the tokens the bucket holds now.
func (b *TokenBucket) Tokens() float64 { return float64(b.tokens.Load()) / milli }

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// A RatioBudget is Finagle's retry budget: over a sliding window, retries may be at
// most ratio times the calls made (first attempts), plus a reserve of minPerSecond
// retries per second for services with little traffic. Calls deposit ratio, retries
// withdraw one, and both expire from the window with time, so time alone restores the
// budget. Counters are atomic, in ten slots per window, and time is read from the
// monotonic clock. The count is approximate under races: a few retries may pass
// beyond the exact limit (never more than the callers racing), and a count made at
// the instant a slot is recycled may be lost.
type RatioBudget struct {
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

// NewRatioBudget returns a RatioBudget that allows retries up to ratio times the calls
// made in the last window, plus minPerSecond retries per second. Finagle's defaults are
// NewRatioBudget(0.2, 10, 10*time.Second). ratio must be in [0, 1000], minPerSecond
// in [0, 1e9], window at least 10ms; it panics otherwise.
func NewRatioBudget(ratio, minPerSecond float64, window time.Duration) *RatioBudget {
	switch {
	case !(ratio >= 0 && ratio <= 1000):
		panic("retry: NewRatioBudget: ratio must be in [0, 1000], got " + fmtFloat(ratio))
	case !(minPerSecond >= 0 && minPerSecond <= 1e9):
		panic("retry: NewRatioBudget: minPerSecond must be in [0, 1e9], got " + fmtFloat(minPerSecond))
	case window < 10*time.Millisecond:
		panic("retry: NewRatioBudget: window must be at least 10ms, got " + window.String())
	}
	return &RatioBudget{ratio: ratio, reserve: minPerSecond * window.Seconds(), slot: window / ratioSlots}
}

// Attempted deposits a call when first is true; other attempts change nothing.
func (b *RatioBudget) Attempted(first, _ bool) {
	if first {
		b.current().calls.Add(1)
	}
}

// AllowRetry reports whether the window's balance covers one more retry, and if so
// withdraws it.
func (b *RatioBudget) AllowRetry() bool {
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
func (b *RatioBudget) current() *ratioSlot {
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

package budget

import (
	"strconv"
	"sync/atomic"

	"github.com/tenacious-go/tenacious/retry"
)

var _ retry.Budget = (*Quota)(nil)

// A Quota is the AWS SDKs' retry quota: it holds up to capacity tokens and starts
// full. A retry after a transient failure costs transientCost tokens, one after a
// throttling failure throttledCost, an extra attempt (a hedge) transientCost; a
// retry is refused while the quota holds less than it costs. An attempt that
// succeeds gives back what it cost, or 1 if it was a first attempt, up to
// capacity. Time alone gives nothing back: only successes do.
//
// An answer that is not a success (an error not worth retrying: a 404, an invalid
// argument) gives back nothing, as in the AWS SDKs, which refund on success
// alone: such an answer shows the service reachable, not that retries are paying
// off, and a caller whose requests are refused for good must not earn retries
// with them. It is lock-free: one atomic word, updated by compare-and-swap.
type Quota struct {
	tokens                        atomic.Int64
	capacity, transient, throttle int64
}

// NewQuota returns a full Quota. capacity must be in [1, 1e12] and each cost in
// [1, capacity]; it panics otherwise.
//
// NewQuota(500, 14, 5) is the AWS SDKs' 2026 retry model (and this package's
// Default before [NewEarned]): 500 tokens, 14 per retry after a transient failure,
// 5 per retry after a throttling one (the server asked to slow down), and a
// success that gives back what its attempt cost (1 for a first attempt). Those
// numbers are AWS's (aws/aws-sdk-go-v2#3416, "Updated default retry behavior
// (2026)", and the pull request that implements it, aws/aws-sdk-go-v2#3400); the
// first-attempt refund of 1 is the SDKs' long-standing NoRetryIncrement. Share one
// by every Policy that calls the same service.
//
// Its effect, measured by examples/overload:
//
//   - A burst of failures at once, as when a few dozen connections drop together,
//     is retried in full: 35 transient retries (500/14) or 100 throttled ones
//     (500/5) before the first refusal, and a healthy service's successes refill
//     the quota as fast as its failures drain it. This is what it does better than
//     [Default]: choose it for a single process whose failures come in bursts.
//   - A total outage adds at most 35 retries in all, whatever the traffic, until
//     successes come back: at 100 requests a second for a minute that is 1.006×
//     the load, at 10 a second 1.06×. A process that sends about one request a
//     second adds 35 retries to 60 requests (1.6×) in such a minute: give it a
//     smaller quota, NewQuota(84, 14, 5), which holds a minute's outage at one
//     request a second to 1.1× while still retrying a burst of six failures.
//   - Throttled retries cost about a third of transient ones, so a rate-limited
//     service that answers 429 with Retry-After keeps being retried at its pace.
//   - Every process holds the whole grant, so a fleet's retries grow with its
//     size: in the overload of examples/overload, 100 processes recover 16 s after
//     the capacity returns (25.3% of calls lost, against 12.2% without retries),
//     and 1,000 never do. A process that retries a bad replica succeeds less than
//     Default does: 81.6% of calls with 30% of attempts failing, 53.1% with 50%.
func NewQuota(capacity, transientCost, throttledCost int) *Quota {
	switch {
	case capacity < 1 || capacity > 1e12:
		panic("budget: NewQuota: capacity must be in [1, 1e12], got " + strconv.Itoa(capacity))
	case transientCost < 1 || transientCost > capacity:
		panic("budget: NewQuota: transientCost must be in [1, capacity], got " + strconv.Itoa(transientCost))
	case throttledCost < 1 || throttledCost > capacity:
		panic("budget: NewQuota: throttledCost must be in [1, capacity], got " + strconv.Itoa(throttledCost))
	}
	q := &Quota{capacity: int64(capacity), transient: int64(transientCost), throttle: int64(throttledCost)}
	q.tokens.Store(q.capacity)
	return q
}

// cost returns what an attempt of class c costs.
func (q *Quota) cost(c retry.Class) int64 {
	if c == retry.ClassThrottled {
		return q.throttle
	}
	return q.transient
}

// Allow takes the cost of an attempt of class c and reports true, or reports false
// and takes nothing if the quota holds less than that.
func (q *Quota) Allow(c retry.Class) bool {
	cost := q.cost(c)
	for {
		old := q.tokens.Load()
		if old < cost {
			return false
		}
		if q.tokens.CompareAndSwap(old, old-cost) {
			return true
		}
	}
}

// Attempted gives back, for a successful attempt, what it cost (spent), or 1 for
// a first attempt, up to capacity. Other outcomes give back nothing, and failures
// cost nothing here: their retries pay in Allow.
func (q *Quota) Attempted(result, spent retry.Class) {
	if result != retry.ClassSuccess {
		return
	}
	refund := int64(1)
	if spent != 0 {
		refund = q.cost(spent)
	}
	for {
		old := q.tokens.Load()
		n := min(old+refund, q.capacity)
		if n == old || q.tokens.CompareAndSwap(old, n) {
			return
		}
	}
}

// Tokens returns the tokens the quota holds now.
func (q *Quota) Tokens() int { return int(q.tokens.Load()) }

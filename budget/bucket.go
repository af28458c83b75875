package budget

import (
	"math"
	"sync/atomic"

	"github.com/tenacious-go/tenacious/retry"
)

var _ retry.Budget = (*TokenBucket)(nil)

// Default returns a new TokenBucket of 10 tokens that earns 0.2 token per success:
// gRPC's retry throttling with the bucket size of gRPC's example (the A6 retry
// design) and the 1:5 exchange of the AWS SDKs' retry quota (a retry costs 5, a
// success refunds 1), which is also Finagle's default of retries up to 20% of
// requests. Share it by every Policy that calls the same service. Its effect:
//
//   - A service that fails every request: retries stop once the bucket is at half,
//     so a crowd of callers adds about 5 retries in all instead of multiplying its
//     load by the number of attempts.
//   - A service that fails less than one attempt in six (0.2/1.2) keeps the bucket
//     full, so every failure is retried; at one in ten, nearly every retry goes
//     ahead even under sustained load.
//   - In between, the bucket drains and retries fall to what successes pay for.
func Default() *TokenBucket { return NewTokenBucket(10, 0.2) }

// milli is the fixed-point scale of a TokenBucket: tokens are counted in thousandths.
const milli = 1000

// A TokenBucket is gRPC's retry throttling: it holds up to maxTokens tokens and starts
// full; every failed attempt takes one token, every successful one gives back
// tokenRatio, and a retry is allowed only while more than half the tokens remain.
// Time alone earns nothing back: only successes do. It is lock-free: one atomic word,
// updated by compare-and-swap. One TokenBucket is shared by every Policy that calls
// the same service.
type TokenBucket struct {
	tokens    atomic.Int64 // thousandths of a token
	max, gain int64        // thousandths
}

// NewTokenBucket returns a full TokenBucket. maxTokens must be in [0.001, 1e12] and
// tokenRatio in (0, maxTokens]; both are kept to a thousandth of a token. It panics
// otherwise.
func NewTokenBucket(maxTokens, tokenRatio float64) *TokenBucket {
	if !(maxTokens >= 0.001 && maxTokens <= 1e12) {
		panic("budget: NewTokenBucket: maxTokens must be in [0.001, 1e12], got " + fmtFloat(maxTokens))
	}
	if !(tokenRatio > 0 && tokenRatio <= maxTokens) {
		panic("budget: NewTokenBucket: tokenRatio must be in (0, maxTokens], got " + fmtFloat(tokenRatio))
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

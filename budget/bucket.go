package budget

import (
	"math"
	"sync/atomic"

	"github.com/tenacious-go/tenacious/retry"
)

var _ retry.Budget = (*TokenBucket)(nil)

// milli is the fixed-point scale of a TokenBucket: tokens are counted in thousandths.
const milli = 1000

// A TokenBucket is gRPC's retry throttling (gRFC A6, as grpc-go implements it): it
// holds up to maxTokens tokens and starts full; every attempt that fails in a way
// worth retrying takes one token (hedges included), every success gives back
// tokenRatio, an answer that is neither (an error not retried, such as gRPC's
// INVALID_ARGUMENT or an HTTP 404) changes nothing, and a retry is allowed only
// while more than half the tokens remain.
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

// Attempted takes a token for a failure (ClassTransient or ClassThrottled) and
// gives back tokenRatio for a success, within [0, maxTokens]; any other answer,
// and an attempt the caller's context ended, changes nothing.
func (b *TokenBucket) Attempted(result, _ retry.Class) {
	var delta int64
	switch result {
	case retry.ClassSuccess:
		delta = b.gain
	case retry.ClassTransient, retry.ClassThrottled:
		delta = -milli
	default:
		return
	}
	for {
		old := b.tokens.Load()
		n := min(max(old+delta, 0), b.max)
		if n == old || b.tokens.CompareAndSwap(old, n) {
			return
		}
	}
}

// Allow reports whether more than half the tokens remain, for a retry or an extra
// attempt alike. It spends nothing: the failure that led to a retry already did.
func (b *TokenBucket) Allow(retry.Class) bool { return b.tokens.Load()*2 > b.max }

// Tokens returns the tokens the bucket holds now.
func (b *TokenBucket) Tokens() float64 { return float64(b.tokens.Load()) / milli }

package wait

import (
	"time"

	"github.com/tenacious-go/tenacious/internal/errchain"
	"github.com/tenacious-go/tenacious/retry"
)

// retryAfter is the method by which an error carries a server's hint, such as an
// HTTP Retry-After header.
type retryAfter interface {
	RetryAfter() time.Duration
}

// FromError returns a Wait that follows a hint carried by the attempt's error: the
// pause is the first positive RetryAfter() time.Duration found in Attempt.Err's tree,
// capped at ceiling, and otherwise whatever fallback returns. It is the counterpart
// of tenacity's wait_exception, for errors that know when to come back.
//
// The tree is walked in the order errors.Is uses (Unwrap() error and
// Unwrap() []error, but no As methods), and a RetryAfter that returns zero or a
// negative duration counts as no hint, so the walk goes on. A hint is taken as it is:
// it may be shorter than fallback's pause, and it is never below zero or above
// ceiling. A nil Attempt.Err leaves the choice to fallback. It panics if fallback is
// nil or ceiling is not positive.
//
// The ceiling bounds only the hint, so a server cannot make a call sleep for a day;
// it does not bound fallback. To bound both, wrap the result in [Clamp]:
// Clamp(FromError(fallback, ceiling), 0, ceiling).
func FromError(fallback retry.Wait, ceiling time.Duration) retry.Wait {
	if fallback == nil {
		fail("FromError", "nil fallback")
	}
	if ceiling <= 0 {
		fail("FromError", "ceiling %v not positive", ceiling)
	}
	return func(a retry.Attempt) time.Duration {
		var hint time.Duration
		errchain.Any(a.Err, func(err error) bool {
			if h, ok := err.(retryAfter); ok {
				hint = h.RetryAfter()
			}
			return hint > 0
		})
		if hint > 0 {
			return min(hint, ceiling)
		}
		return fallback(a)
	}
}

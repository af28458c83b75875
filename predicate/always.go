package predicate

import "github.com/tenacious-go/tenacious/retry"

// Always returns a Predicate that retries every failed attempt. It reports true even
// when Attempt.Err is nil (a result rejected by RetryResult), unlike every predicate
// here that looks at the error. Errors marked retry.Permanent and the end of the
// caller's context still end a call, whatever the predicate says. It is
// tenacity's retry_always; Transient is the careful choice.
func Always() retry.Predicate {
	return constant(true)
}

// Never returns a Predicate that retries nothing: the first failure is final. It is
// tenacity's retry_never; see Always for its opposite.
func Never() retry.Predicate {
	return constant(false)
}

type constant bool

func (c constant) Match(retry.Attempt) bool { return bool(c) }
func (constant) ReadsTime() bool            { return false }

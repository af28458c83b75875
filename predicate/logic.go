package predicate

import (
	"strconv"

	"github.com/tenacious-go/tenacious/retry"
)

// Not returns a Predicate that retries exactly when p does not. tenacity has no
// retry_not; Not(ErrorAs[E]()) is its retry_if_not_exception_type. Beware that Not(Transient()) retries a nil Attempt.Err, like Always: negate the
// narrowest predicate and combine it with All, as in
// All(Transient(), Not(Status(503))). Not panics if p is nil.
func Not(p retry.Predicate) retry.Predicate {
	if p == nil {
		panic("predicate: Not: nil predicate")
	}
	return func(a retry.Attempt) bool { return !p(a) }
}

// Any returns a Predicate that retries when at least one of ps does, trying them in
// order and stopping at the first that says yes. It is tenacity's retry_any (and its
// | operator). Any panics if ps is empty or holds a nil predicate.
func Any(ps ...retry.Predicate) retry.Predicate {
	ps = checked("Any", ps)
	return func(a retry.Attempt) bool {
		for _, p := range ps {
			if p(a) {
				return true
			}
		}
		return false
	}
}

// All returns a Predicate that retries only when every one of ps does, trying them in
// order and stopping at the first that says no. It is tenacity's retry_all (and its
// & operator). All panics if ps is empty or holds a nil predicate.
func All(ps ...retry.Predicate) retry.Predicate {
	ps = checked("All", ps)
	return func(a retry.Attempt) bool {
		for _, p := range ps {
			if !p(a) {
				return false
			}
		}
		return true
	}
}

// checked panics, naming fn, if ps is empty or holds nil, and returns a copy of ps.
func checked(fn string, ps []retry.Predicate) []retry.Predicate {
	if len(ps) == 0 {
		panic("predicate: " + fn + ": no predicates")
	}
	for i, p := range ps {
		if p == nil {
			panic("predicate: " + fn + ": nil predicate at index " + strconv.Itoa(i))
		}
	}
	return append([]retry.Predicate(nil), ps...)
}

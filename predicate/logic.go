package predicate

import (
	"strconv"

	"github.com/tenacious-go/tenacious/retry"
)

// Not returns a Predicate that retries exactly when p does not. tenacity has no
// retry_not; Not(ErrorAs[E]()) is its retry_if_not_exception_type. Beware that
// Not(Transient()) retries a nil Attempt.Err, like Always: negate the narrowest
// predicate and combine it with All, as in All(Transient(), Not(Status(503))). Not
// panics if p is nil.
func Not(p retry.Predicate) retry.Predicate {
	if p == nil {
		panic("predicate: Not: nil predicate")
	}
	return not{p, retry.ReadsTime(p)}
}

type not struct {
	p     retry.Predicate
	reads bool
}

func (n not) Match(a retry.Attempt) bool { return !n.p.Match(a) }
func (n not) ReadsTime() bool            { return n.reads }

// Any returns a Predicate that retries when at least one of ps does, trying them in
// order and stopping at the first that says yes. It is tenacity's retry_any (and its
// | operator). Any panics if ps is empty or holds a nil predicate.
func Any(ps ...retry.Predicate) retry.Predicate {
	ps = checked("Any", ps)
	return &anyOf{ps, readsTime(ps)}
}

type anyOf struct {
	ps    []retry.Predicate
	reads bool
}

func (o *anyOf) Match(a retry.Attempt) bool {
	for _, p := range o.ps {
		if p.Match(a) {
			return true
		}
	}
	return false
}

func (o *anyOf) ReadsTime() bool { return o.reads }

// All returns a Predicate that retries only when every one of ps does, trying them in
// order and stopping at the first that says no. It is tenacity's retry_all (and its
// & operator). All panics if ps is empty or holds a nil predicate.
func All(ps ...retry.Predicate) retry.Predicate {
	ps = checked("All", ps)
	return &allOf{ps, readsTime(ps)}
}

type allOf struct {
	ps    []retry.Predicate
	reads bool
}

func (o *allOf) Match(a retry.Attempt) bool {
	for _, p := range o.ps {
		if !p.Match(a) {
			return false
		}
	}
	return true
}

func (o *allOf) ReadsTime() bool { return o.reads }

// readsTime reports whether any of ps reads time (see retry.ReadsTime).
func readsTime(ps []retry.Predicate) bool {
	for _, p := range ps {
		if retry.ReadsTime(p) {
			return true
		}
	}
	return false
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

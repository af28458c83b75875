package retry

import "time"

// signals is what a failed attempt's error says, found in one walk of its tree
// in the order errors.As visits it: whether the operation marked it Permanent,
// and what the server said.
type signals struct {
	permanent bool          // an error in the tree is marked Permanent
	hint      time.Duration // the first positive RetryAfter() of an error in the tree, or 0
	status    int           // the StatusCode() of the first error that has one, or 0
	hasStatus bool          // status is found, or not looked for
}

// inspect walks err's tree once for its signals; for its status only if
// status is true.
func inspect(err error, status bool) signals {
	s := signals{hasStatus: !status}
	s.walk(err)
	return s
}

// walk adds what err's tree says to s; it reports true once the tree holds a
// Permanent mark, which ends the walk.
func (s *signals) walk(err error) bool {
	for err != nil {
		if _, ok := err.(*permanentError); ok {
			s.permanent = true
			return true
		}
		if h, ok := err.(interface{ RetryAfter() time.Duration }); ok && s.hint <= 0 {
			s.hint = h.RetryAfter()
		}
		if c, ok := err.(interface{ StatusCode() int }); ok && !s.hasStatus {
			s.status, s.hasStatus = c.StatusCode(), true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				if s.walk(inner) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
	return false
}

package predicate

import (
	"strconv"

	"github.com/tenacious-go/tenacious/internal/errchain"
	"github.com/tenacious-go/tenacious/retry"
)

// statusCoder is an error that carries an HTTP-style status code, such as the
// status errors of package retryhttp.
type statusCoder interface{ StatusCode() int }

// Status returns a Predicate that retries when the attempt's error carries one of
// codes: when the first error in its tree, in the order errors.Is visits it, that has
// a StatusCode() int method returns a code in codes. Only that first status error
// decides, so an error wrapping a 404 that itself wraps a 503 is not retried. A nil
// Attempt.Err, or one without a status, matches nothing. It allocates nothing.
//
// tenacity knows nothing of HTTP; Status is what its users write with
// retry_if_exception and a status check. [Transient] retries 408, 429, 500, 502,
// 503 and 504. Status panics if codes is empty or holds a code outside 100..599.
func Status(codes ...int) retry.Predicate {
	if len(codes) == 0 {
		panic("predicate: Status: no codes")
	}
	var set statusSet
	for _, c := range codes {
		if c < 100 || c > 599 {
			panic("predicate: Status: code " + strconv.Itoa(c) + " outside 100..599")
		}
		set.add(c)
	}
	return &set
}

// Match reports whether a.Err has a status in s (see Status).
func (s *statusSet) Match(a retry.Attempt) bool {
	code, ok := statusOf(a.Err)
	return ok && s.has(code)
}

// ReadsTime reports false.
func (*statusSet) ReadsTime() bool { return false }

// transientStatus reports whether code is one of the status codes Transient
// retries: 408 Request Timeout, 429 Too Many Requests, 500 Internal Server Error,
// 502 Bad Gateway, 503 Service Unavailable and 504 Gateway Timeout.
func transientStatus(code int) bool {
	switch code {
	case 408, 429, 500, 502, 503, 504:
		return true
	}
	return false
}

// statusOf returns the code of the first error in err's tree that has one.
func statusOf(err error) (int, bool) {
	s, ok := errchain.Find[statusCoder](err)
	if !ok {
		return 0, false
	}
	return s.StatusCode(), true
}

// statusSet is a set of the codes 100..599, one bit each.
type statusSet [8]uint64

func (s *statusSet) add(code int) {
	i := code - 100
	s[i/64] |= 1 << (i % 64)
}

func (s *statusSet) has(code int) bool {
	i := code - 100
	return i >= 0 && i < 500 && s[i/64]&(1<<(i%64)) != 0
}

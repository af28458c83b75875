package retrygrpc

import (
	"google.golang.org/grpc/codes"

	"github.com/tenacious-go/tenacious/retry"
)

// Codes returns a retry.Predicate that retries an attempt whose error has one of
// the status codes given, as status.Code reads it (an error with no gRPC status
// is codes.Unknown): a Policy.Retry of your own, in place of the interceptors'
// default table. It is literal: Codes(codes.ResourceExhausted) retries a
// RESOURCE_EXHAUSTED with or without a server's hint. Combine it with package
// predicate, as in predicate.Any(retrygrpc.Transient(), retrygrpc.Codes(codes.Aborted)).
//
// The interceptors' own rules still apply around it: a method that is not safe
// to repeat, a stream past its commit point and a server's pushback that says
// not to retry are not retried, whatever Codes says. It reads no time (see
// retry.ReadsTime).
func Codes(cs ...codes.Code) retry.Predicate {
	var set codeSet
	for _, c := range cs {
		set.add(c)
	}
	return &set
}

// codeSet is a set of status codes: a bit for each of the first 64, and a list
// for the rest. As a retry.Predicate (see Codes), it matches an error whose
// code is in the set, and reads no time.
type codeSet struct {
	bits  uint64
	other []codes.Code
}

func (s *codeSet) add(c codes.Code) {
	if c < 64 {
		s.bits |= 1 << c
	} else {
		s.other = append(s.other, c)
	}
}

// Match reports whether a.Err has a status code in s.
func (s *codeSet) Match(a retry.Attempt) bool { return a.Err != nil && s.has(codeOf(a.Err)) }

// ReadsTime reports false: Match reads only Attempt.Err.
func (s *codeSet) ReadsTime() bool { return false }

func (s *codeSet) has(c codes.Code) bool {
	if c < 64 {
		return s.bits&(1<<c) != 0
	}
	for _, o := range s.other {
		if o == c {
			return true
		}
	}
	return false
}

// Transient returns the retry.Predicate of the interceptors' default table,
// for a Policy that adds to it or calls gRPC inside retry.Do (with
// [NewStatusError], so that it sees the server's hints). It retries:
//
//   - UNAVAILABLE;
//   - RESOURCE_EXHAUSTED, only when the server sent a hint (see
//     StatusError.Hinted): a grpc-retry-pushback-ms trailer or a RetryInfo;
//   - DEADLINE_EXCEEDED: the predicate is asked only while the caller's context
//     lives, so this is the attempt's own timeout or a server that ran out of a
//     deadline of its own, never the caller's;
//
// and nothing else: not CANCELLED (whoever sent it), INVALID_ARGUMENT,
// NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, UNAUTHENTICATED,
// FAILED_PRECONDITION, ABORTED (see [RetryAborted]), OUT_OF_RANGE,
// UNIMPLEMENTED, INTERNAL, DATA_LOSS, UNKNOWN, nor an error whose server's
// pushback says not to retry. It reads no time (see retry.ReadsTime).
func Transient() retry.Predicate { return transient{} }

// transient is the predicate of Transient.
type transient struct{}

// Match applies the default table to a.Err, unless the server's pushback says
// not to retry.
func (transient) Match(a retry.Attempt) bool {
	se := statusErrorOf(a.Err)
	return (se == nil || !se.noRetry) && table(a.Err, se, false)
}

// ReadsTime reports false: Match reads only Attempt.Err.
func (transient) ReadsTime() bool { return false }

// table is the default table, and ABORTED if aborted, for err and its
// *StatusError se (nil if none); a pushback that says no is the caller's
// concern, so that the failure still counts as one worth retrying for the
// budget.
func table(err error, se *StatusError, aborted bool) bool {
	if err == nil {
		return false
	}
	switch codeOf(err) {
	case codes.Unavailable, codes.DeadlineExceeded:
		return true
	case codes.ResourceExhausted:
		return se != nil && se.hinted
	case codes.Aborted:
		return aborted
	}
	return false
}

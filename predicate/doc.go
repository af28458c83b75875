// Package predicate builds the retry.Predicate values that decide which failed
// attempts a retry.Policy tries again: by error value or type, by message, by
// HTTP-style status code, or with Transient, a whitelist of failures that usually
// pass on their own. Any, All and Not combine them.
//
//	svc := retry.Policy{
//		Retry: predicate.All(
//			predicate.Any(
//				predicate.Transient(),             // timeouts, dropped connections, 503s, ...
//				predicate.ErrorIs(ErrStale),       // a sentinel error
//				predicate.ErrorAs[*LockedError](), // an error type
//			),
//			predicate.Not(predicate.Status(429)), // but leave rate limits to the caller
//		),
//	}
//
// Every predicate here is a pure function of the retry.Attempt, safe to share
// between goroutines; the arguments given to a constructor are copied, so changing
// them later changes nothing. Constructors panic on arguments that are certainly
// wrong (nil, empty, out of range), with a message that starts with "predicate: ";
// the predicates they return do not panic, unless a function given to Error does.
// No predicate here reads time, and each says so (see retry.ReadsTime); Not, Any
// and All read it only if a predicate they combine does.
//
// Attempt.Err is nil when the attempt's result, not an error, was rejected by a
// retry.Retrier's RetryResult. Always retries then too; every predicate that looks
// at the error reports false, so Not of one reports true.
//
// The names follow Python's tenacity: Always is retry_always, ErrorAs is
// retry_if_exception_type, Error is retry_if_exception, Any and All are retry_any and
// retry_all (tenacity's | and &).
package predicate

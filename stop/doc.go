// Package stop builds the retry.Stop values a retry.Policy uses to decide when to
// give up, as cmpopts builds options for cmp. Each constructor names its tenacity
// equivalent, checks its arguments at once (a bad one panics with a message that
// starts with "stop: "), and returns a retry.Stop that one Policy can share between
// any number of goroutines.
//
// Combine them with Any and All:
//
//	svc := retry.Policy{
//		// At most 5 attempts, and no retry that would start 30s or more
//		// after the first attempt began.
//		Stop: stop.Any(stop.AfterAttempts(5), stop.BeforeElapsed(30*time.Second)),
//	}
//
// A call asks its Stop only after a failed attempt that it would otherwise retry,
// with the next pause already chosen (retry.Attempt.Delay); a Stop never interrupts
// an attempt or a pause in progress. Use the call's context for that.
//
// Each Stop here tells a call whether it reads time (see retry.ReadsTime): only
// AfterElapsed and BeforeElapsed do, and Any and All when a Stop they combine does,
// so a call whose Policy only counts attempts need not read the clock.
package stop

// Package wait builds the retry.Wait strategies that decide how long a retry.Policy
// pauses between attempts: constant, random, incrementing, exponential, jittered,
// combined and clamped.
//
// Every Wait here is a pure function of the retry.Attempt it is given (the jittered
// ones also draw from a random source), so one value serves every call and goroutine.
// Every pause lies within the bounds given at construction, never below 0, for every
// attempt number up to math.MaxInt and every previous pause; computing it takes time
// independent of the attempt number and allocates nothing. Bad arguments panic at
// construction, never at retry time, with a message that begins "wait: ".
// No Wait here reads time (Attempt.Elapsed or Slept), and each says so (see
// retry.ReadsTime); Sum, Chain and Clamp read it only if a Wait they combine does.
//
// The arguments speak one vocabulary: base is the first pause, max the largest,
// floor the smallest, factor the growth per attempt. A constructor takes base (or
// floor) first, then max, then anything else, then options, as in
// Exponential(base, max, factor) and FullJitterFloor(base, max, floor).
// [Sum], [Chain] and [Clamp] combine Waits.
//
// A typical Wait backs off with full jitter from one second to thirty:
//
//	p := retry.Policy{
//		Wait: wait.FullJitter(time.Second, 30*time.Second),
//	}
//
// A server's hint, such as an HTTP Retry-After header, is not a Wait's business:
// when the attempt's error carries one, the Policy follows it whatever its Wait,
// up to the Policy's MaxRetryAfter, and the Wait is not asked.
//
// Names follow Python's tenacity: FullJitter is wait_random_exponential, Chain is
// wait_chain, and so on; each function's documentation gives its counterpart.
package wait

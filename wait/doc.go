// Package wait builds the retry.Wait strategies that decide how long a Retrier
// pauses between attempts: constant, random, incrementing, exponential, jittered,
// combined, and driven by a server's hint.
//
// Every Wait here is a pure function of the retry.Attempt it is given (the jittered
// ones also draw from a random source), so one value serves every call and goroutine.
// Every pause lies within the bounds given at construction, never below 0, for every
// attempt number up to math.MaxInt and every previous pause; computing it takes time
// independent of the attempt number and allocates nothing. Bad arguments panic at
// construction, never at retry time, with a message that begins "wait: ".
//
// A typical Wait honours a server's Retry-After hint, up to a minute, and otherwise
// backs off with full jitter from one second to thirty:
//
//	r := retry.Retrier[User]{
//		Wait: wait.FromError(wait.FullJitter(time.Second, 30*time.Second), time.Minute),
//	}
//
// Names follow Python's tenacity: FullJitter is wait_random_exponential, Chain is
// wait_chain, and so on; each function's documentation gives its counterpart.
package wait

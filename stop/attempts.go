package stop

import (
	"strconv"

	"github.com/tenacious-go/tenacious/retry"
)

// AfterAttempts returns a Stop that gives up once n attempts have been made
// (retry.Attempt.Number >= n), so the operation runs at most n times: AfterAttempts(1)
// never retries. It is tenacity's stop_after_attempt; a nil Policy.Stop, in the calls
// of package retry, is AfterAttempts(retry.DefaultAttempts).
//
// AfterAttempts panics if n is less than 1. To bound a call by time instead, see
// AfterElapsed and BeforeElapsed.
func AfterAttempts(n int) retry.Stop {
	if n < 1 {
		panic("stop: AfterAttempts: n must be at least 1, got " + strconv.Itoa(n))
	}
	return afterAttempts(n)
}

type afterAttempts int

func (n afterAttempts) Stop(a retry.Attempt) bool { return a.Number >= int(n) }
func (afterAttempts) ReadsTime() bool             { return false }

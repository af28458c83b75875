package stop

import "github.com/tenacious-go/tenacious/retry"

// Never returns a Stop that never gives up: the call goes on until the operation
// succeeds, fails with an error that is not retried, or its context ends. It is
// tenacity's stop_never (tenacity's default, unlike ours).
//
// Bound a call that uses Never by a context deadline (context.WithTimeout), or the
// call may retry a failing operation forever; to bound it by the Policy alone, use
// AfterElapsed or BeforeElapsed instead.
func Never() retry.Stop {
	return never{}
}

type never struct{}

func (never) Stop(retry.Attempt) bool { return false }
func (never) ReadsTime() bool         { return false }

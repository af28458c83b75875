package stop

import "github.com/tenacious-go/tenacious/retry"

// WhenClosed returns a Stop that gives up once ch is closed, such as a shutdown
// signal shared by many calls. It is tenacity's stop_when_event_set, with closing the
// channel in place of setting the event. The check does not block.
//
// Only closing counts: ch must never carry values, since a value sent on it would be
// taken by one check (which would stop) and missed by every later one. A
// <-chan struct{} from close-only code, such as a context's Done channel, is the
// intended argument.
//
// WhenClosed is the one Stop here whose answer depends on more than the Attempt: it
// turns from false to true once, when ch is closed, and is safe for concurrent use.
// Like every Stop it is consulted only between attempts, so closing ch does not cut
// short an attempt or a pause in progress; to do that, cancel the call's context.
// WhenClosed panics if ch is nil (a nil channel is never closed: the Done channel of
// context.Background, for one).
func WhenClosed(ch <-chan struct{}) retry.Stop {
	if ch == nil {
		panic("stop: WhenClosed: nil channel")
	}
	return whenClosed{ch}
}

type whenClosed struct{ ch <-chan struct{} }

func (w whenClosed) Stop(retry.Attempt) bool {
	select {
	case <-w.ch:
		return true
	default:
		return false
	}
}

func (whenClosed) ReadsTime() bool { return false }

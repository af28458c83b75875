package retrygrpc

import (
	"io"

	"google.golang.org/grpc/status"

	"github.com/tenacious-go/tenacious/retry"
)

// The end of a stream's call. The committed attempt stays in progress, in the
// loop, until the stream ends; its outcome then ends the loop, which runs After
// and OnEnd, writes the Stats and tells the Budget, as for any attempt. A failure
// past the commit point is not retried (rpc.committed), so the loop ends with
// it.

// ended ends the call when the committed attempt a ends, as an operation of the
// caller finds: with err, or with nil or io.EOF for a success. Only the first
// end counts. It returns the *retry.NotRetriedError that RecvMsg returns in
// place of err if the call ended with a retry refused for safety, else nil.
func (s *clientStream) ended(a *attempt, err error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.try != nil {
		if err == io.EOF {
			err = nil
		}
		if err != nil {
			err = s.failure(a, err, a.Trailer())
		}
		s.endLocked(err)
	}
	if s.refusal == nil {
		return nil // not a nil *retry.NotRetriedError
	}
	return s.refusal
}

// sendFailed ends the call with err, an error of the client's own that a SendMsg
// of the committed attempt returned: gRPC ends the stream with it.
func (s *clientStream) sendFailed(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endLocked(retry.Permanent(newStatusError(err, nil)))
}

// abandon ends the call when the stream's context ends, whether or not an
// operation is in progress, before or after the commit point: the engine ends
// it (ReasonContext), and a RecvMsg that finds the end later changes nothing.
func (s *clientStream) abandon() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.try == nil {
		return
	}
	s.cur.Load().release()
	s.endLocked(newStatusError(status.FromContextError(s.ctx.Err()).Err(), nil))
}

// succeedLocked ends the call with a success in the retry window: the attempt
// in progress ended with OK, without a header or a message.
func (s *clientStream) succeedLocked() {
	s.commitLocked()
	s.endLocked(nil)
}

// endLocked ends the call, unless it has ended, with the outcome of the attempt
// in progress: err, or nil for a success. The loop does not make another
// attempt: a failure past the commit point is not retried, nor one after the
// caller's context ended; it is stopped if it would.
func (s *clientStream) endLocked(err error) {
	if s.try == nil {
		return
	}
	if err != nil {
		s.try.Fail(err)
	}
	s.next()
	s.finishLocked()
}

// finishLocked closes the call once its loop is over. If it ended within the
// retry window, there is no stream for the caller, and final is the call's
// error; if it ended with a retry refused for safety past the commit point,
// RecvMsg returns refusal in place of gRPC's error.
func (s *clientStream) finishLocked() {
	s.stop() // the loop has returned, or is made to
	if s.unwatch != nil {
		s.unwatch()
	}
	if err := s.end(s.loop.Err()); err != nil {
		if e, ok := err.(*retry.NotRetriedError); ok {
			s.refusal = e
		}
		if !s.committed {
			s.final = err
		}
	}
	s.try, s.req = nil, nil
	s.done.Store(true)
}

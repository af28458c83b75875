package retrygrpc

import (
	"context"
	"io"
	"iter"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/tenacious-go/tenacious/retry"
)

// The retry window of a stream: from its opening to its commit point, the
// interceptor stands between the caller and gRPC's stream, and makes the stream
// again when an attempt fails before it is committed.

// begin opens the stream, again as long as the opening fails and the Policy
// allows, and returns it in the retry window; a stream that may not be made
// again, or must not be (NoRetry), is committed at once.
func (s *clientStream) begin() (grpc.ClientStream, error) {
	s.serverStreaming = !s.desc.ClientStreams
	if !s.idempotent || s.noRetry {
		s.timeout = 0 // nothing to make again: the stream is gRPC's from its opening
	}
	s.loop = s.policy.Loop(s.ctx)
	s.next, s.stop = iter.Pull(s.loop.Attempts())
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.nextAttemptLocked() {
		return nil, s.final
	}
	if s.ctx.Done() != nil {
		s.unwatch = context.AfterFunc(s.ctx, s.abandon)
	}
	if !s.idempotent || s.noRetry {
		s.commitLocked()
	}
	return s, nil
}

// nextAttemptLocked asks the loop for the next attempt (the engine pauses first,
// if it is not the first), opens its stream and replays what the caller sent
// before the commit point. It reports false when the call has ended instead.
func (s *clientStream) nextAttemptLocked() bool {
	for {
		t, ok := s.next()
		if !ok {
			s.finishLocked()
			return false
		}
		s.try, s.failed, s.committed = t, 0, false
		a := s.open(t.Context(), t.Number())
		if a.err != nil {
			t.Fail(a.err)
			continue
		}
		if err := s.replay(a); err != nil {
			a.release()
			t.Fail(retry.Permanent(newStatusError(err, nil)))
			continue
		}
		s.cur.Store(a)
		return true
	}
}

// replay sends on a new attempt what the caller sent on the first: the request
// of a server-streaming RPC, and its half-close.
func (s *clientStream) replay(a *attempt) error {
	if s.hasReq {
		if err := a.SendMsg(s.req); err != nil {
			return err
		}
	}
	if s.closeSent {
		return a.CloseSend()
	}
	return nil
}

// commitLocked closes the retry window: the attempt in progress is the stream
// the caller keeps, and stays in progress until the stream ends.
func (s *clientStream) commitLocked() {
	s.cur.Load().commit()
	s.committed = true
	s.req = nil
	s.done.Store(true)
}

// failLocked reports the failure err of attempt a to the loop, and reports
// whether another attempt has replaced it. A failure after the attempt received
// a header is past the commit point: it ends the call, and the caller reads it
// from the stream.
func (s *clientStream) failLocked(a *attempt, err error) bool {
	md, _ := a.Header() // the stream has ended: Header does not wait
	s.committed = md != nil
	e := s.failure(a, err, a.Trailer())
	if !s.committed {
		a.release()
	}
	s.try.Fail(e)
	return s.nextAttemptLocked()
}

// failure is the error the Policy sees for the failure err of attempt a.
func (s *clientStream) failure(a *attempt, err error, trailer metadata.MD) error {
	settle(s.ctx)
	se := newStatusError(err, trailer)
	if a.timedOut() && s.ctx.Err() == nil {
		return &attemptTimeoutError{err: se, timeout: s.timeout}
	}
	return se
}

// await waits until the retry window closes: the current attempt receives a
// header (a message comes with one), or ends without one, and is then retried
// or ends the call; or another goroutine's SendMsg closes it. It waits for the
// header without holding the lock, so that a SendMsg of another goroutine, the
// commit point of a client or bidirectional stream, is not held up.
func (s *clientStream) await() {
	for {
		a := s.cur.Load()
		md, err := a.Header() // until a header comes or the attempt ends
		if s.awaited(a, md != nil || err != nil) {
			return
		}
	}
}

// awaited takes the header, or the end without one, of attempt a, and reports
// whether the retry window has closed.
func (s *clientStream) awaited(a *attempt, header bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.done.Load():
		return true
	case s.cur.Load() != a: // another goroutine's SendMsg made a new attempt
		return false
	case header:
		s.commitLocked()
		return true
	}
	// The attempt ended without a header, so without a message: read how.
	err := a.RecvMsg(new(emptypb.Empty))
	if err == nil || err == io.EOF {
		s.succeedLocked() // it succeeded with no message: RecvMsg reads io.EOF again
		return true
	}
	return !s.failLocked(a, err)
}

func (s *clientStream) sendInWindow(m any) (err error, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done.Load() {
		return nil, false
	}
	if s.serverStreaming {
		s.req, s.hasReq = m, true
		if err := s.cur.Load().SendMsg(m); err != nil {
			// gRPC returns nil for a server-streaming RPC whose stream failed: this
			// is the client's own error (encoding, size), which ends the call.
			s.try.Fail(retry.Permanent(newStatusError(err, nil)))
			s.nextAttemptLocked()
			return err, true
		}
		return nil, true
	}
	for {
		a := s.cur.Load()
		a.arm(s.timeout)
		err := a.SendMsg(m)
		switch {
		case err == nil:
			s.commitLocked()
			return nil, true
		case err != io.EOF: // the client's own error: the stream has ended
			s.try.Fail(retry.Permanent(newStatusError(err, nil)))
			s.nextAttemptLocked()
			return err, true
		}
		// The stream ended before the message left. After a header, the caller
		// reads how from RecvMsg; without one, it is read here.
		if md, _ := a.Header(); md != nil {
			s.commitLocked()
			return io.EOF, true
		}
		rerr := a.RecvMsg(new(emptypb.Empty)) // no message comes without a header
		if rerr == nil || rerr == io.EOF {
			s.succeedLocked()
			return io.EOF, true
		}
		if !s.failLocked(a, rerr) {
			return io.EOF, true // RecvMsg returns the error
		}
	}
}

func (s *clientStream) closeInWindow() (err error, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done.Load() {
		return nil, false
	}
	s.closeSent = true
	return s.cur.Load().CloseSend(), true
}

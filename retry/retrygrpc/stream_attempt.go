package retrygrpc

import (
	"context"
	"strconv"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// open opens the stream of the n-th attempt with ctx, the caller's.
func (s *clientStream) open(ctx context.Context, n int) *attempt {
	a := new(attempt)
	if n > 1 {
		ctx = metadata.AppendToOutgoingContext(ctx, PreviousAttemptsKey, strconv.Itoa(n-1))
	}
	if s.timeout > 0 {
		ctx, a.cancel = context.WithCancelCause(ctx)
		a.arm(s.timeout)
	}
	cs, err := s.streamer(ctx, s.desc, s.cc, s.method, s.opts...)
	if err != nil {
		a.err = s.failure(a, err, nil)
		a.release()
		return a
	}
	a.ClientStream = cs
	switch {
	case s.timeout <= 0:
	case !s.serverStreaming:
		a.disarm() // the caller's pace before the first message is not the attempt's
	default:
		go a.watchHeader() // a header ends the attempt's timeout
	}
	return a
}

// attempt is one attempt of a stream: gRPC's stream (nil if it failed to open,
// with err its error) and, with an AttemptTimeout, its own context and timer.
type attempt struct {
	grpc.ClientStream
	err    error
	cancel context.CancelCauseFunc
	timer  *time.Timer
	state  atomic.Int32 // running, committed or timedOut
}

// The states of an attempt's timer.
const (
	running   = iota // the timeout applies when armed
	committed        // past the commit point: the timeout no longer applies
	timedOut         // the timeout fired and canceled the attempt
)

// arm starts the attempt's timeout, if it has one.
func (a *attempt) arm(d time.Duration) {
	if a.cancel == nil || a.state.Load() != running {
		return
	}
	if a.timer == nil {
		a.timer = time.AfterFunc(d, a.expire)
	} else {
		a.timer.Reset(d)
	}
}

// disarm stops the attempt's timeout until it is armed again.
func (a *attempt) disarm() {
	if a.timer != nil {
		a.timer.Stop()
	}
}

func (a *attempt) expire() {
	if a.state.CompareAndSwap(running, timedOut) {
		a.cancel(errAttemptTimeout)
	}
}

// commit ends the attempt's timeout for good, unless it has fired.
func (a *attempt) commit() {
	if a.state.CompareAndSwap(running, committed) {
		a.disarm()
	}
}

func (a *attempt) timedOut() bool { return a.state.Load() == timedOut }

// watchHeader commits the attempt's timer when a header arrives.
func (a *attempt) watchHeader() {
	if md, _ := a.ClientStream.Header(); md != nil {
		a.commit()
	}
}

// release cancels the attempt's own context, if it has one: its stream has ended,
// or is abandoned.
func (a *attempt) release() {
	if a.cancel != nil {
		a.disarm()
		a.cancel(nil)
	}
}

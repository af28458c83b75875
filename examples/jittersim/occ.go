package main

import (
	"math/rand/v2"
	"time"

	"github.com/tenacious-go/tenacious/examples/internal/sim"
	"github.com/tenacious-go/tenacious/retry"
)

// Network and backoff parameters of Brooker's simulation.
const (
	hopMean  = 10 * time.Millisecond // mean one-way network delay
	hopSD    = 2 * time.Millisecond  // its standard deviation
	waitBase = 5 * time.Millisecond  // base of every backoff
	waitCap  = 2 * time.Second       // cap of every backoff
)

// outcome is what one run of the contention model measured.
type outcome struct {
	calls      int           // conditional writes that reached the server
	completion time.Duration // when the last client learned that its write succeeded
}

// kind says what arrives at the server.
type kind uint8

const (
	read  kind = iota // a client's request for the row's version
	write             // a client's write, conditional on the version it read
)

// message is what arrives at the server in an event: a read or a write from a
// client.
type message struct {
	client int
	kind   kind
}

// client is one writer: the version it read, and the retry state that the
// strategy sees, kept exactly as the engine keeps it.
type client struct {
	version int
	attempt retry.Attempt
}

// occ is one run of the model: a server holding a single row and its version, n
// clients that each want to update the row once, and the events in flight.
type occ struct {
	rng     *rand.Rand
	wait    retry.Wait
	version int
	clients []client
	queue   sim.Queue[message]
	out     outcome
}

// simulate runs n clients against one row with the given wait strategy until every
// client has written once, drawing network delays from rng. The strategy should draw
// its jitter from rng too, so that one seed fixes the whole run.
//
// Each client reads the row's version (a request hop and a reply hop, the version
// being taken when the request reaches the server), then sends a write conditional
// on that version (two more hops). The write commits only if no other write
// committed since the read. On failure the client counts the attempt, asks the
// strategy for a pause, and after the reply hop and the pause reads again.
//
// Only the server's actions touch shared state, so the queue holds server-side
// events: a read or a write arriving. The hops the client spends between them are
// added to the arrival time of its next event.
func simulate(n int, w retry.Wait, rng *rand.Rand) outcome {
	s := &occ{rng: rng, wait: w, clients: make([]client, n)}
	s.queue.Grow(n)
	for i := range n {
		s.queue.Push(s.hop(), message{client: i, kind: read})
	}
	for s.queue.Len() > 0 {
		e := s.queue.Pop()
		switch e.Value.kind {
		case read:
			s.clients[e.Value.client].version = s.version
			s.queue.Push(e.At+s.hop()+s.hop(), message{client: e.Value.client, kind: write})
		case write:
			s.write(e.At, e.Value.client)
		}
	}
	return s.out
}

// write handles a conditional write from client i arriving at the server at
// time at.
func (s *occ) write(at time.Duration, i int) {
	s.out.calls++
	c := &s.clients[i]
	reply := at + s.hop()
	if c.version == s.version {
		s.version++
		s.out.completion = max(s.out.completion, reply)
		return
	}
	c.attempt.Number++
	pause := max(s.wait.Wait(c.attempt), 0)
	c.attempt.PrevDelay = pause
	s.queue.Push(reply+pause+s.hop(), message{client: i, kind: read})
}

// hop returns one network delay, drawn from Normal(hopMean, hopSD) and clamped at 0.
func (s *occ) hop() time.Duration {
	d := float64(hopMean) + float64(hopSD)*s.rng.NormFloat64()
	return time.Duration(max(d, 0))
}

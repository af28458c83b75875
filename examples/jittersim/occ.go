package main

import (
	"math/rand/v2"
	"time"

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
	queue   eventQueue
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
	s.queue.grow(n)
	for i := range n {
		s.queue.push(event{at: s.hop(), client: i, kind: read})
	}
	for s.queue.len() > 0 {
		e := s.queue.pop()
		switch e.kind {
		case read:
			s.clients[e.client].version = s.version
			s.queue.push(event{at: e.at + s.hop() + s.hop(), client: e.client, kind: write})
		case write:
			s.write(e)
		}
	}
	return s.out
}

// write handles a conditional write arriving at the server.
func (s *occ) write(e event) {
	s.out.calls++
	c := &s.clients[e.client]
	reply := e.at + s.hop()
	if c.version == s.version {
		s.version++
		s.out.completion = max(s.out.completion, reply)
		return
	}
	c.attempt.Number++
	pause := max(s.wait(c.attempt), 0)
	c.attempt.PrevDelay = pause
	s.queue.push(event{at: reply + pause + s.hop(), client: e.client, kind: read})
}

// hop returns one network delay, drawn from Normal(hopMean, hopSD) and clamped at 0.
func (s *occ) hop() time.Duration {
	d := float64(hopMean) + float64(hopSD)*s.rng.NormFloat64()
	return time.Duration(max(d, 0))
}

package main

import "time"

// kind says what happens at an event.
type kind uint8

const (
	arrival  kind = iota // a new call arrives at a client process
	send                 // a call's pause is over: it sends its next attempt
	served               // a worker finishes an attempt: the server answers it
	timeout              // an attempt's timeout expires at the client
	dipStart             // half the workers stop taking work
	dipEnd               // they come back
)

// event is something happening at a point of virtual time.
type event struct {
	at   time.Duration
	seq  uint64 // order of scheduling, so that ties break the same way every run
	kind kind
	id   int32 // the call (arrival, send) or the attempt (served, timeout)
}

// before reports whether e happens before f.
func (e event) before(f event) bool {
	return e.at < f.at || e.at == f.at && e.seq < f.seq
}

// eventQueue is a binary min-heap of events by time: the discrete-event
// simulation's clock is the time of the event it pops.
type eventQueue struct {
	heap []event
	seq  uint64
}

// len returns the number of events scheduled.
func (q *eventQueue) len() int { return len(q.heap) }

// peek returns the earliest event; the queue must not be empty.
func (q *eventQueue) peek() event { return q.heap[0] }

// push schedules an event of kind k for id at time at.
func (q *eventQueue) push(at time.Duration, k kind, id int32) {
	q.seq++
	q.heap = append(q.heap, event{at: at, seq: q.seq, kind: k, id: id})
	for i := len(q.heap) - 1; i > 0; {
		p := (i - 1) / 2
		if !q.heap[i].before(q.heap[p]) {
			break
		}
		q.heap[i], q.heap[p] = q.heap[p], q.heap[i]
		i = p
	}
}

// pop removes and returns the earliest event; the queue must not be empty.
func (q *eventQueue) pop() event {
	h := q.heap
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < len(h) && h[l].before(h[m]) {
			m = l
		}
		if r := l + 1; r < len(h) && h[r].before(h[m]) {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	q.heap = h
	return top
}

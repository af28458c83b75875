package main

import "time"

// kind says what arrives at the server.
type kind uint8

const (
	read  kind = iota // a client's request for the row's version
	write             // a client's write, conditional on the version it read
)

// event is a message arriving at the server at a point of virtual time.
type event struct {
	at     time.Duration
	seq    uint64 // order of scheduling, so that ties break the same way every run
	client int
	kind   kind
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

// grow makes room for n events.
func (q *eventQueue) grow(n int) { q.heap = make([]event, 0, n) }

// len returns the number of events scheduled.
func (q *eventQueue) len() int { return len(q.heap) }

// push schedules e.
func (q *eventQueue) push(e event) {
	q.seq++
	e.seq = q.seq
	q.heap = append(q.heap, e)
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

// Package sim holds what the example simulations share: a discrete-event queue,
// a Markdown table writer and the primitives of their SVG charts.
package sim

import "time"

// Event is a value scheduled at a point of virtual time.
type Event[T any] struct {
	At    time.Duration
	Value T
	seq   uint64 // order of scheduling, so that ties break the same way every run
}

// before reports whether e happens before f.
func (e Event[T]) before(f Event[T]) bool {
	return e.At < f.At || e.At == f.At && e.seq < f.seq
}

// Queue is a binary min-heap of events by time: the discrete-event simulation's
// clock is the time of the event it pops. Events at the same time pop in the
// order they were pushed. The zero value is an empty queue.
type Queue[T any] struct {
	heap []Event[T]
	seq  uint64
}

// Grow makes room for n more events.
func (q *Queue[T]) Grow(n int) {
	if n > cap(q.heap)-len(q.heap) {
		h := make([]Event[T], len(q.heap), len(q.heap)+n)
		copy(h, q.heap)
		q.heap = h
	}
}

// Len returns the number of events scheduled.
func (q *Queue[T]) Len() int { return len(q.heap) }

// Peek returns the earliest event; the queue must not be empty.
func (q *Queue[T]) Peek() Event[T] { return q.heap[0] }

// Push schedules v at time at.
func (q *Queue[T]) Push(at time.Duration, v T) {
	q.seq++
	q.heap = append(q.heap, Event[T]{At: at, Value: v, seq: q.seq})
	for i := len(q.heap) - 1; i > 0; {
		p := (i - 1) / 2
		if !q.heap[i].before(q.heap[p]) {
			break
		}
		q.heap[i], q.heap[p] = q.heap[p], q.heap[i]
		i = p
	}
}

// Pop removes and returns the earliest event; the queue must not be empty.
func (q *Queue[T]) Pop() Event[T] {
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

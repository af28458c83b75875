package main

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

// event is what happens at a point of virtual time, as scheduled on a
// sim.Queue.
type event struct {
	kind kind
	id   int32 // the call (arrival, send) or the attempt (served, timeout)
}

package main

import (
	"context"
	"math/rand/v2"
	"slices"

	"github.com/tenacious-go/tenacious/retry"
)

// arrival is a client goroutine telling the scheduler that it is waiting in the
// server for an attempt's outcome, or that it has made all its calls.
type arrival struct {
	client int
	done   bool
}

// lockstep runs clients goroutines that each make requests calls of r.Run, one
// after another, against a server that fails every attempt with probability p, and
// returns how many attempts reached the server.
//
// The order is deterministic although the calls are real and concurrent: the
// server answers the waiting clients in rounds, one client at a time in an order
// shuffled by rng, and waits for that client to come back (with its next attempt,
// or done) before answering the next. So the engine's calls into r's Budget happen
// one at a time, in the same order on every run with the same rng.
func lockstep(r *retry.Policy, clients, requests int, p float64, rng *rand.Rand) (attempts int) {
	arrive := make(chan arrival)
	answer := make([]chan bool, clients) // true: the attempt fails
	for i := range clients {
		answer[i] = make(chan bool)
		op := func(context.Context) error {
			arrive <- arrival{client: i}
			if <-answer[i] {
				return errUnavailable
			}
			return nil
		}
		go func() {
			for range requests {
				_ = r.Run(context.Background(), op) // giving up is part of the experiment
			}
			arrive <- arrival{client: i, done: true}
		}()
	}
	waiting := make([]int, 0, clients)
	for range clients {
		if a := <-arrive; !a.done { // done at once if requests < 1
			waiting = append(waiting, a.client)
		}
	}
	slices.Sort(waiting) // the order they arrived in is the scheduler's, not ours
	for len(waiting) > 0 {
		round := waiting
		waiting = make([]int, 0, len(round))
		rng.Shuffle(len(round), func(i, j int) { round[i], round[j] = round[j], round[i] })
		for _, c := range round {
			attempts++
			answer[c] <- rng.Float64() < p
			if a := <-arrive; !a.done {
				waiting = append(waiting, a.client)
			}
		}
	}
	return attempts
}

package main

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// fleetSizes are the numbers of client processes of the fleet experiment: the same
// calls, spread over more processes, each holding its own budget.
var fleetSizes = []int{1, 10, 100, 1000}

// job is one run of the fleet experiment.
type job struct {
	strategy, procs, trial int
}

// name names the job, for a subtest.
func (j job) name() string {
	return fmt.Sprintf("%s, %d procs, trial %d", strategies[j.strategy].name, j.procs, j.trial)
}

// fleetJobs returns every run of the fleet experiment: each strategy of list
// (indexes in strategies) with each number of processes, trials times.
func fleetJobs(list []int, trials int) []job {
	var js []job
	for _, s := range list {
		for _, n := range fleetSizes {
			for t := range trials {
				js = append(js, job{s, n, t})
			}
		}
	}
	return js
}

// never is the recovery time of a run whose goodput did not recover.
const never = time.Duration(-1)

// cell is what the runs of one strategy with one number of processes measured.
type cell struct {
	recovery []time.Duration // per trial, sorted, never last
	ampDip   float64         // mean attempts per call offered during the dip
	ampAfter float64         // the same from the dip's end to the horizon
	lost     float64         // mean share of the calls offered from the dip's start not served in time
	wasted   float64         // mean share of the server's work from the dip's start wasted on late attempts
}

// median returns the median recovery time (the upper one for an even number of
// trials), never if it is never.
func (c cell) median() time.Duration { return c.recovery[len(c.recovery)/2] }

// fleet is the outcome of the fleet experiment.
type fleet struct {
	sc     scenario
	list   []int // the strategies measured, as indexes in strategies
	seed   uint64
	trials int
	cells  [][]cell   // by strategy, then by index in fleetSizes
	first  [][]result // trial 0, by strategy, then by index in fleetSizes: what the charts draw
}

// summarize gathers the results of the jobs of fleetJobs(list, trials), in
// order, run with seed.
func summarize(sc scenario, seed uint64, list []int, trials int, js []job, rs []result) *fleet {
	f := &fleet{sc: sc, list: list, seed: seed, trials: trials, cells: make([][]cell, len(strategies)), first: make([][]result, len(strategies))}
	for s := range strategies {
		f.cells[s] = make([]cell, len(fleetSizes))
		f.first[s] = make([]result, len(fleetSizes))
	}
	for i, j := range js {
		r := rs[i]
		n := slices.Index(fleetSizes, j.procs)
		c := &f.cells[j.strategy][n]
		rec, ok := r.recovery(sc)
		if !ok {
			rec = never
		}
		c.recovery = append(c.recovery, rec)
		c.ampDip += r.amplification(sc.dipStart, sc.dipEnd) / float64(trials)
		c.ampAfter += r.amplification(sc.dipEnd, sc.horizon) / float64(trials)
		offered := sum(r.offered, sc.dipStart, sc.horizon)
		c.lost += float64(offered-sum(r.good, sc.dipStart, sc.horizon)) / float64(max(offered, 1)) / float64(trials)
		c.wasted += float64(sum(r.wasted, sc.dipStart, sc.horizon)) / float64(max(sum(r.served, sc.dipStart, sc.horizon), 1)) / float64(trials)
		if j.trial == 0 {
			f.first[j.strategy][n] = r
		}
	}
	last := func(d time.Duration) time.Duration { // never sorts after every time
		if d == never {
			return math.MaxInt64
		}
		return d
	}
	for _, s := range list {
		for i := range f.cells[s] {
			slices.SortFunc(f.cells[s][i].recovery, func(a, b time.Duration) int { return cmp.Compare(last(a), last(b)) })
		}
	}
	return f
}

package main

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// jitterRow is one line of the first table: the mean outcome of each strategy, in
// the order of strategies, for one number of clients.
type jitterRow struct {
	clients    int
	calls      []float64
	completion []time.Duration
}

// runJitter simulates every strategy with each number of clients, trials times, and
// returns the means. Trial t with n clients draws from a PCG seeded by (seed, n, t)
// whatever the strategy, so the strategies face the same network and the result does
// not depend on how the trials are spread over the CPUs.
func runJitter(clients []int, trials int, seed uint64) []jitterRow {
	type job struct{ row, strat, trial int }
	results := make([][][]outcome, len(clients))
	var jobs []job
	for r := range clients {
		results[r] = make([][]outcome, len(strategies))
		for s := range strategies {
			results[r][s] = make([]outcome, trials)
			for t := range trials {
				jobs = append(jobs, job{r, s, t})
			}
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				j := jobs[i]
				n := clients[j.row]
				rng := rand.New(rand.NewPCG(seed, uint64(n)<<32|uint64(j.trial)))
				results[j.row][j.strat][j.trial] = simulate(n, strategies[j.strat].build(rng), rng)
			}
		})
	}
	wg.Wait()

	rows := make([]jitterRow, len(clients))
	for r, n := range clients {
		row := jitterRow{clients: n}
		for s := range strategies {
			var calls, completion float64
			for _, o := range results[r][s] {
				calls += float64(o.calls)
				completion += float64(o.completion)
			}
			row.calls = append(row.calls, calls/float64(trials))
			row.completion = append(row.completion, time.Duration(completion/float64(trials)))
		}
		rows[r] = row
	}
	return rows
}

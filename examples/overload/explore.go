package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/tenacious-go/tenacious/examples/internal/sim"
)

// badShares are the shares of failing attempts of the bad-replica lines of
// issue 23: at least 99% of calls at 30%, at least 93% at 50%.
var badShares = []float64{0.3, 0.5}

// badReplica is what the steady-failure experiment measured for one strategy,
// spread over the processes of fleetSizes: by index in fleetSizes, then in
// badShares, the mean share of calls that succeeded and attempts per call.
type badReplica struct {
	success, attempts [][]float64
}

// runBadReplica runs steadyTraffic (100 calls a second in all) for every
// strategy of list, spread over each number of processes of fleetSizes, each
// process with its own budget and gate, trials times; by position in list.
func runBadReplica(list []int, trials int, seed uint64) []badReplica {
	out := make([]badReplica, len(list))
	type cellJob struct{ i, n, p int }
	var jobs []cellJob
	for i := range list {
		out[i] = badReplica{success: make([][]float64, len(fleetSizes)), attempts: make([][]float64, len(fleetSizes))}
		for n := range fleetSizes {
			out[i].success[n] = make([]float64, len(badShares))
			out[i].attempts[n] = make([]float64, len(badShares))
			for p := range badShares {
				jobs = append(jobs, cellJob{i, n, p})
			}
		}
	}
	parallel(len(jobs), func(j int) {
		c := jobs[j]
		var ok, amp float64
		for t := range trials {
			r := steadyTraffic(steadyRate, badShares[c.p]).run(strategies[list[c.i]], fleetSizes[c.n], seed, t, nil)
			ok += 1 - float64(r.failed)/float64(r.calls)
			amp += float64(r.attempts) / float64(r.calls)
		}
		out[c.i].success[c.n][c.p] = ok / float64(trials)
		out[c.i].attempts[c.n][c.p] = amp / float64(trials)
	})
	return out
}

// printBadReplica writes the bad-replica table in Markdown.
func printBadReplica(w io.Writer, list []int, rs []badReplica, trials int) {
	shares := make([]string, len(badShares))
	for i, p := range badShares {
		shares[i] = fmt.Sprintf("%.0f%%", 100*p)
	}
	fmt.Fprintf(w, "Bad replica: %d calls a second in all, spread at random over the processes, each with its own budget and gate; a share of attempts failing independently (%s), at most %d attempts: share of calls that succeeded at %s failing. Mean of %d seeded runs of %s, measured over the second half.\n\n",
		steadyRate, strings.Join(shares, " or "), maxAttempts, strings.Join(shares, " / "), trials, seconds(steadyLength))
	header := []string{"strategy"}
	for _, n := range fleetSizes {
		header = append(header, processes(n))
	}
	var cells [][]string
	for i, s := range list {
		line := []string{strategies[s].name}
		for n := range fleetSizes {
			var parts []string
			for p := range badShares {
				parts = append(parts, fmt.Sprintf("%.1f%%", 100*rs[i].success[n][p]))
			}
			line = append(line, strings.Join(parts, " / "))
		}
		cells = append(cells, line)
	}
	sim.Markdown(w, header, cells)
}

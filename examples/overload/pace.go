package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/tenacious-go/tenacious/examples/internal/sim"
	"github.com/tenacious-go/tenacious/retry"
)

// Admission control of the pace experiment: the server refuses an attempt that
// finds paceBound attempts waiting (0.2 s of work at full capacity, 0.4 s at
// half, both under the clients' 1 s timeout), with a hint of paceHint.
const (
	paceBound = 200
	paceHint  = time.Second
)

// paceScenario is fullScenario with a server that defends itself with admission
// control.
var paceScenario = withAdmission(fullScenario)

// withAdmission returns sc with the admission control of the pace experiment.
func withAdmission(sc scenario) scenario {
	sc.bound, sc.hint = paceBound, paceHint
	return sc
}

// refuseAll is a Budget that refuses every retry.
type refuseAll struct{}

func (refuseAll) Allow(retry.Class) bool             { return false }
func (refuseAll) Attempted(retry.Class, retry.Class) {}

// Indexes of the strategies in paceStrategies, for the tests.
const (
	paceNone = iota
	pacePlain
	paceDefault
	paceQuota
	paceRefuse
	paceRefuseUnpaced
)

// paceStrategies are the strategies of the pace experiment: the engine's rule
// that a retry the budget refuses after a server's hint waits out the hint's
// pause, isolated by a budget that refuses every retry, with the rule and
// without it (which only the model can do: the engine always applies it).
var paceStrategies = []strategy{
	paceNone:    strategies[noRetries],
	pacePlain:   strategies[plainRetries],
	paceDefault: strategies[earnedDefault],
	paceQuota:   strategies[quotaAWS],
	paceRefuse: {
		name: "a budget that refuses every retry", attempts: maxAttempts,
		budget: func() retry.Budget { return refuseAll{} },
	},
	paceRefuseUnpaced: {
		name: "the same, rule off (model only)", attempts: maxAttempts,
		budget:  func() retry.Budget { return refuseAll{} },
		unpaced: true,
	},
}

// paceRow is what the runs of one strategy of the pace experiment measured.
type paceRow struct {
	recovery []time.Duration // per trial, sorted, never last
	ampDip   float64         // mean attempts per call offered during the dip
	ampAfter float64         // the same from the dip's end to the horizon
	goodDip  float64         // mean goodput during the dip, in calls a second
	failed   float64         // mean share of the calls that arrived during the dip that failed
	failTook time.Duration   // mean time from arrival to return of those that failed
	results  []result        // per trial
}

// pace is the outcome of the pace experiment.
type pace struct {
	sc     scenario
	trials int
	rows   []paceRow // by strategy of paceStrategies
}

// runPace runs the pace experiment on sc (which must have admission control):
// each strategy of paceStrategies with one client process, trials times, in
// parallel. None of its budgets reads the clock, so it needs no synctest bubble.
func runPace(sc scenario, trials int, seed uint64) *pace {
	n := len(paceStrategies)
	rs := make([]result, n*trials)
	parallel(len(rs), func(i int) {
		rs[i] = simulate(sc, paceStrategies[i/trials], 1, seed, i%trials, nil)
	})
	p := &pace{sc: sc, trials: trials, rows: make([]paceRow, n)}
	for s := range p.rows {
		row := &p.rows[s]
		row.results = rs[s*trials : (s+1)*trials]
		var failed int
		var took time.Duration
		for _, r := range row.results {
			rec, ok := r.recovery(sc)
			if !ok {
				rec = never
			}
			row.recovery = append(row.recovery, rec)
			row.ampDip += r.amplification(sc.dipStart, sc.dipEnd) / float64(trials)
			row.ampAfter += r.amplification(sc.dipEnd, sc.horizon) / float64(trials)
			row.goodDip += float64(sum(r.good, sc.dipStart, sc.dipEnd)) / (sc.dipEnd - sc.dipStart).Seconds() / float64(trials)
			f := sum(r.failed, sc.dipStart, sc.dipEnd)
			row.failed += float64(f) / float64(max(sum(r.offered, sc.dipStart, sc.dipEnd), 1)) / float64(trials)
			failed += f
			for s := int(sc.dipStart / time.Second); s < int(sc.dipEnd/time.Second); s++ {
				took += r.failedTook[s]
			}
		}
		if failed > 0 {
			row.failTook = took / time.Duration(failed)
		}
		slices.SortFunc(row.recovery, func(a, b time.Duration) int { return cmp.Compare(sortable(a), sortable(b)) })
	}
	return p
}

// sortable maps a recovery time to a value that sorts never after every time.
func sortable(d time.Duration) time.Duration {
	if d == never {
		return time.Duration(1<<63 - 1)
	}
	return d
}

// median returns the median recovery time of the row (the upper one for an
// even number of trials).
func (r paceRow) median() time.Duration { return r.recovery[len(r.recovery)/2] }

// printPace writes the pace experiment's table in Markdown.
func printPace(w io.Writer, p *pace) {
	sc := p.sc
	fmt.Fprintf(w, "Open loop: %.0f calls a second arrive whatever happens to earlier calls, at one client process; the capacity halves from %s to %s. Admission control: an attempt that finds %d attempts waiting is refused at once, with a hint of %s; the engine pauses for the hint and up to half of it more. Recovery: time from the capacity's return until goodput stays at or above %.0f%% of the calls offered; amplification during the dip / from its end to the horizon; goodput during the dip (calls that succeeded, a second); of the calls that arrived during the dip, the share that failed, and the mean time from a failed call's arrival until it returned to its caller. Median (recovery) or mean of %d seeded runs.\n\n",
		sc.rate(), seconds(sc.dipStart), seconds(sc.dipEnd), sc.bound, seconds(sc.hint), 100*recoveryShare, p.trials)
	header := []string{"strategy", "recovery", "amplification", "goodput in the dip", "calls failed", "a failed call returns after"}
	var cells [][]string
	for s, st := range paceStrategies {
		r := p.rows[s]
		rec := seconds(r.median())
		if lo, hi := r.recovery[0], r.recovery[len(r.recovery)-1]; lo != hi {
			rec = fmt.Sprintf("%s (%s–%s)", rec, seconds(lo), seconds(hi))
		}
		cells = append(cells, []string{
			st.name, rec,
			fmt.Sprintf("%.2f× / %.2f×", r.ampDip, r.ampAfter),
			fmt.Sprintf("%.0f/s", r.goodDip),
			fmt.Sprintf("%.1f%%", 100*r.failed),
			fmt.Sprintf("%.2f s", r.failTook.Seconds()),
		})
	}
	sim.Markdown(w, header, cells)
}

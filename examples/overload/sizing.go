package main

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// source returns the random source of one use (stream) in one trial: trials and
// uses draw from separate streams of the same seed.
func source(seed uint64, trial, stream int) *rand.PCG {
	return rand.NewPCG(seed, uint64(trial)<<8|uint64(stream))
}

// sizingRates are the traffic rates of the sizing table, in calls a second.
var sizingRates = []int{100, 10, 1}

// sizingStrategies are the budgets of the sizing tables: none, the default
// (NewEarned(2, 16)), the former default (the AWS quota NewQuota(500, 14, 5)), the
// v0 default, the quota NewQuota's doc advises for a process that sends about a
// request a second, and issue 23's candidates: a smaller earned budget and the
// throttle, alone and together.
var sizingStrategies = []int{plainRetries, earnedDefault, quotaAWS, bucketV0, quotaSmall, earned23, throttle2, throttle2Default, throttle2Earned23}

// sizingRow is one line of the sizing table: a budget at a rate, over trials runs.
type sizingRow struct {
	strategy, rate int
	calls          float64 // mean calls in the burst's window, the burst included
	refusedMean    float64 // retries refused in the burst's window
	refusedMax     int
	failedMean     float64 // calls of the burst's window that failed
	ampMean        float64 // attempts per call in the outage
	ampMax         float64
}

// runSizing measures every budget of sizingStrategies at every rate of
// sizingRates, trials times, with a burst and with an outage. The rows run in
// parallel; each draws from its own seeded sources.
func runSizing(trials int, seed uint64) []sizingRow {
	return runSizingOf(sizingStrategies, sizingRates, trials, seed)
}

// runSizingOf measures the strategies of list at rates as runSizing does.
func runSizingOf(list, rates []int, trials int, seed uint64) []sizingRow {
	var rows []sizingRow
	for _, s := range list {
		for _, rate := range rates {
			rows = append(rows, sizingRow{strategy: s, rate: rate})
		}
	}
	parallel(len(rows), func(i int) {
		row := &rows[i]
		st := strategies[row.strategy]
		for t := range trials {
			b := burstTraffic(row.rate).run(st, 1, seed, t, nil)
			row.calls += float64(b.calls)
			row.refusedMean += float64(b.refused)
			row.refusedMax = max(row.refusedMax, b.refused)
			row.failedMean += float64(b.failed)
			o := outageTraffic(row.rate).run(st, 1, seed, t, nil)
			amp := float64(o.attempts) / float64(o.calls)
			row.ampMean += amp
			row.ampMax = max(row.ampMax, amp)
		}
		n := float64(trials)
		row.calls /= n
		row.refusedMean /= n
		row.failedMean /= n
		row.ampMean /= n
	})
	return rows
}

// parallel calls f(0) to f(n-1) on as many goroutines as there are CPUs to run
// them, and returns when they all have.
func parallel(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				f(i)
			}
		})
	}
	wg.Wait()
}

// steadyRate is the traffic of the steady-failure table, in calls a second.
const steadyRate = 100

// steadyShares are the shares of failing attempts of the steady-failure table.
var steadyShares = []float64{0.1, 0.2, 0.3, 0.5}

// steadyRow is one line of the steady-failure table: for a share of failing
// attempts, the mean share of calls that succeeded and the mean attempts per
// call, per strategy of sizingStrategies.
type steadyRow struct {
	fail     float64
	success  []float64
	attempts []float64
}

// runSteady measures every budget of sizingStrategies against a steady share of
// failing attempts, trials times, the rows in parallel.
func runSteady(trials int, seed uint64) []steadyRow {
	rows := make([]steadyRow, len(steadyShares))
	parallel(len(rows), func(i int) {
		p := steadyShares[i]
		row := steadyRow{fail: p}
		for _, s := range sizingStrategies {
			var ok, amp float64
			for t := range trials {
				r := steadyTraffic(steadyRate, p).run(strategies[s], 1, seed, t, nil)
				ok += 1 - float64(r.failed)/float64(r.calls)
				amp += float64(r.attempts) / float64(r.calls)
			}
			row.success = append(row.success, ok/float64(trials))
			row.attempts = append(row.attempts, amp/float64(trials))
		}
		rows[i] = row
	})
	return rows
}

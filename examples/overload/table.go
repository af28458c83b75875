package main

import (
	"fmt"
	"io"
	"time"

	"github.com/tenacious-go/tenacious/examples/internal/sim"
)

// printFleet writes the fleet experiment's tables in Markdown: recovery times,
// amplification, and calls lost, per strategy and number of processes.
func printFleet(w io.Writer, f *fleet) {
	sc := f.sc
	header := []string{"strategy"}
	for _, n := range fleetSizes {
		header = append(header, processes(n))
	}
	table := func(value func(c cell) string) {
		var rows [][]string
		for _, s := range f.list {
			line := []string{strategies[s].name}
			for i := range fleetSizes {
				line = append(line, value(f.cells[s][i]))
			}
			rows = append(rows, line)
		}
		sim.Markdown(w, header, rows)
	}
	trigger := "the capacity's return"
	if sc.surge > 0 {
		trigger = "the surge's end"
	}
	fmt.Fprintf(w, "Recovery: time from "+trigger+" until goodput stays at or above %.0f%% of the calls offered, in every second up to the horizon %s later (never: not by %s before it). Median of %d seeded runs, with the range when they differ.\n\n",
		100*recoveryShare, seconds(sc.horizon-sc.dipEnd), seconds(recoveryTail), f.trials)
	table(func(c cell) string {
		lo, mid, hi := c.recovery[0], c.median(), c.recovery[len(c.recovery)-1]
		if lo == hi {
			return seconds(mid)
		}
		return fmt.Sprintf("%s (%s–%s)", seconds(mid), seconds(lo), seconds(hi))
	})
	fmt.Fprintf(w, "\nAmplification: attempts sent to the server per call offered, during the dip / from its end to the horizon. Mean of %d runs.\n\n", f.trials)
	table(func(c cell) string { return fmt.Sprintf("%.2f× / %.2f×", c.ampDip, c.ampAfter) })
	fmt.Fprintf(w, "\nCalls lost (1 − goodput ÷ calls offered) / server work wasted (share of the attempts served after their client had given up on them), from the dip's start to the horizon. Mean of %d runs.\n\n", f.trials)
	table(func(c cell) string { return fmt.Sprintf("%.1f%% / %.0f%%", 100*c.lost, 100*c.wasted) })
}

// processes names a number of client processes for a header.
func processes(n int) string {
	if n == 1 {
		return "1 process"
	}
	return fmt.Sprintf("%s processes", thousands(n))
}

// thousands formats n with a comma between thousands.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// seconds formats a recovery time in whole seconds, or never.
func seconds(d time.Duration) string {
	if d == never {
		return "never"
	}
	return fmt.Sprintf("%.0f s", d.Seconds())
}

// printSizing writes the sizing table in Markdown: for each budget and rate, the
// retries refused after a burst and the amplification of an outage.
func printSizing(w io.Writer, rows []sizingRow, trials int) {
	fmt.Fprintf(w, "One process, calls evenly spaced, %.0f%% of attempts failing, at most %d attempts, full jitter %v..%v. Burst: %d more calls whose first attempts fail at the same instant after %s; retries refused and calls failed among the calls of the next %s, burst included. Outage: every attempt fails for %s; attempts per call arriving in it. Mean (and worst) of %d seeded runs.\n\n",
		100*failShare, maxAttempts, backoffBase, backoffCeiling, burstSize, seconds(warmUp), seconds(burstWindow), seconds(outageLength), trials)
	header := []string{"budget", "calls/s", "burst: calls", "burst: retries refused", "burst: calls failed", "outage: attempts per call"}
	var cells [][]string
	for _, r := range rows {
		name := strategies[r.strategy].name
		if r.strategy == plainRetries {
			name = "no budget"
		}
		cells = append(cells, []string{
			name, fmt.Sprint(r.rate), fmt.Sprintf("%.0f", r.calls),
			fmt.Sprintf("%.1f (%d)", r.refusedMean, r.refusedMax),
			fmt.Sprintf("%.1f", r.failedMean),
			fmt.Sprintf("%.3f× (%.3f×)", r.ampMean, r.ampMax),
		})
	}
	sim.Markdown(w, header, cells)
}

// printSteady writes the steady-failure table in Markdown.
func printSteady(w io.Writer, rows []steadyRow, trials int) {
	fmt.Fprintf(w, "One process, %d calls a second, a steady share of attempts failing independently (a bad replica, not an overload), at most %d attempts: share of calls that succeeded, and attempts per call. Mean of %d seeded runs of %s, measured over the second half.\n\n",
		steadyRate, maxAttempts, trials, seconds(steadyLength))
	header := []string{"attempts failing"}
	for _, s := range sizingStrategies {
		name := strategies[s].name
		if s == plainRetries {
			name = "no budget"
		}
		header = append(header, name)
	}
	var cells [][]string
	for _, r := range rows {
		line := []string{fmt.Sprintf("%.0f%%", 100*r.fail)}
		for i := range r.success {
			line = append(line, fmt.Sprintf("%.1f%%, %.2f×", 100*r.success[i], r.attempts[i]))
		}
		cells = append(cells, line)
	}
	sim.Markdown(w, header, cells)
}

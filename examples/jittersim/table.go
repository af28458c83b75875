package main

import (
	"fmt"
	"io"

	"github.com/tenacious-go/tenacious/examples/internal/sim"
)

// printJitter writes the first table in Markdown: for each number of clients, the
// mean calls and then the mean completion time of every strategy.
func printJitter(w io.Writer, rows []jitterRow, trials int) {
	fmt.Fprintf(w, "Contention on one row: mean of %d runs; calls = conditional writes, time = until the last client succeeds.\n\n", trials)
	header := []string{"clients"}
	for _, s := range strategies {
		header = append(header, "calls "+s.short)
	}
	for _, s := range strategies {
		header = append(header, "time "+s.short)
	}
	var cells [][]string
	for _, r := range rows {
		line := []string{fmt.Sprint(r.clients)}
		for _, c := range r.calls {
			line = append(line, fmt.Sprintf("%.0f", c))
		}
		for _, d := range r.completion {
			line = append(line, fmt.Sprintf("%.2fs", d.Seconds()))
		}
		cells = append(cells, line)
	}
	sim.Markdown(w, header, cells)
}

// printAmplification writes the second table in Markdown.
func printAmplification(w io.Writer, rows []ampRow, trials int) {
	fmt.Fprintf(w, "Retry amplification: server attempts per request, 100 clients, at most %d attempts, no pause; mean of %d bursts (1 request per client) and of %d sustained runs (%d requests per client).\n\n",
		maxAttempts, trials, max(trials/10, 1), sustainedRequests)
	header := []string{"failure rate p", "1+p+p²+p³", "no budget", "budget.Default, burst", "budget.Default, sustained"}
	var cells [][]string
	for _, r := range rows {
		cells = append(cells, []string{
			fmt.Sprintf("%.1f", r.p), fmt.Sprintf("%.3f", r.expected),
			fmt.Sprintf("%.3f", r.none), fmt.Sprintf("%.3f", r.budgeted), fmt.Sprintf("%.3f", r.sustained),
		})
	}
	sim.Markdown(w, header, cells)
}

// Jittersim reproduces Marc Brooker's simulation in "Exponential Backoff And Jitter"
// (AWS Architecture Blog, 2015) with the strategies of package wait, then measures
// how much load retries add to a failing server with and without a retry budget.
//
// First, N clients (10 to 100) start together and race to update one row with
// optimistic concurrency: read the version, write conditionally on it, and on a
// conflict back off and try again. For each backoff it prints the mean number of
// writes (the work) and the time until the last client succeeds, in virtual time,
// and draws both as an SVG chart. Second, 100 clients call a server that fails a
// share p of attempts, through real retry.Policy calls of at most 4 attempts; it
// prints the server attempts per request without a budget, which is 1+p+p²+p³, and
// with one budget.Default shared by the clients, for a burst of one request per
// client and for a sustained run of 100 requests per client.
//
//	go run ./examples/jittersim                                    # the tables
//	go run ./examples/jittersim -svg examples/jittersim/jitter.svg # and the README's chart
//
// The tables are Markdown, ready to paste. The chart is written only where -svg says,
// so that a run from the repository's root leaves no file behind.
//
// Every run with the same -seed and -trials prints the same numbers, however many
// CPUs share the work.
package main

import (
	"flag"
	"fmt"
	"os"
)

// main parses the flags and runs the experiments.
func main() {
	trials := flag.Int("trials", 1000, "runs averaged per point, at least 1")
	seed := flag.Uint64("seed", 1, "seed of every random source")
	svg := flag.String("svg", "", "write the chart, as SVG, to this file")
	flag.Parse()
	if *trials < 1 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*trials, *seed, *svg); err != nil {
		fmt.Fprintln(os.Stderr, "jittersim:", err)
		os.Exit(1)
	}
}

// run computes both tables, prints them and writes the chart to svg unless it is
// empty.
func run(trials int, seed uint64, svg string) error {
	clients := []int{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}
	rows := runJitter(clients, trials, seed)
	printJitter(os.Stdout, rows, trials)
	fmt.Println()
	printAmplification(os.Stdout, runAmplification([]float64{0.1, 0.5, 1}, 100, trials, seed), trials)
	if svg == "" {
		return nil
	}
	f, err := os.Create(svg)
	if err != nil {
		return err
	}
	if err := writeChart(f, rows, trials); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s\n", svg)
	return nil
}

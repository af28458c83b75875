// Overload measures, on virtual time, what retries and retry budgets do to a
// service in trouble: how a budget should be sized (issue 12, item 3), and how
// retries turn a short loss of capacity into a lasting outage, a metastable
// failure, unless a budget stops them (item 4); and what the engine's rule that
// a refused retry keeps the server's pace does in an open system (item 2).
//
// Sizing. One process sends calls at 100, 10 or 1 a second, one attempt in ten
// failing, through the retry engine's logic (at most 4 attempts, full jitter):
// a burst of 16 failures at once (how many retries does the budget refuse?), a
// total outage of a minute (how many attempts per call?), and a steady share of
// failing attempts (what share of calls does the budget cost?), for no budget,
// budget.Default(), the v0 default budget.NewTokenBucket(10, 0.2), and
// budget.NewQuota(84, 14, 5). These budgets do not read the clock, so this
// program prints those tables itself.
//
// Metastable failure. An open system: calls arrive as a Poisson process at 70% of
// a server's capacity; the server queues attempts (FIFO, 50 workers, 50ms mean
// service) and serves every one it accepted, even after its client stopped
// waiting; clients time out after 1s and retry. The capacity halves for 10s and
// comes back. For no retries, plain retries and each budget, spread over 1 to
// 1,000 client processes that each hold their own budget, it measures goodput
// over time and how long it takes to recover.
//
// A refused retry keeps the server's pace. The same open system, but the server
// defends itself with admission control: an attempt that finds 200 attempts
// waiting is refused at once with a hint of 1s (a 429 with Retry-After), which
// the engine classes as throttled and pauses after for the hint and up to half
// of it more. When a budget refuses the retry, the engine waits out that pause
// before it gives up. For no retries, plain retries, budget.Default() and a
// budget that refuses every retry, with that rule and (only the model can do
// this) without it, it measures recovery, amplification, goodput and how long a
// failed call takes to return. These budgets do not read the clock either, so
// this part needs no bubble.
//
// budget.NewRatio reads the monotonic clock, so the metastable-failure model
// runs in testing/synctest bubbles, whose virtual clock the budget sees; only a
// test can make a bubble, so a test regenerates the charts and every table, the
// pace table last (go test runs in the package's directory: the charts land in
// examples/overload/goodput.svg and goodput-fleet.svg):
//
//	go run ./examples/overload      # the sizing tables
//	go test ./examples/overload -run TestWrite -timeout 30m -args -all   # every chart and table (tables.md)
//
// Every run with the same -seed and -trials prints the same numbers.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

// main parses the flags and prints the sizing tables.
func main() {
	trials := flag.Int("trials", 100, "seeded runs per row, at least 1")
	seed := flag.Uint64("seed", 1, "seed of every random source")
	flag.Parse()
	if *trials < 1 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	printSizingTables(os.Stdout, *trials, *seed)
	fmt.Println()
	fmt.Println("The metastable-failure experiment runs in testing/synctest bubbles; regenerate its chart and tables with")
	fmt.Println("go test ./examples/overload -run TestWrite -timeout 30m -args -all")
}

// printSizingTables runs the sizing experiments and writes their tables to w.
func printSizingTables(w io.Writer, trials int, seed uint64) {
	printSizing(w, runSizing(trials, seed), trials)
	fmt.Fprintln(w)
	steady := max(trials/10, 1)
	printSteady(w, runSteady(steady, seed), steady)
}

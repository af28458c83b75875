// Command summarize turns the output of the benchmarks module's go test -bench
// runs into the Markdown tables of RESULTS.md: for each scenario and library, the
// median over the runs of ns/op, B/op and allocs/op and the ratio of the median
// ns/op to the scenario's baseline; and the medians of the latency metrics of the
// cancellation and overshoot scenarios; and, if the input holds the lines that
// TestLimiter logs (go test -run TestLimiter -v), the table of the limiter
// scenario.
//
// Usage:
//
//	summarize [-cmd COMMAND] FILE...
//
// Lines "key: value" in the input, such as go test's "cpu: ...", become the
// header of the output; -cmd names the command that reproduces the results.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("summarize: ")
	cmd := flag.String("cmd", "", "the command that reproduces the results")
	flag.Parse()
	if flag.NArg() == 0 {
		log.Fatal("usage: summarize [-cmd COMMAND] FILE...")
	}
	var readers []io.Reader
	for _, name := range flag.Args() {
		f, err := os.Open(name)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		readers = append(readers, f)
	}
	r, err := parse(io.MultiReader(readers...))
	if err != nil {
		log.Fatal(err)
	}
	if len(r.order) == 0 {
		log.Fatal("no benchmark results in ", flag.Args())
	}
	if err := write(os.Stdout, r, *cmd); err != nil {
		log.Fatal(err)
	}
}

// errWriter keeps the first write error, so that the table code stays readable.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

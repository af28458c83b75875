package main

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// A scenario is a group of benchmarks, Name/LIBRARY, compared with one of them.
type scenario struct {
	name, title, baseline string
}

// callScenarios are the scenarios measured in time, bytes and allocations per
// operation.
var callScenarios = []scenario{
	{"Success", "1. success on first attempt", "direct"},
	{"ThreeRetries", "2. three transient failures, then success, zero pauses", "direct"},
	{"Permanent", "3. permanent error", "direct"},
	{"Fanout", "4. fan-out of 10,000 calls, 64 at a time", "errgroup"},
	{"HTTP", "7. HTTP GET, success first time, loopback", "bare"},
}

// write writes r as Markdown.
func write(w io.Writer, r *run, cmd string) error {
	e := &errWriter{w: w}
	e.printf("# Benchmark results\n\n")
	e.printf("- Machine: %s, %s cores (%s/%s)\n", r.header["machine"], r.header["cores"], r.header["goos"], r.header["goarch"])
	e.printf("- Go: %s\n", r.header["go"])
	if cmd != "" {
		e.printf("- Reproduce: `%s`\n", cmd)
	}
	e.printf("\nEvery figure is the median over the runs (`go test -count`); ± is the largest\n" +
		"distance of one run's ns/op from that median. × is the ratio of median ns/op to\n" +
		"the scenario's baseline (in italics): the direct call, a plain errgroup, a bare\n" +
		"http.Client.\n\n")
	e.printf("| Scenario | Library | ns/op | ± | B/op | allocs/op | × baseline |\n")
	e.printf("| --- | --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, s := range callScenarios {
		base := median(r.samples[s.name+"/"+s.baseline]["ns/op"])
		title := s.title
		for _, lib := range r.libraries(s.name) {
			u := r.samples[s.name+"/"+lib]
			ns := median(u["ns/op"])
			if lib == s.baseline {
				lib = "_" + lib + "_"
			}
			e.printf("| %s | %s | %s | ±%.0f%% | %s | %s | %s |\n", title, lib,
				duration(ns), 100*spread(u["ns/op"]), count(median(u["B/op"])),
				count(median(u["allocs/op"])), ratio(ns/base))
			title = ""
		}
	}
	e.printf("\n5. Cancellation: time from cancel() to the return of a call sleeping a 10s\n" +
		"pause: the median of the runs' medians, and the largest of their maxima.\n" +
		"6. Overshoot: how much longer than asked a 2ms pause takes, from the end of\n" +
		"the failed attempt to the start of the next (median).\n\n")
	e.printf("| Library | 5. cancel → return, median | 5. max | 6. overshoot per 2ms pause |\n")
	e.printf("| --- | ---: | ---: | ---: |\n")
	for _, lib := range r.libraries("Cancel") {
		c, o := r.samples["Cancel/"+lib], r.samples["Overshoot/"+lib]
		e.printf("| %s | %s | %s | %s |\n", lib, duration(median(c["median-ns"])),
			duration(largest(c["max-ns"])), duration(median(o["overshoot-ns"])))
	}
	writeLimiter(e, r)
	return e.err
}

// writeLimiter writes the table of the limiter scenario, if r has its runs.
func writeLimiter(e *errWriter, r *run) {
	if len(r.limiterOrder) == 0 {
		return
	}
	e.printf("\n8. The limiter (issue 12), in virtual time (testing/synctest), so every\n" +
		"figure is exact and the same on every run: a server admits 300 requests/s\n" +
		"(token bucket, burst 30) and refuses the rest with 429 or 503 and\n" +
		"Retry-After: 1; 64 clients send their next request as soon as the last one\n" +
		"ends, each with a 10s deadline; a round trip takes 5ms. ok: the share of\n" +
		"requests that ended with a 200; attempts: the mean attempts per request the\n" +
		"server saw; ok/s: the requests that ended with a 200, per second of the run\n" +
		"(60s; the bare client, 43 times busier, 2s, which its 30-request burst\n" +
		"favours). go-retryablehttp and failsafehttp make 5 attempts, tenacious's\n" +
		"zero Transport 4 (tenacious-5-attempts: 5); tenacious+refusing-budget has a\n" +
		"budget that refuses every retry, so that each refusal is returned after its\n" +
		"Retry-After; tenacious+budget.Default shares one budget.Default(),\n" +
		"NewEarned(2, 16). Alone: `cd benchmarks && go test -run TestLimiter -v .`\n\n")
	e.printf("| Client |")
	for _, code := range r.limiterCodes {
		e.printf(" ok (%d) | attempts | ok/s |", code)
	}
	e.printf("\n| --- |%s\n", strings.Repeat(" ---: | ---: | ---: |", len(r.limiterCodes)))
	for _, client := range r.limiterOrder {
		e.printf("| %s |", client)
		for _, code := range r.limiterCodes {
			lr, ok := r.limiter[client][code]
			if !ok || lr.requests == 0 || lr.seconds == 0 {
				e.printf(" – | – | – |")
				continue
			}
			e.printf(" %.2f%% | %.2f | %.0f |", 100*float64(lr.ok)/float64(lr.requests),
				float64(lr.attempts)/float64(lr.requests), float64(lr.ok)/lr.seconds)
		}
		e.printf("\n")
	}
}

// libraries returns the libraries benchmarked in the scenario, in the order run.
func (r *run) libraries(scenario string) []string {
	var libs []string
	for _, name := range r.order {
		if lib, ok := strings.CutPrefix(name, scenario+"/"); ok {
			libs = append(libs, lib)
		}
	}
	return libs
}

// duration formats nanoseconds with a unit that keeps three significant digits.
func duration(ns float64) string {
	switch {
	case math.IsNaN(ns):
		return "–"
	case ns >= 1e6:
		return fmt.Sprintf("%.3g ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.3g µs", ns/1e3)
	}
	return fmt.Sprintf("%.3g ns", ns)
}

func count(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmt.Sprintf("%.0f", x)
}

func ratio(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return fmt.Sprintf("%.2f×", x)
}

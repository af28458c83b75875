package main

import (
	"bufio"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A run is the output of one or more go test -bench runs: the header lines
// ("cpu: ...", "go: ...") and every measurement, by benchmark and unit.
type run struct {
	header  map[string]string
	samples map[string]map[string][]float64 // benchmark name → unit → values
	order   []string                        // benchmark names, first seen first

	limiter      map[string]map[int]limiterRun // client → status of refusals → the last run
	limiterOrder []string                      // clients, first seen first
	limiterCodes []int                         // statuses, first seen first
}

// A limiterRun is one client's run of the limiter scenario (TestLimiter), which
// is deterministic: a later run of the same client and status replaces an
// earlier one.
type limiterRun struct {
	requests, ok, attempts int
	seconds                float64
}

// resultLine matches a benchmark result: its name, without the -GOMAXPROCS
// suffix, its iteration count and its measurements.
var resultLine = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+(.+)$`)

// headerLine matches a "key: value" line such as go test's "cpu: ...".
var headerLine = regexp.MustCompile(`^([a-z]+):\s+(.+)$`)

// limiterLine matches a line that TestLimiter logs for one run: the status of the
// refusals, the client, and what it measured.
var limiterLine = regexp.MustCompile(`(?:^|\s)limiter: (\d{3}) (\S+) requests=(\d+) ok=(\d+) attempts=(\d+) seconds=([0-9.]+)$`)

// parse reads go test -bench output.
func parse(r io.Reader) (*run, error) {
	out := &run{header: map[string]string{}, samples: map[string]map[string][]float64{},
		limiter: map[string]map[int]limiterRun{}}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if m := limiterLine.FindStringSubmatch(line); m != nil {
			out.addLimiter(m[1:])
			continue
		}
		if m := headerLine.FindStringSubmatch(line); m != nil {
			out.header[m[1]] = m[2]
			continue
		}
		m := resultLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		name, fields := m[1], strings.Fields(m[2])
		units := out.samples[name]
		if units == nil {
			units = map[string][]float64{}
			out.samples[name] = units
			out.order = append(out.order, name)
		}
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			units[fields[i+1]] = append(units[fields[i+1]], v)
		}
	}
	return out, sc.Err()
}

// addLimiter records a limiter line's fields: status, client, requests, ok,
// attempts, seconds (the regular expression has checked their form).
func (r *run) addLimiter(f []string) {
	code, _ := strconv.Atoi(f[0])
	var lr limiterRun
	lr.requests, _ = strconv.Atoi(f[2])
	lr.ok, _ = strconv.Atoi(f[3])
	lr.attempts, _ = strconv.Atoi(f[4])
	lr.seconds, _ = strconv.ParseFloat(f[5], 64)
	runs := r.limiter[f[1]]
	if runs == nil {
		runs = map[int]limiterRun{}
		r.limiter[f[1]] = runs
		r.limiterOrder = append(r.limiterOrder, f[1])
	}
	if !slices.Contains(r.limiterCodes, code) {
		r.limiterCodes = append(r.limiterCodes, code)
	}
	runs[code] = lr
}

package main

import (
	"bufio"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// A run is the output of one or more go test -bench runs: the header lines
// ("cpu: ...", "go: ...") and every measurement, by benchmark and unit.
type run struct {
	header  map[string]string
	samples map[string]map[string][]float64 // benchmark name → unit → values
	order   []string                        // benchmark names, first seen first
}

// resultLine matches a benchmark result: its name, without the -GOMAXPROCS
// suffix, its iteration count and its measurements.
var resultLine = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+(.+)$`)

// headerLine matches a "key: value" line such as go test's "cpu: ...".
var headerLine = regexp.MustCompile(`^([a-z]+):\s+(.+)$`)

// parse reads go test -bench output.
func parse(r io.Reader) (*run, error) {
	out := &run{header: map[string]string{}, samples: map[string]map[string][]float64{}}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
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

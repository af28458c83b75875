package main

import (
	"strings"
	"testing"
)

const sample = `machine: Test CPU @ 1GHz
cores: 2
go: go1.26.8 linux/amd64
goos: linux
goarch: amd64
BenchmarkSuccess/direct-2     	10	        10.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkSuccess/direct-2     	10	        12.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkSuccess/direct-2     	10	        11.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkSuccess/tenacious-2  	10	        22.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkSuccess/tenacious-2  	10	        22.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkSuccess/tenacious-2  	10	        25.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkCancel/tenacious-2   	50	      9000 max-ns	      1500 median-ns	     980 B/op	      14 allocs/op
BenchmarkCancel/tenacious-2   	50	     12000 max-ns	      1300 median-ns	     980 B/op	      14 allocs/op
BenchmarkOvershoot/tenacious-2	50	   2151965 ns/op	    124745 overshoot-ns	     356 B/op	       6 allocs/op
=== RUN   TestLimiter
    limiter_test.go:272: limiter: 429 bare requests=25600 ok=628 attempts=25600 seconds=2
    limiter_test.go:272: limiter: 429 tenacious requests=18008 ok=17990 attempts=21013 seconds=60
    limiter_test.go:272: limiter: 503 bare requests=25600 ok=628 attempts=25600 seconds=2
    limiter_test.go:272: limiter: 503 tenacious requests=18000 ok=18000 attempts=20000 seconds=60
--- PASS: TestLimiter (1.33s)
`

func TestSummarize(t *testing.T) {
	r, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := write(&out, r, "./run.sh"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"- Machine: Test CPU @ 1GHz, 2 cores (linux/amd64)",
		"- Go: go1.26.8 linux/amd64",
		"| 1. success on first attempt | _direct_ | 11 ns | ±9% | 0 | 0 | 1.00× |",
		"|  | tenacious | 22 ns | ±14% | 0 | 0 | 2.00× |",
		"| tenacious | 1.4 µs | 12 µs | 125 µs |",
		"| Client | ok (429) | attempts | ok/s | ok (503) | attempts | ok/s |",
		"| bare | 2.45% | 1.00 | 314 | 2.45% | 1.00 | 314 |",
		"| tenacious | 99.90% | 1.17 | 300 | 100.00% | 1.11 | 300 |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q; got:\n%s", want, out.String())
		}
	}
}

package main

import (
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/internal/backoff"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// Flags of TestWrite, which regenerates the README's chart and tables. go test
// runs in the package's directory, so a relative path is relative to it:
//
//	go test ./examples/overload -run TestWrite -args -svg goodput.svg -svg-fleet goodput-fleet.svg -md /tmp/overload.md
var (
	svgOut       = flag.String("svg", "", "TestWrite: write the chart of one process, as SVG, to this file (relative to the package's directory)")
	svgFleetOut  = flag.String("svg-fleet", "", "TestWrite: write the same chart for 1,000 processes to this file")
	mdOut        = flag.String("md", "", "TestWrite: write every table, in Markdown, to this file (relative to the package's directory)")
	fleetTrials  = flag.Int("trials", 9, "TestWrite: seeded runs per configuration of the metastable-failure experiment")
	sizingTrials = flag.Int("sizing-trials", 100, "TestWrite: seeded runs per row of the sizing table")
	seed         = flag.Uint64("seed", 1, "TestWrite: seed of every random source")
	all          = flag.Bool("all", false, "TestWrite: regenerate every chart and table: -svg goodput.svg -svg-fleet goodput-fleet.svg -md tables.md")
)

// bubbleClock returns a clock for simulate. Called inside a testing/synctest
// bubble, it first lets the bubble's clock reach the next boundary of
// budget.Ratio's one-second slots (see slotPhase); called then with a time of
// the model, it sleeps until the bubble's clock has advanced that much from the
// boundary, so that a budget that reads the monotonic clock sees the model's
// time, and sees it the same way in every process.
func bubbleClock(phase time.Duration) func(time.Duration) {
	time.Sleep(phase)
	start := time.Now()
	return func(at time.Duration) {
		if d := time.Until(start.Add(at)); d > 0 {
			time.Sleep(d)
		}
	}
}

// phase is slotPhase's result, measured once per process.
var phase struct {
	once sync.Once
	d    time.Duration
}

// slotPhase returns how long after a synctest bubble starts the first boundary
// of budget.Ratio's one-second slots falls, in (0, 1s]. A Ratio counts time from
// an epoch read when package budget is initialized, on the process's own
// monotonic clock, so its slot boundaries fall at a point of the bubble's clock
// that differs from one process to the next by the few microseconds the process
// took to start. Every bubble of a process starts at the same instant, so the
// phase is the same in all of them. It is found by bisection, one bubble a probe:
// a call deposited at a bubble's start is still counted 9s+x later if and only if
// x is before the boundary. Starting every run on a boundary makes the Ratio's
// results the same in every process, not only in one.
func slotPhase(t *testing.T) time.Duration {
	phase.once.Do(func() {
		lo, hi := time.Duration(0), time.Second // the boundary is in (lo, hi]
		for hi-lo > 1 {
			x := lo + (hi-lo)/2
			var counted bool
			synctest.Test(t, func(*testing.T) {
				b := budget.NewRatio(1, 0, 10*time.Second)
				b.Attempted(retry.ClassSuccess, 0)
				time.Sleep(9*time.Second + x)
				counted = b.Allow(retry.ClassTransient)
			})
			if counted {
				lo = x
			} else {
				hi = x
			}
		}
		phase.d = hi
	})
	return phase.d
}

// runFleet runs the metastable-failure experiment on sc for the strategies of
// list, each run in parallel subtests, in its own synctest bubble if its budget
// or gate reads the clock.
func runFleet(t *testing.T, sc scenario, list []int, trials int, seed uint64) *fleet {
	t.Helper()
	js := fleetJobs(list, trials)
	rs := make([]result, len(js))
	ph := slotPhase(t)
	t.Run("fleet", func(t *testing.T) {
		for i, j := range js {
			t.Run(j.name(), func(t *testing.T) {
				t.Parallel()
				st := strategies[j.strategy]
				if !st.clocked {
					rs[i] = simulate(sc, st, j.procs, seed, j.trial, nil)
					return
				}
				synctest.Test(t, func(t *testing.T) {
					rs[i] = simulate(sc, st, j.procs, seed, j.trial, bubbleClock(ph))
				})
			})
		}
	})
	return summarize(sc, seed, list, trials, js, rs)
}

// tableStrategies returns the strategies of the README's tables: every one but
// package gate's own throttle, whose random draws are not seeded (the model's
// reference throttle stands in for it).
func tableStrategies() []int {
	var list []int
	for i := range strategies {
		if i != realThrottle2 {
			list = append(list, i)
		}
	}
	return list
}

// allStrategies returns the indexes of every strategy.
func allStrategies() []int {
	list := make([]int, len(strategies))
	for i := range list {
		list[i] = i
	}
	return list
}

// TestWrite regenerates the chart and the tables when -svg or -md says where.
func TestWrite(t *testing.T) {
	if *all {
		*svgOut, *svgFleetOut, *mdOut = "goodput.svg", "goodput-fleet.svg", "tables.md"
	}
	if *svgOut == "" && *svgFleetOut == "" && *mdOut == "" {
		t.Skip("regenerates the README's charts and tables: set -svg, -svg-fleet or -md (see the package doc)")
	}
	if *fleetTrials < 1 || *sizingTrials < 1 {
		t.Fatalf("-trials %d, -sizing-trials %d: want at least 1", *fleetTrials, *sizingTrials)
	}
	start := time.Now()
	list := tableStrategies()
	f := runFleet(t, fullScenario, list, *fleetTrials, *seed)
	t.Logf("metastable-failure experiment: %v", time.Since(start).Round(time.Millisecond))
	for _, c := range []struct {
		path string
		n    int // index in fleetSizes
	}{{*svgOut, 0}, {*svgFleetOut, len(fleetSizes) - 1}} {
		if c.path == "" {
			continue
		}
		var b strings.Builder
		if err := writeChart(&b, f, c.n); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(c.path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if *mdOut != "" {
		var b strings.Builder
		fmt.Fprintf(&b, "## The overload (capacity halved from %s to %s)\n\n", seconds(fullScenario.dipStart), seconds(fullScenario.dipEnd))
		printFleet(&b, f)
		r := runFleet(t, restartScenario, list, *fleetTrials, *seed)
		fmt.Fprintf(&b, "\n## The fleet restart (every process starts at once, cold; calls at %.0fx for the first %s)\n\n", restartScenario.surge, seconds(restartScenario.dipEnd))
		printFleet(&b, r)
		fmt.Fprintf(&b, "\n## The bad replica, spread over the fleet\n\n")
		bad := runBadReplica(list, max(*sizingTrials/10, 1), *seed)
		printBadReplica(&b, list, bad, max(*sizingTrials/10, 1))
		fmt.Fprintf(&b, "\n## Sizing (one process)\n\n")
		printSizingTables(&b, *sizingTrials, *seed)
		fmt.Fprintln(&b)
		printPace(&b, runPace(paceScenario, *fleetTrials, *seed))
		if err := os.WriteFile(*mdOut, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("all: %v", time.Since(start).Round(time.Millisecond))
}

// testScenario is fullScenario with a shorter calm before the dip and a shorter
// horizon: the tests' reduced configuration. (A smaller server would be quicker
// still, but its goodput is noisier from second to second.)
var testScenario = scenario{
	workers:  50,
	service:  50 * time.Millisecond,
	load:     0.7,
	timeout:  time.Second,
	dipStart: 20 * time.Second,
	dipEnd:   30 * time.Second,
	horizon:  70 * time.Second,
}

// TestMetastable runs the reduced configuration once and checks the shape of
// the results: without retries goodput comes back within seconds of the
// capacity; plain retries keep the server overloaded long after; every budget
// with one process recovers no later than plain retries, and the AWS quota
// NewQuota(500, 14, 5) (and budget.Default()) within a few seconds of no retries,
// the quota later when the calls are spread over 1,000 processes.
func TestMetastable(t *testing.T) {
	sc := testScenario
	f := runFleet(t, sc, []int{noRetries, plainRetries, quotaAWS, bucketV0, ratioFinagle, quotaSmall, earnedDefault}, 1, 1)
	rec := func(s, i int) time.Duration { return f.cells[s][i].median() }
	later := func(a, b time.Duration) bool { return b != never && (a == never || a > b) } // a after b
	none, plain := rec(noRetries, 0), rec(plainRetries, 0)
	if none == never || none > 8*time.Second {
		t.Errorf("no retries: recovered after %s, want within 8 s", seconds(none))
	}
	if !later(plain, none+5*time.Second) {
		t.Errorf("plain retries: recovered after %s, want never or over 5 s later than no retries (%s)", seconds(plain), seconds(none))
	}
	for s := quotaAWS; s <= quotaSmall; s++ {
		if later(rec(s, 0), plain) {
			t.Errorf("%s, 1 process: recovered after %s, want no later than plain retries (%s)", strategies[s].name, seconds(rec(s, 0)), seconds(plain))
		}
	}
	if d := rec(quotaAWS, 0); d == never || d > none+3*time.Second {
		t.Errorf("NewQuota(500, 14, 5), 1 process: recovered after %s, want within 3 s of no retries (%s)", seconds(d), seconds(none))
	}
	if d := rec(earnedDefault, 0); d == never || d > none+3*time.Second {
		t.Errorf("budget.Default(), 1 process: recovered after %s, want within 3 s of no retries (%s)", seconds(d), seconds(none))
	}
	if c := f.cells[plainRetries][0]; c.ampDip < 2 || c.ampAfter < 3.5 {
		t.Errorf("plain retries: %.2f× attempts per call during the dip, %.2f× after, want over 2× and 3.5×", c.ampDip, c.ampAfter)
	}
	if c := f.cells[quotaAWS][0]; c.ampDip > 1.1 || c.ampAfter > 1.01 {
		t.Errorf("NewQuota(500, 14, 5), 1 process: %.2f× attempts per call during the dip, %.2f× after, want at most 1.1× and 1.01×", c.ampDip, c.ampAfter)
	}
	// Each process holds a whole allowance: spread over 1,000 processes, the
	// default quota lets through far more retries, and recovery comes later.
	if many := rec(quotaAWS, len(fleetSizes)-1); !later(many, rec(quotaAWS, 0)) {
		t.Errorf("NewQuota(500, 14, 5): 1,000 processes recovered after %s, want later than 1 process (%s)", seconds(many), seconds(rec(quotaAWS, 0)))
	}
	// Without a budget the processes share nothing: spreading the calls over
	// more of them changes nothing at all.
	for _, s := range []int{noRetries, plainRetries} {
		for i := range fleetSizes {
			if got, want := f.cells[s][i], f.cells[s][0]; !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %d processes measured %+v, 1 process %+v, want the same", strategies[s].name, fleetSizes[i], got, want)
			}
		}
	}
}

// TestPace runs the reduced configuration with admission control once and
// checks what the engine's rule does in an open system, where calls arrive
// whatever happens to earlier ones. A budget that refuses every retry sends
// exactly the attempts of no retries, with the rule or without it: the same
// load, the same goodput and the same calls failed, second by second. The rule
// only changes when a failed call returns: after the hint and up to half of it
// more, instead of at once. And with admission control, no strategy keeps the
// server overloaded: even plain retries recover within seconds, and they fail
// fewer calls than no retries.
func TestPace(t *testing.T) {
	sc := withAdmission(testScenario)
	p := runPace(sc, 1, 1)
	server := func(r result) result { // what the server saw and served, and the calls failed
		r.failedTook = nil
		return r
	}
	none := p.rows[paceNone]
	if none.failed < 0.1 {
		t.Fatalf("no retries: %.1f%% of the calls of the dip failed, want over 10%%: the dip does not overload the server", 100*none.failed)
	}
	for _, s := range []int{paceRefuse, paceRefuseUnpaced} {
		if got, want := server(p.rows[s].results[0]), server(none.results[0]); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the server's series differ from no retries'", paceStrategies[s].name)
		}
	}
	if d := p.rows[paceRefuse].failTook; d < sc.hint || d > sc.hint*3/2 {
		t.Errorf("%s: a failed call returned after %v on average, want between the hint %v and half of it more", paceStrategies[paceRefuse].name, d, sc.hint)
	}
	for _, s := range []int{paceNone, paceRefuseUnpaced} {
		if d := p.rows[s].failTook; d > 10*time.Millisecond {
			t.Errorf("%s: a failed call returned after %v on average, want at once", paceStrategies[s].name, d)
		}
	}
	for s, st := range paceStrategies {
		if d := p.rows[s].median(); d == never || d > 3*time.Second {
			t.Errorf("%s: recovered after %s, want within 3 s with admission control", st.name, seconds(d))
		}
	}
	plain, def := p.rows[pacePlain], p.rows[paceDefault]
	if plain.failed > none.failed/2 || plain.ampDip < 1.3 {
		t.Errorf("plain retries: %.1f%% of the calls of the dip failed at %.2f× during the dip, want at most half of no retries' %.1f%%, at over 1.3×",
			100*plain.failed, plain.ampDip, 100*none.failed)
	}
	if def.failed > none.failed || def.ampDip < 1 || def.ampDip > plain.ampDip {
		t.Errorf("budget.Default(): %.1f%% of the calls of the dip failed at %.2f× during the dip, want at most no retries' %.1f%%, between 1× and plain retries' %.2f×",
			100*def.failed, def.ampDip, 100*none.failed, plain.ampDip)
	}
}

// TestSizing checks the targets set for the former default, NewQuota(500, 14, 5),
// at 100 calls a second, and at 10: no retry refused for a burst of 16
// simultaneous failures, at most 1.1× over a minute's outage; and what
// budget.Default()'s doc says: at most 1.1× over the outage, and the burst's
// retries refused rarely (under one on average). It also checks the claim of
// NewQuota's doc for NewQuota(84, 14, 5) at one call a second, and that the v0
// default refuses retries of the burst.
func TestSizing(t *testing.T) {
	rows := runSizing(5, 1)
	find := func(s, rate int) sizingRow {
		for _, r := range rows {
			if r.strategy == s && r.rate == rate {
				return r
			}
		}
		t.Fatalf("no row for %s at %d calls a second", strategies[s].name, rate)
		return sizingRow{}
	}
	for _, rate := range []int{100, 10} {
		if r := find(quotaAWS, rate); r.refusedMax != 0 || r.ampMax > 1.1 {
			t.Errorf("NewQuota(500, 14, 5), %d calls a second: refused up to %d retries of the burst, up to %.3f× in the outage, want 0 and at most 1.1×",
				rate, r.refusedMax, r.ampMax)
		}
		if r := find(earnedDefault, rate); r.refusedMean >= 1 || r.ampMax > 1.1 {
			t.Errorf("budget.Default(), %d calls a second: refused %.1f retries of the burst on average, up to %.3f× in the outage, want under 1 and at most 1.1×",
				rate, r.refusedMean, r.ampMax)
		}
	}
	if r := find(quotaSmall, 1); r.ampMax > 1.1 {
		t.Errorf("NewQuota(84, 14, 5), 1 call a second: up to %.3f× in the outage, want at most 1.1×", r.ampMax)
	}
	if r := find(bucketV0, 100); r.refusedMean < 10 {
		t.Errorf("NewTokenBucket(10, 0.2), 100 calls a second: refused %.1f retries of the burst, want at least 10", r.refusedMean)
	}
	if r := find(plainRetries, 100); r.ampMean < 3.9 {
		t.Errorf("no budget, 100 calls a second: %.3f× in the outage, want about 4×", r.ampMean)
	}
}

// TestDeterministic checks that a seed fixes every result.
func TestDeterministic(t *testing.T) {
	sc := testScenario
	sc.horizon = 40 * time.Second
	ph := slotPhase(t)
	for _, s := range []int{plainRetries, ratioFinagle} {
		var a, b result
		synctest.Test(t, func(t *testing.T) { a = simulate(sc, strategies[s], 10, 7, 0, bubbleClock(ph)) })
		synctest.Test(t, func(t *testing.T) { b = simulate(sc, strategies[s], 10, 7, 0, bubbleClock(ph)) })
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: two runs with seed 7 differ", strategies[s].name)
		}
	}
	if a, b := runPace(withAdmission(sc), 1, 7), runPace(withAdmission(sc), 1, 7); !reflect.DeepEqual(a, b) {
		t.Errorf("two runs of the pace experiment with seed 7 differ")
	}
	if a, b := runSizing(1, 7), runSizing(1, 7); !reflect.DeepEqual(a, b) {
		t.Errorf("two sizing runs with seed 7 differ: %+v and %+v", a, b)
	}
}

// TestRecovery checks the definition of recovery on made-up series.
func TestRecovery(t *testing.T) {
	sc := scenario{dipStart: 2 * time.Second, dipEnd: 4 * time.Second, horizon: 20 * time.Second}
	offered := []int{10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10}
	for _, tt := range []struct {
		good []int
		want time.Duration
	}{
		{[]int{10, 10, 0, 0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10}, 0},
		{[]int{10, 10, 0, 0, 0, 5, 9, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10}, 2 * time.Second},
		{[]int{10, 10, 0, 0, 0, 9, 8, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10}, 3 * time.Second}, // 8 < 90% of 10
		{[]int{10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10}, 6 * time.Second},    // the last that counts
		{[]int{10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10, 10, 10, 10}, never},               // too late to tell
		{[]int{10, 10, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 0}, never},            // falls again
	} {
		r := result{offered: offered, good: tt.good}
		got, ok := r.recovery(sc)
		if !ok {
			got = never
		}
		if got != tt.want {
			t.Errorf("goodput %v: recovery %s, want %s", tt.good, seconds(got), seconds(tt.want))
		}
	}
}

// recorder is a Budget that records the calls made to it and refuses the
// retries listed in refuse (by the number of the Allow call, from 1).
type recorder struct {
	log    []string
	allows int
	refuse map[int]bool
}

func (r *recorder) Allow(c retry.Class) bool {
	r.allows++
	ok := !r.refuse[r.allows]
	r.log = append(r.log, fmt.Sprintf("Allow(%v)=%v", c, ok))
	return ok
}

func (r *recorder) Attempted(result, spent retry.Class) {
	r.log = append(r.log, fmt.Sprintf("Attempted(%v, %v)", result, spent))
}

// gateRecorder is a Gate that records, in its budget's log, the calls made to
// it and the outcomes reported, and refuses the attempts listed in refuse (by
// the number of the Admit call, from 1).
type gateRecorder struct {
	r      *recorder
	admits int
	refuse map[int]bool
}

var errRefused = errors.New("refused by the gate")

func (g *gateRecorder) Admit(_ context.Context, c retry.Class) (func(retry.Class), error) {
	g.admits++
	n := g.admits
	ok := !g.refuse[n]
	g.r.log = append(g.r.log, fmt.Sprintf("Admit(%v)=%v", c, ok))
	if !ok {
		return nil, errRefused
	}
	return func(result retry.Class) { g.r.log = append(g.r.log, fmt.Sprintf("done#%d(%v)", n, result)) }, nil
}

// hinted is a failure that carries a server's hint, as a 429 with Retry-After.
type hinted time.Duration

func (h hinted) Error() string             { return "throttled" }
func (h hinted) RetryAfter() time.Duration { return time.Duration(h) }

// TestClientIsTheEngine runs scripted calls through retry's engine and through
// the model's client, with the same seeded jitter (full jitter, and the extra
// above a server's hint), and checks that both make the same calls into the
// budget, choose the same pauses, end the same way and return after the same
// time: when the budget refuses the retry of a failure with a hint, the engine
// waits out the hint's pause first.
func TestClientIsTheEngine(t *testing.T) {
	errTimeout := errors.New("attempt timed out")
	for _, tt := range []struct {
		name   string
		fails  int // the first fails attempts fail
		refuse map[int]bool
		hint   time.Duration // the failures' hint, 0 for none
		gate   map[int]bool  // with a gate: the Admit calls it refuses, from 1; nil for no gate
	}{
		{"success", 0, nil, 0, nil},
		{"two failures", 2, nil, 0, nil},
		{"every attempt fails", 10, nil, 0, nil},
		{"the budget refuses the second retry", 10, map[int]bool{2: true}, 0, nil},
		{"two throttled failures", 2, nil, time.Second, nil},
		{"every attempt throttled", 10, nil, time.Second, nil},
		{"the budget refuses the second retry after a hint", 10, map[int]bool{2: true}, time.Second, nil},
		{"the budget refuses a retry after a hint over MaxRetryAfter", 10, map[int]bool{1: true}, 2 * maxRetryAfter, nil},
		{"gate: success", 0, nil, 0, map[int]bool{}},
		{"gate: two failures", 2, nil, 0, map[int]bool{}},
		{"gate: every attempt throttled", 10, nil, time.Second, map[int]bool{}},
		{"gate: refuses the first attempt", 0, nil, 0, map[int]bool{1: true}},
		{"gate: refuses the second retry", 10, nil, 0, map[int]bool{3: true}},
		{"gate: refuses a retry after a hint", 10, nil, time.Second, map[int]bool{2: true}},
		{"gate and budget: the budget refuses the second retry", 10, map[int]bool{2: true}, 0, map[int]bool{}},
		{"gate and budget: the gate refuses the retry the budget allowed", 10, nil, 0, map[int]bool{2: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			backoff.HintSource = source(1, 0, 6) // only the bubble's goroutine draws from it
			t.Cleanup(func() { backoff.HintSource = nil })
			synctest.Test(t, func(t *testing.T) {
				engine := &recorder{refuse: tt.refuse}
				var enginePauses []time.Duration
				var engineGate retry.Gate
				if tt.gate != nil {
					engineGate = &gateRecorder{r: engine, refuse: tt.gate}
				}
				p := retry.Policy{
					Gate:        engineGate,
					Stop:        stop.AfterAttempts(maxAttempts),
					Wait:        wait.FullJitter(backoffBase, backoffCeiling, wait.WithSource(source(1, 0, 3))),
					Budget:      engine,
					BeforeSleep: retry.HookFunc(func(a retry.Attempt) { enginePauses = append(enginePauses, a.Delay) }),
				}
				n := 0
				start := time.Now()
				err := p.Run(context.Background(), func(context.Context) error {
					if n++; n <= tt.fails {
						if tt.hint > 0 {
							return hinted(tt.hint)
						}
						return errTimeout
					}
					return nil
				})
				engineTook := time.Since(start)
				var engineEnd verdict = again
				var re *retry.Error
				switch {
				case errors.As(err, &re) && re.Reason == retry.ReasonStop:
					engineEnd = stopped
				case errors.As(err, &re) && re.Reason == retry.ReasonBudget:
					engineEnd = refused
				case errors.As(err, &re) && re.Reason == retry.ReasonGate && errors.Is(err, errRefused):
					engineEnd = gated
				case err != nil:
					t.Fatalf("engine: unexpected error %v", err)
				}

				model := &recorder{refuse: tt.refuse}
				cl := newClient(maxAttempts, 1, func() retry.Budget { return model }, source(1, 0, 3), source(1, 0, 6), nil)
				if tt.gate != nil {
					cl.withGates(func(gateEnv) retry.Gate { return &gateRecorder{r: model, refuse: tt.gate} }, 1, nil)
				}
				var modelPauses []time.Duration
				var modelEnd verdict = again
				var modelTook time.Duration
				k := &call{}
				for {
					if k.attempts == 0 && !cl.admit(k, 0, 0) {
						modelEnd = gated
						break
					}
					k.attempts++
					if int(k.attempts) > tt.fails {
						cl.answered(k, 0)
						break
					}
					pause, v := cl.failed(k, 0, tt.hint)
					modelTook += pause
					if v != again {
						modelEnd = v
						break
					}
					modelPauses = append(modelPauses, pause)
				}
				if !reflect.DeepEqual(model.log, engine.log) {
					t.Errorf("budget calls:\nmodel  %q\nengine %q", model.log, engine.log)
				}
				if !reflect.DeepEqual(modelPauses, enginePauses) {
					t.Errorf("pauses: model %v, engine %v", modelPauses, enginePauses)
				}
				if modelEnd != engineEnd || int(k.attempts) != n {
					t.Errorf("model ended with %d after %d attempts, engine with %d after %d", modelEnd, k.attempts, engineEnd, n)
				}
				if modelTook != engineTook {
					t.Errorf("model returned after %v, engine after %v", modelTook, engineTook)
				}
			})
		})
	}
}

// TestUnpaced checks the model's flag: a client that is unpaced gives up at
// once when its budget refuses a retry after a hint, and one that is not waits
// out the hint and up to half of it more; without a hint both give up at once.
func TestUnpaced(t *testing.T) {
	for _, unpaced := range []bool{false, true} {
		for _, hint := range []time.Duration{0, time.Second} {
			cl := newClient(maxAttempts, 1, func() retry.Budget { return refuseAll{} }, source(1, 0, 3), source(1, 0, 6), nil)
			cl.unpaced = unpaced
			pause, v := cl.failed(&call{attempts: 1}, 0, hint)
			paced := hint > 0 && !unpaced
			if v != refused || paced && (pause < hint || pause > hint*3/2) || !paced && pause != 0 {
				t.Errorf("unpaced %v, hint %v: returned after %v with %d, want refused after %v", unpaced, hint, pause, v,
					map[bool]string{true: "the hint and up to half of it", false: "0"}[paced])
			}
		}
	}
}

// TestChart checks that the chart is well-formed XML with the expected lines.
func TestChart(t *testing.T) {
	sc := testScenario
	list := allStrategies()
	js := fleetJobs(list, 1)
	rs := make([]result, len(js))
	for i := range rs { // made-up series: the chart draws what it is given
		n := sc.seconds()
		rs[i] = result{offered: make([]int, n), good: make([]int, n), sent: make([]int, n), served: make([]int, n), wasted: make([]int, n)}
		for s := range n {
			rs[i].offered[s], rs[i].good[s], rs[i].sent[s] = 100, 100+i+s, 200+i*s
		}
	}
	var b strings.Builder
	if err := writeChart(&b, summarize(sc, 1, list, 1, js, rs), 0); err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(strings.NewReader(b.String()))
	paths := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("chart is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "path" {
			paths++
		}
	}
	lines := 0
	for _, s := range strategies {
		if s.chart {
			lines++
		}
	}
	if want := 2*(1+lines) + 1; paths != want { // per panel the axes and a line per strategy, and the capacity
		t.Errorf("got %d paths, want %d", paths, want)
	}
}

var (
	explore     = flag.Bool("explore", false, "TestExplore: measure the candidates against the lines of issue 23")
	exploreList = flag.String("list", "", "TestExplore: comma-separated indexes in strategies (default: all)")
)

// TestExplore prints, for each candidate, a compact line per number of
// processes: recovery and calls lost in the overload and the restart, share of
// calls succeeding with a bad replica at 30% and 50%, and the sizing targets.
func TestExplore(t *testing.T) {
	if !*explore {
		t.Skip("set -explore")
	}
	list := allStrategies()
	if *exploreList != "" {
		list = nil
		for _, f := range strings.Split(*exploreList, ",") {
			var i int
			fmt.Sscan(f, &i)
			list = append(list, i)
		}
	}
	start := time.Now()
	over := runFleet(t, fullScenario, list, *fleetTrials, *seed)
	rest := runFleet(t, restartScenario, list, *fleetTrials, *seed)
	bad := runBadReplica(list, max(*fleetTrials, 3), *seed)
	siz := runSizingOf(list, []int{100, 10}, *sizingTrials, *seed)
	var b strings.Builder
	for i, s := range list {
		fmt.Fprintf(&b, "%-40s", strategies[s].name)
		for n := range fleetSizes {
			o, r := over.cells[s][n], rest.cells[s][n]
			fmt.Fprintf(&b, " | %5s %4.1f%% %5s %4.1f%% %5.1f/%4.1f", seconds(o.median()), 100*o.lost, seconds(r.median()), 100*r.lost,
				100*bad[i].success[n][0], 100*bad[i].success[n][1])
		}
		for _, row := range siz {
			if row.strategy == s {
				fmt.Fprintf(&b, " | %d/s: %d %.3f×", row.rate, row.refusedMax, row.ampMax)
			}
		}
		b.WriteString("\n")
	}
	t.Logf("overload rec lost, restart rec lost, bad 30/50 per 1/10/100/1000; sizing refusedMax ampMax (%v)\n%s", time.Since(start).Round(time.Millisecond), b.String())
}

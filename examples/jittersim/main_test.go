package main

import (
	"encoding/xml"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/wait"
)

// TestSimulateOneClient checks the model without contention: one read and one write,
// four network hops.
func TestSimulateOneClient(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 0))
		got := simulate(1, wait.None(), rng)
		if got.calls != 1 {
			t.Errorf("seed %d: got %d calls, want 1", seed, got.calls)
		}
		if got.completion < 20*time.Millisecond || got.completion > 60*time.Millisecond {
			t.Errorf("seed %d: got completion %v, want about 4 hops of 10ms", seed, got.completion)
		}
	}
}

// TestBrookerOrderings runs a small version of the first table and checks the
// results published in "Exponential Backoff And Jitter".
func TestBrookerOrderings(t *testing.T) {
	clients := []int{10, 50, 100}
	rows := runJitter(clients, 20, 1)
	for _, r := range rows {
		exp := r.calls[exponential]
		for _, s := range []int{fullJitter, equalJitter, decorrelated} {
			if r.calls[s] < float64(r.clients) || r.calls[s] >= exp {
				t.Errorf("%d clients: %s made %.0f calls, want at least %d and fewer than exponential's %.0f",
					r.clients, strategies[s].name, r.calls[s], r.clients, exp)
			}
			if r.completion[exponential] < 2*r.completion[s] {
				t.Errorf("%d clients: exponential took %v, want over twice %s's %v",
					r.clients, r.completion[exponential], strategies[s].name, r.completion[s])
			}
		}
	}

	r := rows[len(rows)-1] // 100 clients
	calls, took := r.calls, r.completion
	if calls[fullJitter] >= calls[exponential]/2 {
		t.Errorf("full jitter made %.0f calls, want under half of exponential's %.0f", calls[fullJitter], calls[exponential])
	}
	if ratio := calls[equalJitter] / calls[fullJitter]; ratio < 0.9 || ratio > 1.1 {
		t.Errorf("equal jitter made %.0f calls, full jitter %.0f: want about the same", calls[equalJitter], calls[fullJitter])
	}
	if calls[decorrelated] < 1.05*max(calls[fullJitter], calls[equalJitter]) {
		t.Errorf("decorrelated made %.0f calls, want clearly more than full (%.0f) and equal (%.0f)",
			calls[decorrelated], calls[fullJitter], calls[equalJitter])
	}
	if float64(took[equalJitter]) < 1.15*float64(took[fullJitter]) {
		t.Errorf("equal jitter took %v, want clearly longer than full jitter's %v", took[equalJitter], took[fullJitter])
	}
	if slowest := max(took[fullJitter], took[equalJitter], took[decorrelated]); took[exponential] < 3*slowest {
		t.Errorf("exponential took %v, want by far the longest (over 3 × %v)", took[exponential], slowest)
	}
}

// TestJitterDeterministic checks that a seed fixes the results.
func TestJitterDeterministic(t *testing.T) {
	a, b := runJitter([]int{30}, 10, 7), runJitter([]int{30}, 10, 7)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("two runs with seed 7 differ: %+v and %+v", a, b)
	}
}

// TestAmplification runs a small version of the second table through real Policy
// calls and checks it against 1+p+p²+p³ and the budget's promises.
func TestAmplification(t *testing.T) {
	rows := runAmplification([]float64{0.1, 0.5, 1}, 100, 50, 1)
	for _, r := range rows {
		if d := r.none - r.expected; d < -0.06 || d > 0.06 {
			t.Errorf("p=%.1f: got %.3f attempts per request without a budget, want %.3f", r.p, r.none, r.expected)
		}
		if r.budgeted > r.none+0.02 || r.sustained > r.none+0.02 { // sampling noise aside
			t.Errorf("p=%.1f: the budget raised amplification: %.3f (burst), %.3f (sustained), %.3f without", r.p, r.budgeted, r.sustained, r.none)
		}
	}
	// budget.Default, 500 tokens at 14 a retry, lets a burst of failures retry 35
	// times in all, then holds: 1.35 attempts per request for a burst of 100.
	if r := rows[2]; r.none != 4 || r.budgeted > 1.36 || r.sustained > 1.01 {
		t.Errorf("p=1: got %.3f without a budget and %.3f, %.3f with, want 4 and at most 1.36, 1.01", r.none, r.budgeted, r.sustained)
	}
	if r := rows[0]; r.budgeted-1 < 0.9*(r.none-1) || r.sustained-1 < 0.9*(r.none-1) {
		t.Errorf("p=0.1: the budget allowed %.3f (burst) and %.3f (sustained) retries per request, want at least 90%% of the %.3f made without it", r.budgeted-1, r.sustained-1, r.none-1)
	}
}

// TestChart checks that the chart is well-formed XML with a line per strategy.
func TestChart(t *testing.T) {
	rows := runJitter([]int{10, 20}, 2, 1)
	var b strings.Builder
	if err := writeChart(&b, rows, 2); err != nil {
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
	if want := 2 * (len(strategies) + 1); paths != want { // per panel: the axes and a line per strategy
		t.Errorf("got %d paths, want %d", paths, want)
	}
}

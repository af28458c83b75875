package predicate

import (
	"errors"
	"slices"
	"testing"

	"github.com/tenacious-go/tenacious/retry"
)

// calls returns predicates that answer with results, in order, and a log of which
// of them ran.
func calls(results ...bool) ([]retry.Predicate, *[]int) {
	var ran []int
	ps := make([]retry.Predicate, len(results))
	for i, r := range results {
		ps[i] = retry.PredicateFunc(func(retry.Attempt) bool { ran = append(ran, i); return r })
	}
	return ps, &ran
}

func TestNot(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name string
		p    retry.Predicate
		err  error
		want bool
	}{
		{"not always", Not(Always()), boom, false},
		{"not never", Not(Never()), boom, true},
		{"not a match", Not(ErrorIs(boom)), boom, false},
		{"not a miss", Not(ErrorIs(boom)), errors.New("other"), true},
		{"nil err is not matched, so retried", Not(ErrorIs(boom)), nil, true},
		{"double negation", Not(Not(ErrorIs(boom))), boom, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Match(at(tt.err)); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAnyAll(t *testing.T) {
	tests := []struct {
		name    string
		results []bool
		wantAny bool
		ranAny  []int // which predicates Any runs, in order
		wantAll bool
		ranAll  []int
	}{
		{"one true", []bool{true}, true, []int{0}, true, []int{0}},
		{"one false", []bool{false}, false, []int{0}, false, []int{0}},
		{"all true", []bool{true, true, true}, true, []int{0}, true, []int{0, 1, 2}},
		{"all false", []bool{false, false, false}, false, []int{0, 1, 2}, false, []int{0}},
		{"true in the middle", []bool{false, true, false}, true, []int{0, 1}, false, []int{0}},
		{"false in the middle", []bool{true, false, true}, true, []int{0}, false, []int{0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, ran := calls(tt.results...)
			if got := Any(ps...).Match(at(errors.New("x"))); got != tt.wantAny {
				t.Errorf("Any: got %v, want %v", got, tt.wantAny)
			}
			if !slices.Equal(*ran, tt.ranAny) {
				t.Errorf("Any ran %v, want %v", *ran, tt.ranAny)
			}
			*ran = nil
			if got := All(ps...).Match(at(errors.New("x"))); got != tt.wantAll {
				t.Errorf("All: got %v, want %v", got, tt.wantAll)
			}
			if !slices.Equal(*ran, tt.ranAll) {
				t.Errorf("All ran %v, want %v", *ran, tt.ranAll)
			}
			// Nested two at a time, as tenacity's | and & build them, they agree.
			anyP, allP := ps[0], ps[0]
			for _, p := range ps[1:] {
				anyP, allP = Any(anyP, p), All(allP, p)
			}
			if got := anyP.Match(at(nil)); got != tt.wantAny {
				t.Errorf("nested Any: got %v, want %v as Any", got, tt.wantAny)
			}
			if got := allP.Match(at(nil)); got != tt.wantAll {
				t.Errorf("nested All: got %v, want %v as All", got, tt.wantAll)
			}
		})
	}
}

func TestAnyAllCopyTheirArguments(t *testing.T) {
	ps := []retry.Predicate{Never()}
	anyP, allP := Any(ps...), All(ps...)
	ps[0] = Always()
	if got := anyP.Match(at(nil)); got {
		t.Errorf("Any after changing the caller's slice: got %v, want false", got)
	}
	if got := allP.Match(at(nil)); got {
		t.Errorf("All after changing the caller's slice: got %v, want false", got)
	}
}

package predicate

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/tenacious-go/tenacious/retry"
)

func TestStatus(t *testing.T) {
	tests := []struct {
		name  string
		codes []int
		err   error
		want  bool
	}{
		{"nil err", []int{503}, nil, false},
		{"no status", []int{503}, io.EOF, false},
		{"match", []int{503}, &statusErr{code: 503}, true},
		{"one of several", []int{429, 503}, &statusErr{code: 429}, true},
		{"duplicates are fine", []int{503, 503}, &statusErr{code: 503}, true},
		{"other code", []int{503}, &statusErr{code: 500}, false},
		{"lowest code", []int{100}, &statusErr{code: 100}, true},
		{"highest code", []int{599}, &statusErr{code: 599}, true},
		{"wrapped", []int{503}, fmt.Errorf("get: %w", &statusErr{code: 503}), true},
		{"joined after other errors", []int{503}, errors.Join(io.EOF, &statusErr{code: 503}), true},
		{"first status decides", []int{503}, &statusErr{code: 404, err: &statusErr{code: 503}}, false},
		{"first in pre-order decides", []int{503}, errors.Join(&statusErr{code: 404}, &statusErr{code: 503}), false},
		{"code 0 from the error", []int{100}, &statusErr{code: 0}, false},
		{"code below range", []int{100}, &statusErr{code: 99}, false},
		{"code above range", []int{599}, &statusErr{code: 600}, false},
		{"negative code", []int{599}, &statusErr{code: -1}, false},
		{"huge code", []int{599}, &statusErr{code: 1 << 40}, false},
		{"permanent still matches", []int{503}, retry.Permanent(&statusErr{code: 503}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Status(tt.codes...).Match(at(tt.err)); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStatusCopiesCodes(t *testing.T) {
	codes := []int{503}
	p := Status(codes...)
	codes[0] = 404
	if got := p.Match(at(&statusErr{code: 503})); !got {
		t.Errorf("after changing the caller's slice: got %v, want true", got)
	}
}

// TestStatusSet checks every code against every one-code set.
func TestStatusSet(t *testing.T) {
	for want := 100; want <= 599; want++ {
		var s statusSet
		s.add(want)
		for code := 0; code <= 700; code++ {
			if got := s.has(code); got != (code == want) {
				t.Fatalf("set {%d} has %d: got %v, want %v", want, code, got, code == want)
			}
		}
	}
}

func TestTransientStatusCodes(t *testing.T) {
	want := map[int]bool{408: true, 429: true, 500: true, 502: true, 503: true, 504: true}
	for code := -1; code <= 1000; code++ {
		if got := transientStatus(code); got != want[code] {
			t.Errorf("transientStatus(%d): got %v, want %v", code, got, want[code])
		}
	}
}

func TestStatusAllocations(t *testing.T) {
	status := fmt.Errorf("get: %w", errors.Join(io.EOF, fmt.Errorf("x: %w", &statusErr{code: 503})))
	tests := []struct {
		name string
		p    retry.Predicate
		err  error
	}{
		{"match", Status(503), status},
		{"miss", Status(404), status},
		{"no status", Status(503), fmt.Errorf("x: %w", io.EOF)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := at(tt.err)
			if got := testing.AllocsPerRun(100, func() { tt.p.Match(a) }); got != 0 {
				t.Errorf("got %v allocations, want 0", got)
			}
		})
	}
}

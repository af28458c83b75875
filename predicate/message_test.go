package predicate

import (
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/tenacious-go/tenacious/retry"
)

func TestMessage(t *testing.T) {
	lock := errors.New("database is locked")
	tests := []struct {
		name string
		p    retry.Predicate
		err  error
		want bool
	}{
		{"nil err", Message("locked"), nil, false},
		{"substring", Message("locked"), lock, true},
		{"whole message", Message("database is locked"), lock, true},
		{"wrapper's text counts", Message("query:"), fmt.Errorf("query: %w", lock), true},
		{"case matters", Message("Locked"), lock, false},
		{"absent", Message("busy"), lock, false},
		{"regexp nil err", MessageMatches(regexp.MustCompile(``)), nil, false},
		{"regexp anywhere", MessageMatches(regexp.MustCompile(`is (locked|busy)`)), lock, true},
		{"regexp anchored", MessageMatches(regexp.MustCompile(`^is locked`)), lock, false},
		{"regexp empty matches any error", MessageMatches(regexp.MustCompile(``)), lock, true},
		{"regexp through wrap", MessageMatches(regexp.MustCompile(`^query: .*locked$`)), fmt.Errorf("query: %w", lock), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Match(at(tt.err)); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

package predicate

import (
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/tenacious-go/tenacious/retry"
)

// TestConstructorPanics checks that every constructor panics on bad arguments, at
// construction, with a message that starts with "predicate: " and names it, and
// that it accepts the edge of what is valid.
func TestConstructorPanics(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name      string
		construct func() retry.Predicate
		wantPanic string // "" for no panic
	}{
		{"Always", func() retry.Predicate { return Always() }, ""},
		{"Never", func() retry.Predicate { return Never() }, ""},
		{"Error", func() retry.Predicate { return Error(func(error) bool { return true }) }, ""},
		{"Error nil", func() retry.Predicate { return Error(nil) }, "predicate: Error: nil func"},
		{"ErrorIs", func() retry.Predicate { return ErrorIs(boom) }, ""},
		{"ErrorIs none", func() retry.Predicate { return ErrorIs() }, "predicate: ErrorIs: no targets"},
		{"ErrorIs nil", func() retry.Predicate { return ErrorIs(nil) }, "predicate: ErrorIs: nil target at index 0"},
		{"ErrorIs nil later", func() retry.Predicate { return ErrorIs(boom, boom, nil) }, "predicate: ErrorIs: nil target at index 2"},
		{"ErrorAs", func() retry.Predicate { return ErrorAs[*statusErr]() }, ""},
		{"Not", func() retry.Predicate { return Not(Always()) }, ""},
		{"Not nil", func() retry.Predicate { return Not(nil) }, "predicate: Not: nil predicate"},
		{"Any one", func() retry.Predicate { return Any(Always()) }, ""},
		{"Any none", func() retry.Predicate { return Any() }, "predicate: Any: no predicates"},
		{"Any nil", func() retry.Predicate { return Any(Always(), nil) }, "predicate: Any: nil predicate at index 1"},
		{"All one", func() retry.Predicate { return All(Always()) }, ""},
		{"All none", func() retry.Predicate { return All() }, "predicate: All: no predicates"},
		{"All nil", func() retry.Predicate { return All(nil, Always()) }, "predicate: All: nil predicate at index 0"},
		{"Message", func() retry.Predicate { return Message(" ") }, ""},
		{"Message empty", func() retry.Predicate { return Message("") }, "predicate: Message: empty substring"},
		{"MessageMatches", func() retry.Predicate { return MessageMatches(regexp.MustCompile(``)) }, ""},
		{"MessageMatches nil", func() retry.Predicate { return MessageMatches(nil) }, "predicate: MessageMatches: nil regexp"},
		{"Status range ends", func() retry.Predicate { return Status(100, 599) }, ""},
		{"Status none", func() retry.Predicate { return Status() }, "predicate: Status: no codes"},
		{"Status 99", func() retry.Predicate { return Status(99) }, "predicate: Status: code 99 outside 100..599"},
		{"Status 600", func() retry.Predicate { return Status(503, 600) }, "predicate: Status: code 600 outside 100..599"},
		{"Status negative", func() retry.Predicate { return Status(-503) }, "predicate: Status: code -503 outside 100..599"},
		{"Status 0", func() retry.Predicate { return Status(0) }, "predicate: Status: code 0 outside 100..599"},
		{"Transient", func() retry.Predicate { return Transient() }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := func() (msg string) {
				defer func() {
					if r := recover(); r != nil {
						msg = fmt.Sprint(r)
					}
				}()
				if tt.construct() == nil {
					return "(no panic, nil predicate)"
				}
				return ""
			}()
			if got != tt.wantPanic {
				t.Errorf("got panic %q, want %q", got, tt.wantPanic)
			}
		})
	}
}

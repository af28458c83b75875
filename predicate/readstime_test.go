package predicate

import (
	"errors"
	"io"
	"net"
	"regexp"
	"testing"

	"github.com/tenacious-go/tenacious/retry"
)

// TestReadsTime checks what every Predicate of the package tells a call about
// reading time: none reads it, and Not, Any and All read it exactly when a
// predicate they combine does, such as a function adapted with retry.PredicateFunc.
func TestReadsTime(t *testing.T) {
	transient := Transient()
	status := Status(503)
	adapted := retry.PredicateFunc(func(retry.Attempt) bool { return true }) // assumed to read time
	tests := []struct {
		name string
		p    retry.Predicate
		want bool
	}{
		{"Always", Always(), false},
		{"Never", Never(), false},
		{"Error", Error(func(error) bool { return true }), false},
		{"ErrorIs", ErrorIs(io.ErrUnexpectedEOF, errors.ErrUnsupported), false},
		{"ErrorAs", ErrorAs[net.Error](), false},
		{"Message", Message("deadlock"), false},
		{"MessageMatches", MessageMatches(regexp.MustCompile(`^lock`)), false},
		{"Status", Status(429, 503), false},
		{"Transient", Transient(), false},
		{"PredicateFunc", adapted, true},

		{"Not/blind", Not(transient), false},
		{"Not/PredicateFunc", Not(adapted), true},
		{"Not/Not/blind", Not(Not(status)), false},
		{"Not/Not/PredicateFunc", Not(Not(adapted)), true},

		{"Any/one blind", Any(transient), false},
		{"Any/one PredicateFunc", Any(adapted), true},
		{"Any/blind", Any(transient, status, ErrorAs[net.Error]()), false},
		{"Any/PredicateFunc first", Any(adapted, transient, status), true},
		{"Any/PredicateFunc last", Any(transient, status, adapted), true},
		{"Any/nested blind", Any(transient, All(status, Not(Message("x")))), false},
		{"Any/nested PredicateFunc", Any(transient, All(status, Not(adapted))), true},

		{"All/one blind", All(status), false},
		{"All/one PredicateFunc", All(adapted), true},
		{"All/blind", All(transient, Not(status), Always()), false},
		{"All/PredicateFunc first", All(adapted, transient), true},
		{"All/PredicateFunc last", All(transient, Not(status), adapted), true},
		{"All/nested blind", All(Any(transient, status), Not(Never())), false},
		{"All/nested PredicateFunc", All(Any(transient, adapted), Not(status)), true},
	}
	for _, tt := range tests {
		if got := retry.ReadsTime(tt.p); got != tt.want {
			t.Errorf("ReadsTime(%s): got %v, want %v", tt.name, got, tt.want)
		}
	}
}

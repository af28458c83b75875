package predicate_test

import (
	"errors"
	"math"
	"regexp"
	"testing"

	"github.com/tenacious-go/tenacious/internal/timeblind"
	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
)

// TestTimeBlind: the predicates registered as blind to time are known to the
// engine when called from another package, and their answers do not depend on
// Elapsed or Slept; the others are not registered.
func TestTimeBlind(t *testing.T) {
	errX := errors.New("x: deadlock")
	blind := map[string]retry.Predicate{
		"Always":         predicate.Always(),
		"Never":          predicate.Never(),
		"Error":          predicate.Error(func(err error) bool { return err == errX }),
		"ErrorIs":        predicate.ErrorIs(errX),
		"Message":        predicate.Message("deadlock"),
		"MessageMatches": predicate.MessageMatches(regexp.MustCompile("dead")),
		"Status":         predicate.Status(503),
		"Transient":      predicate.Transient(),
	}
	for name, p := range blind {
		if !timeblind.Blind(p) {
			t.Errorf("%s is not known to be blind to time", name)
		}
		for _, err := range []error{nil, errX, errors.New("other")} {
			a := retry.Attempt{Number: 2, Err: err}
			b := a
			b.Elapsed, b.Slept = math.MaxInt64, math.MaxInt64
			if p(a) != p(b) {
				t.Errorf("%s depends on Elapsed or Slept for %v", name, err)
			}
		}
	}
	for name, p := range map[string]retry.Predicate{
		"Not":     predicate.Not(predicate.Always()),
		"Any":     predicate.Any(predicate.Always(), predicate.Never()),
		"literal": func(retry.Attempt) bool { return true },
	} {
		if timeblind.Blind(p) {
			t.Errorf("%s is registered as blind to time; it calls others", name)
		}
	}
}

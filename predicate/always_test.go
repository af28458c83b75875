package predicate

import (
	"context"
	"errors"
	"testing"

	"github.com/tenacious-go/tenacious/retry"
)

func TestAlwaysNever(t *testing.T) {
	errs := []struct {
		name string
		err  error
	}{
		{"nil (rejected result)", nil},
		{"plain", errors.New("boom")},
		{"permanent", retry.Permanent(errors.New("boom"))},
		{"context", context.Canceled},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			if got := Always().Match(at(tt.err)); !got {
				t.Errorf("Always: got %v, want true", got)
			}
			if got := Never().Match(at(tt.err)); got {
				t.Errorf("Never: got %v, want false", got)
			}
		})
	}
}

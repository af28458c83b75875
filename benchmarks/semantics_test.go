package benchmarks

import (
	"context"
	"errors"
	"testing"
	"time"
)

var errPermanent = errors.New("benchmarks: permanent")

// script returns an Op that fails with the given errors, one per call, then
// succeeds with 42, and a pointer to the number of calls made.
func script(errs ...error) (Op, *int) {
	calls := new(int)
	return func(context.Context) (int, error) {
		*calls++
		if *calls <= len(errs) {
			return 0, errs[*calls-1]
		}
		return 42, nil
	}, calls
}

// withDirect is every adapter and the Direct baseline, which the adapters must
// match on every outcome but cancellation.
func withDirect() []Adapter {
	return append([]Adapter{{Name: "direct", New: func(Pause) Retry { return Direct }}}, Adapters...)
}

// TestSemantics checks that every library, given the shared policy with zero
// pauses, makes the same attempts and returns the same outcome.
func TestSemantics(t *testing.T) {
	always := []error{ErrTransient, ErrTransient, ErrTransient, ErrTransient, ErrTransient}
	tests := []struct {
		name      string
		errs      []error
		wantCalls int
		wantErr   error // nil: success with 42
	}{
		{"success", nil, 1, nil},
		{"three transient then success", always[:3], 4, nil},
		{"always transient", always, 4, ErrTransient},
		{"permanent", []error{errPermanent}, 1, errPermanent},
		{"transient then permanent", []error{ErrTransient, errPermanent}, 2, errPermanent},
	}
	for _, a := range withDirect() {
		do := a.New(Pause{})
		for _, tt := range tests {
			t.Run(a.Name+"/"+tt.name, func(t *testing.T) {
				op, calls := script(tt.errs...)
				v, err := do(t.Context(), op)
				if *calls != tt.wantCalls {
					t.Errorf("got %d calls, want %d", *calls, tt.wantCalls)
				}
				switch {
				case tt.wantErr == nil && (err != nil || v != 42):
					t.Errorf("got (%d, %v), want (42, nil)", v, err)
				case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
					t.Errorf("got error %v, want one that errors.Is %v", err, tt.wantErr)
				}
			})
		}
	}
}

// TestCancelDuringPause checks that every library, pausing 10s after a transient
// failure, returns at once with an error when the context is canceled.
func TestCancelDuringPause(t *testing.T) {
	for _, a := range Adapters {
		t.Run(a.Name, func(t *testing.T) {
			lat, calls, err := cancelDuringPause(a.New(Pause{Base: 10 * time.Second, Fixed: true}))
			if calls != 1 {
				t.Errorf("got %d calls, want 1", calls)
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("got error %v, want one that errors.Is context.Canceled", err)
			}
			if lat > time.Second {
				t.Errorf("returned %v after cancel, want promptly", lat)
			}
		})
	}
}

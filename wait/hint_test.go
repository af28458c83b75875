package wait_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

// hint is an error that carries a server's hint, as an HTTP 429 with Retry-After.
type hint time.Duration

func (h hint) Error() string             { return fmt.Sprintf("retry after %v", time.Duration(h)) }
func (h hint) RetryAfter() time.Duration { return time.Duration(h) }

// multi is an error tree node with several children, like errors.Join's.
type multi []error

func (m multi) Error() string   { return "multi" }
func (m multi) Unwrap() []error { return m }

func TestFromError(t *testing.T) {
	s := time.Second
	w := wait.FromError(wait.Exponential(s, time.Hour, 2), time.Minute)
	plain := errors.New("plain")
	tests := []struct {
		name string
		err  error
		want time.Duration
	}{
		{"nil error", nil, 4 * s},
		{"no hint", plain, 4 * s},
		{"hint", hint(5 * s), 5 * s},
		{"hint below fallback", hint(time.Millisecond), time.Millisecond},
		{"hint above ceiling", hint(5 * time.Minute), time.Minute},
		{"hint at ceiling", hint(time.Minute), time.Minute},
		{"huge hint", hint(maxDur), time.Minute},
		{"zero hint", hint(0), 4 * s},
		{"negative hint", hint(-s), 4 * s},
		{"min hint", hint(minDur), 4 * s},
		{"wrapped", fmt.Errorf("get: %w", hint(7*s)), 7 * s},
		{"wrapped twice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", hint(7*s))), 7 * s},
		{"joined", errors.Join(plain, hint(2*s)), 2 * s},
		{"first positive wins", errors.Join(hint(0), hint(-s), hint(3*s), hint(9*s)), 3 * s},
		{"first of two", errors.Join(hint(9*s), hint(3*s)), 9 * s},
		{"outer before inner", fmt.Errorf("%w and %w", multi{plain, hint(8 * s)}, hint(6*s)), 8 * s},
		{"zero outer, positive inner", wrapHint{hint(0), hint(6 * s)}, 6 * s},
		{"all zero", errors.Join(hint(0), fmt.Errorf("x: %w", hint(0))), 4 * s},
	}
	for _, tt := range tests {
		if got := w(retry.Attempt{Number: 3, Err: tt.err}); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// wrapHint is a hint that also wraps another error.
type wrapHint struct {
	hint
	inner error
}

func (w wrapHint) Unwrap() error { return w.inner }

func TestFromErrorFallbackUnbounded(t *testing.T) {
	// The ceiling bounds the hint only.
	w := wait.FromError(wait.Fixed(time.Hour), time.Minute)
	if got := w(at(1)); got != time.Hour {
		t.Errorf("got %v, want the fallback's 1h", got)
	}
	// Clamp bounds both, as FromError's documentation says.
	both := wait.Clamp(w, 0, time.Minute)
	if got := both(at(1)); got != time.Minute {
		t.Errorf("Clamp: got %v, want 1m0s", got)
	}
	if got := both(retry.Attempt{Number: 1, Err: hint(5 * time.Minute)}); got != time.Minute {
		t.Errorf("Clamp, hint 5m: got %v, want 1m0s", got)
	}
}

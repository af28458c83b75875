package retry

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// recordingBudget allows every retry, or none if refuse is set, and counts what
// the engine tells it.
type recordingBudget struct {
	attempted, failed, asked atomic.Int64
	refuse                   bool

	mu     sync.Mutex
	events []string // "attempted RESULT SPENT" and "allow CLASS"
}

func (b *recordingBudget) Attempted(result, spent Class) {
	b.attempted.Add(1)
	if result == ClassTransient || result == ClassThrottled {
		b.failed.Add(1)
	}
	b.mu.Lock()
	b.events = append(b.events, fmt.Sprintf("attempted %v %v", result, spent))
	b.mu.Unlock()
}

func (b *recordingBudget) Allow(c Class) bool {
	b.asked.Add(1)
	b.mu.Lock()
	b.events = append(b.events, fmt.Sprintf("allow %v", c))
	b.mu.Unlock()
	return !b.refuse
}

func TestBudgetSeesEveryAttempt(t *testing.T) {
	b := new(recordingBudget)
	p := Policy{Wait: WaitFunc(func(Attempt) time.Duration { return 0 }), Budget: b}
	if _, err := Do(context.Background(), &p, failing(2, errFlaky, 1)); err != nil {
		t.Fatal(err)
	}
	if b.attempted.Load() != 3 || b.failed.Load() != 2 || b.asked.Load() != 2 {
		t.Errorf("budget saw %d attempts (%d failed), %d questions; want 3, 2, 2",
			b.attempted.Load(), b.failed.Load(), b.asked.Load())
	}
}

func TestBudgetNotToldOfErrorsNotRetried(t *testing.T) {
	b := new(recordingBudget)
	p := Policy{Retry: PredicateFunc(func(Attempt) bool { return false }), Budget: b}
	if err := p.Run(context.Background(), func(context.Context) error { return errFlaky }); err != errFlaky {
		t.Fatalf("Run = %v, want flaky unchanged", err)
	}
	if b.attempted.Load() != 1 || b.failed.Load() != 0 || b.asked.Load() != 0 {
		t.Errorf("budget saw %d attempts (%d failed), %d questions; want 1, 0, 0",
			b.attempted.Load(), b.failed.Load(), b.asked.Load())
	}
}

func TestBudgetRefusalReason(t *testing.T) {
	b := &recordingBudget{refuse: true}
	var ended Reason
	p := Policy{Wait: WaitFunc(func(Attempt) time.Duration { return 0 }), Budget: b, OnEnd: HookFunc(func(a Attempt) { ended = a.Reason })}
	_, err := Do(context.Background(), &p, failing(5, errFlaky, 1))
	var re *Error
	if !errors.As(err, &re) || re.Reason != ReasonBudget || re.Attempts != 1 || re.Last != errFlaky {
		t.Fatalf("err = %#v, want ReasonBudget after 1 attempt with the last error", err)
	}
	if want := "retry: retry budget exhausted after 1 attempt: flaky"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
	if ended != ReasonBudget {
		t.Errorf("OnEnd saw %v, want budget", ended)
	}
}

// statusError is a failure with an HTTP status, as retryhttp's StatusError.
type statusError int

func (e statusError) Error() string   { return "status " + fmt.Sprint(int(e)) }
func (e statusError) StatusCode() int { return int(e) }

// TestBudgetHearsTheClassOfEachFailure: a failure carrying a server's hint or a
// status of 429 is throttled, any other retried failure transient, unless the
// Policy's Throttled says otherwise; Allow is asked for the class of the failure it
// retries, and the next attempt reports it as spent.
func TestBudgetHearsTheClassOfEachFailure(t *testing.T) {
	busy := errors.New("busy")
	tests := []struct {
		name      string
		err       error
		throttled Predicate
		want      Class
	}{
		{"plain error", errFlaky, nil, ClassTransient},
		{"server hint", &hintError{time.Millisecond}, nil, ClassThrottled},
		{"429", statusError(429), nil, ClassThrottled},
		{"503 without a hint", statusError(503), nil, ClassTransient},
		{"the Policy's own rule", busy, PredicateFunc(func(a Attempt) bool { return errors.Is(a.Err, busy) }), ClassThrottled},
		{"the Policy's rule overrides a hint", &hintError{time.Millisecond}, PredicateFunc(func(Attempt) bool { return false }), ClassTransient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				b := new(recordingBudget)
				p := Policy{Wait: WaitFunc(func(Attempt) time.Duration { return 0 }), Budget: b, Throttled: tt.throttled}
				if _, err := Do(t.Context(), &p, failing(2, tt.err, 1)); err != nil {
					t.Fatal(err)
				}
				c := tt.want.String()
				want := []string{
					"attempted " + c + " Class(0)", "allow " + c,
					"attempted " + c + " " + c, "allow " + c,
					"attempted success " + c,
				}
				if diff := cmp.Diff(want, b.events); diff != "" {
					t.Errorf("the budget heard (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// TestRefusedRetryKeepsTheServersPace: when the budget refuses a retry that the
// server gave a hint for, the call waits out the hint before it gives up, so that a
// caller who sends its next request at once still goes at the server's pace;
// without a hint, or when the context ends first, it returns at once.
func TestRefusedRetryKeepsTheServersPace(t *testing.T) {
	seedHints(t)
	synctest.Test(t, func(t *testing.T) {
		var ends []string
		p := Policy{
			Budget:      &recordingBudget{refuse: true},
			BeforeSleep: HookFunc(func(Attempt) { t.Error("BeforeSleep ran for a retry that will not happen") }),
			OnEnd:       HookFunc(func(a Attempt) { ends = append(ends, a.Reason.String()) }),
		}
		start := time.Now()
		_, err := Do(t.Context(), &p, failing(1, &hintError{time.Second}, 1))
		var re *Error
		if !errors.As(err, &re) || re.Reason != ReasonBudget || re.Attempts != 1 {
			t.Fatalf("err = %v, want ReasonBudget after 1 attempt", err)
		}
		if took := time.Since(start); took != re.Delay || took < time.Second || took > 1500*time.Millisecond {
			t.Errorf("gave up after %v with Delay %v, want the hint's pause (1s to 1.5s) before giving up", took, re.Delay)
		}

		start = time.Now()
		_, err = Do(t.Context(), &p, failing(1, errFlaky, 1))
		if !errors.As(err, &re) || re.Reason != ReasonBudget || time.Since(start) != 0 {
			t.Errorf("err = %v after %v, want ReasonBudget at once without a hint", err, time.Since(start))
		}

		ctx, cancel := context.WithTimeout(t.Context(), 1100*time.Millisecond)
		defer cancel()
		time.AfterFunc(200*time.Millisecond, cancel)
		start = time.Now()
		_, err = Do(ctx, &p, failing(1, &hintError{time.Second}, 1))
		if !errors.As(err, &re) || re.Reason != ReasonContext || time.Since(start) != 200*time.Millisecond {
			t.Errorf("err = %v after %v, want ReasonContext at the cancellation", err, time.Since(start))
		}
		if diff := cmp.Diff([]string{"budget", "budget", "context"}, ends); diff != "" {
			t.Errorf("OnEnd saw (-want +got):\n%s", diff)
		}
	})
}

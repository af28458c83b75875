package retry

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// recordingBudget allows every retry, or none if refuse is set, and counts what
// the engine tells it.
type recordingBudget struct {
	attempted, failed, asked atomic.Int64
	refuse                   bool
}

func (b *recordingBudget) Attempted(_, failed bool) {
	b.attempted.Add(1)
	if failed {
		b.failed.Add(1)
	}
}

func (b *recordingBudget) AllowRetry() bool { b.asked.Add(1); return !b.refuse }

func TestBudgetSeesEveryAttempt(t *testing.T) {
	b := new(recordingBudget)
	p := Policy{Wait: func(Attempt) time.Duration { return 0 }, Budget: b}
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
	p := Policy{Retry: func(Attempt) bool { return false }, Budget: b}
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
	p := Policy{Wait: func(Attempt) time.Duration { return 0 }, Budget: b, OnEnd: func(a Attempt) { ended = a.Reason }}
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

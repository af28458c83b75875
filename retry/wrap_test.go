package retry

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestWrap(t *testing.T) {
	r := Retrier[int]{Wait: func(Attempt) time.Duration { return 0 }}
	var mu sync.Mutex
	tries := map[string]int{}
	parse := Wrap(&r, func(_ context.Context, s string) (int, error) {
		mu.Lock()
		tries[s]++
		n := tries[s]
		mu.Unlock()
		if n < 2 {
			return 0, errFlaky
		}
		return strconv.Atoi(s)
	})
	r.Stop = func(Attempt) bool { return true } // Wrap took a copy: this changes nothing

	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			s := strconv.Itoa(i)
			if got, err := parse(context.Background(), s); err != nil || got != i {
				t.Errorf("parse(%q) = %d, %v; want %d, nil", s, got, err, i)
			}
		})
	}
	wg.Wait()
}

func TestWrapDoAndRun(t *testing.T) {
	r := Retrier[string]{Wait: func(Attempt) time.Duration { return 0 }}
	do := WrapDo(&r, failing(2, errFlaky, "ok"))
	if got, err := do(context.Background()); got != "ok" || err != nil {
		t.Errorf("WrapDo: got %q, %v; want ok, nil", got, err)
	}
	calls := 0
	run := WrapRun(&r, func(context.Context) error {
		if calls++; calls < 3 {
			return errFlaky
		}
		return nil
	})
	if err := run(context.Background()); err != nil || calls != 3 {
		t.Errorf("WrapRun: %v after %d calls, want nil after 3", err, calls)
	}
}

func TestWrappedSuccessAllocatesNothing(t *testing.T) {
	var r Retrier[int]
	f := Wrap(&r, func(_ context.Context, n int) (int, error) { return n, nil })
	if a := testing.AllocsPerRun(100, func() { _, _ = f(context.Background(), 1) }); a != 0 {
		t.Errorf("a wrapped call allocated %v times, want 0", a)
	}
}

package retry

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestWrap(t *testing.T) {
	p := Policy{Wait: WaitFunc(func(Attempt) time.Duration { return 0 })}
	var mu sync.Mutex
	tries := map[string]int{}
	parse := Wrap(&p, func(_ context.Context, s string) (int, error) {
		mu.Lock()
		tries[s]++
		n := tries[s]
		mu.Unlock()
		if n < 2 {
			return 0, errFlaky
		}
		return strconv.Atoi(s)
	})
	p.Stop = StopFunc(func(Attempt) bool { return true }) // Wrap took a copy: this changes nothing

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

func TestWrapWithNilPolicyUsesTheZeroPolicy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		calls := 0
		f := Wrap(nil, func(_ context.Context, s string) (string, error) {
			if calls++; calls < 3 {
				return "", errFlaky
			}
			return s, nil
		})
		if got, err := f(t.Context(), "ok"); got != "ok" || err != nil || calls != 3 {
			t.Errorf("f = %q, %v after %d calls; want ok, nil after 3", got, err, calls)
		}
	})
}

func TestWrappedSuccessAllocatesOnce(t *testing.T) {
	var p Policy
	f := Wrap(&p, func(_ context.Context, n int) (int, error) { return n, nil })
	if a := testing.AllocsPerRun(100, func() { _, _ = f(context.Background(), 1) }); a != 1 {
		t.Errorf("a wrapped call allocated %v times, want 1 (the layer mark)", a)
	}
}

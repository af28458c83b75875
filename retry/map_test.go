package retry

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestMapKeepsInputOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Policy{Wait: WaitFunc(func(Attempt) time.Duration { return time.Millisecond })}
		inputs := []int{5, 1, 4, 2, 3}
		var tries [6]atomic.Int64
		out, err := Map(t.Context(), &p, inputs, 2, func(_ context.Context, in int) (int, error) {
			time.Sleep(time.Duration(in) * time.Millisecond) // finish out of order
			if tries[in].Add(1) == 1 && in%2 == 0 {
				return 0, errFlaky // even inputs need a retry
			}
			return in * in, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int{25, 1, 16, 4, 9}, out); diff != "" {
			t.Errorf("results (-want +got):\n%s", diff)
		}
	})
}

func TestMapFailsFast(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Policy{Stop: StopFunc(func(Attempt) bool { return false }), Wait: WaitFunc(func(Attempt) time.Duration { return time.Hour })}
		errBad := errors.New("bad")
		var called atomic.Int64
		inputs := make([]int, 100)
		for i := range inputs {
			inputs[i] = i
		}
		start := time.Now()
		_, err := Map(t.Context(), &p, inputs, 4, func(_ context.Context, in int) (int, error) {
			called.Add(1)
			if in == 3 {
				time.Sleep(time.Second)
				return 0, Permanent(errBad)
			}
			return 0, errFlaky // the others sleep an hour
		})
		if err != errBad || time.Since(start) != time.Second {
			t.Errorf("Map = %v after %v, want bad after 1s", err, time.Since(start))
		}
		if called.Load() != 4 {
			t.Errorf("f called %d times, want 4: inputs after the failure never start", called.Load())
		}
	})
}

func TestMapCanceledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var p Policy
	_, err := Map(ctx, &p, []int{1, 2, 3}, 2, func(context.Context, int) (int, error) {
		t.Error("f called after the context ended")
		return 0, nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Map = %v, want context.Canceled: skipped inputs are never a silent success", err)
	}
}

func TestMapAllReportsEveryFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Policy{Wait: WaitFunc(func(Attempt) time.Duration { return 0 })}
		inputs := []string{"a", "", "c", "", "e"}
		out, err := MapAll(t.Context(), &p, inputs, 3, func(_ context.Context, in string) (string, error) {
			if in == "" {
				return "", Permanent(errors.New("empty"))
			}
			return in + in, nil
		})
		if diff := cmp.Diff([]string{"aa", "", "cc", "", "ee"}, out); diff != "" {
			t.Errorf("results (-want +got):\n%s", diff)
		}
		var be *BatchError
		if !errors.As(err, &be) || len(be.Failures) != 2 || be.Failures[0].Index != 1 || be.Failures[1].Index != 3 {
			t.Fatalf("MapAll error = %v, want failures at inputs 1 and 3", err)
		}
	})
}

func TestMapAllAfterContextEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 9500*time.Millisecond)
		defer cancel()
		var p Policy
		inputs := make([]int, 30)
		// Two workers, a second per input: inputs 0..19 start before the deadline
		// (and, ignoring ctx, succeed); 20..29 must be reported, not called.
		out, err := MapAll(ctx, &p, inputs, 2, func(ctx context.Context, _ int) (int, error) {
			time.Sleep(time.Second)
			return 1, nil
		})
		var be *BatchError
		if !errors.As(err, &be) {
			t.Fatalf("MapAll = %v, want a *BatchError", err)
		}
		if countOnes(out) != 20 || len(be.Failures) != 10 || be.Failures[0].Index != 20 {
			t.Errorf("%d succeeded, %d failed from index %d; want 20, 10 from 20", countOnes(out), len(be.Failures), be.Failures[0].Index)
		}
		for _, f := range be.Failures {
			if f.Err != context.DeadlineExceeded {
				t.Errorf("input %d: %v, want the context's error", f.Index, f.Err)
			}
		}
	})
}

func countOnes(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// TestMapBoundsGoroutines counts Map's workers by their stacks, in a synctest
// bubble, so that neither other goroutines nor a worker on its way out make the
// count wrong, while a worker that really leaked is still counted.
func TestMapBoundsGoroutines(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 inputs")
	}
	// A worker's frame; the caller's goroutine has mapInputs on its stack too, but
	// not this closure. Should the name change, peak is 0 and the test fails.
	const worker = "retry.mapInputs[...].func1()"
	synctest.Test(t, func(t *testing.T) {
		const inputs, limit = 100_000, 64
		var peak atomic.Int64
		var p Policy
		in := make([]int, inputs)
		for i := range in {
			in[i] = i
		}
		out, err := Map(t.Context(), &p, in, limit, func(_ context.Context, i int) (int, error) {
			if i%1000 == 999 { // reading every stack is slow: sample
				if n := int64(goroutinesRunning(t, worker)); n > peak.Load() {
					peak.Store(n) // a racy max is fine: it only ever underestimates by a little
				}
			}
			return 1, nil
		})
		if err != nil || countOnes(out) != inputs {
			t.Fatalf("Map = %v with %d results, want nil and %d", err, countOnes(out), inputs)
		}
		if p := peak.Load(); p == 0 || p > limit {
			t.Errorf("%d workers alive at once, want 1 to %d", p, limit)
		}
		synctest.Wait()
		if n := goroutinesRunning(t, worker); n != 0 {
			t.Errorf("%d workers left after Map returned", n)
		}
	})
}

func TestMapPanicsOnMisuse(t *testing.T) {
	var p Policy
	f := func(context.Context, int) (int, error) { return 0, nil }
	for name, call := range map[string]func(){
		"limit 0":   func() { _, _ = Map(context.Background(), &p, []int{1}, 0, f) },
		"nil f all": func() { _, _ = MapAll[int, int](context.Background(), nil, []int{1}, 1, nil) },
		"nil f":     func() { _, _ = Map[int, int](context.Background(), &p, []int{1}, 1, nil) },
		"Wrap nil":  func() { Wrap[int, int](&p, nil) },
		"Try after": func() { (&Try{done: true}).Fail(errFlaky) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if msg, _ := recover().(string); len(msg) < 7 || msg[:7] != "retry: " {
					t.Errorf("panic = %q, want a message starting with retry: ", msg)
				}
			}()
			call()
		})
	}
}

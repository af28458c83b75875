package retry

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tenacious-go/tenacious/internal/backoff"
)

// hintError is a failure that carries a server's hint, as retryhttp's StatusError
// does for Retry-After.
type hintError struct{ after time.Duration }

func (e *hintError) Error() string             { return fmt.Sprintf("busy, retry after %v", e.after) }
func (e *hintError) RetryAfter() time.Duration { return e.after }

// lockedSource is a seeded source that many goroutines may share.
type lockedSource struct {
	mu  sync.Mutex
	src *rand.PCG
}

func (s *lockedSource) Uint64() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.src.Uint64()
}

// seedHints makes the jitter above hints reproducible for the test.
func seedHints(t *testing.T) {
	backoff.HintSource = &lockedSource{src: rand.NewPCG(1, 2)}
	t.Cleanup(func() { backoff.HintSource = nil })
}

// pausesOf runs one call of p that fails once with err and then succeeds, and
// returns the pause it took.
func pauseOf(t *testing.T, ctx context.Context, p Policy, err error) time.Duration {
	t.Helper()
	var pause time.Duration
	p.BeforeSleep = HookFunc(func(a Attempt) { pause = a.Delay })
	start := time.Now()
	if _, got := Do(ctx, &p, failing(1, err, 1)); got != nil {
		t.Fatalf("Do = %v, want success after one retry", got)
	}
	if slept := time.Since(start); slept != pause {
		t.Errorf("slept %v, BeforeSleep saw %v: want the same", slept, pause)
	}
	return pause
}

func TestServerHintOverridesWait(t *testing.T) {
	seedHints(t)
	fast := WaitFunc(func(Attempt) time.Duration { return 10 * time.Millisecond })
	tests := []struct {
		name   string
		p      Policy
		err    error
		lo, hi time.Duration
	}{
		{"hint beats a short Wait", Policy{Wait: fast}, &hintError{2 * time.Second}, 2 * time.Second, 3 * time.Second},
		{"hint beats the default backoff", Policy{}, &hintError{time.Second}, time.Second, 1500 * time.Millisecond},
		{"hint deep in the chain", Policy{Wait: fast}, fmt.Errorf("call: %w", errors.Join(errFlaky, &hintError{time.Second})), time.Second, 1500 * time.Millisecond},
		{"first positive hint wins", Policy{Wait: fast}, errors.Join(&hintError{0}, &hintError{-time.Second}, &hintError{time.Second}), time.Second, 1500 * time.Millisecond},
		{"zero hint is no hint", Policy{Wait: fast}, &hintError{0}, 10 * time.Millisecond, 10 * time.Millisecond},
		{"clamped to the default cap", Policy{Wait: fast}, &hintError{time.Hour}, defaultMaxRetryAfter, defaultMaxRetryAfter * 3 / 2},
		{"clamped to MaxRetryAfter", Policy{Wait: fast, MaxRetryAfter: 10 * time.Second}, &hintError{time.Hour}, 10 * time.Second, 15 * time.Second},
		{"saturating hint", Policy{Wait: fast, MaxRetryAfter: 1<<63 - 1}, &hintError{1<<63 - 1}, 1<<63 - 1, 1<<63 - 1},
		{"negative MaxRetryAfter ignores hints", Policy{Wait: fast, MaxRetryAfter: -1}, &hintError{time.Hour}, 10 * time.Millisecond, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				if tt.hi == 1<<63-1 { // a pause that long would never end: check the choice only
					tt.p.BeforeSleep = HookFunc(func(a Attempt) {
						if a.Delay != tt.hi {
							t.Errorf("pause = %v, want %v", a.Delay, tt.hi)
						}
					})
					tt.p.Stop = StopFunc(func(a Attempt) bool { return true })
					_, _ = Do(t.Context(), &tt.p, failing(1, tt.err, 1))
					return
				}
				if got := pauseOf(t, t.Context(), tt.p, tt.err); got < tt.lo || got > tt.hi {
					t.Errorf("pause = %v, want within [%v, %v]", got, tt.lo, tt.hi)
				}
			})
		})
	}
}

// TestHintJitterSpreadsCallers: 64 callers told "retry in 1s" at the same moment
// must not come back together: every one waits at least the hint, and together
// they spread over at least a third of it.
func TestHintJitterSpreadsCallers(t *testing.T) {
	seedHints(t)
	synctest.Test(t, func(t *testing.T) {
		const callers, hint = 64, time.Second
		var mu sync.Mutex
		var first, last time.Duration = 1<<63 - 1, 0
		start := time.Now()
		var wg sync.WaitGroup
		for range callers {
			wg.Go(func() {
				calls := 0
				p := Policy{Wait: WaitFunc(func(Attempt) time.Duration { return 0 })}
				_ = p.Run(t.Context(), func(context.Context) error {
					if calls++; calls == 1 {
						return &hintError{hint}
					}
					at := time.Since(start)
					mu.Lock()
					first, last = min(first, at), max(last, at)
					mu.Unlock()
					return nil
				})
			})
		}
		wg.Wait()
		if first < hint {
			t.Errorf("a caller came back after %v, before the hint of %v", first, hint)
		}
		if last > hint*3/2 {
			t.Errorf("a caller came back after %v, later than the hint and half of it", last)
		}
		if spread := last - first; spread < hint/3 {
			t.Errorf("the callers came back within %v of each other, want at least %v", spread, hint/3)
		}
	})
}

func TestHintAndTheDeadline(t *testing.T) {
	seedHints(t)
	t.Run("jitter does not fit, the hint does: retry before the deadline", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 1100*time.Millisecond)
			defer cancel()
			for range 20 { // every draw, not just a lucky one
				got := pauseOf(t, ctx, Policy{}, &hintError{time.Second})
				if got < time.Second || got >= 1100*time.Millisecond {
					t.Fatalf("pause = %v, want within [1s, 1.1s): the hint, and a retry before the deadline", got)
				}
				ctx, cancel = context.WithTimeout(t.Context(), 1100*time.Millisecond)
				defer cancel()
			}
		})
	})
	t.Run("the hint does not fit: give up at once", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
			defer cancel()
			start := time.Now()
			p := Policy{}
			_, err := Do(ctx, &p, failing(1, &hintError{time.Second}, 1))
			var re *Error
			if !errors.As(err, &re) || re.Reason != ReasonDeadline || re.Delay < time.Second || time.Since(start) != 0 {
				t.Fatalf("err = %v after %v, want ReasonDeadline at once with a Delay of at least 1s", err, time.Since(start))
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("errors.Is(err, context.DeadlineExceeded) = false, want true")
			}
		})
	})
}

// TestDelayWhenStopRefusesAHint: "retry in 30 minutes" refused by a Stop must not
// read as "give up now".
func TestDelayWhenStopRefusesAHint(t *testing.T) {
	seedHints(t)
	p := Policy{
		MaxRetryAfter: time.Hour,
		Stop:          StopFunc(func(a Attempt) bool { return a.Elapsed+a.Delay > 15*time.Minute }), // stop.BeforeElapsed(15m)
	}
	_, err := Do(context.Background(), &p, failing(1, &hintError{30 * time.Minute}, 1))
	var re *Error
	if !errors.As(err, &re) || re.Reason != ReasonStop || re.Delay < 30*time.Minute || re.Delay > 45*time.Minute {
		t.Fatalf("err = %#v, want ReasonStop with the refused pause (30m to 45m) in Delay", err)
	}
	b := &recordingBudget{refuse: true}
	p = Policy{Budget: b, Wait: WaitFunc(func(Attempt) time.Duration { return time.Second })}
	_, err = Do(context.Background(), &p, failing(1, errFlaky, 1))
	if !errors.As(err, &re) || re.Reason != ReasonBudget || re.Delay != time.Second {
		t.Fatalf("err = %#v, want ReasonBudget with the refused pause of 1s in Delay", err)
	}
}

// TestHintRestartsBackoff: after a pause that a server's hint set, Wait starts
// again from its first step (gRFC A6's pushback rule), in Do and in a hedged call;
// Stop still counts every attempt.
func TestHintRestartsBackoff(t *testing.T) {
	for _, hedged := range []bool{false, true} {
		t.Run(fmt.Sprint("hedged ", hedged), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var waits []string
				var stops []int
				r := Retrier[int]{Policy: &Policy{
					Wait: WaitFunc(func(a Attempt) time.Duration {
						waits = append(waits, fmt.Sprintf("n=%d prev=%v", a.Number, a.PrevDelay))
						return time.Duration(a.Number) * 100 * time.Millisecond
					}),
					Stop: StopFunc(func(a Attempt) bool { stops = append(stops, a.Number); return a.Number >= 5 }),
				}}
				if hedged {
					r.Policy.Hedger = &everyHedger{delay: time.Hour, max: 1}
				}
				errs := []error{errFlaky, &hintError{after: time.Second}, errFlaky, errFlaky, nil}
				calls := 0
				_, err := r.Hedge(t.Context(), func(context.Context) (int, error) {
					calls++
					return calls, errs[calls-1]
				})
				if err != nil {
					t.Fatal(err)
				}
				want := []string{"n=1 prev=0s", "n=1 prev=0s", "n=2 prev=100ms"}
				if diff := cmp.Diff(want, waits); diff != "" {
					t.Errorf("Wait saw (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff([]int{1, 2, 3, 4}, stops); diff != "" {
					t.Errorf("Stop saw (-want +got):\n%s", diff)
				}
			})
		})
	}
}

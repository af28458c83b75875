package hooks_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
)

// TestWithPolicy wires every logger into a real Policy, on virtual time: attempts
// fail at once, pauses last one second, and the third attempt is the last. With a
// Name, every record starts with it.
func TestWithPolicy(t *testing.T) {
	for _, tt := range []struct{ name, prefix string }{
		{"", ""},
		{"GET example.com", "name=String(GET example.com) "},
	} {
		t.Run("name="+tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rec := &recorder{min: slog.LevelDebug}
				l := slog.New(rec)
				p := retry.Policy{
					Name:        tt.name,
					Stop:        retry.StopFunc(func(a retry.Attempt) bool { return a.Number >= 3 }),
					Wait:        retry.WaitFunc(func(retry.Attempt) time.Duration { return time.Second }),
					Before:      hooks.LogBefore(l, slog.LevelDebug),
					After:       hooks.LogAfter(l, slog.LevelInfo),
					BeforeSleep: hooks.LogBeforeSleep(l, slog.LevelWarn),
					OnEnd:       hooks.LogEnd(l, slog.LevelError),
				}
				err := p.Run(context.Background(), func(context.Context) error { return errBoom })
				if !errors.Is(err, errBoom) {
					t.Fatalf("got error %v, want one that wraps errBoom", err)
				}
				n := tt.prefix
				want := []entry{
					{slog.LevelDebug, "retry: attempt starting", n + "attempt=Int64(1) elapsed=Duration(0s)"},
					{slog.LevelInfo, "retry: attempt ended", n + "attempt=Int64(1) error=Any(boom) elapsed=Duration(0s)"},
					{slog.LevelWarn, "retry: retrying", n + "attempt=Int64(1) error=Any(boom) delay=Duration(1s) elapsed=Duration(0s)"},
					{slog.LevelDebug, "retry: attempt starting", n + "attempt=Int64(2) elapsed=Duration(1s)"},
					{slog.LevelInfo, "retry: attempt ended", n + "attempt=Int64(2) error=Any(boom) elapsed=Duration(1s)"},
					{slog.LevelWarn, "retry: retrying", n + "attempt=Int64(2) error=Any(boom) delay=Duration(1s) elapsed=Duration(1s)"},
					{slog.LevelDebug, "retry: attempt starting", n + "attempt=Int64(3) elapsed=Duration(2s)"},
					{slog.LevelInfo, "retry: attempt ended", n + "attempt=Int64(3) error=Any(boom) elapsed=Duration(2s)"},
					// The Stop refused the pause of 1s that Wait had chosen.
					{slog.LevelError, "retry: gave up", n + "reason=String(stop) attempts=Int64(3) error=Any(boom) delay=Duration(1s) elapsed=Duration(2s)"},
				}
				if got := rec.take(); !slices.Equal(got, want) {
					t.Errorf("got records\n%v\nwant\n%v", got, want)
				}
			})
		})
	}
}

// TestWithPolicySuccess checks that a call that succeeds logs no retry and no end.
func TestWithPolicySuccess(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{min: slog.LevelDebug}
		l := slog.New(rec)
		p := retry.Policy{
			Wait:        retry.WaitFunc(func(retry.Attempt) time.Duration { return 250 * time.Millisecond }),
			After:       hooks.LogAfter(l, slog.LevelInfo),
			BeforeSleep: hooks.LogBeforeSleep(l, slog.LevelWarn),
			OnEnd:       hooks.LogEnd(l, slog.LevelError),
		}
		calls := 0
		err := p.Run(context.Background(), func(context.Context) error {
			if calls++; calls == 1 {
				return errBoom
			}
			return nil
		})
		if err != nil {
			t.Fatalf("got error %v, want nil", err)
		}
		want := []entry{
			{slog.LevelInfo, "retry: attempt ended", "attempt=Int64(1) error=Any(boom) elapsed=Duration(0s)"},
			{slog.LevelWarn, "retry: retrying", "attempt=Int64(1) error=Any(boom) delay=Duration(250ms) elapsed=Duration(0s)"},
			{slog.LevelInfo, "retry: attempt ended", "attempt=Int64(2) elapsed=Duration(250ms)"},
		}
		if got := rec.take(); !slices.Equal(got, want) {
			t.Errorf("got records\n%v\nwant\n%v", got, want)
		}
	})
}

// TestWithPolicyAll runs two hooks through All in one Policy field.
func TestWithPolicyAll(t *testing.T) {
	rec := &recorder{min: slog.LevelInfo}
	retries := 0
	p := retry.Policy{
		Stop: retry.StopFunc(func(a retry.Attempt) bool { return a.Number >= 4 }),
		Wait: retry.WaitFunc(func(retry.Attempt) time.Duration { return 0 }),
		BeforeSleep: hooks.All(
			retry.HookFunc(func(retry.Attempt) { retries++ }),
			nil,
			hooks.LogBeforeSleep(slog.New(rec), slog.LevelDebug), // below the handler's level
		),
	}
	_ = p.Run(context.Background(), func(context.Context) error { return errBoom })
	if retries != 3 {
		t.Errorf("got %d retries, want 3", retries)
	}
	if got := rec.take(); len(got) != 0 {
		t.Errorf("got records %v, want none", got)
	}
}

var errNotFound = errors.New("not found")

// refuseBudget is a retry.Budget that allows no retry.
type refuseBudget struct{}

func (refuseBudget) Attempted(_, _ retry.Class) {}
func (refuseBudget) Allow(retry.Class) bool     { return false }

// TestLogEndWithPolicy ends real calls in every way, on virtual time, with LogEnd in
// OnEnd: attempts fail at once and Wait chooses pauses of one second.
func TestLogEndWithPolicy(t *testing.T) {
	tests := []struct {
		name string
		// setup adjusts the Policy and returns the call's context and the error the
		// operation returns at attempt n.
		setup func(t *testing.T, p *retry.Policy) (context.Context, func(n int) error)
		want  []entry
	}{
		{
			name: "success",
			setup: func(_ *testing.T, _ *retry.Policy) (context.Context, func(int) error) {
				return context.Background(), func(n int) error {
					if n < 2 {
						return errBoom
					}
					return nil
				}
			},
			want: nil,
		},
		{
			// A not-found that Retry refuses is the operation's answer: no give-up.
			name: "not retried",
			setup: func(_ *testing.T, p *retry.Policy) (context.Context, func(int) error) {
				p.Retry = predicate.Not(predicate.ErrorIs(errNotFound))
				return context.Background(), func(int) error { return errNotFound }
			},
			want: []entry{{slog.LevelDebug, "retry: not retried",
				"name=String(GET example.com) reason=String(not_retried) attempts=Int64(1) error=Any(not found) elapsed=Duration(0s)"}},
		},
		{
			name: "stop",
			setup: func(_ *testing.T, p *retry.Policy) (context.Context, func(int) error) {
				p.Stop = stop.AfterAttempts(2)
				return context.Background(), func(int) error { return errBoom }
			},
			want: []entry{{slog.LevelError, "retry: gave up",
				"name=String(GET example.com) reason=String(stop) attempts=Int64(2) error=Any(boom) delay=Duration(1s) elapsed=Duration(1s)"}},
		},
		{
			// Attempt 2 ends at 1s; its pause would end at 2s, after the deadline.
			name: "deadline",
			setup: func(t *testing.T, _ *retry.Policy) (context.Context, func(int) error) {
				ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
				t.Cleanup(cancel)
				return ctx, func(int) error { return errBoom }
			},
			want: []entry{{slog.LevelError, "retry: gave up",
				"name=String(GET example.com) reason=String(deadline) attempts=Int64(2) error=Any(boom) delay=Duration(1s) elapsed=Duration(1s)"}},
		},
		{
			name: "budget",
			setup: func(_ *testing.T, p *retry.Policy) (context.Context, func(int) error) {
				p.Budget = refuseBudget{}
				return context.Background(), func(int) error { return errBoom }
			},
			want: []entry{{slog.LevelError, "retry: retry refused",
				"name=String(GET example.com) reason=String(budget) attempts=Int64(1) error=Any(boom) delay=Duration(1s) elapsed=Duration(0s)"}},
		},
		{
			// Attempt 2 cancels the call's context and fails: no pause is chosen.
			name: "context",
			setup: func(t *testing.T, _ *retry.Policy) (context.Context, func(int) error) {
				ctx, cancel := context.WithCancel(context.Background())
				t.Cleanup(cancel)
				return ctx, func(n int) error {
					if n == 2 {
						cancel()
					}
					return errBoom
				}
			},
			want: []entry{{slog.LevelError, "retry: gave up",
				"name=String(GET example.com) reason=String(context) attempts=Int64(2) error=Any(boom) elapsed=Duration(1s)"}},
		}, {
			// Wait's pause and the time elapsed are logged rounded.
			name: "rounded durations",
			setup: func(_ *testing.T, p *retry.Policy) (context.Context, func(int) error) {
				p.Stop = stop.AfterAttempts(2)
				p.Wait = retry.WaitFunc(func(retry.Attempt) time.Duration { return 1234567891 * time.Nanosecond })
				return context.Background(), func(int) error { return errBoom }
			},
			want: []entry{{slog.LevelError, "retry: gave up",
				"name=String(GET example.com) reason=String(stop) attempts=Int64(2) error=Any(boom) delay=Duration(1.235s) elapsed=Duration(1.235s)"}},
		},
		{
			// A call inside the attempt, of two attempts a second apart, gives up; this one refuses
			// to retry what that layer decided.
			name: "layer below",
			setup: func(_ *testing.T, _ *retry.Policy) (context.Context, func(int) error) {
				return context.Background(), nil
			},
			want: []entry{{slog.LevelError, "retry: retry refused",
				"name=String(GET example.com) reason=String(layer_below) attempts=Int64(1) error=Any(retry: gave up after 2 attempts: boom) elapsed=Duration(1s)"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rec := &recorder{min: slog.LevelDebug}
				p := retry.Policy{
					Name:  "GET example.com",
					Stop:  stop.Never(),
					Wait:  retry.WaitFunc(func(retry.Attempt) time.Duration { return time.Second }),
					OnEnd: hooks.LogEnd(slog.New(rec), slog.LevelError),
				}
				ctx, fail := tt.setup(t, &p)
				var actx context.Context // the attempt's
				if fail == nil {         // the layer below: a call of two attempts, not logged
					inner := retry.Policy{Stop: stop.AfterAttempts(2), Wait: p.Wait}
					fail = func(int) error {
						return inner.Run(actx, func(context.Context) error { return errBoom })
					}
				}
				n := 0
				_ = p.Run(ctx, func(ctx context.Context) error { n++; actx = ctx; return fail(n) })
				if got := rec.take(); !slices.Equal(got, tt.want) {
					t.Errorf("got records\n%v\nwant\n%v", got, tt.want)
				}
			})
		})
	}
}

// TestLogEndNotFound: a lookup whose not-found is never retried, logged by LogEnd at
// Warn to a handler at Info, as in production, writes no record at all, and in
// particular no "retry: gave up"; the caller gets the not-found itself.
func TestLogEndNotFound(t *testing.T) {
	rec := &recorder{min: slog.LevelInfo}
	p := retry.Policy{
		Retry: retry.PredicateFunc(func(a retry.Attempt) bool { return !errors.Is(a.Err, errNotFound) }),
		OnEnd: hooks.LogEnd(slog.New(rec), slog.LevelWarn),
	}
	calls := 0
	_, err := retry.Do(context.Background(), &p, func(context.Context) (string, error) {
		calls++
		return "", errNotFound
	})
	if err != errNotFound {
		t.Errorf("got error %v, want errNotFound itself", err)
	}
	if calls != 1 {
		t.Errorf("got %d calls, want 1", calls)
	}
	for _, e := range rec.take() {
		t.Errorf("got record %v, want none", e)
	}

	// With Debug enabled, the one record says "not retried", never "gave up".
	rec.min = slog.LevelDebug
	_, _ = retry.Do(context.Background(), &p, func(context.Context) (string, error) { return "", errNotFound })
	got := rec.take()
	if len(got) != 1 || got[0].msg != "retry: not retried" || got[0].level != slog.LevelDebug {
		t.Errorf("got records %v, want one Debug record \"retry: not retried\"", got)
	}
}

// TestNoHooksLogNothing checks that a Policy without hooks logs nothing, to
// slog's default logger or to package log's, however its calls end.
func TestNoHooksLogNothing(t *testing.T) {
	rec := &recorder{min: slog.LevelDebug - 8}
	prev := slog.Default()
	slog.SetDefault(slog.New(rec)) // also package log's output
	t.Cleanup(func() { slog.SetDefault(prev) })
	synctest.Test(t, func(t *testing.T) {
		var p retry.Policy
		_ = p.Run(context.Background(), func(context.Context) error { return errBoom })                      // stop
		_ = p.Run(context.Background(), func(context.Context) error { return retry.Permanent(errNotFound) }) // not retried
		_ = p.Run(context.Background(), func(context.Context) error { return nil })                          // success
	})
	if got := rec.take(); len(got) != 0 {
		t.Errorf("got records %v, want none", got)
	}
}

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
	"github.com/tenacious-go/tenacious/retry"
)

// TestWithRetrier wires every logger into a real Retrier, on virtual time: attempts
// fail at once, pauses last one second, and the third attempt is the last.
func TestWithRetrier(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{min: slog.LevelDebug}
		l := slog.New(rec)
		p := retry.Policy{
			Stop:        func(a retry.Attempt) bool { return a.Number >= 3 },
			Wait:        func(retry.Attempt) time.Duration { return time.Second },
			Before:      hooks.LogBefore(l, slog.LevelDebug),
			After:       hooks.LogAfter(l, slog.LevelInfo),
			BeforeSleep: hooks.Log(l, slog.LevelWarn),
			OnGiveUp:    hooks.LogGiveUp(l, slog.LevelError),
		}
		err := p.Run(context.Background(), func(context.Context) error { return errBoom })
		if !errors.Is(err, errBoom) {
			t.Fatalf("got error %v, want one that wraps errBoom", err)
		}
		want := []entry{
			{slog.LevelDebug, "retry: attempt starting", "attempt=Int64(1) elapsed=Duration(0s)"},
			{slog.LevelInfo, "retry: attempt ended", "attempt=Int64(1) error=Any(boom) elapsed=Duration(0s)"},
			{slog.LevelWarn, "retry: retrying", "attempt=Int64(1) error=Any(boom) delay=Duration(1s) elapsed=Duration(0s)"},
			{slog.LevelDebug, "retry: attempt starting", "attempt=Int64(2) elapsed=Duration(1s)"},
			{slog.LevelInfo, "retry: attempt ended", "attempt=Int64(2) error=Any(boom) elapsed=Duration(1s)"},
			{slog.LevelWarn, "retry: retrying", "attempt=Int64(2) error=Any(boom) delay=Duration(1s) elapsed=Duration(1s)"},
			{slog.LevelDebug, "retry: attempt starting", "attempt=Int64(3) elapsed=Duration(2s)"},
			{slog.LevelInfo, "retry: attempt ended", "attempt=Int64(3) error=Any(boom) elapsed=Duration(2s)"},
			{slog.LevelError, "retry: giving up", "attempts=Int64(3) error=Any(boom) elapsed=Duration(2s)"},
		}
		if got := rec.take(); !slices.Equal(got, want) {
			t.Errorf("got records\n%v\nwant\n%v", got, want)
		}
	})
}

// TestWithRetrierSuccess checks that a call that succeeds logs no retry and no
// give-up.
func TestWithRetrierSuccess(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recorder{min: slog.LevelDebug}
		l := slog.New(rec)
		p := retry.Policy{
			Wait:        func(retry.Attempt) time.Duration { return 250 * time.Millisecond },
			After:       hooks.LogAfter(l, slog.LevelInfo),
			BeforeSleep: hooks.Log(l, slog.LevelWarn),
			OnGiveUp:    hooks.LogGiveUp(l, slog.LevelError),
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

// TestWithRetrierAll runs two hooks through All in one Retrier field.
func TestWithRetrierAll(t *testing.T) {
	rec := &recorder{min: slog.LevelInfo}
	retries := 0
	p := retry.Policy{
		Stop: func(a retry.Attempt) bool { return a.Number >= 4 },
		Wait: func(retry.Attempt) time.Duration { return 0 },
		BeforeSleep: hooks.All(
			func(retry.Attempt) { retries++ },
			nil,
			hooks.Log(slog.New(rec), slog.LevelDebug), // below the handler's level
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

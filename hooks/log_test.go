package hooks_test

import (
	"errors"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/retry"
)

var errBoom = errors.New("boom")

func TestLoggers(t *testing.T) {
	failed := retry.Attempt{
		Number: 2, Err: errBoom, Elapsed: 1500 * time.Millisecond,
		Delay: 2 * time.Second, PrevDelay: time.Second, Slept: time.Second,
	}
	rejected := failed
	rejected.Err = nil
	first := retry.Attempt{Number: 1}

	tests := []struct {
		name  string
		hook  func(*slog.Logger, slog.Level) retry.Hook
		level slog.Level
		a     retry.Attempt
		want  entry
	}{
		{"Log", hooks.Log, slog.LevelWarn, failed, entry{slog.LevelWarn, "retry: retrying",
			"attempt=Int64(2) error=Any(boom) delay=Duration(2s) elapsed=Duration(1.5s)"}},
		{"Log, rejected result", hooks.Log, slog.LevelInfo, rejected, entry{slog.LevelInfo, "retry: retrying",
			"attempt=Int64(2) delay=Duration(2s) elapsed=Duration(1.5s)"}},
		{"LogBefore, first", hooks.LogBefore, slog.LevelDebug, first, entry{slog.LevelDebug, "retry: attempt starting",
			"attempt=Int64(1) elapsed=Duration(0s)"}},
		{"LogBefore", hooks.LogBefore, slog.LevelDebug, retry.Attempt{Number: 3, Elapsed: time.Minute},
			entry{slog.LevelDebug, "retry: attempt starting", "attempt=Int64(3) elapsed=Duration(1m0s)"}},
		{"LogAfter, failed", hooks.LogAfter, slog.LevelInfo, failed, entry{slog.LevelInfo, "retry: attempt ended",
			"attempt=Int64(2) error=Any(boom) elapsed=Duration(1.5s)"}},
		{"LogAfter, succeeded", hooks.LogAfter, slog.LevelInfo, retry.Attempt{Number: 1, Elapsed: time.Millisecond},
			entry{slog.LevelInfo, "retry: attempt ended", "attempt=Int64(1) elapsed=Duration(1ms)"}},
		{"LogGiveUp", hooks.LogGiveUp, slog.LevelError, failed, entry{slog.LevelError, "retry: giving up",
			"attempts=Int64(2) error=Any(boom) elapsed=Duration(1.5s)"}},
		{"LogGiveUp, rejected result", hooks.LogGiveUp, slog.LevelError + 2, rejected, entry{slog.LevelError + 2, "retry: giving up",
			"attempts=Int64(2) elapsed=Duration(1.5s)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{min: tt.level}
			tt.hook(slog.New(rec), tt.level)(tt.a)
			if got := rec.take(); !slices.Equal(got, []entry{tt.want}) {
				t.Errorf("got records %v, want [%v]", got, tt.want)
			}

			// One level below the handler's minimum: nothing.
			rec = &recorder{min: tt.level + 1}
			tt.hook(slog.New(rec), tt.level)(tt.a)
			if got := rec.take(); len(got) != 0 {
				t.Errorf("disabled level: got records %v, want none", got)
			}
		})
	}
}

// TestLogErrorValue checks that the error attribute holds the error itself, so a
// handler can inspect it with errors.Is and errors.As.
func TestLogErrorValue(t *testing.T) {
	var got error
	h := &funcHandler{handle: func(r slog.Record) {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "error" {
				got, _ = a.Value.Any().(error)
			}
			return true
		})
	}}
	hooks.Log(slog.New(h), slog.LevelInfo)(retry.Attempt{Number: 1, Err: errBoom})
	if got != errBoom {
		t.Errorf("got error attribute %v, want errBoom itself", got)
	}
}

func TestLogAllocs(t *testing.T) {
	a := retry.Attempt{Number: 2, Err: errBoom, Elapsed: time.Second, Delay: time.Second}
	ctors := []struct {
		name string
		hook func(*slog.Logger, slog.Level) retry.Hook
	}{
		{"Log", hooks.Log},
		{"LogBefore", hooks.LogBefore},
		{"LogAfter", hooks.LogAfter},
		{"LogGiveUp", hooks.LogGiveUp},
	}
	for _, c := range ctors {
		t.Run(c.name, func(t *testing.T) {
			disabled := c.hook(slog.New(slog.DiscardHandler), slog.LevelError)
			if n := testing.AllocsPerRun(100, func() { disabled(a) }); n != 0 {
				t.Errorf("disabled level: got %v allocations, want 0", n)
			}
			recDisabled := c.hook(slog.New(&recorder{min: slog.LevelError}), slog.LevelWarn)
			if n := testing.AllocsPerRun(100, func() { recDisabled(a) }); n != 0 {
				t.Errorf("level below the handler's: got %v allocations, want 0", n)
			}
			// Enabled, the hook itself adds nothing to what the handler does.
			enabled := c.hook(slog.New(nopHandler{}), slog.LevelError)
			if n := testing.AllocsPerRun(100, func() { enabled(a) }); n != 0 {
				t.Errorf("enabled level, no-op handler: got %v allocations, want 0", n)
			}
		})
	}
}

func BenchmarkLog(b *testing.B) {
	a := retry.Attempt{Number: 2, Err: errBoom, Elapsed: time.Second, Delay: time.Second}
	for _, bb := range []struct {
		name string
		h    slog.Handler
	}{
		{"disabled", slog.DiscardHandler},
		{"enabled", nopHandler{}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			hook := hooks.Log(slog.New(bb.h), slog.LevelWarn)
			b.ReportAllocs()
			for b.Loop() {
				hook(a)
			}
		})
	}
}

package hooks_test

import (
	"fmt"
	"log/slog"
	"testing"

	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/retry"
)

func TestConstructorPanics(t *testing.T) {
	l := slog.New(slog.DiscardHandler)
	tests := []struct {
		name      string
		build     func() retry.Hook
		wantPanic string // empty: must not panic
	}{
		{"LogBefore", func() retry.Hook { return hooks.LogBefore(l, slog.LevelDebug) }, ""},
		{"LogBefore(nil)", func() retry.Hook { return hooks.LogBefore(nil, slog.LevelDebug) },
			"hooks: LogBefore: nil *slog.Logger"},
		{"LogAfter", func() retry.Hook { return hooks.LogAfter(l, slog.LevelInfo) }, ""},
		{"LogAfter(nil)", func() retry.Hook { return hooks.LogAfter(nil, slog.LevelInfo) },
			"hooks: LogAfter: nil *slog.Logger"},
		{"LogBeforeSleep", func() retry.Hook { return hooks.LogBeforeSleep(l, slog.LevelWarn) }, ""},
		{"LogBeforeSleep(nil)", func() retry.Hook { return hooks.LogBeforeSleep(nil, slog.LevelWarn) },
			"hooks: LogBeforeSleep: nil *slog.Logger"},
		{"LogEnd", func() retry.Hook { return hooks.LogEnd(l, slog.LevelError) }, ""},
		{"LogEnd(nil)", func() retry.Hook { return hooks.LogEnd(nil, slog.LevelError) },
			"hooks: LogEnd: nil *slog.Logger"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h retry.Hook
			got := panicMessage(func() { h = tt.build() })
			if got != tt.wantPanic {
				t.Fatalf("panic: got %q, want %q", got, tt.wantPanic)
			}
			if tt.wantPanic == "" && h == nil {
				t.Fatal("got a nil Hook")
			}
		})
	}
}

// panicMessage runs f and returns the message it panicked with, or "" if it did not.
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
			if msg == "" {
				msg = "(empty panic message)"
			}
		}
	}()
	f()
	return ""
}

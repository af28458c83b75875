package stop_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
)

func TestConstructorPanics(t *testing.T) {
	open := make(chan struct{})
	var nilChan chan struct{}
	tests := []struct {
		name      string
		build     func() retry.Stop
		wantPanic string // empty: must not panic
	}{
		{"AfterAttempts(1)", func() retry.Stop { return stop.AfterAttempts(1) }, ""},
		{"AfterAttempts(0)", func() retry.Stop { return stop.AfterAttempts(0) },
			"stop: AfterAttempts: n must be at least 1, got 0"},
		{"AfterAttempts(-1)", func() retry.Stop { return stop.AfterAttempts(-1) },
			"stop: AfterAttempts: n must be at least 1, got -1"},

		{"AfterElapsed(1ns)", func() retry.Stop { return stop.AfterElapsed(1) }, ""},
		{"AfterElapsed(0)", func() retry.Stop { return stop.AfterElapsed(0) },
			"stop: AfterElapsed: d must be positive, got 0s"},
		{"AfterElapsed(-1s)", func() retry.Stop { return stop.AfterElapsed(-time.Second) },
			"stop: AfterElapsed: d must be positive, got -1s"},

		{"BeforeElapsed(1ns)", func() retry.Stop { return stop.BeforeElapsed(1) }, ""},
		{"BeforeElapsed(0)", func() retry.Stop { return stop.BeforeElapsed(0) },
			"stop: BeforeElapsed: d must be positive, got 0s"},
		{"BeforeElapsed(-1ms)", func() retry.Stop { return stop.BeforeElapsed(-time.Millisecond) },
			"stop: BeforeElapsed: d must be positive, got -1ms"},

		{"Never", stop.Never, ""},

		{"WhenClosed(open)", func() retry.Stop { return stop.WhenClosed(open) }, ""},
		{"WhenClosed(nil)", func() retry.Stop { return stop.WhenClosed(nil) },
			"stop: WhenClosed: nil channel"},
		{"WhenClosed(nil chan)", func() retry.Stop { return stop.WhenClosed(nilChan) },
			"stop: WhenClosed: nil channel"},

		{"Any(Never)", func() retry.Stop { return stop.Any(stop.Never()) }, ""},
		{"Any()", func() retry.Stop { return stop.Any() }, "stop: Any: no Stop given"},
		{"Any(empty...)", func() retry.Stop { return stop.Any([]retry.Stop{}...) }, "stop: Any: no Stop given"},
		{"Any(nil)", func() retry.Stop { return stop.Any(nil) }, "stop: Any: nil Stop at index 0"},
		{"Any(Never, nil)", func() retry.Stop { return stop.Any(stop.Never(), nil) },
			"stop: Any: nil Stop at index 1"},

		{"All(Never)", func() retry.Stop { return stop.All(stop.Never()) }, ""},
		{"All()", func() retry.Stop { return stop.All() }, "stop: All: no Stop given"},
		{"All(nil)", func() retry.Stop { return stop.All(nil) }, "stop: All: nil Stop at index 0"},
		{"All(Never, Never, nil)", func() retry.Stop { return stop.All(stop.Never(), stop.Never(), nil) },
			"stop: All: nil Stop at index 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s retry.Stop
			got := panicMessage(func() { s = tt.build() })
			if got != tt.wantPanic {
				t.Fatalf("panic: got %q, want %q", got, tt.wantPanic)
			}
			if tt.wantPanic == "" && s == nil {
				t.Fatal("got a nil Stop")
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

package hooks_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// countHook is a Hook that counts its runs and says whether it reads time, as a
// metric might. It is a pointer, so that All's result can be compared with it.
type countHook struct {
	runs  int
	reads bool
}

func (h *countHook) Run(retry.Attempt) { h.runs++ }
func (h *countHook) ReadsTime() bool   { return h.reads }

// TestReadsTime checks what every Hook of the package tells a call about reading
// time: the loggers read it, and All reads it exactly when a hook it runs does.
// All skips nil hooks, and returns nil for none and the hook itself for one.
func TestReadsTime(t *testing.T) {
	l := slog.New(slog.DiscardHandler)
	blind, other := &countHook{}, &countHook{}        // read no time
	timed := &countHook{reads: true}                  // reads time
	adapted := retry.HookFunc(func(retry.Attempt) {}) // assumed to read time
	tests := []struct {
		name    string
		h       retry.Hook
		want    bool
		wantNil bool
		same    retry.Hook // if not nil, h must be this very hook
		runs    [3]int     // how often one Run of h runs blind, other and timed
	}{
		{name: "LogBefore", h: hooks.LogBefore(l, slog.LevelInfo), want: true},
		{name: "LogAfter", h: hooks.LogAfter(l, slog.LevelInfo), want: true},
		{name: "LogBeforeSleep", h: hooks.LogBeforeSleep(l, slog.LevelWarn), want: true},
		{name: "LogEnd", h: hooks.LogEnd(l, slog.LevelError), want: true},
		{name: "HookFunc", h: adapted, want: true},

		{name: "All()", h: hooks.All(), wantNil: true},
		{name: "All(nil)", h: hooks.All(nil), wantNil: true},
		{name: "All(nil, nil)", h: hooks.All(nil, nil), wantNil: true},
		{name: "All/one blind", h: hooks.All(blind), same: blind, runs: [3]int{1, 0, 0}},
		{name: "All/one timed", h: hooks.All(timed), want: true, same: timed, runs: [3]int{0, 0, 1}},
		{name: "All/one blind among nils", h: hooks.All(nil, blind, nil), same: blind, runs: [3]int{1, 0, 0}},
		{name: "All/one timed among nils", h: hooks.All(nil, nil, timed), want: true, same: timed, runs: [3]int{0, 0, 1}},
		{name: "All/blind", h: hooks.All(blind, other), runs: [3]int{1, 1, 0}},
		{name: "All/blind among nils", h: hooks.All(nil, blind, nil, other, nil), runs: [3]int{1, 1, 0}},
		{name: "All/repeated blind", h: hooks.All(blind, nil, blind), runs: [3]int{2, 0, 0}},
		{name: "All/timed first", h: hooks.All(timed, blind, other), want: true, runs: [3]int{1, 1, 1}},
		{name: "All/timed last among nils", h: hooks.All(blind, nil, timed, nil), want: true, runs: [3]int{1, 0, 1}},
		{name: "All/LogBefore first", h: hooks.All(hooks.LogBefore(l, slog.LevelInfo), blind), want: true, runs: [3]int{1, 0, 0}},
		{name: "All/LogEnd last", h: hooks.All(blind, other, hooks.LogEnd(l, slog.LevelError)), want: true, runs: [3]int{1, 1, 0}},
		{name: "All/HookFunc among nils", h: hooks.All(nil, adapted, blind, nil), want: true, runs: [3]int{1, 0, 0}},
		{name: "All/nested blind", h: hooks.All(hooks.All(blind, nil, other), nil), runs: [3]int{1, 1, 0}},
		{name: "All/nested LogAfter", h: hooks.All(other, hooks.All(nil, blind, hooks.LogAfter(l, slog.LevelInfo))), want: true, runs: [3]int{1, 1, 0}},
		{name: "All/nested timed", h: hooks.All(blind, hooks.All(other, timed)), want: true, runs: [3]int{1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retry.ReadsTime(tt.h); got != tt.want {
				t.Errorf("ReadsTime: got %v, want %v", got, tt.want)
			}
			if (tt.h == nil) != tt.wantNil {
				t.Fatalf("got a nil Hook: %v, want %v", tt.h == nil, tt.wantNil)
			}
			if tt.h == nil {
				return
			}
			if tt.same != nil && tt.h != tt.same {
				t.Errorf("got %#v, want the hook given, %#v", tt.h, tt.same)
			}
			blind.runs, other.runs, timed.runs = 0, 0, 0
			tt.h.Run(retry.Attempt{Number: 2, Err: errBoom, Reason: retry.ReasonStop})
			if got := [3]int{blind.runs, other.runs, timed.runs}; got != tt.runs {
				t.Errorf("runs of blind, other and timed: got %v, want %v", got, tt.runs)
			}
		})
	}
}

// TestLoggersReadClock puts each logger, inside All with a hook that reads no
// time, in a Policy whose Stop and Wait read no time either, on virtual time:
// the logger alone makes the call read the clock, so it logs the time elapsed.
// Attempts fail at once, pauses last one second, and the third attempt is the last.
func TestLoggersReadClock(t *testing.T) {
	tests := []struct {
		name string
		set  func(p *retry.Policy, l *slog.Logger)
		want []entry
	}{
		{
			name: "LogBefore",
			set: func(p *retry.Policy, l *slog.Logger) {
				p.Before = hooks.All(&countHook{}, hooks.LogBefore(l, slog.LevelInfo))
			},
			want: []entry{
				{slog.LevelInfo, "retry: attempt starting", "attempt=Int64(1) elapsed=Duration(0s)"},
				{slog.LevelInfo, "retry: attempt starting", "attempt=Int64(2) elapsed=Duration(1s)"},
				{slog.LevelInfo, "retry: attempt starting", "attempt=Int64(3) elapsed=Duration(2s)"},
			},
		},
		{
			name: "LogAfter",
			set: func(p *retry.Policy, l *slog.Logger) {
				p.After = hooks.All(hooks.LogAfter(l, slog.LevelInfo), &countHook{})
			},
			want: []entry{
				{slog.LevelInfo, "retry: attempt ended", "attempt=Int64(1) error=Any(boom) elapsed=Duration(0s)"},
				{slog.LevelInfo, "retry: attempt ended", "attempt=Int64(2) error=Any(boom) elapsed=Duration(1s)"},
				{slog.LevelInfo, "retry: attempt ended", "attempt=Int64(3) error=Any(boom) elapsed=Duration(2s)"},
			},
		},
		{
			name: "LogBeforeSleep",
			set: func(p *retry.Policy, l *slog.Logger) {
				p.BeforeSleep = hooks.All(&countHook{}, hooks.LogBeforeSleep(l, slog.LevelWarn))
			},
			want: []entry{
				{slog.LevelWarn, "retry: retrying", "attempt=Int64(1) error=Any(boom) delay=Duration(1s) elapsed=Duration(0s)"},
				{slog.LevelWarn, "retry: retrying", "attempt=Int64(2) error=Any(boom) delay=Duration(1s) elapsed=Duration(1s)"},
			},
		},
		{
			name: "LogEnd",
			set: func(p *retry.Policy, l *slog.Logger) {
				p.OnEnd = hooks.All(&countHook{}, hooks.LogEnd(l, slog.LevelError))
			},
			want: []entry{
				{slog.LevelError, "retry: gave up", "reason=String(stop) attempts=Int64(3) error=Any(boom) delay=Duration(1s) elapsed=Duration(2s)"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rec := &recorder{min: slog.LevelDebug}
				p := retry.Policy{Stop: stop.AfterAttempts(3), Wait: wait.Fixed(time.Second)}
				tt.set(&p, slog.New(rec))
				_ = p.Run(context.Background(), func(context.Context) error { return errBoom })
				if got := rec.take(); !slices.Equal(got, tt.want) {
					t.Errorf("got records\n%v\nwant\n%v", got, tt.want)
				}
			})
		})
	}
}

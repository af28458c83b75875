package retryotel_test

import (
	"testing"

	"github.com/tenacious-go/tenacious/retry"
)

// noTime is a hook that says it reads no time.
type noTime struct{}

func (noTime) Run(retry.Attempt) {}
func (noTime) ReadsTime() bool   { return false }

// TestReadsTime checks what the hooks an instrumented Policy holds tell a call
// about reading time (see retry.ReadsTime): the Telemetry's Before and
// BeforeSleep read none, so they read time only if the Policy's own do; its
// OnEnd reads Attempt.Slept, for tenacious.call.pause_time, and so reads time:
// without the clock, a pause that the context cuts short would count in full
// (TestMetrics/context records half of one).
func TestReadsTime(t *testing.T) {
	tel, _ := newTelemetry(t)
	reads := retry.HookFunc(func(retry.Attempt) {})
	tests := []struct {
		name                 string
		own                  retry.Hook // the Policy's Before, BeforeSleep and OnEnd
		before, sleep, onEnd bool
	}{
		{"no hooks of its own", nil, false, false, true},
		{"hooks that read no time", noTime{}, false, false, true},
		{"retry.HookFunc hooks", reads, true, true, true},
	}
	for _, tt := range tests {
		p := tel.Instrument(&retry.Policy{Before: tt.own, BeforeSleep: tt.own, OnEnd: tt.own})
		for _, f := range []struct {
			field string
			h     retry.Hook
			want  bool
		}{{"Before", p.Before, tt.before}, {"BeforeSleep", p.BeforeSleep, tt.sleep}, {"OnEnd", p.OnEnd, tt.onEnd}} {
			if got := retry.ReadsTime(f.h); got != f.want {
				t.Errorf("%s: ReadsTime(%s) = %v, want %v", tt.name, f.field, got, f.want)
			}
		}
	}
}

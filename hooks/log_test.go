package hooks_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/retry"
)

var errBoom = errors.New("boom")

// withReason returns a with its Reason set, as OnEnd sees it.
func withReason(a retry.Attempt, r retry.Reason) retry.Attempt {
	a.Reason = r
	return a
}

func TestLoggers(t *testing.T) {
	failed := retry.Attempt{
		Number: 2, Err: errBoom, Elapsed: 1500 * time.Millisecond,
		Delay: 2 * time.Second, PrevDelay: time.Second, Slept: time.Second,
	}
	rejected := failed
	rejected.Err = nil
	named := failed
	named.Name = "GET example.com"
	first := retry.Attempt{Number: 1}
	// An end before any pause was chosen: no delay.
	ended := failed
	ended.Delay = 0

	tests := []struct {
		name  string
		hook  func(*slog.Logger, slog.Level) retry.Hook
		level slog.Level
		a     retry.Attempt
		want  entry
	}{
		{"LogBeforeSleep", hooks.LogBeforeSleep, slog.LevelWarn, failed, entry{slog.LevelWarn, "retry: retrying",
			"attempt=Int64(2) error=Any(boom) delay=Duration(2s) elapsed=Duration(1.5s)"}},
		{"LogBeforeSleep, rejected result", hooks.LogBeforeSleep, slog.LevelInfo, rejected, entry{slog.LevelInfo, "retry: retrying",
			"attempt=Int64(2) delay=Duration(2s) elapsed=Duration(1.5s)"}},
		{"LogBeforeSleep, named", hooks.LogBeforeSleep, slog.LevelWarn, named, entry{slog.LevelWarn, "retry: retrying",
			"name=String(GET example.com) attempt=Int64(2) error=Any(boom) delay=Duration(2s) elapsed=Duration(1.5s)"}},
		{"LogBefore, first", hooks.LogBefore, slog.LevelDebug, first, entry{slog.LevelDebug, "retry: attempt starting",
			"attempt=Int64(1) elapsed=Duration(0s)"}},
		{"LogBefore", hooks.LogBefore, slog.LevelDebug, retry.Attempt{Number: 3, Elapsed: time.Minute},
			entry{slog.LevelDebug, "retry: attempt starting", "attempt=Int64(3) elapsed=Duration(1m0s)"}},
		{"LogBefore, named", hooks.LogBefore, slog.LevelDebug, retry.Attempt{Number: 3, Elapsed: time.Minute, Name: "q"},
			entry{slog.LevelDebug, "retry: attempt starting", "name=String(q) attempt=Int64(3) elapsed=Duration(1m0s)"}},
		{"LogAfter, failed", hooks.LogAfter, slog.LevelInfo, failed, entry{slog.LevelInfo, "retry: attempt ended",
			"attempt=Int64(2) error=Any(boom) elapsed=Duration(1.5s)"}},
		{"LogAfter, succeeded", hooks.LogAfter, slog.LevelInfo, retry.Attempt{Number: 1, Elapsed: time.Millisecond},
			entry{slog.LevelInfo, "retry: attempt ended", "attempt=Int64(1) elapsed=Duration(1ms)"}},
		{"LogAfter, named", hooks.LogAfter, slog.LevelInfo, named, entry{slog.LevelInfo, "retry: attempt ended",
			"name=String(GET example.com) attempt=Int64(2) error=Any(boom) elapsed=Duration(1.5s)"}},

		// LogEnd, for every Reason that it logs.
		{"LogEnd, stop", hooks.LogEnd, slog.LevelError, withReason(failed, retry.ReasonStop), entry{slog.LevelError, "retry: gave up",
			"reason=String(stop) attempts=Int64(2) error=Any(boom) delay=Duration(2s) elapsed=Duration(1.5s)"}},
		{"LogEnd, stop, rejected result", hooks.LogEnd, slog.LevelError + 2, withReason(rejected, retry.ReasonStop), entry{slog.LevelError + 2, "retry: gave up",
			"reason=String(stop) attempts=Int64(2) delay=Duration(2s) elapsed=Duration(1.5s)"}},
		{"LogEnd, stop, named", hooks.LogEnd, slog.LevelError, withReason(named, retry.ReasonStop), entry{slog.LevelError, "retry: gave up",
			"name=String(GET example.com) reason=String(stop) attempts=Int64(2) error=Any(boom) delay=Duration(2s) elapsed=Duration(1.5s)"}},
		{"LogEnd, deadline", hooks.LogEnd, slog.LevelWarn, withReason(failed, retry.ReasonDeadline), entry{slog.LevelWarn, "retry: gave up",
			"reason=String(deadline) attempts=Int64(2) error=Any(boom) delay=Duration(2s) elapsed=Duration(1.5s)"}},
		{"LogEnd, context, no delay", hooks.LogEnd, slog.LevelInfo, withReason(ended, retry.ReasonContext), entry{slog.LevelInfo, "retry: gave up",
			"reason=String(context) attempts=Int64(2) error=Any(boom) elapsed=Duration(1.5s)"}},
		// A retry refused is logged at the level given, as a refusal.
		{"LogEnd, budget", hooks.LogEnd, slog.LevelError, withReason(failed, retry.ReasonBudget), entry{slog.LevelError, "retry: retry refused",
			"reason=String(budget) attempts=Int64(2) error=Any(boom) delay=Duration(2s) elapsed=Duration(1.5s)"}},
		{"LogEnd, not idempotent", hooks.LogEnd, slog.LevelWarn, withReason(ended, retry.ReasonNotIdempotent), entry{slog.LevelWarn, "retry: retry refused",
			"reason=String(not_idempotent) attempts=Int64(2) error=Any(boom) elapsed=Duration(1.5s)"}},
		{"LogEnd, not replayable, named", hooks.LogEnd, slog.LevelWarn, withReason(retry.Attempt{Number: 1, Err: errBoom, Name: "POST example.com"}, retry.ReasonNotReplayable),
			entry{slog.LevelWarn, "retry: retry refused", "name=String(POST example.com) reason=String(not_replayable) attempts=Int64(1) error=Any(boom) elapsed=Duration(0s)"}},
		{"LogEnd, layer below", hooks.LogEnd, slog.LevelError, withReason(ended, retry.ReasonLayerBelow), entry{slog.LevelError, "retry: retry refused",
			"reason=String(layer_below) attempts=Int64(2) error=Any(boom) elapsed=Duration(1.5s)"}},
		// An error not retried is logged at Debug, whatever the level given.
		{"LogEnd, not retried, Error given", hooks.LogEnd, slog.LevelError, withReason(ended, retry.ReasonNotRetried), entry{slog.LevelDebug, "retry: not retried",
			"reason=String(not_retried) attempts=Int64(2) error=Any(boom) elapsed=Duration(1.5s)"}},
		{"LogEnd, not retried, Debug-4 given", hooks.LogEnd, slog.LevelDebug - 4, withReason(ended, retry.ReasonNotRetried), entry{slog.LevelDebug, "retry: not retried",
			"reason=String(not_retried) attempts=Int64(2) error=Any(boom) elapsed=Duration(1.5s)"}},
		{"LogEnd, not retried, named", hooks.LogEnd, slog.LevelWarn, withReason(retry.Attempt{Number: 1, Err: errBoom, Name: "q"}, retry.ReasonNotRetried),
			entry{slog.LevelDebug, "retry: not retried", "name=String(q) reason=String(not_retried) attempts=Int64(1) error=Any(boom) elapsed=Duration(0s)"}},
		{"LogEnd, unknown reason is a give-up", hooks.LogEnd, slog.LevelError, withReason(ended, 200), entry{slog.LevelError, "retry: gave up",
			"reason=String(Reason(200)) attempts=Int64(2) error=Any(boom) elapsed=Duration(1.5s)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{min: tt.want.level}
			tt.hook(slog.New(rec), tt.level).Run(tt.a)
			if got := rec.take(); !slices.Equal(got, []entry{tt.want}) {
				t.Errorf("got records %v, want [%v]", got, tt.want)
			}

			// One level below the handler's minimum: nothing.
			rec = &recorder{min: tt.want.level + 1}
			tt.hook(slog.New(rec), tt.level).Run(tt.a)
			if got := rec.take(); len(got) != 0 {
				t.Errorf("disabled level: got records %v, want none", got)
			}
		})
	}
}

// TestLogEndEveryReason checks that LogEnd writes exactly one record for every
// Reason package retry defines but success: at the level given, "retry: gave up"
// for stop, deadline and context and "retry: retry refused" for the reasons that
// Reason.Refused reports; at Debug, "retry: not retried" for not_retried.
func TestLogEndEveryReason(t *testing.T) {
	want := map[retry.Reason]entry{
		retry.ReasonNotRetried:    {slog.LevelDebug, "retry: not retried", "reason=String(not_retried) attempts=Int64(1) elapsed=Duration(0s)"},
		retry.ReasonNotIdempotent: {slog.LevelWarn, "retry: retry refused", "reason=String(not_idempotent) attempts=Int64(1) elapsed=Duration(0s)"},
		retry.ReasonNotReplayable: {slog.LevelWarn, "retry: retry refused", "reason=String(not_replayable) attempts=Int64(1) elapsed=Duration(0s)"},
		retry.ReasonLayerBelow:    {slog.LevelWarn, "retry: retry refused", "reason=String(layer_below) attempts=Int64(1) elapsed=Duration(0s)"},
		retry.ReasonStop:          {slog.LevelWarn, "retry: gave up", "reason=String(stop) attempts=Int64(1) elapsed=Duration(0s)"},
		retry.ReasonDeadline:      {slog.LevelWarn, "retry: gave up", "reason=String(deadline) attempts=Int64(1) elapsed=Duration(0s)"},
		retry.ReasonBudget:        {slog.LevelWarn, "retry: retry refused", "reason=String(budget) attempts=Int64(1) elapsed=Duration(0s)"},
		retry.ReasonGate:          {slog.LevelWarn, "retry: attempt refused", "reason=String(gate) attempts=Int64(1) elapsed=Duration(0s)"},
		retry.ReasonContext:       {slog.LevelWarn, "retry: gave up", "reason=String(context) attempts=Int64(1) elapsed=Duration(0s)"},
	}
	for r := retry.ReasonSuccess + 1; r.String() != fmt.Sprintf("Reason(%d)", r); r++ {
		w, ok := want[r]
		if !ok {
			t.Errorf("reason %v: no record expected by this test; add one", r)
			continue
		}
		rec := &recorder{min: slog.LevelDebug}
		hooks.LogEnd(slog.New(rec), slog.LevelWarn).Run(retry.Attempt{Number: 1, Reason: r})
		if got := rec.take(); !slices.Equal(got, []entry{w}) {
			t.Errorf("reason %v: got records %v, want [%v]", r, got, w)
		}
	}
}

// TestLogDurationRounding checks that every logger rounds the durations it logs:
// to the millisecond, or to the microsecond below one millisecond.
func TestLogDurationRounding(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{1234567891 * time.Nanosecond, "1.235s"},
		{1234499999 * time.Nanosecond, "1.234s"},
		{345678 * time.Nanosecond, "346µs"},
		{345499 * time.Nanosecond, "345µs"},
		{999499 * time.Nanosecond, "999µs"},
		{999500 * time.Nanosecond, "1ms"},
		{1000499 * time.Nanosecond, "1ms"},
		{1500 * time.Microsecond, "2ms"},
		{499 * time.Nanosecond, "0s"},
		{90*time.Minute + 499*time.Microsecond, "1h30m0s"},
		{0, "0s"},
		// Rounding up would overflow: truncated instead.
		{math.MaxInt64, "2562047h47m16.854s"},
		{math.MinInt64, "-2562047h47m16.854s"},
	}
	ctors := []struct {
		name string
		hook func(*slog.Logger, slog.Level) retry.Hook
		keys []string // the duration attributes it writes
	}{
		{"LogBefore", hooks.LogBefore, []string{"elapsed"}},
		{"LogAfter", hooks.LogAfter, []string{"elapsed"}},
		{"LogBeforeSleep", hooks.LogBeforeSleep, []string{"delay", "elapsed"}},
		{"LogEnd", hooks.LogEnd, []string{"delay", "elapsed"}},
	}
	for _, c := range ctors {
		for _, tt := range tests {
			got := map[string]string{}
			h := &funcHandler{handle: func(r slog.Record) {
				r.Attrs(func(a slog.Attr) bool {
					if a.Value.Kind() == slog.KindDuration {
						got[a.Key] = a.Value.Duration().String()
					}
					return true
				})
			}}
			a := retry.Attempt{Number: 2, Err: errBoom, Delay: tt.d, Elapsed: tt.d, Reason: retry.ReasonStop}
			c.hook(slog.New(h), slog.LevelInfo).Run(a)
			want := map[string]string{}
			for _, k := range c.keys {
				if k == "delay" && tt.d == 0 && c.name == "LogEnd" {
					continue // LogEnd leaves out a zero delay
				}
				want[k] = tt.want
			}
			if !maps.Equal(got, want) {
				t.Errorf("%s of %d ns: got durations %v, want %v", c.name, tt.d, got, want)
			}
		}
	}
}

// TestLogEndSilent checks that LogEnd logs nothing for a success, or for an Attempt
// whose Reason is zero (one not seen in OnEnd), at any level.
func TestLogEndSilent(t *testing.T) {
	for _, r := range []retry.Reason{0, retry.ReasonSuccess} {
		for _, level := range []slog.Level{slog.LevelDebug - 4, slog.LevelDebug, slog.LevelInfo, slog.LevelError} {
			rec := &recorder{min: slog.LevelDebug - 8}
			a := retry.Attempt{Number: 3, Elapsed: time.Second, Name: "q", Reason: r}
			hooks.LogEnd(slog.New(rec), level).Run(a)
			if got := rec.take(); len(got) != 0 {
				t.Errorf("reason %v at level %v: got records %v, want none", r, level, got)
			}
		}
	}
}

// TestLogErrorValue checks that the error attribute holds the error itself, so a
// handler can inspect it with errors.Is and errors.As.
func TestLogErrorValue(t *testing.T) {
	ctors := []struct {
		name string
		hook func(*slog.Logger, slog.Level) retry.Hook
	}{
		{"LogBeforeSleep", hooks.LogBeforeSleep},
		{"LogAfter", hooks.LogAfter},
		{"LogEnd", hooks.LogEnd},
	}
	for _, c := range ctors {
		t.Run(c.name, func(t *testing.T) {
			var got error
			h := &funcHandler{handle: func(r slog.Record) {
				r.Attrs(func(a slog.Attr) bool {
					if a.Key == "error" {
						got, _ = a.Value.Any().(error)
					}
					return true
				})
			}}
			c.hook(slog.New(h), slog.LevelInfo).Run(retry.Attempt{Number: 1, Err: errBoom, Reason: retry.ReasonStop})
			if got != errBoom {
				t.Errorf("got error attribute %v, want errBoom itself", got)
			}
		})
	}
}

func TestLogAllocs(t *testing.T) {
	a := retry.Attempt{Number: 2, Err: errBoom, Elapsed: time.Second, Delay: time.Second, Reason: retry.ReasonStop}
	named := a
	named.Name = "GET example.com"
	notRetried := named
	notRetried.Reason, notRetried.Delay = retry.ReasonNotRetried, 0
	// slog.Record keeps five attributes inline; a sixth, as LogEnd writes for a
	// named give-up with a delay (name, reason, attempts, error, delay, elapsed),
	// costs slog itself what logging six attributes directly costs (one
	// allocation, two under the race detector).
	six := []slog.Attr{
		slog.String("name", "x"), slog.String("reason", "stop"), slog.Int("attempts", 2),
		slog.Any("error", errBoom), slog.Duration("delay", time.Second), slog.Duration("elapsed", time.Second),
	}
	direct := slog.New(nopHandler{})
	slogSix := testing.AllocsPerRun(100, func() { direct.LogAttrs(context.Background(), slog.LevelError, "m", six...) })
	attempts := []struct {
		name string
		a    retry.Attempt
		// enabledAllocs is what the enabled case may cost, by constructor: what
		// slog costs for the record, for the hooks themselves add nothing.
		enabledAllocs map[string]float64
	}{
		{"unnamed", a, nil},
		{"named", named, map[string]float64{"LogEnd": slogSix}},
		{"named, not retried", notRetried, nil},
	}
	ctors := []struct {
		name string
		hook func(*slog.Logger, slog.Level) retry.Hook
	}{
		{"LogBeforeSleep", hooks.LogBeforeSleep},
		{"LogBefore", hooks.LogBefore},
		{"LogAfter", hooks.LogAfter},
		{"LogEnd", hooks.LogEnd},
	}
	for _, c := range ctors {
		for _, at := range attempts {
			t.Run(c.name+"/"+at.name, func(t *testing.T) {
				a := at.a
				disabled := c.hook(slog.New(slog.DiscardHandler), slog.LevelError)
				if n := testing.AllocsPerRun(100, func() { disabled.Run(a) }); n != 0 {
					t.Errorf("disabled level: got %v allocations, want 0", n)
				}
				recDisabled := c.hook(slog.New(&recorder{min: slog.LevelError}), slog.LevelWarn)
				if n := testing.AllocsPerRun(100, func() { recDisabled.Run(a) }); n != 0 {
					t.Errorf("level below the handler's: got %v allocations, want 0", n)
				}
				// Enabled, the hook itself adds nothing to what the handler does.
				enabled := c.hook(slog.New(nopHandler{}), slog.LevelError)
				want := at.enabledAllocs[c.name]
				if n := testing.AllocsPerRun(100, func() { enabled.Run(a) }); n != want {
					t.Errorf("enabled level, no-op handler: got %v allocations, want %v", n, want)
				}
			})
		}
	}
}

// TestLogEndNotRetriedAllocs checks that an error not retried, logged at Debug,
// costs nothing when Debug is disabled though the level given is enabled.
func TestLogEndNotRetriedAllocs(t *testing.T) {
	a := retry.Attempt{Number: 1, Err: errBoom, Name: "q", Reason: retry.ReasonNotRetried}
	rec := &recorder{min: slog.LevelInfo}
	h := hooks.LogEnd(slog.New(rec), slog.LevelError)
	if n := testing.AllocsPerRun(100, func() { h.Run(a) }); n != 0 {
		t.Errorf("got %v allocations, want 0", n)
	}
	if got := rec.take(); len(got) != 0 {
		t.Errorf("got records %v, want none", got)
	}
}

func BenchmarkLogBeforeSleep(b *testing.B) {
	a := retry.Attempt{Number: 2, Err: errBoom, Elapsed: time.Second, Delay: time.Second}
	for _, bb := range []struct {
		name string
		h    slog.Handler
	}{
		{"disabled", slog.DiscardHandler},
		{"enabled", nopHandler{}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			hook := hooks.LogBeforeSleep(slog.New(bb.h), slog.LevelWarn)
			b.ReportAllocs()
			for b.Loop() {
				hook.Run(a)
			}
		})
	}
}

func BenchmarkLogEnd(b *testing.B) {
	a := retry.Attempt{Number: 3, Err: errBoom, Elapsed: time.Second, Delay: time.Second, Reason: retry.ReasonStop}
	for _, bb := range []struct {
		name string
		h    slog.Handler
	}{
		{"disabled", slog.DiscardHandler},
		{"enabled", nopHandler{}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			hook := hooks.LogEnd(slog.New(bb.h), slog.LevelError)
			b.ReportAllocs()
			for b.Loop() {
				hook.Run(a)
			}
		})
	}
}

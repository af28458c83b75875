package retry

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// Strategies and hooks that declare that they read no time, as this module's
// packages do (which this package's own tests cannot import).
type (
	blindStop      int // stops after that many attempts
	blindWait      time.Duration
	blindPredicate bool
	blindHook      struct{}
)

func (n blindStop) Stop(a Attempt) bool        { return a.Number >= int(n) }
func (blindStop) ReadsTime() bool              { return false }
func (d blindWait) Wait(Attempt) time.Duration { return time.Duration(d) }
func (blindWait) ReadsTime() bool              { return false }
func (p blindPredicate) Match(Attempt) bool    { return bool(p) }
func (blindPredicate) ReadsTime() bool         { return false }
func (blindHook) Run(Attempt)                  {}
func (blindHook) ReadsTime() bool              { return false }

// countClock makes every clock read of the engine count in *reads until the
// test ends. The tests of this package run one at a time, so no other call
// reads the clock meanwhile.
func countClock(t *testing.T) *int {
	reads := new(int)
	read := monotonic
	monotonic = func() time.Duration {
		*reads++
		return read()
	}
	t.Cleanup(func() { monotonic = read })
	return reads
}

func TestReadsTime(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want bool
	}{
		{"nil", nil, false},
		{"nil Stop", Stop(nil), false},
		{"StopFunc", StopFunc(func(Attempt) bool { return false }), true},
		{"WaitFunc", WaitFunc(func(Attempt) time.Duration { return 0 }), true},
		{"PredicateFunc", PredicateFunc(func(Attempt) bool { return true }), true},
		{"HookFunc", HookFunc(func(Attempt) {}), true},
		{"declares false", blindStop(1), false},
		{"no declaration", struct{ Stop }{}, true},
		{"declares true", timedStop{}, true},
	}
	for _, tt := range tests {
		if got := ReadsTime(tt.v); got != tt.want {
			t.Errorf("ReadsTime(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

type timedStop struct{}

func (timedStop) Stop(a Attempt) bool { return a.Elapsed > time.Hour }
func (timedStop) ReadsTime() bool     { return true }

// TestClockReads counts the clock reads of calls: none when nothing reads
// time, at most one per retried failure, and one more for a hook that reads
// time at the start of an attempt or at the end of the call.
func TestClockReads(t *testing.T) {
	errFail := errors.New("transient")
	blind := Policy{Stop: blindStop(4), Wait: blindWait(time.Millisecond), Retry: blindPredicate(true)}
	with := func(f func(*Policy)) Policy {
		p := blind
		f(&p)
		return p
	}
	onEnd := HookFunc(func(Attempt) {})
	tests := []struct {
		name     string
		policy   Policy
		failures int   // transient failures before a success
		err      error // or, if set, the first attempt's error
		deadline bool  // the caller's context has a deadline
		stats    bool  // the caller asks for Stats
		want     int   // clock reads
	}{
		{name: "zero Policy, success", want: 0},
		{name: "zero Policy, three retries", failures: 3, want: 0},
		{name: "blind, success", policy: blind, want: 0},
		{name: "blind, three retries", policy: blind, failures: 3, want: 0},
		{name: "blind, permanent", policy: blind, err: Permanent(errFail), want: 0},
		{name: "blind, not retried", policy: with(func(p *Policy) { p.Retry = blindPredicate(false) }), err: errFail, want: 0},
		{name: "blind hooks, three retries", policy: with(func(p *Policy) {
			h := blindHook{}
			p.Before, p.After, p.BeforeSleep, p.OnEnd = h, h, h, h
		}), failures: 3, want: 0},
		{name: "deadline, three retries", policy: blind, failures: 3, deadline: true, want: 3},
		{name: "deadline, success", policy: blind, deadline: true, want: 0},
		{name: "timed Stop, three retries", policy: with(func(p *Policy) { p.Stop = timedStop{} }), failures: 3, want: 1 + 3},
		{name: "timed Stop and deadline, three retries", policy: with(func(p *Policy) { p.Stop = timedStop{} }), failures: 3, deadline: true, want: 1 + 3},
		{name: "timed OnEnd, success", policy: with(func(p *Policy) { p.OnEnd = onEnd }), want: 2},
		{name: "timed OnEnd, three retries", policy: with(func(p *Policy) { p.OnEnd = onEnd }), failures: 3, want: 1 + 3 + 1},
		{name: "timed Before, two retries", policy: with(func(p *Policy) { p.Before = onEnd }), failures: 2, want: 1 + 2 + 2},
		{name: "Stats, success", policy: blind, stats: true, want: 2},
		{name: "Stats, three retries", policy: blind, stats: true, failures: 3, want: 1 + 3 + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := context.Background()
				if tt.deadline {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, time.Hour)
					defer cancel()
				}
				var s Stats
				if tt.stats {
					ctx = WithStats(ctx, &s)
				}
				reads := countClock(t)
				calls := 0
				err := tt.policy.Run(ctx, func(context.Context) error {
					calls++
					switch {
					case tt.err != nil:
						return tt.err
					case calls <= tt.failures:
						return errFail
					}
					return nil
				})
				if (err != nil) != (tt.err != nil) {
					t.Fatalf("Run: %v", err)
				}
				if *reads != tt.want {
					t.Errorf("%d clock reads, want %d", *reads, tt.want)
				}
			})
		})
	}
}

// TestClockElapsed checks what a call that reads the clock reports, now that
// it reads it only when something uses it: Elapsed at each failure and at the
// end, and Slept as the pauses slept through.
func TestClockElapsed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var seen []Attempt
		record := HookFunc(func(a Attempt) { seen = append(seen, a) })
		p := Policy{Stop: blindStop(3), Wait: blindWait(time.Second), Retry: blindPredicate(true), After: record, OnEnd: record}
		var s Stats
		calls := 0
		err := p.Run(WithStats(context.Background(), &s), func(context.Context) error {
			calls++
			time.Sleep(10 * time.Millisecond)
			if calls < 3 {
				return errors.New("transient")
			}
			return nil
		})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		wantElapsed := []time.Duration{10 * time.Millisecond, 1020 * time.Millisecond, 2030 * time.Millisecond, 2030 * time.Millisecond}
		if len(seen) != len(wantElapsed) {
			t.Fatalf("hooks ran %d times, want %d", len(seen), len(wantElapsed))
		}
		for i, a := range seen {
			if a.Elapsed != wantElapsed[i] {
				t.Errorf("run %d: Elapsed %v, want %v", i+1, a.Elapsed, wantElapsed[i])
			}
		}
		if last := seen[len(seen)-1]; last.Slept != 2*time.Second {
			t.Errorf("OnEnd: Slept %v, want 2s", last.Slept)
		}
		if want := (Stats{Attempts: 3, Slept: 2 * time.Second, Elapsed: 2030 * time.Millisecond}); s != want {
			t.Errorf("Stats %+v, want %+v", s, want)
		}
	})
}

// TestClockCutShortPause checks Slept and Elapsed when the caller's context
// ends during a pause: the part of the pause slept, measured from the failure.
func TestClockCutShortPause(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var end Attempt
		p := Policy{Stop: blindStop(3), Wait: blindWait(time.Second), Retry: blindPredicate(true),
			OnEnd: HookFunc(func(a Attempt) { end = a })}
		ctx, cancel := context.WithTimeout(context.Background(), 1300*time.Millisecond)
		defer cancel()
		ctx, stop := context.WithCancel(ctx)
		time.AfterFunc(400*time.Millisecond, stop)
		err := p.Run(ctx, func(context.Context) error {
			time.Sleep(100 * time.Millisecond)
			return errors.New("transient")
		})
		var e *Error
		if !errors.As(err, &e) || e.Reason != ReasonContext {
			t.Fatalf("Run: %v, want a give-up for the context", err)
		}
		if end.Slept != 300*time.Millisecond || end.Elapsed != 400*time.Millisecond {
			t.Errorf("OnEnd: Slept %v, Elapsed %v; want 300ms and 400ms", end.Slept, end.Elapsed)
		}
	})
}

package stop

import (
	"time"

	"github.com/tenacious-go/tenacious/retry"
)

// AfterElapsed returns a Stop that gives up once d has passed since the first attempt
// began (retry.Attempt.Elapsed >= d). It is tenacity's stop_after_delay.
//
// It looks back, not ahead: a call that is still short of d when an attempt fails
// sleeps and tries again, so it may end as late as d plus one pause plus one attempt.
// To refuse a pause that would carry the call past d, use BeforeElapsed; for a hard
// bound, give the call's context a deadline. AfterElapsed panics if d is not positive.
func AfterElapsed(d time.Duration) retry.Stop {
	mustPositive("AfterElapsed", d)
	return afterElapsed(d)
}

type afterElapsed time.Duration

func (d afterElapsed) Stop(a retry.Attempt) bool { return a.Elapsed >= time.Duration(d) }

// BeforeElapsed returns a Stop that gives up when the next attempt would begin at d
// or later since the first one began: when retry.Attempt.Elapsed plus the pause
// about to be taken (retry.Attempt.Delay) reaches d. It is tenacity's
// stop_before_delay. The sum saturates, so a huge Delay gives up rather than wrapping
// around; a negative Elapsed or Delay counts as zero.
//
// Unlike AfterElapsed, it never sleeps into an attempt that would start after d, so
// the call ends by d plus the duration of its last attempt. BeforeElapsed panics if
// d is not positive.
func BeforeElapsed(d time.Duration) retry.Stop {
	mustPositive("BeforeElapsed", d)
	return beforeElapsed(d)
}

type beforeElapsed time.Duration

func (bd beforeElapsed) Stop(a retry.Attempt) bool {
	d := time.Duration(bd)
	elapsed := max(a.Elapsed, 0)
	// elapsed+delay >= d, written so that nothing can overflow: once
	// 0 <= elapsed < d, d-elapsed lies in (0, d].
	return elapsed >= d || max(a.Delay, 0) >= d-elapsed
}

func mustPositive(fn string, d time.Duration) {
	if d <= 0 {
		panic("stop: " + fn + ": d must be positive, got " + d.String())
	}
}

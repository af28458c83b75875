package hooks

import (
	"context"
	"log/slog"
	"time"

	"github.com/tenacious-go/tenacious/retry"
)

// Messages of the records the loggers write.
const (
	msgBefore     = "retry: attempt starting"
	msgAfter      = "retry: attempt ended"
	msgRetrying   = "retry: retrying"
	msgGaveUp     = "retry: gave up"
	msgRefused    = "retry: retry refused"
	msgGate       = "retry: attempt refused"
	msgNotRetried = "retry: not retried"
)

// LogBefore returns a Hook for Policy.Before that logs each attempt as it starts, to
// l at level: the counterpart of tenacity's before_log. Each record has the message
// "retry: attempt starting" and these attributes:
//
//   - name: the Policy's Name (string), left out when it is empty
//   - attempt: the number of the attempt (int, 1 for the first)
//   - elapsed: the time since the first attempt began (time.Duration, rounded;
//     zero for the first)
//
// When l is not enabled for level, the hook allocates nothing and builds no record.
// LogBefore panics if l is nil.
func LogBefore(l *slog.Logger, level slog.Level) retry.Hook {
	mustLogger("LogBefore", l)
	return retry.HookFunc(func(a retry.Attempt) {
		ctx := contextOf(a)
		if !l.Enabled(ctx, level) {
			return
		}
		var buf [3]slog.Attr
		attrs := appendName(buf[:0], a.Name)
		attrs = append(attrs, slog.Int("attempt", a.Number), duration("elapsed", a.Elapsed))
		l.LogAttrs(ctx, level, msgBefore, attrs...)
	})
}

// LogAfter returns a Hook for Policy.After that logs each attempt as it ends,
// successful or not, to l at level: the counterpart of tenacity's after_log. Each
// record has the message "retry: attempt ended" and these attributes:
//
//   - name: the Policy's Name (string), left out when it is empty
//   - attempt: the number of the attempt (int)
//   - error: its error (an error value), left out when the attempt succeeded or
//     its result was rejected by a Retrier's RetryResult
//   - elapsed: the time since the first attempt began (time.Duration, rounded)
//
// When l is not enabled for level, the hook allocates nothing and builds no record.
// LogAfter panics if l is nil. To log only the attempts that will be retried, use
// LogBeforeSleep.
func LogAfter(l *slog.Logger, level slog.Level) retry.Hook {
	mustLogger("LogAfter", l)
	return retry.HookFunc(func(a retry.Attempt) {
		ctx := contextOf(a)
		if !l.Enabled(ctx, level) {
			return
		}
		var buf [4]slog.Attr
		attrs := appendName(buf[:0], a.Name)
		attrs = append(attrs, slog.Int("attempt", a.Number))
		attrs = appendErr(attrs, a.Err)
		attrs = append(attrs, duration("elapsed", a.Elapsed))
		l.LogAttrs(ctx, level, msgAfter, attrs...)
	})
}

// LogBeforeSleep returns a Hook for Policy.BeforeSleep that logs each retry, once it
// is certain, to l at level: the counterpart of tenacity's before_sleep_log. Each
// record has the message "retry: retrying" and these attributes:
//
//   - name: the Policy's Name (string), left out when it is empty
//   - attempt: the number of the attempt that failed (int)
//   - error: its error (an error value), left out when it is nil (the attempt's
//     result was rejected by a Retrier's RetryResult)
//   - delay: the pause about to be taken (time.Duration, rounded)
//   - elapsed: the time since the first attempt began (time.Duration, rounded)
//
// When l is not enabled for level, the hook allocates nothing and builds no record.
// LogBeforeSleep panics if l is nil. See LogAfter to log every attempt, successful
// or not, and LogEnd to log how a call ended.
func LogBeforeSleep(l *slog.Logger, level slog.Level) retry.Hook {
	mustLogger("LogBeforeSleep", l)
	return retry.HookFunc(func(a retry.Attempt) {
		ctx := contextOf(a)
		if !l.Enabled(ctx, level) {
			return
		}
		var buf [5]slog.Attr
		attrs := appendName(buf[:0], a.Name)
		attrs = append(attrs, slog.Int("attempt", a.Number))
		attrs = appendErr(attrs, a.Err)
		attrs = append(attrs, duration("delay", a.Delay), duration("elapsed", a.Elapsed))
		l.LogAttrs(ctx, level, msgRetrying, attrs...)
	})
}

// LogEnd returns a Hook for Policy.OnEnd that explains every "no": it logs, once
// per call, why the call ended without the retry it may have wanted, according
// to Attempt.Reason:
//
//   - A retry refused (a Reason for which Reason.Refused is true: Retry wanted
//     another attempt and something else said no) is logged to l at level, with
//     the message "retry: retry refused": retry.ReasonNotIdempotent and
//     ReasonNotReplayable (an adapter's rule of safety), ReasonLayerBelow (a call
//     inside the attempt decided) and ReasonBudget (the retry budget).
//   - An attempt the Policy's Gate refused (retry.ReasonGate), a first attempt
//     or a retry, is logged to l at level, with the message "retry: attempt
//     refused".
//   - A give-up (retry.ReasonStop, ReasonDeadline, ReasonContext) is logged to l
//     at level, with the message "retry: gave up".
//   - An error that was not retried because Retry said no (retry.ReasonNotRetried:
//     a not-found, a Permanent error) is logged at slog.LevelDebug, whatever level
//     is given, with the message "retry: not retried". It is not a failure to
//     retry: such an error is the operation's own answer, which the caller
//     handles, so a service that answers many 404s does not fill the log at the
//     level given.
//   - A success (retry.ReasonSuccess), or an Attempt whose Reason is zero (not
//     in OnEnd), is not logged.
//
// A Reason this package does not know, should package retry add one, is logged as a
// give-up.
//
// Each record has these attributes:
//
//   - name: the Policy's Name (string), left out when it is empty
//   - reason: how the call ended, as Reason.String gives it ("stop", "deadline",
//     "context", "budget", "gate", "not_idempotent", "not_replayable",
//     "layer_below" or "not_retried")
//   - attempts: the number of attempts made (int)
//   - error: the last attempt's error (an error value), left out when it is nil
//     (the last result was rejected by a Retrier's RetryResult)
//   - delay: the pause that was chosen and not taken (time.Duration, rounded):
//     the one a Stop, the deadline or the budget refused, or the one the
//     context's end cut short; left out when it is zero, as when the call ended
//     before a pause was chosen
//   - elapsed: the time from the start of the first attempt to the end of the last
//     (time.Duration, rounded)
//
// Tenacity has no logger for this event (its nearest hook, retry_error_callback, is
// no logger). When l is not enabled for the level of the record, the hook allocates
// nothing and builds no record. LogEnd panics if l is nil.
func LogEnd(l *slog.Logger, level slog.Level) retry.Hook {
	mustLogger("LogEnd", l)
	return retry.HookFunc(func(a retry.Attempt) {
		lv, msg := level, msgGaveUp
		switch {
		case a.Reason == 0 || a.Reason == retry.ReasonSuccess:
			return
		case a.Reason == retry.ReasonNotRetried:
			lv, msg = slog.LevelDebug, msgNotRetried
		case a.Reason == retry.ReasonGate:
			msg = msgGate
		case a.Reason.Refused():
			msg = msgRefused
		}
		ctx := contextOf(a)
		if !l.Enabled(ctx, lv) {
			return
		}
		var buf [6]slog.Attr
		attrs := appendName(buf[:0], a.Name)
		attrs = append(attrs, slog.String("reason", a.Reason.String()), slog.Int("attempts", a.Number))
		attrs = appendErr(attrs, a.Err)
		if a.Delay != 0 {
			attrs = append(attrs, duration("delay", a.Delay))
		}
		attrs = append(attrs, duration("elapsed", a.Elapsed))
		l.LogAttrs(ctx, lv, msg, attrs...)
	})
}

// contextOf returns the call's context, so that handlers can read trace IDs from
// it, or context.Background for an Attempt made by hand.
func contextOf(a retry.Attempt) context.Context {
	if a.Context == nil {
		return context.Background()
	}
	return a.Context
}

// duration returns a time.Duration attribute of d rounded for a reader: to the
// millisecond, or to the microsecond below one millisecond.
func duration(key string, d time.Duration) slog.Attr {
	return slog.Duration(key, round(d))
}

// round rounds d to the millisecond, or to the microsecond if it is shorter than
// a millisecond either way. Near the ends of time.Duration's range, where rounding
// away from zero would overflow, it truncates instead.
func round(d time.Duration) time.Duration {
	unit := time.Millisecond
	if -time.Millisecond < d && d < time.Millisecond {
		unit = time.Microsecond
	}
	if r := d.Round(unit); r%unit == 0 { // not saturated
		return r
	}
	return d.Truncate(unit)
}

// appendName appends the name attribute when name is not empty.
func appendName(attrs []slog.Attr, name string) []slog.Attr {
	if name == "" {
		return attrs
	}
	return append(attrs, slog.String("name", name))
}

// appendErr appends the error attribute when err is not nil.
func appendErr(attrs []slog.Attr, err error) []slog.Attr {
	if err == nil {
		return attrs
	}
	return append(attrs, slog.Any("error", err))
}

func mustLogger(fn string, l *slog.Logger) {
	if l == nil {
		panic("hooks: " + fn + ": nil *slog.Logger")
	}
}

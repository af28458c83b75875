package hooks

import (
	"context"
	"log/slog"

	"github.com/tenacious-go/tenacious/retry"
)

// Messages of the records the loggers write.
const (
	msgBefore   = "retry: attempt starting"
	msgAfter    = "retry: attempt ended"
	msgRetrying = "retry: retrying"
	msgGiveUp   = "retry: giving up"
)

// Log returns a Hook for Retrier.BeforeSleep that logs each retry to l at level: the
// counterpart of tenacity's before_sleep_log. Each record has the message
// "retry: retrying" and these attributes:
//
//   - attempt: the number of the attempt that failed (int)
//   - error: its error (an error value), left out when it is nil (the attempt's
//     result was rejected by RetryResult)
//   - delay: the pause about to be taken (time.Duration)
//   - elapsed: the time since the first attempt began (time.Duration)
//
// When l is not enabled for level, the hook allocates nothing and builds no record.
// Log panics if l is nil. See LogAfter to log every attempt, successful or not, and
// LogGiveUp to log the end of a failed call.
func Log(l *slog.Logger, level slog.Level) retry.Hook {
	mustLogger("Log", l)
	return logHook(l, level, msgRetrying, "attempt", true)
}

// LogBefore returns a Hook for Retrier.Before that logs each attempt as it starts,
// to l at level: the counterpart of tenacity's before_log. Each record has the
// message "retry: attempt starting" and the attributes attempt (int, 1 for the first)
// and elapsed (time.Duration, zero for the first).
//
// When l is not enabled for level, the hook allocates nothing and builds no record.
// LogBefore panics if l is nil.
func LogBefore(l *slog.Logger, level slog.Level) retry.Hook {
	mustLogger("LogBefore", l)
	return func(a retry.Attempt) {
		ctx := contextOf(a)
		if !l.Enabled(ctx, level) {
			return
		}
		l.LogAttrs(ctx, level, msgBefore,
			slog.Int("attempt", a.Number), slog.Duration("elapsed", a.Elapsed))
	}
}

// LogAfter returns a Hook for Retrier.After that logs each attempt as it ends,
// successful or not, to l at level: the counterpart of tenacity's after_log. Each
// record has the message "retry: attempt ended" and the attributes attempt (int),
// error (an error value, left out when the attempt succeeded or its result was
// rejected) and elapsed (time.Duration, since the first attempt began).
//
// When l is not enabled for level, the hook allocates nothing and builds no record.
// LogAfter panics if l is nil. To log only the attempts that will be retried, use Log.
func LogAfter(l *slog.Logger, level slog.Level) retry.Hook {
	mustLogger("LogAfter", l)
	return logHook(l, level, msgAfter, "attempt", false)
}

// LogGiveUp returns a Hook for Retrier.OnGiveUp that logs the end of a failed call
// to l at level, whatever ended it: a Stop, the deadline, the budget, the context,
// or an error that is not retried (the Attempt does not say which; the error the
// call returns does). Each record has the message "retry: giving up" and the attributes
// attempts (int, the number made), error (the last attempt's error, left out when
// its result was rejected instead) and elapsed (time.Duration, from the start of the
// first attempt to the end of the last).
//
// Tenacity has no logger for this event; its nearest is retry_error_callback. When l
// is not enabled for level, the hook allocates nothing and builds no record.
// LogGiveUp panics if l is nil.
func LogGiveUp(l *slog.Logger, level slog.Level) retry.Hook {
	mustLogger("LogGiveUp", l)
	return logHook(l, level, msgGiveUp, "attempts", false)
}

// logHook returns a hook that logs msg with the attempt number under key, the
// error if any, the delay if withDelay, and the elapsed time, to the call's context.
func logHook(l *slog.Logger, level slog.Level, msg, key string, withDelay bool) retry.Hook {
	return func(a retry.Attempt) {
		ctx := contextOf(a)
		if !l.Enabled(ctx, level) {
			return
		}
		var buf [4]slog.Attr
		attrs := append(buf[:0], slog.Int(key, a.Number))
		attrs = appendErr(attrs, a.Err)
		if withDelay {
			attrs = append(attrs, slog.Duration("delay", a.Delay))
		}
		attrs = append(attrs, slog.Duration("elapsed", a.Elapsed))
		l.LogAttrs(ctx, level, msg, attrs...)
	}
}

// contextOf returns the call's context, so that handlers can read trace IDs from
// it, or context.Background for an Attempt made by hand.
func contextOf(a retry.Attempt) context.Context {
	if a.Context == nil {
		return context.Background()
	}
	return a.Context
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

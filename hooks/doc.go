// Package hooks builds the retry.Hook values that watch a call work, as cmpopts
// builds options for cmp. Its loggers write one log/slog record per event and are
// named after the Policy field they fill: LogBefore, LogAfter and LogBeforeSleep,
// the counterparts of tenacity's before_log, after_log and before_sleep_log, and
// LogEnd, which says how a call ended. All runs several hooks as one.
//
//	logger := slog.Default()
//	svc := retry.Policy{
//		Name:        "GET api.example.com",
//		BeforeSleep: hooks.LogBeforeSleep(logger, slog.LevelWarn),
//		OnEnd:       hooks.All(hooks.LogEnd(logger, slog.LevelError), countEnd),
//	}
//
// Every record carries the attribute name when the Policy has a Name. LogEnd
// explains every "no" once, with its reason as an attribute: a give-up ("retry: gave
// up": stop, deadline, context) and a retry refused ("retry: retry refused":
// not_idempotent, not_replayable, layer_below, budget) at the level it is given; an
// error that Retry did not retry (the operation's own answer, such as a not-found)
// at slog.LevelDebug only; and a success not at all.
//
// Durations (the attributes delay and elapsed) are rounded for a reader: to the
// millisecond, or to the microsecond below one millisecond, so 1.234567891s is
// logged as 1.235s and 345.678µs as 346µs. Nothing is logged unless a Policy holds
// one of these hooks: package retry itself never logs.
//
// A hook runs on the calling goroutine and the call waits for it, so it should be
// quick. The loggers here cost nothing beyond a call to the logger's Enabled method
// when their level is disabled. They read time, for the attribute elapsed, so a
// call whose Policy holds one reads the clock (see retry.ReadsTime); All reads time
// when a hook it runs does.
package hooks

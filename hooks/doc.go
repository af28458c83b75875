// Package hooks builds the retry.Hook values that watch a Retrier work, as cmpopts
// builds options for cmp. Its loggers write one log/slog record per event, the
// counterparts of tenacity's before_log, after_log and before_sleep_log, and All runs
// several hooks as one.
//
//	logger := slog.Default()
//	r := retry.Retrier[User]{
//		BeforeSleep: hooks.Log(logger, slog.LevelWarn),
//		OnGiveUp:    hooks.All(hooks.LogGiveUp(logger, slog.LevelError), countFailure),
//	}
//
// A hook runs on the calling goroutine and the call waits for it, so it should be
// quick. The loggers here cost nothing beyond a call to the logger's Enabled method
// when their level is disabled.
package hooks

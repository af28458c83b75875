// Package retry calls operations that fail for passing reasons (networks that drop,
// servers that are overloaded, rate limits) until they succeed, a strategy says stop,
// or the context ends.
//
// A [Retrier] is assembled from small values: a [Stop] (when to give up), a [Wait]
// (how long to pause), a [Predicate] (which failures are worth another attempt) and
// [Hook]s (to watch it work). They are plain func types over one [Attempt] snapshot,
// combined with methods such as [Stop.Or] and [Predicate.And]; packages stop, wait,
// predicate and hooks build the common ones, under the names Python's tenacity made
// familiar:
//
//	r := retry.Retrier[User]{
//		Stop:        stop.AfterAttempts(4).Or(stop.AfterElapsed(30 * time.Second)),
//		Wait:        wait.FullJitter(time.Second, 30*time.Second),
//		Retry:       predicate.Transient(),
//		BeforeSleep: hooks.Log(slog.Default(), slog.LevelWarn),
//	}
//	u, err := r.Do(ctx, func(ctx context.Context) (User, error) { return api.User(ctx, id) })
//
// The zero Retrier is ready to use, a Retrier is safe for concurrent use, and the
// success path allocates nothing. Each call keeps its own state: [WithStats] reads it.
//
// Per attempt, events come in this order: Before, the attempt, After; then, for a
// failure worth retrying, Wait chooses the pause, Stop sees it, the context's
// deadline is checked (a pause that would outlast it gives up at once), the
// [Budget], if any, is asked, BeforeSleep runs and the call sleeps; otherwise
// OnGiveUp runs and the call returns. A hook never fires for a retry that will not
// happen.
//
// An error that is not retried comes back unchanged; giving up on one that was
// returns an [*Error] that says why and unwraps to the last error and, if the context
// ended the call, to the context's error. Mark an error [Permanent] to stop at once.
//
// Panics are bugs: they are never recovered and never retried.
package retry

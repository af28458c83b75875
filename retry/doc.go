// Package retry calls operations that fail for passing reasons (networks that drop,
// servers that are overloaded, rate limits) until they succeed, a strategy says stop,
// or the context ends.
//
// A [Policy] is assembled from small values: a [Stop] (when to give up), a [Wait]
// (how long to pause), a [Predicate] (which failures are worth another attempt),
// [Hook]s (to watch it work), an attempt timeout and a [Budget]. They are plain func
// types over one [Attempt] snapshot; packages stop, wait, predicate, hooks and
// budget build and combine the common ones, under the names Python's tenacity made
// familiar. A service declares one Policy and every call shares it, whatever it
// returns:
//
//	users := &retry.Policy{
//		Name:        "users",
//		Stop:        stop.Any(stop.AfterAttempts(4), stop.AfterElapsed(30*time.Second)),
//		Wait:        wait.FullJitter(time.Second, 30*time.Second),
//		Retry:       predicate.Transient(),
//		BeforeSleep: hooks.LogBeforeSleep(slog.Default(), slog.LevelWarn),
//		OnEnd:       hooks.LogEnd(slog.Default(), slog.LevelError),
//		Budget:      budget.Default(),
//	}
//	u, err := retry.Do(ctx, users, func(ctx context.Context) (User, error) { return api.User(ctx, id) })
//	err = users.Run(ctx, func(ctx context.Context) error { return api.Ping(ctx) })
//
// [Do] infers the result type; a [Retrier] adds a result predicate to a Policy, and
// its [Retrier.Hedge] hedges the slow tail (see [Hedger]); [Policy.Run] serves
// error-only calls, [Policy.Loop] the range-over-func form, [Group] and [Map] many
// calls under one deadline, [Wrap] a decorator, and adapters such as retryhttp's
// Transport take the same Policy.
//
// The zero Policy is ready to use (4 attempts, full-jitter backoff), a Policy is
// safe for concurrent use, and a call that succeeds at once allocates once: its
// mark in the attempt's context. Each call keeps its own state: [WithStats]
// reads it.
//
// Retry at one layer: a call made inside an attempt of another (its context
// descends from the attempt's) that gives up after retrying, runs out of Budget,
// or refuses a retry for safety, decides for the layers above it, which do not
// retry that attempt ([ReasonLayerBelow]); stacked layers never multiply the
// attempts a server sees. [WithoutRetry], [WithPolicy] and [WithIgnoreLayers]
// override one call through its context, whatever its entry point.
//
// Per attempt, events come in this order: Before, the attempt, After; then, for a
// failure worth retrying while the caller's context lives, the pause is chosen (a
// server's hint carried by the error, such as an HTTP Retry-After, jittered above
// and capped by MaxRetryAfter; otherwise Wait), Stop sees it, the context's
// deadline is checked (a pause that would outlast it gives up at once), the
// [Budget], if any, is asked (it hears each attempt's [Class]: success, answered,
// transient or throttled), BeforeSleep runs and the call sleeps. When the call
// ends, however it ends, OnEnd runs once and Attempt.Reason says how. A hook never
// fires for a retry that will not happen.
//
// An error that is not retried comes back unchanged; giving up on one that was
// returns an [*Error] that says why and unwraps to the last error and, if the context
// ended the call, to the context's error; an adapter that refuses a retry for
// safety returns a [*NotRetriedError]. Mark an error [Permanent] to stop at once.
//
// Panics are bugs: they are never recovered and never retried.
package retry

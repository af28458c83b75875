package hooks_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
)

// dropTime removes the time from log records, so that the output is stable.
func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

func ExampleLogBeforeSleep() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: dropTime}))
	h := hooks.LogBeforeSleep(logger, slog.LevelWarn)

	// A Policy calls it before each pause; here, by hand.
	h.Run(retry.Attempt{Number: 2, Err: errors.New("connection refused"), Delay: 400 * time.Millisecond, Elapsed: 250 * time.Millisecond})
	// Output:
	// level=WARN msg="retry: retrying" attempt=2 error="connection refused" delay=400ms elapsed=250ms
}

// LogBeforeSleep in a real Policy: three attempts, so two retries and two records.
// The elapsed times, real here, are left out of the output.
func ExampleLogBeforeSleep_policy() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "elapsed" {
				return slog.Attr{}
			}
			return a
		},
	}))
	p := retry.Policy{
		Stop:        stop.AfterAttempts(3),
		Wait:        retry.WaitFunc(func(retry.Attempt) time.Duration { return 0 }),
		BeforeSleep: hooks.LogBeforeSleep(logger, slog.LevelWarn),
	}
	err := p.Run(context.Background(), func(context.Context) error {
		return errors.New("unavailable")
	})
	fmt.Println(err)
	// Output:
	// level=WARN msg="retry: retrying" attempt=1 error=unavailable delay=0s
	// level=WARN msg="retry: retrying" attempt=2 error=unavailable delay=0s
	// retry: gave up after 3 attempts: unavailable
}

func ExampleLogBefore() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level:       slog.LevelDebug,
		ReplaceAttr: dropTime,
	}))
	h := hooks.LogBefore(logger, slog.LevelDebug)

	h.Run(retry.Attempt{Number: 1})
	h.Run(retry.Attempt{Number: 2, Elapsed: 1200 * time.Millisecond})
	// Output:
	// level=DEBUG msg="retry: attempt starting" attempt=1 elapsed=0s
	// level=DEBUG msg="retry: attempt starting" attempt=2 elapsed=1.2s
}

func ExampleLogAfter() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: dropTime}))
	h := hooks.LogAfter(logger, slog.LevelInfo)

	h.Run(retry.Attempt{Number: 1, Err: errors.New("timeout"), Elapsed: 30 * time.Millisecond})
	h.Run(retry.Attempt{Number: 2, Elapsed: 150 * time.Millisecond})
	// Output:
	// level=INFO msg="retry: attempt ended" attempt=1 error=timeout elapsed=30ms
	// level=INFO msg="retry: attempt ended" attempt=2 elapsed=150ms
}

func ExampleLogEnd() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: dropTime}))
	h := hooks.LogEnd(logger, slog.LevelError)

	// A Policy calls it once, when the call ends; here, by hand. A give-up is
	// logged at the level given.
	h.Run(retry.Attempt{Number: 5, Err: errors.New("service unavailable"), Elapsed: 9 * time.Second,
		Delay: 2 * time.Second, Reason: retry.ReasonStop})
	// So is a retry that Retry wanted and something else refused, here a rule of
	// safety; durations are rounded.
	h.Run(retry.Attempt{Number: 1, Err: errors.New("connection reset"), Elapsed: 1234567891 * time.Nanosecond,
		Name: "POST example.com", Reason: retry.ReasonNotIdempotent})
	// An error not retried is logged at Debug, disabled here, and a success not at all.
	h.Run(retry.Attempt{Number: 1, Err: errors.New("not found"), Reason: retry.ReasonNotRetried})
	h.Run(retry.Attempt{Number: 2, Elapsed: time.Second, Reason: retry.ReasonSuccess})
	// Output:
	// level=ERROR msg="retry: gave up" reason=stop attempts=5 error="service unavailable" delay=2s elapsed=9s
	// level=ERROR msg="retry: retry refused" name="POST example.com" reason=not_idempotent attempts=1 error="connection reset" elapsed=1.235s
}

// LogEnd in a real, named Policy: the first call gives up, the second fails with a
// not-found that the Policy does not retry, which is no give-up. The elapsed times,
// real here, are left out of the output.
func ExampleLogEnd_policy() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "elapsed" {
				return slog.Attr{}
			}
			return a
		},
	}))
	errNotFound := errors.New("not found")
	p := retry.Policy{
		Name:  "GET example.com",
		Stop:  stop.AfterAttempts(2),
		Wait:  retry.WaitFunc(func(retry.Attempt) time.Duration { return 0 }),
		Retry: retry.PredicateFunc(func(a retry.Attempt) bool { return !errors.Is(a.Err, errNotFound) }),
		OnEnd: hooks.LogEnd(logger, slog.LevelError),
	}
	err := p.Run(context.Background(), func(context.Context) error { return errors.New("unavailable") })
	fmt.Println(err)
	err = p.Run(context.Background(), func(context.Context) error { return errNotFound })
	fmt.Println(err)
	// Output:
	// level=ERROR msg="retry: gave up" name="GET example.com" reason=stop attempts=2 error=unavailable
	// retry: gave up after 2 attempts: unavailable
	// not found
}

func ExampleAll() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: dropTime}))
	ends := 0
	h := hooks.All(
		hooks.LogEnd(logger, slog.LevelError),
		retry.HookFunc(func(retry.Attempt) { ends++ }), // a metric, say
	)

	h.Run(retry.Attempt{Number: 3, Err: errors.New("refused"), Elapsed: time.Second, Reason: retry.ReasonStop})
	fmt.Println("ends:", ends)
	fmt.Println("All() == nil:", hooks.All() == nil)
	// Output:
	// level=ERROR msg="retry: gave up" reason=stop attempts=3 error=refused elapsed=1s
	// ends: 1
	// All() == nil: true
}

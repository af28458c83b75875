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

func ExampleLog() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: dropTime}))
	h := hooks.Log(logger, slog.LevelWarn)

	// A Retrier calls it before each pause; here, by hand.
	h(retry.Attempt{Number: 2, Err: errors.New("connection refused"), Delay: 400 * time.Millisecond, Elapsed: 250 * time.Millisecond})
	// Output:
	// level=WARN msg="retry: retrying" attempt=2 error="connection refused" delay=400ms elapsed=250ms
}

// Log in a real Policy: three attempts, so two retries and two records. The elapsed
// times, real here, are left out of the output.
func ExampleLog_policy() {
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
		Wait:        func(retry.Attempt) time.Duration { return 0 },
		BeforeSleep: hooks.Log(logger, slog.LevelWarn),
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

	h(retry.Attempt{Number: 1})
	h(retry.Attempt{Number: 2, Elapsed: 1200 * time.Millisecond})
	// Output:
	// level=DEBUG msg="retry: attempt starting" attempt=1 elapsed=0s
	// level=DEBUG msg="retry: attempt starting" attempt=2 elapsed=1.2s
}

func ExampleLogAfter() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: dropTime}))
	h := hooks.LogAfter(logger, slog.LevelInfo)

	h(retry.Attempt{Number: 1, Err: errors.New("timeout"), Elapsed: 30 * time.Millisecond})
	h(retry.Attempt{Number: 2, Elapsed: 150 * time.Millisecond})
	// Output:
	// level=INFO msg="retry: attempt ended" attempt=1 error=timeout elapsed=30ms
	// level=INFO msg="retry: attempt ended" attempt=2 elapsed=150ms
}

func ExampleLogGiveUp() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: dropTime}))
	h := hooks.LogGiveUp(logger, slog.LevelError)

	h(retry.Attempt{Number: 5, Err: errors.New("service unavailable"), Elapsed: 9 * time.Second})
	// Output:
	// level=ERROR msg="retry: giving up" attempts=5 error="service unavailable" elapsed=9s
}

func ExampleAll() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: dropTime}))
	failures := 0
	h := hooks.All(
		hooks.LogGiveUp(logger, slog.LevelError),
		func(retry.Attempt) { failures++ }, // a metric, say
	)

	h(retry.Attempt{Number: 3, Err: errors.New("refused"), Elapsed: time.Second})
	fmt.Println("failures:", failures)
	fmt.Println("All() == nil:", hooks.All() == nil)
	// Output:
	// level=ERROR msg="retry: giving up" attempts=3 error=refused elapsed=1s
	// failures: 1
	// All() == nil: true
}

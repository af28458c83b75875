// Quickstart retries a function that fails twice, then one that always fails.
// Each retry and the give-up are logged. Run it with go run ./examples/quickstart.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"time"

	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

var errBusy = errors.New("users: busy")

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, nil))
	users := &retry.Policy{ // one per service, shared by every call to it
		Name:        "users",
		Wait:        wait.FullJitter(10*time.Millisecond, time.Second),
		BeforeSleep: hooks.LogBeforeSleep(logger, slog.LevelWarn),
		OnEnd:       hooks.LogEnd(logger, slog.LevelError),
	}
	calls := 0
	name, err := retry.Do(context.Background(), users, func(ctx context.Context) (string, error) {
		if calls++; calls < 3 {
			return "", errBusy
		}
		return "ada", nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("got %q after %d attempts\n", name, calls)

	_, err = retry.Do(context.Background(), users, func(ctx context.Context) (string, error) { return "", errBusy })
	var gaveUp *retry.Error
	if !errors.As(err, &gaveUp) || !errors.Is(err, errBusy) {
		log.Fatalf("want a give-up that wraps errBusy, got %v", err)
	}
	fmt.Printf("gave up after %d attempts (%s): %v\n", gaveUp.Attempts, gaveUp.Reason, err)
}

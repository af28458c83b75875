package predicate

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/retry"
)

// TestTransientInPolicy runs Transient in a real Policy on virtual time: a lower
// layer's deadline is retried while the caller's context lives, and the end of the
// caller's own context, which Transient cannot tell from an error value, ends the
// call because the engine checks it first.
func TestTransientInPolicy(t *testing.T) {
	driverDeadline := fmt.Errorf("driver: %w", context.DeadlineExceeded)
	tests := []struct {
		name         string
		timeout      time.Duration // the caller's deadline, from the start; 0: none
		op           func(ctx context.Context, cancel context.CancelFunc, attempt int) error
		wantAttempts int
		wantReason   retry.Reason // of the *retry.Error; 0: none wanted
		wantIs       error        // errors.Is(err, wantIs); nil: err == nil
	}{
		{"a lower layer's deadline is retried", 0, func(_ context.Context, _ context.CancelFunc, n int) error {
			if n < 3 {
				return driverDeadline
			}
			return nil
		}, 3, 0, nil},
		{"a lower layer's deadline, until the Stop", 0, func(context.Context, context.CancelFunc, int) error {
			return driverDeadline
		}, retry.DefaultAttempts, retry.ReasonStop, context.DeadlineExceeded},
		{"the caller's deadline ends the call", 10 * time.Second, func(ctx context.Context, _ context.CancelFunc, _ int) error {
			<-ctx.Done()
			return fmt.Errorf("driver: %w", ctx.Err())
		}, 1, retry.ReasonContext, context.DeadlineExceeded},
		{"the caller's cancellation ends the call", 0, func(ctx context.Context, cancel context.CancelFunc, _ int) error {
			cancel()
			return ctx.Err()
		}, 1, retry.ReasonContext, context.Canceled},
		{"a lower layer's cancellation is not retried", 0, func(context.Context, context.CancelFunc, int) error {
			return fmt.Errorf("driver: %w", context.Canceled)
		}, 1, 0, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if tt.timeout > 0 {
					var cancelTimeout context.CancelFunc
					ctx, cancelTimeout = context.WithTimeout(ctx, tt.timeout)
					defer cancelTimeout()
				}
				p := retry.Policy{
					Retry: Transient(),
					Wait:  retry.WaitFunc(func(retry.Attempt) time.Duration { return time.Second }),
				}
				attempts := 0
				err := p.Run(ctx, func(ctx context.Context) error {
					attempts++
					return tt.op(ctx, cancel, attempts)
				})
				if attempts != tt.wantAttempts {
					t.Errorf("got %d attempts, want %d", attempts, tt.wantAttempts)
				}
				var re *retry.Error
				switch {
				case tt.wantIs == nil && err != nil:
					t.Fatalf("got error %v, want none", err)
				case tt.wantIs != nil && !errors.Is(err, tt.wantIs):
					t.Errorf("errors.Is(%v, %v) = false, want true", err, tt.wantIs)
				case tt.wantReason == 0 && errors.As(err, &re):
					t.Errorf("got %v, a *retry.Error, want the error unchanged", err)
				case tt.wantReason != 0 && !errors.As(err, &re):
					t.Errorf("got %v, want a *retry.Error", err)
				case tt.wantReason != 0 && re.Reason != tt.wantReason:
					t.Errorf("got reason %v, want %v", re.Reason, tt.wantReason)
				}
			})
		})
	}
}

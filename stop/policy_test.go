package stop_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
)

// TestWithPolicy runs each Stop in a real Policy on virtual time: every attempt
// fails at once and every pause is one second, so attempt n ends at (n-1)s.
func TestWithPolicy(t *testing.T) {
	tests := []struct {
		name         string
		stop         func(closed chan struct{}) retry.Stop
		closeAt      int // close the channel during this attempt; 0: never
		wantAttempts int
		wantElapsed  time.Duration
	}{
		{"AfterAttempts(1)", func(chan struct{}) retry.Stop { return stop.AfterAttempts(1) }, 0, 1, 0},
		{"AfterAttempts(4)", func(chan struct{}) retry.Stop { return stop.AfterAttempts(4) }, 0, 4, 3 * time.Second},
		// Attempt 2 ends at 1s, short of 2s; attempt 3 ends at 2s, at d, so stop.
		{"AfterElapsed(2s)", func(chan struct{}) retry.Stop { return stop.AfterElapsed(2 * time.Second) }, 0, 3, 2 * time.Second},
		{"AfterElapsed(2s+1ns)", func(chan struct{}) retry.Stop { return stop.AfterElapsed(2*time.Second + 1) }, 0, 4, 3 * time.Second},
		// After attempt 2 (1s), the next would start at 2s: at d, so stop.
		{"BeforeElapsed(2s)", func(chan struct{}) retry.Stop { return stop.BeforeElapsed(2 * time.Second) }, 0, 2, time.Second},
		{"BeforeElapsed(2s+1ns)", func(chan struct{}) retry.Stop { return stop.BeforeElapsed(2*time.Second + 1) }, 0, 3, 2 * time.Second},
		{"WhenClosed", func(c chan struct{}) retry.Stop { return stop.WhenClosed(c) }, 3, 3, 2 * time.Second},
		{"Any", func(c chan struct{}) retry.Stop {
			return stop.Any(stop.AfterAttempts(5), stop.WhenClosed(c))
		}, 2, 2, time.Second},
		{"All", func(c chan struct{}) retry.Stop {
			return stop.All(stop.AfterAttempts(2), stop.WhenClosed(c))
		}, 4, 4, 3 * time.Second},
		{"Never, bounded by Any", func(chan struct{}) retry.Stop {
			return stop.Any(stop.Never(), stop.AfterAttempts(6))
		}, 0, 6, 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				closed := make(chan struct{})
				boom := errors.New("boom")
				p := retry.Policy{
					Stop: tt.stop(closed),
					Wait: retry.WaitFunc(func(retry.Attempt) time.Duration { return time.Second }),
				}
				var stats retry.Stats
				ctx := retry.WithStats(context.Background(), &stats)
				attempts := 0
				err := p.Run(ctx, func(context.Context) error {
					attempts++
					if attempts == tt.closeAt {
						close(closed)
					}
					return boom
				})
				var re *retry.Error
				if !errors.As(err, &re) {
					t.Fatalf("got error %v, want a *retry.Error", err)
				}
				if re.Reason != retry.ReasonStop {
					t.Errorf("got reason %v, want %v", re.Reason, retry.ReasonStop)
				}
				if !errors.Is(err, boom) {
					t.Errorf("errors.Is(%v, boom) = false, want true", err)
				}
				if attempts != tt.wantAttempts || re.Attempts != tt.wantAttempts {
					t.Errorf("got %d attempts (Error.Attempts %d), want %d", attempts, re.Attempts, tt.wantAttempts)
				}
				if stats.Elapsed != tt.wantElapsed {
					t.Errorf("got elapsed %v, want %v", stats.Elapsed, tt.wantElapsed)
				}
			})
		})
	}
}

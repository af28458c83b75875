package stop_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// TestReadsTime checks what every Stop of the package tells a call about reading
// time: AfterElapsed and BeforeElapsed read Attempt.Elapsed, the others do not, and
// Any and All read time exactly when a Stop they combine does.
func TestReadsTime(t *testing.T) {
	closed := make(chan struct{})
	counting := stop.AfterAttempts(3)                                    // reads no time
	elapsed := stop.AfterElapsed(time.Second)                            // reads time
	adapted := retry.StopFunc(func(retry.Attempt) bool { return false }) // assumed to read time
	tests := []struct {
		name string
		s    retry.Stop
		want bool
	}{
		{"AfterAttempts", stop.AfterAttempts(1), false},
		{"AfterElapsed", stop.AfterElapsed(time.Minute), true},
		{"BeforeElapsed", stop.BeforeElapsed(time.Minute), true},
		{"Never", stop.Never(), false},
		{"WhenClosed", stop.WhenClosed(closed), false},
		{"StopFunc", adapted, true},

		{"Any/one blind", stop.Any(counting), false},
		{"Any/one AfterElapsed", stop.Any(elapsed), true},
		{"Any/blind", stop.Any(counting, stop.Never(), stop.WhenClosed(closed)), false},
		{"Any/AfterElapsed first", stop.Any(elapsed, counting, stop.Never()), true},
		{"Any/BeforeElapsed last", stop.Any(counting, stop.Never(), stop.BeforeElapsed(time.Minute)), true},
		{"Any/StopFunc", stop.Any(counting, adapted), true},
		{"Any/nested blind", stop.Any(stop.All(counting, stop.Never()), stop.WhenClosed(closed)), false},
		{"Any/nested AfterElapsed", stop.Any(counting, stop.All(stop.Never(), elapsed)), true},

		{"All/one blind", stop.All(stop.Never()), false},
		{"All/one BeforeElapsed", stop.All(stop.BeforeElapsed(time.Minute)), true},
		{"All/blind", stop.All(counting, stop.WhenClosed(closed), stop.Never()), false},
		{"All/AfterElapsed first", stop.All(elapsed, counting), true},
		{"All/BeforeElapsed last", stop.All(counting, stop.WhenClosed(closed), stop.BeforeElapsed(time.Minute)), true},
		{"All/StopFunc", stop.All(adapted, counting), true},
		{"All/nested blind", stop.All(counting, stop.Any(stop.Never(), stop.WhenClosed(closed))), false},
		{"All/nested StopFunc", stop.All(stop.Any(counting, adapted), stop.Never()), true},
	}
	for _, tt := range tests {
		if got := retry.ReadsTime(tt.s); got != tt.want {
			t.Errorf("ReadsTime(%s): got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestElapsedReadsClock runs, on virtual time, Policies whose Stop reads time only
// through AfterElapsed or BeforeElapsed inside Any or All, and whose Wait, a
// wait.Fixed of one second, reads none; no Stats are asked for. The Stop alone
// makes the call read the clock, and so stops it on time: attempt n ends at (n-1)s.
// A deadline of one minute bounds a call that would not.
func TestElapsedReadsClock(t *testing.T) {
	tests := []struct {
		name         string
		stop         retry.Stop
		wantAttempts int
	}{
		{"AfterElapsed", stop.AfterElapsed(2 * time.Second), 3},
		{"Any/AfterElapsed", stop.Any(stop.AfterAttempts(10), stop.AfterElapsed(2*time.Second)), 3},
		{"Any/BeforeElapsed", stop.Any(stop.Never(), stop.BeforeElapsed(2*time.Second)), 2},
		{"All/AfterElapsed", stop.All(stop.AfterAttempts(2), stop.AfterElapsed(3*time.Second)), 4},
		{"Any/All/BeforeElapsed", stop.Any(stop.AfterAttempts(10), stop.All(stop.Never(), stop.AfterAttempts(9)),
			stop.All(stop.AfterAttempts(1), stop.BeforeElapsed(4*time.Second))), 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				p := retry.Policy{Stop: tt.stop, Wait: wait.Fixed(time.Second)}
				attempts := 0
				err := p.Run(ctx, func(context.Context) error { attempts++; return errors.New("boom") })
				var re *retry.Error
				if !errors.As(err, &re) || re.Reason != retry.ReasonStop {
					t.Errorf("got error %v, want a *retry.Error with reason %v", err, retry.ReasonStop)
				}
				if attempts != tt.wantAttempts {
					t.Errorf("got %d attempts, want %d", attempts, tt.wantAttempts)
				}
			})
		})
	}
}

package stop_test

import (
	"context"
	"sync"
	"testing"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
)

func TestWhenClosed(t *testing.T) {
	ch := make(chan struct{})
	s := stop.WhenClosed(ch)
	a := retry.Attempt{Number: 1}
	for range 2 {
		if s.Stop(a) {
			t.Fatal("before close: got true, want false")
		}
	}
	close(ch)
	for range 2 { // closing is seen by every later check, not only the first
		if !s.Stop(a) {
			t.Fatal("after close: got false, want true")
		}
	}
}

func TestWhenClosedContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := stop.WhenClosed(ctx.Done())
	if s.Stop(retry.Attempt{Number: 1}) {
		t.Fatal("before cancel: got true, want false")
	}
	cancel()
	if !s.Stop(retry.Attempt{Number: 1}) {
		t.Fatal("after cancel: got false, want true")
	}
}

// TestWhenClosedConcurrent shares one Stop between goroutines while the channel is
// closed, for the race detector.
func TestWhenClosedConcurrent(t *testing.T) {
	ch := make(chan struct{})
	s := stop.WhenClosed(ch)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				s.Stop(retry.Attempt{Number: 1})
			}
		})
	}
	close(ch)
	wg.Wait()
	if !s.Stop(retry.Attempt{Number: 1}) {
		t.Fatal("after close: got false, want true")
	}
}

package retry_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

var errTransient = errors.New("transient")

//go:noinline
func libraryWork(i int) (int, error) { return strconv.Atoi(strconv.Itoa(i)) }

var librarySink int

// BenchmarkDoSuccessLibrary is the success path of a Retrier built from the stop,
// wait and predicate constructors, which read neither Elapsed nor Slept: it needs no
// clock read. Compare with BenchmarkDirect and BenchmarkDoSuccessConfigured (func
// literals, which may read anything, so the call reads the clock).
func BenchmarkDoSuccessLibrary(b *testing.B) {
	r := retry.Retrier[int]{
		Stop:  stop.AfterAttempts(4),
		Wait:  wait.FullJitter(time.Second, 30*time.Second),
		Retry: predicate.ErrorIs(errTransient),
	}
	b.ReportAllocs()
	ctx := context.Background()
	i := 0
	op := func(context.Context) (int, error) { return libraryWork(i) }
	for b.Loop() {
		i++
		v, _ := r.Do(ctx, op)
		librarySink = v
	}
}

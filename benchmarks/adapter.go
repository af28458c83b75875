package benchmarks

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// ErrTransient is the only error the shared policy retries; every other error is
// permanent.
var ErrTransient = errors.New("benchmarks: transient")

// The shared policy: at most MaxAttempts attempts, with exponential backoff from
// Base to Cap and jitter between them.
const (
	MaxAttempts = 4
	Base        = time.Second
	Cap         = 30 * time.Second
)

// Op is the operation a library retries: one attempt.
type Op func(ctx context.Context) (int, error)

// Retry calls op under one library's expression of the shared policy and returns
// op's last result and the library's error.
type Retry func(ctx context.Context, op Op) (int, error)

// Pause says how long a Retry pauses between attempts.
type Pause struct {
	// Base is the first pause; zero means no pause at all, written in the way the
	// library offers for that.
	Base time.Duration
	// Fixed makes every pause exactly Base, without growth or jitter; otherwise the
	// pauses grow exponentially from Base to Cap, with jitter.
	Fixed bool
}

// Backoff is the shared policy's pause: exponential from Base to Cap, with jitter.
var Backoff = Pause{Base: Base}

// Adapter builds one library's Retry.
type Adapter struct {
	// Name names the library in benchmark names and results.
	Name string
	// New returns a Retry with pauses p. What the library lets one share between
	// calls is built once, in New; the rest is built by each call, as its
	// documentation shows.
	New func(p Pause) Retry
}

// Adapters lists every library, ours first.
var Adapters = []Adapter{
	{Name: "tenacious", New: newTenacious},
	{Name: "cenkalti-backoff", New: newCenkalti},
	{Name: "avast-retry-go", New: newAvast},
	{Name: "sethvargo-go-retry", New: newSethvargo},
	{Name: "failsafe-go", New: newFailsafe},
}

// Direct is the baseline: op called directly through a func value, and again while
// it fails with ErrTransient, up to MaxAttempts calls, without pausing or looking
// at the context.
func Direct(ctx context.Context, op Op) (int, error) {
	for n := 1; ; n++ {
		v, err := op(ctx)
		if err != ErrTransient || n == MaxAttempts {
			return v, err
		}
	}
}

// Work is the small piece of real work every benchmark's operation does: it
// formats i and parses it back, on the stack, so that it allocates nothing and
// every allocation measured is the library's.
//
//go:noinline
func Work(i int) (int, error) {
	var buf [20]byte
	return strconv.Atoi(string(strconv.AppendInt(buf[:0], int64(i), 10)))
}

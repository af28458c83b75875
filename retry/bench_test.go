package retry

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"
)

// The operation every benchmark retries: a small piece of real work (formatting and
// parsing a number), called through a func value as a Retrier calls it.
//
//go:noinline
func work(_ context.Context, i int) (int, error) {
	n, err := strconv.Atoi(strconv.Itoa(i))
	return n + 1, err
}

var errBench = errors.New("transient")

// benchPolicy is the same policy for every benchmark: 4 attempts, a pause of a
// second, retry only errBench, with strategies that read no time, as those of
// this module's packages (stop, wait, predicate) do.
func benchPolicy() *Policy {
	return &Policy{Stop: blindStop(4), Wait: blindWait(time.Second), Retry: errorIs{errBench}}
}

// errorIs is predicate.ErrorIs of one target.
type errorIs struct{ target error }

func (p errorIs) Match(a Attempt) bool { return errors.Is(a.Err, p.target) }
func (errorIs) ReadsTime() bool        { return false }

var sink int

// BenchmarkDirect calls the operation directly, through the same closure the Do
// benchmarks pass to Do.
func BenchmarkDirect(b *testing.B) {
	b.ReportAllocs()
	ctx := context.Background()
	i := 0
	op := func(ctx context.Context) (int, error) { return work(ctx, i) }
	for b.Loop() {
		i++
		v, _ := op(ctx)
		sink = v
	}
}

func benchDo(b *testing.B, p *Policy) {
	b.ReportAllocs()
	ctx := context.Background()
	i := 0
	op := func(ctx context.Context) (int, error) { return work(ctx, i) }
	for b.Loop() {
		i++
		v, _ := Do(ctx, p, op)
		sink = v
	}
}

func BenchmarkDoSuccessZero(b *testing.B)       { benchDo(b, &Policy{}) }
func BenchmarkDoSuccessConfigured(b *testing.B) { benchDo(b, benchPolicy()) }

func BenchmarkDoPermanent(b *testing.B) {
	b.ReportAllocs()
	p := benchPolicy()
	ctx := context.Background()
	errPerm := errors.New("permanent")
	op := func(context.Context) (int, error) { return 0, errPerm }
	for b.Loop() {
		_, err := Do(ctx, p, op)
		if err != errPerm {
			b.Fatal(err)
		}
	}
}

func BenchmarkDoThreeZeroDelayRetries(b *testing.B) {
	b.ReportAllocs()
	p := benchPolicy()
	p.Wait = blindWait(0)
	ctx := context.Background()
	n := 0
	op := func(ctx context.Context) (int, error) {
		if n++; n%4 != 0 {
			return 0, errBench
		}
		return work(ctx, n)
	}
	for b.Loop() {
		if _, err := Do(ctx, p, op); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDoGiveUpZeroDelay(b *testing.B) {
	b.ReportAllocs()
	p := benchPolicy()
	p.Wait = blindWait(0)
	ctx := context.Background()
	op := func(context.Context) (int, error) { return 0, errBench }
	for b.Loop() {
		if _, err := Do(ctx, p, op); err == nil {
			b.Fatal("want an error")
		}
	}
}

// BenchmarkRetrierDoSuccess is the success path of a Retrier: the policy plus a
// result predicate.
func BenchmarkRetrierDoSuccess(b *testing.B) {
	r := Retrier[int]{Policy: benchPolicy(), RetryResult: func(v int) bool { return v < 0 }}
	b.ReportAllocs()
	ctx := context.Background()
	i := 0
	op := func(ctx context.Context) (int, error) { return work(ctx, i) }
	for b.Loop() {
		i++
		v, _ := r.Do(ctx, op)
		sink = v
	}
}

// BenchmarkHedgeNeverHedges is a hedged call whose attempt answers long before
// the hedge delay, beside BenchmarkRetrierDoSuccess, the same call without
// hedging: what hedging costs a call that never hedges.
func BenchmarkHedgeNeverHedges(b *testing.B) {
	b.ReportAllocs()
	ctx := context.Background()
	r := Retrier[int]{Policy: &Policy{Hedger: fixedHedger(time.Second)}}
	op := func(ctx context.Context) (int, error) { return work(ctx, 1) } // captures nothing: op itself costs no allocation
	for b.Loop() {
		v, _ := r.Hedge(ctx, op)
		sink = v
	}
}

// fixedHedger hedges after d, once.
type fixedHedger time.Duration

func (h fixedHedger) Delay(inflight int) (time.Duration, bool) {
	return time.Duration(h), inflight < 2
}
func (fixedHedger) Observe(time.Duration) {}

// BenchmarkDoSuccessOnEnd measures what an OnEnd hook adds to a call that
// succeeds at once: its own call if it reads no time, and two clock reads (the
// call's start and end) if it does.
func BenchmarkDoSuccessOnEnd(b *testing.B) {
	for _, bb := range []struct {
		name string
		hook Hook
	}{
		{"none", nil},
		{"reads no time", blindHook{}},
		{"reads time", HookFunc(func(Attempt) {})},
	} {
		b.Run(bb.name, func(b *testing.B) {
			p := benchPolicy()
			p.OnEnd = bb.hook
			benchDo(b, p)
		})
	}
}

package retrygrpc_test

import (
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
	"github.com/tenacious-go/tenacious/wait"
)

// lastEnd keeps the last Attempt an OnEnd hook saw; it is safe for concurrent
// use.
type lastEnd struct {
	mu sync.Mutex
	a  retry.Attempt
	n  int
}

func (e *lastEnd) record(a retry.Attempt) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.a, e.n = a, e.n+1
}

func (e *lastEnd) last() (retry.Attempt, int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.a, e.n
}

// noTimeEnd is a lastEnd as an OnEnd hook that says it reads no time (see
// retry.ReadsTime).
type noTimeEnd lastEnd

func (e *noTimeEnd) Run(a retry.Attempt) { (*lastEnd)(e).record(a) }

func (e *noTimeEnd) ReadsTime() bool { return false }

// TestReadsTimeThroughInterceptors checks, in virtual time, that the
// interceptors keep the engine off the clock when nothing in the Policy reads
// time: their own Retry, Throttled and OnEnd, which stand in front of the
// Policy's, answer retry.ReadsTime for what they run of it. A call that fails
// twice, pausing a second each time, then succeeds, ends for an OnEnd that says
// it reads no time with Attempt.Elapsed zero, whether the Policy's Retry is nil
// (the gRPC table) or one of this package's with a Budget; a retry.HookFunc
// OnEnd, which may read time, sees the call's real elapsed time, its two
// seconds of pauses. A retry.PredicateFunc Retry may read time too: the clock
// then runs for every hook. Slept counts the pauses slept through either way.
func TestReadsTimeThroughInterceptors(t *testing.T) {
	const pause = time.Second
	tests := []struct {
		name      string
		readsTime bool // OnEnd is a retry.HookFunc, else a noTimeEnd
		retry     retry.Predicate
		b         retry.Budget
		check     func(elapsed time.Duration) bool
		want      string
	}{
		{
			name:  "OnEnd reads no time",
			check: func(el time.Duration) bool { return el == 0 },
			want:  "0",
		},
		{
			name:  "OnEnd reads no time, with Transient and a Budget",
			retry: retrygrpc.Transient(),
			b:     budget.Default(),
			check: func(el time.Duration) bool { return el == 0 },
			want:  "0",
		},
		{
			name:      "retry.HookFunc OnEnd",
			readsTime: true,
			check:     func(el time.Duration) bool { return el == 2*pause },
			want:      "the pauses, 2s",
		},
		{
			name:  "OnEnd reads no time, retry.PredicateFunc Retry",
			retry: retry.PredicateFunc(retrygrpc.Transient().Match),
			check: func(el time.Duration) bool { return el > 0 },
			want:  "more than 0: the clock runs for the Policy's Retry",
		},
	}
	for _, r := range unaryAndStream {
		for _, tt := range tests {
			t.Run(r.name+"/"+tt.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					var e lastEnd
					var h retry.Hook = (*noTimeEnd)(&e)
					if tt.readsTime {
						h = retry.HookFunc(e.record)
					}
					p := &retry.Policy{Wait: wait.Fixed(pause), Retry: tt.retry, Budget: tt.b, OnEnd: h}
					_, conn := serveBubble(t, failFirst(2, answer{err: unavailable}, answer{msgs: 1}), p)
					start := time.Now()
					if err := r.rpc(t.Context(), conn); err != nil {
						t.Fatal(err)
					}
					if took := time.Since(start); took != 2*pause {
						t.Errorf("the call took %v, want its two pauses, %v", took, 2*pause)
					}
					a, n := e.last()
					if n != 1 || a.Reason != retry.ReasonSuccess || a.Number != 3 {
						t.Fatalf("OnEnd ran %d times, last with %v after %d attempts; want once, success after 3", n, a.Reason, a.Number)
					}
					if !tt.check(a.Elapsed) {
						t.Errorf("OnEnd saw Elapsed %v, want %s", a.Elapsed, tt.want)
					}
					if a.Slept != 2*pause {
						t.Errorf("OnEnd saw Slept %v, want the pauses slept through, %v", a.Slept, 2*pause)
					}
				})
			})
		}
	}
}

// TestPredicatesReadNoTime checks that the predicates of the package tell a
// call that they read no time, so that a Policy of them needs no clock.
func TestPredicatesReadNoTime(t *testing.T) {
	for name, p := range map[string]retry.Predicate{
		"Transient": retrygrpc.Transient(),
		"Codes":     retrygrpc.Codes(codes.Aborted, codes.Code(100)),
	} {
		if retry.ReadsTime(p) {
			t.Errorf("%s: retry.ReadsTime = true, want false", name)
		}
	}
}

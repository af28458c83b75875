package retrygrpc_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
	"github.com/tenacious-go/tenacious/wait"
)

// TestConcurrentRPCs runs many unary and streaming RPCs at once through one
// pair of interceptors and one Policy, with hooks and a budget, against a server
// that fails the first attempt of every call: every RPC succeeds, and the
// counts add up. Run with -race, it checks that a call keeps its state to itself.
func TestConcurrentRPCs(t *testing.T) {
	const goroutines, rounds = 32, 20
	srv, addr := serveAttempts(t, func(attempt int) answer {
		if attempt == 1 {
			return answer{err: unavailable}
		}
		return answer{msgs: 2}
	})
	var before, ends atomic.Int64
	p := &retry.Policy{
		Wait:   wait.None(),
		Before: retry.HookFunc(func(retry.Attempt) { before.Add(1) }),
		OnEnd: retry.HookFunc(func(a retry.Attempt) {
			if a.Reason == retry.ReasonSuccess {
				ends.Add(1)
			}
		}),
		// Room for every goroutine's retry at once: budget.Default() starts
		// with 2 tokens and earns the rest as calls succeed, so it would refuse
		// most retries of the first round, as it should in a cold start.
		Budget: budget.NewQuota(500, 14, 5),
	}
	conn := dial(t, addr, p, nil)
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*rounds*2)
	for g := range goroutines {
		wg.Go(func() {
			for r := range rounds {
				v := fmt.Sprint(g, "/", r)
				var st retry.Stats
				ctx := retry.WithStats(t.Context(), &st)
				if got, err := call(ctx, conn, echoGet, v, retrygrpc.Idempotent()); err != nil || got != "ok "+v {
					errs <- fmt.Errorf("Get %s = %q, %v", v, got, err)
				} else if st.Attempts < 1 || st.Attempts > 4 {
					errs <- fmt.Errorf("Get %s: %d attempts", v, st.Attempts)
				}
				s, err := watch(t.Context(), conn, echoWatch, v)
				if err != nil {
					errs <- err
					continue
				}
				if got, err := recvAll(s); err != nil || len(got) != 2 {
					errs <- fmt.Errorf("Watch %s = %q, %v", v, got, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	calls := srv.count(echoGet) + srv.count(echoWatch)
	if got := before.Load(); got != int64(calls) {
		t.Errorf("Before ran %d times, server received %d calls", got, calls)
	}
	if got := ends.Load(); got != goroutines*rounds*2 {
		t.Errorf("OnEnd saw %d successes, want %d", got, goroutines*rounds*2)
	}
}

package retrygrpc_test

import (
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

// TestPushbackRestartsBackoff: after a pause that the server's pushback set, the
// next pause starts again from the backoff's first step, as grpc-go's own retry
// does (gRFC A6). The server fails three times, the second with a pushback of
// 1s, then answers; the same script runs through grpc-go's retry as a control.
func TestPushbackRestartsBackoff(t *testing.T) {
	const ms = time.Millisecond
	run := func(t *testing.T, ours bool) []time.Duration {
		var mu sync.Mutex
		var arrived []time.Time
		sc := func(_ string, n int) answer {
			mu.Lock()
			arrived = append(arrived, time.Now())
			mu.Unlock()
			switch n {
			case 1, 3:
				return answer{err: unavailable}
			case 2:
				return answer{err: unavailable, trailer: pushback("1000")}
			}
			return answer{}
		}
		_, dialer := listenBubble(t, sc)
		var conn *grpc.ClientConn
		if ours {
			// Exponential from 100ms, doubling, without jitter: 100ms, 200ms,
			// 400ms, unless the pushback restarts it.
			p := &retry.Policy{Wait: wait.Exponential(100*ms, 10*time.Second, 2)}
			conn = dial(t, "bufconn", p, nil, dialer, grpc.WithTransportCredentials(insecure.NewCredentials()))
		} else {
			conn = dialGRPCRetryBackoff(t, "bufconn", 100*ms, 2, dialer)
		}
		if _, err := call(t.Context(), conn, echoGet, "x"); err != nil {
			t.Fatalf("call: %v", err)
		}
		var pauses []time.Duration
		for i := 1; i < len(arrived); i++ {
			pauses = append(pauses, arrived[i].Sub(arrived[i-1]))
		}
		return pauses
	}
	check := func(t *testing.T, pauses []time.Duration, third time.Duration) {
		if len(pauses) != 3 {
			t.Fatalf("pauses %v, want 3", pauses)
		}
		if pauses[1] < time.Second {
			t.Errorf("pauses %v: the second, %v, shorter than the pushback of 1s", pauses, pauses[1])
		}
		if pauses[2] > third {
			t.Errorf("pauses %v: the third, %v, is past the backoff's first step, %v", pauses, pauses[2], third)
		}
	}
	t.Run("grpc-go", func(t *testing.T) {
		// grpc-go jitters each step by ±20%: the first step is at most 120ms, the
		// second (without the restart) at least 160ms.
		synctest.Test(t, func(t *testing.T) { check(t, run(t, false), 120*ms) })
	})
	t.Run("retrygrpc", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			pauses := run(t, true)
			check(t, pauses, 100*ms)
			if pauses[0] != 100*ms || pauses[2] != 100*ms {
				t.Errorf("pauses %v, want 100ms, the pushback, then 100ms again", pauses)
			}
		})
	})
}

// dialGRPCRetryBackoff connects to addr without the interceptors, with grpc-go's
// own retries: up to 4 attempts of the test service's methods on UNAVAILABLE,
// backing off from initial by multiplier (grpc-go jitters each step by ±20%).
func dialGRPCRetryBackoff(t *testing.T, addr string, initial time.Duration, multiplier int, dialOpts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	config := fmt.Sprintf(`{"methodConfig": [{"name": [{"service": "retrygrpc.test.Echo"}], "retryPolicy": {
		"maxAttempts": 4, "initialBackoff": "%gs", "maxBackoff": "10s",
		"backoffMultiplier": %d, "retryableStatusCodes": ["UNAVAILABLE"]}}]}`, initial.Seconds(), multiplier)
	dialOpts = append([]grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultServiceConfig(config),
	}, dialOpts...)
	conn, err := grpc.NewClient("passthrough:///"+addr, dialOpts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

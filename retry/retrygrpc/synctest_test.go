package retrygrpc_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"testing/synctest"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

// The tests of this file run a real gRPC client and server, connected by grpc's
// in-memory bufconn, inside a testing/synctest bubble: pauses and timeouts of
// minutes take no real time, virtual durations are exact, and the bubble
// proves that every goroutine of the client, the server and the interceptors
// has ended when the test does.

// serveBubble starts the test service on a bufconn listener and returns a
// connection to it through both interceptors, made with p; both are closed when
// the test ends. Call it inside a synctest bubble.
func serveBubble(t *testing.T, sc script, p *retry.Policy) (*server, *grpc.ClientConn) {
	t.Helper()
	s, dialer := listenBubble(t, sc)
	return s, dial(t, "bufconn", p, nil, dialer, grpc.WithTransportCredentials(insecure.NewCredentials()))
}

// listenBubble starts the test service on a bufconn listener, and returns it with
// the dial option that connects to it; the service stops when the test ends,
// after the connections made with that option close. Call it inside a synctest
// bubble.
func listenBubble(t *testing.T, sc script) (*server, grpc.DialOption) {
	t.Helper()
	lis := bufconn.Listen(1 << 16)
	s := &server{script: sc, calls: map[string]int{}}
	gs := grpc.NewServer()
	gs.RegisterService(serviceDesc("Echo", echoMethods), s)
	go func() { _ = gs.Serve(lis) }()
	t.Cleanup(gs.Stop) // registered before the connections': cleanups run last first
	return s, grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
		return lis.DialContext(ctx)
	})
}

// pauses is a BeforeSleep hook that records the pauses it sees; it reads no
// time.
type pauses struct{ ds []time.Duration }

func (ps *pauses) Run(a retry.Attempt) { ps.ds = append(ps.ds, a.Delay) }

func (ps *pauses) ReadsTime() bool { return false }

func (ps *pauses) sum() (total time.Duration) {
	for _, d := range ps.ds {
		total += d
	}
	return total
}

// TestBubbleHintPauses checks, in virtual time, that the server's hint sets each
// pause within [hint, 1.5·hint], capped by MaxRetryAfter, that the call sleeps
// exactly the pauses chosen, and that without a hint the default full-jitter
// backoff stays within its bounds.
func TestBubbleHintPauses(t *testing.T) {
	tests := []struct {
		name        string
		a           answer
		floor, ceil []time.Duration // of each pause
	}{
		{"pushback 30s", answer{err: unavailable, trailer: pushback("30000")},
			[]time.Duration{30 * time.Second, 30 * time.Second, 30 * time.Second},
			[]time.Duration{45 * time.Second, 45 * time.Second, 45 * time.Second}},
		{"pushback of a day, capped at a minute", answer{err: unavailable, trailer: pushback("86400000")},
			[]time.Duration{time.Minute, time.Minute, time.Minute},
			[]time.Duration{90 * time.Second, 90 * time.Second, 90 * time.Second}},
		{"RetryInfo 2s", answer{err: retryInfo(t, codes.ResourceExhausted, durationpb.New(2*time.Second))},
			[]time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second},
			[]time.Duration{3 * time.Second, 3 * time.Second, 3 * time.Second}},
		{"no hint: full jitter", answer{err: unavailable},
			[]time.Duration{0, 0, 0},
			[]time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var ps pauses
				srv, conn := serveBubble(t, func(string, int) answer { return tt.a }, &retry.Policy{BeforeSleep: &ps})
				start := time.Now()
				_, err := call(t.Context(), conn, echoGet, "x")
				elapsed := time.Since(start)
				if status.Code(err) != status.Code(tt.a.err) || srv.count(echoGet) != 4 || len(ps.ds) != 3 {
					t.Fatalf("err %v after %d calls and %d pauses, want the server's status after 4 and 3", err, srv.count(echoGet), len(ps.ds))
				}
				for i, d := range ps.ds {
					if d < tt.floor[i] || d > tt.ceil[i] {
						t.Errorf("pause %d = %v, want within [%v, %v]", i+1, d, tt.floor[i], tt.ceil[i])
					}
				}
				if elapsed != ps.sum() {
					t.Errorf("the call took %v, want exactly its pauses, %v", elapsed, ps.sum())
				}
			})
		})
	}
}

// TestBubbleAttemptTimeout checks, in virtual time, that each attempt of a
// server that never answers ends at AttemptTimeout exactly, unary or streaming.
func TestBubbleAttemptTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &retry.Policy{Wait: wait.None(), AttemptTimeout: 5 * time.Second}
		srv, conn := serveBubble(t, func(string, int) answer { return answer{stall: true} }, p)
		start := time.Now()
		_, err := call(t.Context(), conn, echoGet, "x")
		if status.Code(err) != codes.DeadlineExceeded || srv.count(echoGet) != 4 || time.Since(start) != 20*time.Second {
			t.Errorf("unary: %v after %d attempts and %v, want DEADLINE_EXCEEDED after 4 and 20s", err, srv.count(echoGet), time.Since(start))
		}
		start = time.Now()
		s, err := watch(t.Context(), conn, echoWatch, "x")
		if err != nil {
			t.Fatal(err)
		}
		_, err = recvAll(s)
		if status.Code(err) != codes.DeadlineExceeded || srv.count(echoWatch) != 4 || time.Since(start) != 20*time.Second {
			t.Errorf("stream: %v after %d attempts and %v, want DEADLINE_EXCEEDED after 4 and 20s", err, srv.count(echoWatch), time.Since(start))
		}
	})
}

// TestBubbleHealthyStream checks, in virtual time, that AttemptTimeout does not
// cut a server stream that has committed, however long it runs: a header, then
// an hour of silence, then messages; or a message, then an hour; or the same
// header, which comes while the caller is not reading yet.
func TestBubbleHealthyStream(t *testing.T) {
	for _, tt := range []struct {
		name      string
		a         answer
		readAfter time.Duration
	}{
		{"header, then an hour", answer{header: true, gap: time.Hour, msgs: 3}, 0},
		{"message, then an hour", answer{msgs: 3, gap: time.Hour}, 0},
		{"header, read in the silence", answer{header: true, gap: time.Hour, msgs: 3}, time.Minute},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := &retry.Policy{AttemptTimeout: time.Second}
				srv, conn := serveBubble(t, func(string, int) answer { return tt.a }, p)
				start := time.Now()
				s, err := watch(t.Context(), conn, echoWatch, "x")
				if err != nil {
					t.Fatal(err)
				}
				time.Sleep(tt.readAfter)
				got, err := recvAll(s)
				if err != nil || len(got) != 3 || srv.count(echoWatch) != 1 || time.Since(start) != time.Hour {
					t.Errorf("received %q, %v from %d calls in %v; want 3 messages, nil, 1 call, 1h", got, err, srv.count(echoWatch), time.Since(start))
				}
			})
		})
	}
}

// TestBubbleDeadline checks, in virtual time, a call whose pauses run into the
// caller's deadline: it never sleeps past it, and ends by it.
func TestBubbleDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, conn := serveBubble(t, func(string, int) answer {
			return answer{err: unavailable, trailer: pushback("40000")}
		}, nil)
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		start := time.Now()
		_, err := call(ctx, conn, echoGet, "x")
		var ge *retry.Error
		if !errors.As(err, &ge) || ge.Reason != retry.ReasonDeadline || time.Since(start) > time.Minute {
			t.Errorf("err = %v after %v, want a give-up of reason deadline within the minute", err, time.Since(start))
		}
	})
}

package retryhttp_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/wait"
)

// stalledBody is a response body whose every read blocks until it is closed or,
// if ctx is set, until ctx ends, as a body of net/http's does when its request's
// context ends.
type stalledBody struct {
	ctx    context.Context
	once   sync.Once
	closed chan struct{}
	closes atomic.Int32
}

func newStalledBody(ctx context.Context) *stalledBody {
	return &stalledBody{ctx: ctx, closed: make(chan struct{})}
}

func (b *stalledBody) Read([]byte) (int, error) {
	var done <-chan struct{}
	if b.ctx != nil {
		done = b.ctx.Done()
	}
	select {
	case <-b.closed:
		return 0, errors.New("read on closed body")
	case <-done:
		return 0, b.ctx.Err()
	}
}

func (b *stalledBody) Close() error {
	b.closes.Add(1)
	b.once.Do(func() { close(b.closed) })
	return nil
}

// stalling is a Base that answers its first request 503 with a stalled body
// (that ends with the request's context if honourCtx), and later ones 200. It
// records when each request was sent.
type stalling struct {
	honourCtx bool
	body      *stalledBody
	sent      []time.Time
}

func (s *stalling) RoundTrip(req *http.Request) (*http.Response, error) {
	s.sent = append(s.sent, time.Now())
	if len(s.sent) > 1 {
		return &http.Response{StatusCode: 200, Status: "200 OK", Body: http.NoBody, Request: req}, nil
	}
	var ctx context.Context
	if s.honourCtx {
		ctx = req.Context()
	}
	s.body = newStalledBody(ctx)
	return &http.Response{StatusCode: 503, Status: "503 Service Unavailable", Body: s.body, ContentLength: -1, Request: req}, nil
}

// TestBeforeSleepNotRunAfterCancelDuringDrain cancels the request 100ms into the
// draining of a discarded 503 whose body ends with the context: the user's
// BeforeSleep, which runs only before a retry that will happen, does not run,
// and the round trip gives up at once for the context.
func TestBeforeSleepNotRunAfterCancelDuringDrain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		base := &stalling{honourCtx: true}
		var slept int
		var ended retry.Reason
		tr := &retryhttp.Transport{Base: base, Policy: &retry.Policy{
			Wait:        wait.Fixed(time.Second),
			BeforeSleep: retry.HookFunc(func(retry.Attempt) { slept++ }),
			OnEnd:       retry.HookFunc(func(a retry.Attempt) { ended = a.Reason }),
		}}
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(100*time.Millisecond, cancel)
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://api.invalid/", nil)
		start := time.Now()
		resp, err := tr.RoundTrip(req)
		re, ok := errorAs[*retry.Error](err)
		if resp != nil || !ok || re.Reason != retry.ReasonContext || !errors.Is(err, context.Canceled) {
			t.Fatalf("RoundTrip = %v, %v; want a give-up for the context", resp, err)
		}
		if slept != 0 || ended != retry.ReasonContext {
			t.Errorf("BeforeSleep ran %d times, OnEnd saw %v; want 0 and context", slept, ended)
		}
		if d := time.Since(start); d != 100*time.Millisecond || len(base.sent) != 1 {
			t.Errorf("returned after %v and %d attempts, want 100ms and 1", d, len(base.sent))
		}
		if base.body.closes.Load() == 0 {
			t.Errorf("the discarded body was not closed")
		}
	})
}

// TestDrainBound checks how long the draining of a discarded response's body
// may take, on virtual time: 250ms at most, less if the request context ends
// (whether the body ends with it or not) or, with a body that ends with its
// request's context, if the attempt's timeout runs out first. The body is then
// closed, and the request sent again at once (the Wait is zero).
func TestDrainBound(t *testing.T) {
	tests := []struct {
		name      string
		honourCtx bool
		timeout   time.Duration // the Policy's AttemptTimeout
		cancel    time.Duration // when the request context ends; 0 never
		want      time.Duration // when the drain ends
		retried   bool
	}{
		{"stalled body: 250ms", false, 0, 0, 250 * time.Millisecond, true},
		{"stalled body, long AttemptTimeout: 250ms", true, time.Minute, 0, 250 * time.Millisecond, true},
		{"AttemptTimeout first", true, 100 * time.Millisecond, 0, 100 * time.Millisecond, true},
		{"request context first, body ends with it", true, 0, 100 * time.Millisecond, 100 * time.Millisecond, false},
		{"request context first, body ignores it", false, 0, 100 * time.Millisecond, 100 * time.Millisecond, false},
		{"request context after 250ms", false, 0, time.Second, 250 * time.Millisecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				base := &stalling{honourCtx: tt.honourCtx}
				tr := &retryhttp.Transport{Base: base, Policy: &retry.Policy{Wait: wait.None(), AttemptTimeout: tt.timeout}}
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				if tt.cancel > 0 {
					time.AfterFunc(tt.cancel, cancel)
				}
				req, _ := http.NewRequestWithContext(ctx, "GET", "http://api.invalid/", nil)
				start := time.Now()
				resp, err := tr.RoundTrip(req)
				if tt.retried {
					if err != nil || resp.StatusCode != 200 || len(base.sent) != 2 {
						t.Fatalf("RoundTrip = %v, %v after %d attempts; want 200 after 2", resp, err, len(base.sent))
					}
					resp.Body.Close()
					if d := base.sent[1].Sub(start); d != tt.want {
						t.Errorf("retried after %v, want %v", d, tt.want)
					}
				} else {
					if resp != nil || !errors.Is(err, context.Canceled) || len(base.sent) != 1 {
						t.Fatalf("RoundTrip = %v, %v after %d attempts; want the context's end after 1", resp, err, len(base.sent))
					}
					if d := time.Since(start); d != tt.want {
						t.Errorf("returned after %v, want %v", d, tt.want)
					}
				}
				if base.body.closes.Load() == 0 {
					t.Errorf("the discarded body was not closed")
				}
			})
		})
	}
}

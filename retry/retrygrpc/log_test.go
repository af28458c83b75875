package retrygrpc_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"testing/synctest"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

// logRecord is what a test checks of a slog record: its level, message, and
// the attributes name, reason and attempts.
type logRecord struct {
	level    slog.Level
	msg      string
	name     string
	reason   string
	attempts int64
}

// logCapture is a slog.Handler that keeps the records of every level; it is
// safe for concurrent use.
type logCapture struct {
	mu   sync.Mutex
	recs []logRecord
}

func (c *logCapture) Enabled(context.Context, slog.Level) bool { return true }

func (c *logCapture) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{level: r.Level, msg: r.Message}
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "name":
			rec.name = a.Value.String()
		case "reason":
			rec.reason = a.Value.String()
		case "attempts":
			rec.attempts = a.Value.Int64()
		}
		return true
	})
	c.mu.Lock()
	c.recs = append(c.recs, rec)
	c.mu.Unlock()
	return nil
}

func (c *logCapture) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *logCapture) WithGroup(string) slog.Handler      { return c }

func (c *logCapture) records() []logRecord {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.recs)
}

// TestLogEndThroughInterceptor checks, in virtual time, the records that
// hooks.LogEnd writes, as the Policy's OnEnd at WARN, for the calls through
// the interceptors, unary and streaming: one record per call, named after the
// method, a WARN "retry: retry refused" of reason not_idempotent for a method
// that is not idempotent answered UNAVAILABLE, after one attempt; a WARN
// "retry: gave up" of reason stop after 4 attempts for an idempotent one
// always UNAVAILABLE; and for a NOT_FOUND, a DEBUG "retry: not retried" only,
// nothing at WARN.
func TestLogEndThroughInterceptor(t *testing.T) {
	notFound := status.Error(codes.NotFound, "gone")
	for _, tt := range []struct {
		name   string
		method string
		a      answer
		want   logRecord
	}{
		{"refused", echoPost, answer{err: unavailable},
			logRecord{slog.LevelWarn, "retry: retry refused", echoPost, "not_idempotent", 1}},
		{"refused, stream", echoNotify, answer{err: unavailable},
			logRecord{slog.LevelWarn, "retry: retry refused", echoNotify, "not_idempotent", 1}},
		{"gave up", echoGet, answer{err: unavailable},
			logRecord{slog.LevelWarn, "retry: gave up", echoGet, "stop", retry.DefaultAttempts}},
		{"gave up, stream", echoWatch, answer{err: unavailable},
			logRecord{slog.LevelWarn, "retry: gave up", echoWatch, "stop", retry.DefaultAttempts}},
		{"not retried", echoGet, answer{err: notFound},
			logRecord{slog.LevelDebug, "retry: not retried", echoGet, "not_retried", 1}},
		{"not retried, stream", echoWatch, answer{err: notFound},
			logRecord{slog.LevelDebug, "retry: not retried", echoWatch, "not_retried", 1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var logs logCapture
				p := &retry.Policy{Wait: wait.None(), OnEnd: hooks.LogEnd(slog.New(&logs), slog.LevelWarn)}
				srv, conn := serveBubble(t, always(tt.a), p)
				_ = callOrWatch(t.Context(), conn, tt.method)
				if got := srv.count(tt.method); got != int(tt.want.attempts) {
					t.Errorf("server received %d calls, want %d", got, tt.want.attempts)
				}
				if got := logs.records(); !slices.Equal(got, []logRecord{tt.want}) {
					t.Errorf("records %+v, want %+v", got, []logRecord{tt.want})
				}
			})
		})
	}
}

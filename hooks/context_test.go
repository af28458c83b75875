package hooks_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/retry"
)

type traceKey struct{}

// ctxHandler records the trace ID found in the context of each record it handles.
type ctxHandler struct{ traces []any }

func (h *ctxHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *ctxHandler) Handle(ctx context.Context, _ slog.Record) error {
	h.traces = append(h.traces, ctx.Value(traceKey{}))
	return nil
}
func (h *ctxHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *ctxHandler) WithGroup(string) slog.Handler      { return h }

// TestLogUsesTheCallsContext: a handler that reads trace IDs from the context sees
// the context the call was made with, in every logger.
func TestLogUsesTheCallsContext(t *testing.T) {
	h := new(ctxHandler)
	l := slog.New(h)
	p := retry.Policy{
		Before:      hooks.LogBefore(l, slog.LevelInfo),
		After:       hooks.LogAfter(l, slog.LevelInfo),
		BeforeSleep: hooks.LogBeforeSleep(l, slog.LevelInfo),
		OnEnd:       hooks.LogEnd(l, slog.LevelInfo),
	}
	ctx := context.WithValue(context.Background(), traceKey{}, "trace-1")
	_ = p.Run(ctx, func(context.Context) error { return retry.Permanent(errors.New("no")) })
	if len(h.traces) != 3 { // before, after, and the end: not retried
		t.Fatalf("%d records, want 3", len(h.traces))
	}
	for i, tr := range h.traces {
		if tr != "trace-1" {
			t.Errorf("record %d: trace %v, want trace-1", i, tr)
		}
	}
	// An Attempt made by hand has no context: the hook must not fail.
	hooks.LogBeforeSleep(l, slog.LevelInfo).Run(retry.Attempt{Number: 1})
	if h.traces[3] != nil {
		t.Errorf("hand-made Attempt: trace %v, want nil", h.traces[3])
	}
}

package hooks_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
)

// entry is a log record as the tests compare it: level, message and attributes in
// order, each attribute written key=value with its value's Kind.
type entry struct {
	level slog.Level
	msg   string
	attrs string
}

func (e entry) String() string { return fmt.Sprintf("%v %q %s", e.level, e.msg, e.attrs) }

// recorder is a slog.Handler that keeps the records it is given.
type recorder struct {
	min slog.Level

	mu      sync.Mutex
	entries []entry
}

func (r *recorder) Enabled(_ context.Context, level slog.Level) bool { return level >= r.min }

func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	rec.Attrs(func(a slog.Attr) bool {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%v(%v)", a.Key, a.Value.Kind(), a.Value)
		return true
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries = append(r.entries, entry{rec.Level, rec.Message, b.String()})
	return nil
}

func (r *recorder) WithAttrs([]slog.Attr) slog.Handler { panic("recorder: WithAttrs not supported") }
func (r *recorder) WithGroup(string) slog.Handler      { panic("recorder: WithGroup not supported") }

func (r *recorder) take() []entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.entries
	r.entries = nil
	return e
}

// nopHandler is enabled at every level and drops every record.
type nopHandler struct{}

func (nopHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (nopHandler) Handle(context.Context, slog.Record) error { return nil }
func (h nopHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h nopHandler) WithGroup(string) slog.Handler           { return h }

// funcHandler is enabled at every level and passes each record to handle.
type funcHandler struct{ handle func(slog.Record) }

func (h *funcHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *funcHandler) Handle(_ context.Context, r slog.Record) error {
	h.handle(r)
	return nil
}
func (h *funcHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *funcHandler) WithGroup(string) slog.Handler      { return h }

package retryhttp_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/wait"
)

// logRecord is what a test reads of a slog record that LogEnd wrote.
type logRecord struct {
	Level    slog.Level
	Message  string
	Name     string
	Reason   string
	Attempts int64
}

// captureHandler is a slog.Handler, enabled at every level, that keeps the
// records it handles.
type captureHandler struct {
	mu      sync.Mutex
	records []logRecord
}

func (h *captureHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *captureHandler) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{Level: r.Level, Message: r.Message}
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "name":
			rec.Name = a.Value.String()
		case "reason":
			rec.Reason = a.Value.String()
		case "attempts":
			rec.Attempts = a.Value.Int64()
		}
		return true
	})
	h.mu.Lock()
	h.records = append(h.records, rec)
	h.mu.Unlock()
	return nil
}

func (h *captureHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *captureHandler) WithGroup(string) slog.Handler      { return h }

func (h *captureHandler) got() []logRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]logRecord(nil), h.records...)
}

// TestLogEndThroughTransport runs hooks.LogEnd at WARN as the OnEnd of a
// Transport's Policy and reads the records it writes: a retry the Transport
// refused for safety and a give-up, the limit on 500s included, come out at
// WARN, each once, with their reason and the number of attempts; a status the
// Transport does not retry comes out at DEBUG only.
func TestLogEndThroughTransport(t *testing.T) {
	const name = "GET api.invalid"
	tests := []struct {
		name   string
		method string
		body   func() io.Reader
		codes  []int
		want   []logRecord
	}{
		{"a 503 to a POST", "POST", postBody, []int{503},
			[]logRecord{{slog.LevelWarn, "retry: retry refused", "POST api.invalid", "not_idempotent", 1}}},
		{"a GET always 503", "GET", nil, []int{503},
			[]logRecord{{slog.LevelWarn, "retry: gave up", name, "stop", retry.DefaultAttempts}}},
		{"a GET answered 404", "GET", nil, []int{404},
			[]logRecord{{slog.LevelDebug, "retry: not retried", name, "not_retried", 1}}},
		{"a GET answered 500 twice", "GET", nil, []int{500, 500, 200},
			[]logRecord{{slog.LevelWarn, "retry: gave up", name, "stop", 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := &memServer{handler: memStatuses(tt.codes...)}
				var h captureHandler
				tr := &retryhttp.Transport{Base: srv, Policy: &retry.Policy{
					OnEnd: hooks.LogEnd(slog.New(&h), slog.LevelWarn),
				}}
				var body io.Reader
				if tt.body != nil {
					body = tt.body()
				}
				req, err := http.NewRequestWithContext(t.Context(), tt.method, "http://api.invalid/", body)
				if err != nil {
					t.Fatal(err)
				}
				resp, err := tr.RoundTrip(req)
				if err != nil {
					t.Fatalf("RoundTrip: %v", err)
				}
				resp.Body.Close()
				if diff := cmp.Diff(tt.want, h.got()); diff != "" {
					t.Errorf("records (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// TestHedgeAroundTransportSendsEachFlightOnce: retry.Retrier.Hedge around a
// request through a Transport of the zero Policy, against a server that
// answers 503 after 20ms while the hedge delay is 10ms: the Transport inside
// each flight sends once, and the hedged call does the retrying, so the server
// sees at most retry.DefaultAttempts requests, not one Transport's attempts
// per flight; the hedged call gives up by its Stop.
func TestHedgeAroundTransportSendsEachFlightOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &memServer{handler: func(_ int, w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(20 * time.Millisecond):
			case <-r.Context().Done():
			}
			w.WriteHeader(http.StatusServiceUnavailable)
		}}
		client := &http.Client{Transport: &retryhttp.Transport{Base: srv}}
		var end endings
		var hedges int
		r := retry.Retrier[*http.Response]{
			Policy: &retry.Policy{
				Wait:   wait.None(),
				Hedger: hedge.Fixed(10*time.Millisecond, 1),
				Before: retry.HookFunc(func(a retry.Attempt) {
					if a.Hedge {
						hedges++
					}
				}),
				OnEnd: retry.HookFunc(end.hook),
			},
			Discard: func(resp *http.Response) { resp.Body.Close() },
		}
		resp, err := r.Hedge(t.Context(), func(ctx context.Context) (*http.Response, error) {
			req, err := http.NewRequestWithContext(ctx, "GET", "http://api.invalid/", nil)
			if err != nil {
				return nil, retry.Permanent(err)
			}
			resp, err := client.Do(req)
			if err != nil {
				return nil, err
			}
			if err := retryhttp.CheckResponse(resp); err != nil {
				resp.Body.Close()
				return nil, err
			}
			return resp, nil
		})
		if err == nil {
			resp.Body.Close()
		}
		if re, ok := errorAs[*retry.Error](err); !ok || re.Reason != retry.ReasonStop {
			t.Errorf("Hedge = %v, want a give-up by the Stop", err)
		}
		if n := srv.hits.Load(); n > retry.DefaultAttempts {
			t.Errorf("the server saw %d requests, want at most %d", n, retry.DefaultAttempts)
		}
		if hedges == 0 {
			t.Error("the outer call sent no hedge")
		}
		if diff := cmp.Diff([]retry.Reason{retry.ReasonStop}, end.got()); diff != "" {
			t.Errorf("OnEnd of the hedged call (-want +got):\n%s", diff)
		}
	})
}

package retryhttp_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// TestWithoutRetry sends one request made with retry.WithoutRetry to a server
// that always answers 503, then one without: the first is sent once, under the
// Transport's Policy (its hooks see it, OnEnd as not retried, and its Budget
// hears it), and its 503 comes back; the second is retried as usual. A
// transport error comes back unchanged.
func TestWithoutRetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fake{script: func(int, *http.Request) (*http.Response, error) { return answer(503, ""), nil }}
		var seen []string
		b := &recordingBudget{}
		tr := &retryhttp.Transport{Base: f, Policy: &retry.Policy{
			Wait:   wait.None(),
			Before: retry.HookFunc(func(a retry.Attempt) { seen = append(seen, "before") }),
			OnEnd:  retry.HookFunc(func(a retry.Attempt) { seen = append(seen, "end "+a.Reason.String()) }),
			Budget: b,
		}}
		req, _ := http.NewRequestWithContext(retry.WithoutRetry(t.Context()), "GET", "http://api.invalid/", nil)
		resp, err := tr.RoundTrip(req)
		if err != nil || resp.StatusCode != 503 || f.n != 1 {
			t.Fatalf("RoundTrip = %v, %v after %d attempts; want the 503 after 1", resp, err, f.n)
		}
		resp.Body.Close()
		if diff := cmp.Diff([]string{"before", "end not_retried"}, seen); diff != "" {
			t.Errorf("hooks saw (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]heard{{Call: "attempted", Result: retry.ClassTransient}}, b.heard); diff != "" {
			t.Errorf("the Budget heard (-want +got):\n%s", diff)
		}

		resp, err = tr.RoundTrip(mustGet(t, "http://api.invalid/"))
		if err != nil || f.n != 1+retry.DefaultAttempts {
			t.Fatalf("without the option: RoundTrip = %v, %v after %d attempts; want %d", resp, err, f.n-1, retry.DefaultAttempts)
		}
		resp.Body.Close()
		f.checkClosed(t)

		calls := 0
		tr.Base = roundTripFunc(func(*http.Request) (*http.Response, error) { calls++; return nil, io.EOF })
		if _, err := tr.RoundTrip(req); err != io.EOF || calls != 1 {
			t.Errorf("RoundTrip = %v after %d attempts, want io.EOF unchanged after 1", err, calls)
		}
	})
}

// TestWithPolicy replaces the Transport's Policy for one request with
// retry.WithPolicy: the request follows that Policy (its Stop, its hooks; the
// Transport's hooks do not run), its nil fields mean the defaults (the
// Transport's for Retry), a nil Policy is the zero one,
// the Transport's own rules of safety still apply, and neither Policy is
// written to.
func TestWithPolicy(t *testing.T) {
	type result struct {
		Attempts        int
		Status          int
		Own, Transports int // hook calls
	}
	always := func(code int) func(int, *http.Request) (*http.Response, error) {
		return func(int, *http.Request) (*http.Response, error) { return answer(code, ""), nil }
	}
	tests := []struct {
		name   string
		policy func(hook retry.Hook) *retry.Policy
		method string
		script func(int, *http.Request) (*http.Response, error)
		want   result
	}{
		{"its Stop", func(h retry.Hook) *retry.Policy {
			return &retry.Policy{Stop: stop.AfterAttempts(2), Wait: wait.None(), After: h}
		}, "GET", always(503), result{2, 503, 2, 0}},
		{"nil fields are the defaults", func(h retry.Hook) *retry.Policy {
			return &retry.Policy{Wait: wait.None(), After: h}
		}, "GET", always(503), result{retry.DefaultAttempts, 503, retry.DefaultAttempts, 0}},
		{"the default Retry: a 404 is not retried", func(h retry.Hook) *retry.Policy {
			return &retry.Policy{Wait: wait.None(), After: h}
		}, "GET", always(404), result{1, 404, 1, 0}},
		{"nil is the zero Policy", func(retry.Hook) *retry.Policy { return nil },
			"GET", always(503), result{retry.DefaultAttempts, 503, 0, 0}},
		{"a POST is still not retried", func(h retry.Hook) *retry.Policy {
			return &retry.Policy{Stop: stop.AfterAttempts(10), Wait: wait.None(), After: h}
		}, "POST", always(503), result{1, 503, 1, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var got result
				own := tt.policy(retry.HookFunc(func(retry.Attempt) { got.Own++ }))
				transports := &retry.Policy{Stop: stop.AfterAttempts(7), Wait: wait.None(), After: retry.HookFunc(func(retry.Attempt) { got.Transports++ })}
				f := &fake{script: tt.script}
				tr := &retryhttp.Transport{Base: f, Policy: transports}
				req, _ := http.NewRequestWithContext(retry.WithPolicy(t.Context(), own), tt.method, "http://api.invalid/", http.NoBody)
				resp, err := tr.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				got.Attempts, got.Status = f.n, resp.StatusCode
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
				if own != nil && (own.Name != "" || own.Retry != nil || own.BeforeSleep != nil) {
					t.Errorf("the request's Policy was written to: %+v", own)
				}
				if transports.Name != "" || transports.Retry != nil || transports.BeforeSleep != nil {
					t.Errorf("the Transport's Policy was written to: %+v", transports)
				}
				f.checkClosed(t)
			})
		})
	}
}

// TestWithoutRetryAndWithPolicy: retry.WithoutRetry and retry.WithPolicy
// compose in either order: the request follows the Policy of WithPolicy,
// without retries; and the innermost WithPolicy wins.
func TestWithoutRetryAndWithPolicy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var hooks []string
		p := func(name string) *retry.Policy {
			return &retry.Policy{Wait: wait.None(), After: retry.HookFunc(func(retry.Attempt) { hooks = append(hooks, name) })}
		}
		outer, inner := p("outer"), p("inner")
		tests := []struct {
			name     string
			ctx      context.Context
			attempts int
			hooks    []string
		}{
			{"WithoutRetry(WithPolicy)", retry.WithoutRetry(retry.WithPolicy(t.Context(), inner)), 1, []string{"inner"}},
			{"WithPolicy(WithoutRetry)", retry.WithPolicy(retry.WithoutRetry(t.Context()), inner), 1, []string{"inner"}},
			{"WithPolicy(WithPolicy)", retry.WithPolicy(retry.WithPolicy(t.Context(), outer), inner), 2, []string{"inner", "inner"}},
			{"WithPolicy(WithoutRetry(WithPolicy))", retry.WithPolicy(retry.WithoutRetry(retry.WithPolicy(t.Context(), outer)), inner), 1, []string{"inner"}},
		}
		for _, tt := range tests {
			hooks = nil
			f := &fake{script: func(n int, _ *http.Request) (*http.Response, error) {
				if n == 1 {
					return answer(503, ""), nil
				}
				return answer(200, ""), nil
			}}
			tr := &retryhttp.Transport{Base: f, Policy: p("transport")}
			req, _ := http.NewRequestWithContext(tt.ctx, "GET", "http://api.invalid/", nil)
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if f.n != tt.attempts || cmp.Diff(tt.hooks, hooks) != "" {
				t.Errorf("%s: %d attempts, hooks %v; want %d, %v", tt.name, f.n, hooks, tt.attempts, tt.hooks)
			}
			f.checkClosed(t)
		}
	})
}

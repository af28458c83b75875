package retryhttp_test

import (
	"net/http"
	"testing"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/wait"
)

// TestPanicClosesResponses: when a hook of a round trip without hedges panics,
// every response the round trip had in hand, good or failed, is closed before the
// panic reaches the caller.
func TestPanicClosesResponses(t *testing.T) {
	for _, tt := range []struct {
		name string
		set  func(p *retry.Policy)
	}{
		{"OnEnd after a success", func(p *retry.Policy) { p.OnEnd = retry.HookFunc(func(retry.Attempt) { panic("boom") }) }},
		{"After a 503", func(p *retry.Policy) {
			p.After = retry.HookFunc(func(a retry.Attempt) {
				if a.Err != nil {
					panic("boom")
				}
			})
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := &fake{script: func(n int, _ *http.Request) (*http.Response, error) {
				if n == 1 {
					return answer(503, ""), nil
				}
				return answer(200, ""), nil
			}}
			p := &retry.Policy{Wait: wait.None()}
			tt.set(p)
			tr := &retryhttp.Transport{Base: f, Policy: p}
			got := func() (v any) {
				defer func() { v = recover() }()
				tr.RoundTrip(mustGet(t, "http://api.invalid/"))
				return nil
			}()
			if got != "boom" {
				t.Fatalf("recovered %v, want boom", got)
			}
			f.checkClosed(t)
		})
	}
}

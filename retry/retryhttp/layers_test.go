package retryhttp_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// memServer is a Base that serves each request in memory, with its handler and
// an httptest.ResponseRecorder, and counts the requests the handler saw: a
// server for testing/synctest bubbles, which a loopback connection would keep
// from ever being idle. As net/http does, it returns the context's error when
// the request's context ended before the handler answered.
type memServer struct {
	handler func(n int, w http.ResponseWriter, r *http.Request)
	hits    atomic.Int32
}

func (s *memServer) RoundTrip(req *http.Request) (*http.Response, error) {
	n := int(s.hits.Add(1))
	rec := httptest.NewRecorder()
	s.handler(n, rec, req)
	if req.Body != nil {
		req.Body.Close()
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// memStatuses is statuses for a memServer: request n gets codes[n-1], and every
// later one the last code.
func memStatuses(codes ...int) func(int, http.ResponseWriter, *http.Request) {
	return func(n int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(codes[min(n, len(codes))-1])
	}
}

// endings records the reasons OnEnd saw, in order.
type endings struct {
	mu      sync.Mutex
	reasons []retry.Reason
}

func (e *endings) hook(a retry.Attempt) {
	e.mu.Lock()
	e.reasons = append(e.reasons, a.Reason)
	e.mu.Unlock()
}

func (e *endings) got() []retry.Reason {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]retry.Reason(nil), e.reasons...)
}

// sendTo returns the operation of a call around a request: one request of
// method to url through client, made with the attempt's context (and a fresh
// body, if any), whose failing status it turns into an error by hand, since the
// Transport returns a response with a nil error whatever its status.
func sendTo(client *http.Client, method, url string, body func() io.Reader) func(context.Context) error {
	return func(ctx context.Context) error {
		var b io.Reader
		if body != nil {
			b = body()
		}
		req, err := http.NewRequestWithContext(ctx, method, url, b)
		if err != nil {
			return retry.Permanent(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return retryhttp.CheckResponse(resp)
	}
}

// postBody is the body of the POSTs and PUTs the tests send.
func postBody() io.Reader { return strings.NewReader("charge 10 EUR") }

// opaqueBody is a body without GetBody: http.NewRequest cannot make it again.
func opaqueBody() io.Reader { return opaque{strings.NewReader("charge 10 EUR")} }

// TestOneLayerWithTheServicePolicy: the service's Policy given to a Transport
// and run again by Policy.Run around the request, against a server that always
// answers 503: the Transport retries and gives up (ReasonStop), the call around
// it does not retry what it gave up on (ReasonLayerBelow), and the server sees
// the Transport's 4 requests, not 4×4. With a Transport of the zero Policy
// inside a Run of 3 attempts, it sees 4, not 12. The 503 comes back unchanged.
func TestOneLayerWithTheServicePolicy(t *testing.T) {
	t.Run("over loopback", func(t *testing.T) {
		e := newEnv(t, statuses(503))
		var end endings
		e.p.OnEnd = retry.HookFunc(end.hook)
		err := e.p.Run(t.Context(), sendTo(e.client, "GET", e.srv.URL, nil))
		if se, ok := errorAs[*retryhttp.StatusError](err); !ok || se.Code != 503 {
			t.Errorf("Run = %v, want the 503's StatusError", err)
		}
		if n := e.hits.Load(); n != retry.DefaultAttempts {
			t.Errorf("the server saw %d requests, want %d", n, retry.DefaultAttempts)
		}
		if diff := cmp.Diff([]retry.Reason{retry.ReasonStop, retry.ReasonLayerBelow}, end.got()); diff != "" {
			t.Errorf("OnEnd of the Transport, then of Run (-want +got):\n%s", diff)
		}
	})
	t.Run("zero Policy in 3 attempts", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			srv := &memServer{handler: memStatuses(503)}
			client := &http.Client{Transport: &retryhttp.Transport{Base: srv}}
			var end endings
			outer := &retry.Policy{Stop: stop.AfterAttempts(3), OnEnd: retry.HookFunc(end.hook)}
			err := outer.Run(t.Context(), sendTo(client, "GET", "http://api.invalid/", nil))
			if se, ok := errorAs[*retryhttp.StatusError](err); !ok || se.Code != 503 {
				t.Errorf("Run = %v, want the 503's StatusError", err)
			}
			if n := srv.hits.Load(); n != retry.DefaultAttempts {
				t.Errorf("the server saw %d requests, want %d", n, retry.DefaultAttempts)
			}
			if diff := cmp.Diff([]retry.Reason{retry.ReasonLayerBelow}, end.got()); diff != "" {
				t.Errorf("OnEnd of Run (-want +got):\n%s", diff)
			}
		})
	})
}

// TestOuterDoesNotResendARefusedPOST: a POST that the Transport refused to send
// again, after a 503 or after a connection the server closed without
// answering, is not sent again by a call around it either: the server sees one
// POST, the Transport's OnEnd sees ReasonNotIdempotent and the outer's
// ReasonLayerBelow, and the outer call returns the attempt's error unchanged
// (the 503's StatusError, or the *retry.NotRetriedError).
func TestOuterDoesNotResendARefusedPOST(t *testing.T) {
	tests := []struct {
		name    string
		handler func(t *testing.T) func(int, http.ResponseWriter, *http.Request)
		check   func(error) bool
	}{
		{"503", func(*testing.T) func(int, http.ResponseWriter, *http.Request) { return statuses(503) },
			func(err error) bool {
				se, ok := errorAs[*retryhttp.StatusError](err)
				return ok && se.Code == 503
			}},
		{"connection closed without an answer", func(t *testing.T) func(int, http.ResponseWriter, *http.Request) {
			return func(_ int, w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				if c := hijack(t, w, false); c != nil {
					_ = c.Close()
				}
			}
		}, func(err error) bool {
			nre, ok := errorAs[*retry.NotRetriedError](err)
			return ok && nre.Name == "POST" && nre.Reason == retry.ReasonNotIdempotent
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.handler(t))
			var inner, outerEnd endings
			e.p.OnEnd = retry.HookFunc(inner.hook)
			outer := &retry.Policy{Stop: stop.AfterAttempts(5), Wait: wait.None(), OnEnd: retry.HookFunc(outerEnd.hook)}
			err := outer.Run(t.Context(), sendTo(e.client, "POST", e.srv.URL, postBody))
			if !tt.check(err) {
				t.Errorf("Run = %v, want the Transport's outcome unchanged", err)
			}
			if n := e.hits.Load(); n != 1 {
				t.Errorf("the server saw %d POSTs, want 1", n)
			}
			if diff := cmp.Diff([]retry.Reason{retry.ReasonNotIdempotent}, inner.got()); diff != "" {
				t.Errorf("OnEnd of the Transport (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]retry.Reason{retry.ReasonLayerBelow}, outerEnd.got()); diff != "" {
				t.Errorf("OnEnd of the outer call (-want +got):\n%s", diff)
			}
		})
	}
}

// noRetryBudget is a retry.Budget that hears everything and allows nothing.
type noRetryBudget struct{}

func (noRetryBudget) Attempted(result, spent retry.Class) {}
func (noRetryBudget) Allow(retry.Class) bool              { return false }

// TestOuterFollowsTheTransportsDecision runs a round trip inside a call of 3
// attempts and counts what the server saw: when the Transport decided (it gave
// up after retrying, its Budget refused, a rule of safety refused a retry that
// Retry wanted, or Max500Retries refused a 500 after the round trip had retried
// one, a give-up its OnEnd sees as ReasonStop), the outer call ends with
// ReasonLayerBelow after one attempt; when it did not (it made one attempt and
// its Policy said no more, it was made with retry.WithoutRetry, or it got a
// status it does not retry, a 500 with a negative Max500Retries among them),
// the outer call retries as its own Policy says.
func TestOuterFollowsTheTransportsDecision(t *testing.T) {
	tests := []struct {
		name      string
		method    string
		body      func() io.Reader
		codes     []int
		tr        func(*retryhttp.Transport)
		ctx       func(context.Context) context.Context // of the request, in the outer's attempt
		hits      int
		inner     []retry.Reason
		outer     retry.Reason
		outerRuns int
	}{
		{"gave up after retrying", "GET", nil, []int{503}, nil, nil, 4,
			[]retry.Reason{retry.ReasonStop}, retry.ReasonLayerBelow, 1},
		{"the Budget refused", "GET", nil, []int{503},
			func(tr *retryhttp.Transport) { tr.Policy.Budget = noRetryBudget{} }, nil, 1,
			[]retry.Reason{retry.ReasonBudget}, retry.ReasonLayerBelow, 1},
		{"a 503 to a POST", "POST", postBody, []int{503}, nil, nil, 1,
			[]retry.Reason{retry.ReasonNotIdempotent}, retry.ReasonLayerBelow, 1},
		{"a 503 to a PUT whose body cannot be replayed", "PUT", opaqueBody, []int{503}, nil, nil, 1,
			[]retry.Reason{retry.ReasonNotReplayable}, retry.ReasonLayerBelow, 1},
		{"a second 500", "GET", nil, []int{500}, nil, nil, 2,
			[]retry.Reason{retry.ReasonStop}, retry.ReasonLayerBelow, 1},
		{"a second 500 after a 503", "GET", nil, []int{500, 503, 500}, nil, nil, 3,
			[]retry.Reason{retry.ReasonStop}, retry.ReasonLayerBelow, 1},
		{"a 500 after a 503, 500s never retried", "GET", nil, []int{503, 500},
			func(tr *retryhttp.Transport) { tr.Max500Retries = -1 }, nil, 4,
			[]retry.Reason{retry.ReasonNotRetried, retry.ReasonNotRetried, retry.ReasonNotRetried}, retry.ReasonStop, 3},
		{"a first 500 never retried", "GET", nil, []int{500},
			func(tr *retryhttp.Transport) { tr.Max500Retries = -1 }, nil, 3,
			[]retry.Reason{retry.ReasonNotRetried, retry.ReasonNotRetried, retry.ReasonNotRetried}, retry.ReasonStop, 3},
		{"a 404", "GET", nil, []int{404}, nil, nil, 3,
			[]retry.Reason{retry.ReasonNotRetried, retry.ReasonNotRetried, retry.ReasonNotRetried}, retry.ReasonStop, 3},
		{"a Stop of one attempt", "GET", nil, []int{503},
			func(tr *retryhttp.Transport) { tr.Policy.Stop = stop.AfterAttempts(1) }, nil, 3,
			[]retry.Reason{retry.ReasonStop, retry.ReasonStop, retry.ReasonStop}, retry.ReasonStop, 3},
		{"WithoutRetry", "GET", nil, []int{503}, nil, retry.WithoutRetry, 3,
			[]retry.Reason{retry.ReasonNotRetried, retry.ReasonNotRetried, retry.ReasonNotRetried}, retry.ReasonStop, 3},
		{"WithoutRetry on a POST", "POST", postBody, []int{503}, nil, retry.WithoutRetry, 3,
			[]retry.Reason{retry.ReasonNotRetried, retry.ReasonNotRetried, retry.ReasonNotRetried}, retry.ReasonStop, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := &memServer{handler: memStatuses(tt.codes...)}
				var inner, outerEnd endings
				tr := &retryhttp.Transport{Base: srv, Policy: &retry.Policy{Wait: wait.None(), OnEnd: retry.HookFunc(inner.hook)}}
				if tt.tr != nil {
					tt.tr(tr)
				}
				client := &http.Client{Transport: tr}
				outer := &retry.Policy{Stop: stop.AfterAttempts(3), Wait: wait.None(), OnEnd: retry.HookFunc(func(a retry.Attempt) {
					outerEnd.hook(a)
					if a.Number != tt.outerRuns {
						t.Errorf("the outer call ended after %d attempts, want %d", a.Number, tt.outerRuns)
					}
				})}
				op := sendTo(client, tt.method, "http://api.invalid/", tt.body)
				err := outer.Run(t.Context(), func(ctx context.Context) error {
					if tt.ctx != nil {
						ctx = tt.ctx(ctx)
					}
					return op(ctx)
				})
				if _, ok := errorAs[*retryhttp.StatusError](err); !ok {
					t.Errorf("Run = %v, want the last response's StatusError", err)
				}
				if n := int(srv.hits.Load()); n != tt.hits {
					t.Errorf("the server saw %d requests, want %d", n, tt.hits)
				}
				if diff := cmp.Diff(tt.inner, inner.got()); diff != "" {
					t.Errorf("OnEnd of the Transport (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff([]retry.Reason{tt.outer}, outerEnd.got()); diff != "" {
					t.Errorf("OnEnd of the outer call (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// TestOuterAttemptTimeoutIsTheOuters: when the outer call's AttemptTimeout
// expires while the Transport is inside it (the server is slow), the Transport
// ends with the context (ReasonContext) and does not decide: the outer call
// retries as its Policy says, and its second attempt succeeds.
func TestOuterAttemptTimeoutIsTheOuters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &memServer{handler: func(n int, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				<-r.Context().Done() // slower than the outer's AttemptTimeout
			}
		}}
		var inner, outerEnd endings
		client := &http.Client{Transport: &retryhttp.Transport{Base: srv, Policy: &retry.Policy{Wait: wait.None(), OnEnd: retry.HookFunc(inner.hook)}}}
		outer := &retry.Policy{AttemptTimeout: time.Second, Wait: wait.None(), OnEnd: retry.HookFunc(outerEnd.hook)}
		start := time.Now()
		if err := outer.Run(t.Context(), sendTo(client, "GET", "http://api.invalid/", nil)); err != nil {
			t.Fatalf("Run = %v, want a success at the second attempt", err)
		}
		if took := time.Since(start); took != time.Second {
			t.Errorf("Run took %v, want the first attempt's timeout, 1s", took)
		}
		if n := srv.hits.Load(); n != 2 {
			t.Errorf("the server saw %d requests, want 2", n)
		}
		if diff := cmp.Diff([]retry.Reason{retry.ReasonContext, retry.ReasonSuccess}, inner.got()); diff != "" {
			t.Errorf("OnEnd of the Transport (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]retry.Reason{retry.ReasonSuccess}, outerEnd.got()); diff != "" {
			t.Errorf("OnEnd of the outer call (-want +got):\n%s", diff)
		}
	})
}

// TestWithIgnoreLayersRetriesWhatTheTransportDecided: an outer call made with
// retry.WithIgnoreLayers retries what the Transport gave up on, and even a POST
// it refused to send again: each of its attempts runs the Transport in full.
func TestWithIgnoreLayersRetriesWhatTheTransportDecided(t *testing.T) {
	tests := []struct {
		name   string
		method string
		body   func() io.Reader
		hits   int
		inner  []retry.Reason
	}{
		{"gave up after retrying", "GET", nil, 2 * retry.DefaultAttempts,
			[]retry.Reason{retry.ReasonStop, retry.ReasonStop}},
		{"a 503 to a POST", "POST", postBody, 2,
			[]retry.Reason{retry.ReasonNotIdempotent, retry.ReasonNotIdempotent}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := &memServer{handler: memStatuses(503)}
				var inner, outerEnd endings
				client := &http.Client{Transport: &retryhttp.Transport{Base: srv, Policy: &retry.Policy{Wait: wait.None(), OnEnd: retry.HookFunc(inner.hook)}}}
				outer := &retry.Policy{Stop: stop.AfterAttempts(2), Wait: wait.None(), OnEnd: retry.HookFunc(outerEnd.hook)}
				err := outer.Run(retry.WithIgnoreLayers(t.Context()), sendTo(client, tt.method, "http://api.invalid/", tt.body))
				if re, ok := errorAs[*retry.Error](err); !ok || re.Reason != retry.ReasonStop || re.Attempts != 2 {
					t.Errorf("Run = %v, want a give-up after 2 attempts", err)
				}
				if n := int(srv.hits.Load()); n != tt.hits {
					t.Errorf("the server saw %d requests, want %d", n, tt.hits)
				}
				if diff := cmp.Diff(tt.inner, inner.got()); diff != "" {
					t.Errorf("OnEnd of the Transport (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff([]retry.Reason{retry.ReasonStop}, outerEnd.got()); diff != "" {
					t.Errorf("OnEnd of the outer call (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// TestSingleLayerRetries503: a Transport with no call around it retries a 503
// as before: 4 attempts, then the last 503 with a nil error (ReasonStop).
func TestSingleLayerRetries503(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &memServer{handler: memStatuses(503)}
		var end endings
		tr := &retryhttp.Transport{Base: srv, Policy: &retry.Policy{Wait: wait.None(), OnEnd: retry.HookFunc(end.hook)}}
		resp, err := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
		if err != nil || resp.StatusCode != 503 {
			t.Fatalf("RoundTrip = %v, %v; want the last 503", resp, err)
		}
		resp.Body.Close()
		if n := srv.hits.Load(); n != retry.DefaultAttempts {
			t.Errorf("the server saw %d requests, want %d", n, retry.DefaultAttempts)
		}
		if diff := cmp.Diff([]retry.Reason{retry.ReasonStop}, end.got()); diff != "" {
			t.Errorf("OnEnd (-want +got):\n%s", diff)
		}
	})
}

// TestHedgedTransportInsideRun: a hedged Transport (its Policy has a Hedger)
// inside a Run of the same Policy, against a slow server that always answers
// 503: the hedges count as the Transport's attempts, which stop at 4, and the
// outer call does not multiply them.
func TestHedgedTransportInsideRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &memServer{handler: func(_ int, w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(30 * time.Millisecond):
			case <-r.Context().Done():
			}
			w.WriteHeader(503)
		}}
		var end endings
		var hedges atomic.Int32
		svc := &retry.Policy{
			Wait:   wait.None(),
			Hedger: hedge.Fixed(10*time.Millisecond, 1),
			Before: retry.HookFunc(func(a retry.Attempt) {
				if a.Hedge {
					hedges.Add(1)
				}
			}),
			OnEnd: retry.HookFunc(end.hook),
		}
		client := &http.Client{Transport: &retryhttp.Transport{Base: srv, Policy: svc}}
		err := svc.Run(t.Context(), sendTo(client, "GET", "http://api.invalid/", nil))
		if se, ok := errorAs[*retryhttp.StatusError](err); !ok || se.Code != 503 {
			t.Errorf("Run = %v, want the 503's StatusError", err)
		}
		if n := srv.hits.Load(); n != retry.DefaultAttempts {
			t.Errorf("the server saw %d requests, want %d", n, retry.DefaultAttempts)
		}
		if hedges.Load() == 0 {
			t.Error("the Transport sent no hedge")
		}
		if diff := cmp.Diff([]retry.Reason{retry.ReasonStop, retry.ReasonLayerBelow}, end.got()); diff != "" {
			t.Errorf("OnEnd of the Transport, then of Run (-want +got):\n%s", diff)
		}
	})
}

// TestOverrideOfOuterCallNotInherited: an override given to a retry.Do around a
// request is that call's: retry.WithoutRetry makes the outer call one attempt,
// and retry.WithPolicy gives it that Policy, while the Transport inside its
// attempt still follows its own Policy (4 attempts, its own hooks).
func TestOverrideOfOuterCallNotInherited(t *testing.T) {
	tests := []struct {
		name string
		ctx  func(ctx context.Context, override *retry.Policy) context.Context
		// overrideBefore: how many times the Before hook of the override's
		// Policy runs: for the outer call's one attempt, with WithPolicy.
		overrideBefore int32
	}{
		{"WithoutRetry", func(ctx context.Context, _ *retry.Policy) context.Context { return retry.WithoutRetry(ctx) }, 0},
		{"WithPolicy", func(ctx context.Context, p *retry.Policy) context.Context { return retry.WithPolicy(ctx, p) }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := &memServer{handler: memStatuses(503)}
				var transportBefore, overrideBefore atomic.Int32
				client := &http.Client{Transport: &retryhttp.Transport{Base: srv, Policy: &retry.Policy{
					Wait:   wait.None(),
					Before: retry.HookFunc(func(retry.Attempt) { transportBefore.Add(1) }),
				}}}
				override := &retry.Policy{
					Stop:   stop.AfterAttempts(1),
					Wait:   wait.None(),
					Before: retry.HookFunc(func(retry.Attempt) { overrideBefore.Add(1) }),
				}
				op := sendTo(client, "GET", "http://api.invalid/", nil)
				_, err := retry.Do(tt.ctx(t.Context(), override), nil, func(ctx context.Context) (struct{}, error) {
					return struct{}{}, op(ctx)
				})
				if se, ok := errorAs[*retryhttp.StatusError](err); !ok || se.Code != 503 {
					t.Errorf("Do = %v, want the 503's StatusError", err)
				}
				if n := srv.hits.Load(); n != retry.DefaultAttempts {
					t.Errorf("the server saw %d requests, want the Transport's %d", n, retry.DefaultAttempts)
				}
				if n := transportBefore.Load(); n != retry.DefaultAttempts {
					t.Errorf("the Transport's Before ran %d times, want %d", n, retry.DefaultAttempts)
				}
				if n := overrideBefore.Load(); n != tt.overrideBefore {
					t.Errorf("the override's Before ran %d times, want %d", n, tt.overrideBefore)
				}
			})
		})
	}
}

// TestOnEndReason: each way a round trip can end without success, as OnEnd
// sees it. Max500Retries is a stop rule once the round trip has retried a 500
// (ReasonStop), while a 500 it never retries is not retried, as a 404 is.
func TestOnEndReason(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		body    func() io.Reader
		ctx     func(context.Context) context.Context
		timeout time.Duration // of the request's context, if positive
		tr      func(*retryhttp.Transport)
		// base answers attempt n of the request req, whose context's cancel it
		// may call.
		base func(n int, req *http.Request, cancel context.CancelFunc) (*http.Response, error)
		want retry.Reason
	}{
		{"stop", "GET", nil, nil, 0, nil, always503, retry.ReasonStop},
		{"deadline", "GET", nil, nil, 10 * time.Second, nil, func(int, *http.Request, context.CancelFunc) (*http.Response, error) {
			return answer(503, "30"), nil // a pause the deadline leaves no time for
		}, retry.ReasonDeadline},
		{"stop, a second 500", "GET", nil, nil, 0, nil, always500, retry.ReasonStop},
		{"stop, a third 500", "GET", nil, nil, 0, func(tr *retryhttp.Transport) { tr.Max500Retries = 2 }, always500, retry.ReasonStop},
		{"budget", "GET", nil, nil, 0, func(tr *retryhttp.Transport) { tr.Policy.Budget = noRetryBudget{} }, always503, retry.ReasonBudget},
		{"context", "GET", nil, nil, 0, nil, func(_ int, _ *http.Request, cancel context.CancelFunc) (*http.Response, error) {
			cancel()
			return answer(503, ""), nil
		}, retry.ReasonContext},
		{"not_retried", "GET", nil, nil, 0, nil, func(int, *http.Request, context.CancelFunc) (*http.Response, error) {
			return answer(404, ""), nil
		}, retry.ReasonNotRetried},
		{"not_retried, WithoutRetry", "GET", nil, retry.WithoutRetry, 0, nil, always503, retry.ReasonNotRetried},
		{"not_retried, a 500 never retried", "GET", nil, nil, 0, func(tr *retryhttp.Transport) { tr.Max500Retries = -1 }, always500, retry.ReasonNotRetried},
		{"not_retried, a 500 never retried after a 503", "GET", nil, nil, 0, func(tr *retryhttp.Transport) { tr.Max500Retries = -1 },
			func(n int, _ *http.Request, _ context.CancelFunc) (*http.Response, error) {
				if n == 1 {
					return answer(503, ""), nil
				}
				return answer(500, ""), nil
			}, retry.ReasonNotRetried},
		{"not_idempotent, a 500 to a POST", "POST", postBody, nil, 0, nil, always500, retry.ReasonNotIdempotent},
		{"not_idempotent", "POST", postBody, nil, 0, nil, always503, retry.ReasonNotIdempotent},
		{"not_replayable", "PUT", opaqueBody, nil, 0, nil, always503, retry.ReasonNotReplayable},
		// With an AttemptTimeout, the first attempt too carries the round trip's
		// mark to the layers inside Base.
		{"layer_below", "GET", nil, nil, 0, func(tr *retryhttp.Transport) { tr.Policy.AttemptTimeout = time.Minute }, layerGivingUp, retry.ReasonLayerBelow},
		{"stop, the layer below ignored", "GET", nil, retry.WithIgnoreLayers, 0,
			func(tr *retryhttp.Transport) { tr.Policy.AttemptTimeout = time.Minute }, layerGivingUp, retry.ReasonStop},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				if tt.timeout > 0 {
					var stop context.CancelFunc
					ctx, stop = context.WithTimeout(ctx, tt.timeout)
					defer stop()
				}
				if tt.ctx != nil {
					ctx = tt.ctx(ctx)
				}
				var end endings
				f := &fake{script: func(n int, req *http.Request) (*http.Response, error) { return tt.base(n, req, cancel) }}
				tr := &retryhttp.Transport{Base: f, Policy: &retry.Policy{Wait: wait.None(), OnEnd: retry.HookFunc(end.hook)}}
				if tt.tr != nil {
					tt.tr(tr)
				}
				var body io.Reader
				if tt.body != nil {
					body = tt.body()
				}
				req, _ := http.NewRequestWithContext(ctx, tt.method, "http://api.invalid/", body)
				resp, err := tr.RoundTrip(req)
				if err == nil {
					resp.Body.Close()
				}
				if diff := cmp.Diff([]retry.Reason{tt.want}, end.got()); diff != "" {
					t.Errorf("OnEnd (-want +got):\n%s", diff)
				}
				f.checkClosed(t)
			})
		})
	}
}

// always503 is a script of TestOnEndReason: a 503 to every attempt.
func always503(int, *http.Request, context.CancelFunc) (*http.Response, error) {
	return answer(503, ""), nil
}

// always500 is a script of TestOnEndReason: a 500 to every attempt.
func always500(int, *http.Request, context.CancelFunc) (*http.Response, error) {
	return answer(500, ""), nil
}

// layerGivingUp is a script of TestOnEndReason: a layer inside Base, which
// loses its connection twice and gives up after retrying.
func layerGivingUp(_ int, req *http.Request, _ context.CancelFunc) (*http.Response, error) {
	p := &retry.Policy{Stop: stop.AfterAttempts(2), Wait: wait.None()}
	return nil, p.Run(req.Context(), func(context.Context) error { return io.EOF })
}

// TestTransportInsideTransport: a Transport whose Base is another Transport (two
// clients wrapped by mistake, or a library's client inside one's own) sends at
// most the attempts of the one that allows the more, hedged or not: the inner
// one sees the outer's attempt in the request's context, on the first attempt
// as on the later ones. Not hedged, the inner one retries and decides; hedged,
// the outer one retries, and the inner one sends each attempt once.
func TestTransportInsideTransport(t *testing.T) {
	for name, outer := range map[string]*retry.Policy{
		"sequential": {Wait: wait.None()},
		"hedged":     {Wait: wait.None(), Hedger: hedge.Fixed(time.Millisecond, 1)},
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := &memServer{handler: memStatuses(http.StatusServiceUnavailable)}
				var inner, outerEnds endings
				in := &retryhttp.Transport{Base: srv, Policy: &retry.Policy{Wait: wait.None(), OnEnd: retry.HookFunc(inner.hook)}}
				p := *outer
				p.OnEnd = retry.HookFunc(outerEnds.hook)
				client := retryhttp.NewClient(&retryhttp.Transport{Base: in, Policy: &p})
				resp, err := client.Get("http://api.example/")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if got := srv.hits.Load(); got != retry.DefaultAttempts {
					t.Errorf("the server saw %d requests, want %d", got, retry.DefaultAttempts)
				}
				want := []retry.Reason{retry.ReasonLayerBelow}
				if outer.Hedger != nil {
					want = []retry.Reason{retry.ReasonStop}
				}
				if diff := cmp.Diff(want, outerEnds.got()); diff != "" {
					t.Errorf("outer OnEnd (-want +got):\n%s", diff)
				}
			})
		})
	}
}

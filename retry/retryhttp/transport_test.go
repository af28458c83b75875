package retryhttp_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// zeroPolicies are the two ways to give a Transport the zero Policy.
var zeroPolicies = map[string]*retry.Policy{"nil Policy": nil, "zero Policy": {}}

// checkThroughDo is the operation of retry.Do that the adapter-default tests run
// with the Transport's Policy: one request through f, its status as an error.
func checkThroughDo(f *fake) func(context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://api.invalid/", nil)
		resp, err := f.RoundTrip(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		return resp.StatusCode, retryhttp.CheckResponse(resp)
	}
}

// TestZeroPolicyStop: a nil Stop means retry.DefaultAttempts, 4, on a 503, in
// the Transport as through retry.Do with the same Policy: one set of defaults.
func TestZeroPolicyStop(t *testing.T) {
	for name, p := range zeroPolicies {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				always503 := func(int, *http.Request) (*http.Response, error) { return answer(503, ""), nil }
				f := &fake{script: always503}
				tr := &retryhttp.Transport{Base: f, Policy: p}
				resp, err := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
				if err != nil || resp.StatusCode != 503 {
					t.Fatalf("RoundTrip = %v, %v; want the last 503", resp, err)
				}
				resp.Body.Close()
				if f.n != retry.DefaultAttempts {
					t.Errorf("the Transport made %d attempts, want %d", f.n, retry.DefaultAttempts)
				}
				f.checkClosed(t)

				f = &fake{script: always503}
				_, err = retry.Do(t.Context(), p, checkThroughDo(f))
				if re, ok := errorAs[*retry.Error](err); !ok || re.Reason != retry.ReasonStop {
					t.Errorf("retry.Do = %v, want a give-up on Stop", err)
				}
				if f.n != retry.DefaultAttempts {
					t.Errorf("retry.Do made %d attempts, want %d", f.n, retry.DefaultAttempts)
				}
				f.checkClosed(t)
			})
		})
	}
}

// TestZeroPolicyRetry: a nil Retry means the Transport's predicate.Transient, so
// a 404 is returned at once, where the same Policy through retry.Do retries any
// error, the 404's included, until retry.DefaultAttempts.
func TestZeroPolicyRetry(t *testing.T) {
	for name, p := range zeroPolicies {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				always404 := func(int, *http.Request) (*http.Response, error) { return answer(404, ""), nil }
				f := &fake{script: always404}
				var ended retry.Reason
				tr := &retryhttp.Transport{Base: f, Policy: p}
				if p != nil { // see how it ends, through a copy with a hook
					withHook := *p
					withHook.OnEnd = retry.HookFunc(func(a retry.Attempt) { ended = a.Reason })
					tr.Policy = &withHook
				}
				resp, err := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
				if err != nil || resp.StatusCode != 404 {
					t.Fatalf("RoundTrip = %v, %v; want the 404", resp, err)
				}
				resp.Body.Close()
				if f.n != 1 {
					t.Errorf("the Transport made %d attempts on a 404, want 1", f.n)
				}
				if p != nil && ended != retry.ReasonNotRetried {
					t.Errorf("OnEnd saw %v, want not_retried", ended)
				}
				f.checkClosed(t)

				f = &fake{script: always404}
				code, err := retry.Do(t.Context(), p, checkThroughDo(f))
				if se, ok := errorAs[*retryhttp.StatusError](err); !ok || se.Code != 404 || code != 404 {
					t.Errorf("retry.Do = %d, %v; want the 404's StatusError", code, err)
				}
				if f.n != retry.DefaultAttempts {
					t.Errorf("retry.Do made %d attempts on a 404, want %d", f.n, retry.DefaultAttempts)
				}
				f.checkClosed(t)

				calls := 0
				_, err = retry.Do(t.Context(), p, func(context.Context) (int, error) {
					calls++
					return 0, errors.New("any error")
				})
				if err == nil || calls != retry.DefaultAttempts {
					t.Errorf("retry.Do = %v after %d calls, want a give-up after %d", err, calls, retry.DefaultAttempts)
				}
			})
		})
	}
}

// TestZeroPolicyWait: a nil Wait means retry's full jitter, but a hint
// sets the pause whatever the Wait, in the engine: the Transport and retry.Do
// with the same Policy both sleep the 30 seconds a 503's Retry-After asks for,
// plus up to half of it.
func TestZeroPolicyWait(t *testing.T) {
	for name, p := range zeroPolicies {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				script := func(n int, _ *http.Request) (*http.Response, error) {
					if n == 1 {
						return answer(503, "30"), nil
					}
					return answer(200, ""), nil
				}
				f := &fake{script: script}
				tr := &retryhttp.Transport{Base: f, Policy: p}
				start := time.Now()
				resp, err := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
				if err != nil || resp.StatusCode != 200 {
					t.Fatalf("RoundTrip = %v, %v; want 200", resp, err)
				}
				resp.Body.Close()
				if got := time.Since(start); got < 30*time.Second || got > 45*time.Second {
					t.Errorf("the Transport paused %v, want the 30s asked for, plus up to 15s", got)
				}
				f.checkClosed(t)

				f = &fake{script: script}
				start = time.Now()
				if code, err := retry.Do(t.Context(), p, checkThroughDo(f)); err != nil || code != 200 {
					t.Fatalf("retry.Do = %d, %v; want 200", code, err)
				}
				if got := time.Since(start); got < 30*time.Second || got > 45*time.Second || f.n != 2 {
					t.Errorf("retry.Do paused %v in %d attempts, want the 30s asked for, plus up to 15s, in 2", got, f.n)
				}
				f.checkClosed(t)
			})
		})
	}
}

// TestNameFromRequest: a Policy with hooks and no Name names each round trip by
// its method and host for its hooks, without writing to the Policy; a Name that
// is set is kept.
func TestNameFromRequest(t *testing.T) {
	tests := []struct {
		name   string
		method string
		policy string
		want   string // the host is appended to the want that ends in a space
	}{
		{"GET", http.MethodGet, "", "GET "},
		{"empty method is GET", "", "", "GET "},
		{"PUT", http.MethodPut, "", "PUT "},
		{"Name kept", http.MethodGet, "users API", "users API"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, statuses(503, 200))
			u, err := url.Parse(e.srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want[len(want)-1] == ' ' {
				want += u.Host // 127.0.0.1:port
			}
			var names []string
			rec := func(hook string) retry.Hook {
				return retry.HookFunc(func(a retry.Attempt) { names = append(names, hook+": "+a.Name) })
			}
			e.p.Name = tt.policy
			e.p.Before, e.p.After, e.p.BeforeSleep, e.p.OnEnd = rec("before"), rec("after"), rec("sleep"), rec("end")
			req, _ := http.NewRequest(tt.method, e.srv.URL, nil)
			resp, err := e.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if code, _ := readAll(t, resp); code != 200 {
				t.Errorf("status = %d, want 200", code)
			}
			wantNames := []string{"before: ", "after: ", "sleep: ", "before: ", "after: ", "end: "}
			for i := range wantNames {
				wantNames[i] += want
			}
			if diff := cmp.Diff(wantNames, names); diff != "" {
				t.Errorf("the hooks saw the names (-want +got):\n%s", diff)
			}
			if e.p.Name != tt.policy {
				t.Errorf("Policy.Name = %q after the round trip, want %q: the Transport must not write to it", e.p.Name, tt.policy)
			}
		})
	}
}

// TestAttemptNumberInResentRequests: the Base sees the attempt's number in the
// context of every request sent again, and nothing in the first.
func TestAttemptNumberInResentRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var seen []string
		f := attemptNumbers(&seen)
		tr := &retryhttp.Transport{Base: f}
		resp, err := tr.RoundTrip(mustGet(t, "http://api.invalid/"))
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("RoundTrip = %v, %v; want 200", resp, err)
		}
		resp.Body.Close()
		if diff := cmp.Diff([]string{"0 false", "2 true", "3 true"}, seen); diff != "" {
			t.Errorf("AttemptNumber in Base (-want +got):\n%s", diff)
		}
		if n, ok := retryhttp.AttemptNumber(context.Background()); n != 0 || ok {
			t.Errorf("AttemptNumber(Background) = %d, %v; want 0, false", n, ok)
		}
	})
}

// attemptNumbers is a Base that answers 503 twice, then 200, and records what
// AttemptNumber says of each request it receives, in *seen.
func attemptNumbers(seen *[]string) *fake {
	return &fake{script: func(n int, req *http.Request) (*http.Response, error) {
		a, ok := retryhttp.AttemptNumber(req.Context())
		*seen = append(*seen, fmt.Sprint(a, ok))
		if n < 3 {
			return answer(http.StatusServiceUnavailable, ""), nil
		}
		return answer(http.StatusOK, ""), nil
	}}
}

// TestAttemptNumberThroughLayers: a request that an inner layer sends once is
// still a resend when a layer around it is past its first attempt: a Transport
// inside a hedged Transport (whose attempts the inner one sends once each), and
// a Transport inside the second attempt of retry.Do.
func TestAttemptNumberThroughLayers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var seen []string
		f := attemptNumbers(&seen)
		inner := &retryhttp.Transport{Base: f}
		outer := &retryhttp.Transport{Base: inner, Policy: &retry.Policy{Wait: wait.None(), Hedger: hedge.Fixed(time.Hour, 1)}}
		resp, err := outer.RoundTrip(mustGet(t, "http://api.invalid/"))
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("RoundTrip = %v, %v; want 200", resp, err)
		}
		resp.Body.Close()
		if diff := cmp.Diff([]string{"0 false", "2 true", "3 true"}, seen); diff != "" {
			t.Errorf("inside a hedged Transport: AttemptNumber in Base (-want +got):\n%s", diff)
		}

		seen = nil
		f.n = 0
		_, err = retry.Do(t.Context(), &retry.Policy{Wait: wait.None(), Retry: predicate.Always()}, func(ctx context.Context) (int, error) {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://api.invalid/", nil)
			resp, err := (&retryhttp.Transport{Base: f, Policy: &retry.Policy{Stop: stop.AfterAttempts(1)}}).RoundTrip(req)
			if err != nil {
				return 0, err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return 0, errors.New(resp.Status)
			}
			return 0, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"0 false", "2 true", "3 true"}, seen); diff != "" {
			t.Errorf("inside retry.Do: AttemptNumber in Base (-want +got):\n%s", diff)
		}
	})
}

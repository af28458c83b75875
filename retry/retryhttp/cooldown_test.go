package retryhttp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/stop"
)

// origins is a Base that answers by the request's host, from a script, and
// records when each request reached it. Safe for concurrent use.
type origins struct {
	answer func(req *http.Request) *http.Response
	start  time.Time

	mu   sync.Mutex
	seen []string // "host@elapsed"
}

func (o *origins) RoundTrip(req *http.Request) (*http.Response, error) {
	o.mu.Lock()
	o.seen = append(o.seen, req.URL.Host+"@"+time.Since(o.start).String())
	o.mu.Unlock()
	if req.Body != nil {
		req.Body.Close()
	}
	resp := o.answer(req)
	resp.Body = io.NopCloser(strings.NewReader(resp.Status))
	resp.Request = req
	return resp, nil
}

func (o *origins) requests() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.seen...)
}

// busyA answers a.test with a 503 asking to wait ra, and every other host 200.
func busyA(ra string) func(*http.Request) *http.Response {
	return func(req *http.Request) *http.Response {
		if req.URL.Host == "a.test" {
			return answer(http.StatusServiceUnavailable, ra)
		}
		return answer(http.StatusOK, "")
	}
}

// cooling returns a Transport with a Cooldown, whose Policy makes one attempt,
// so that a 503's hint reaches the Cooldown and nothing else.
func cooling(base http.RoundTripper, p *retry.Policy) *retryhttp.Transport {
	if p == nil {
		p = &retry.Policy{Stop: stop.AfterAttempts(1)}
	}
	return &retryhttp.Transport{Base: base, Policy: p, Cooldown: &retryhttp.Cooldown{}}
}

func get(t *testing.T, ctx context.Context, tr http.RoundTripper, rawURL string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tr.RoundTrip(req)
	if resp != nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return resp, err
}

// TestCooldownHoldsBackNewRequests: after a 503 with Retry-After: 2, a new
// request to the same origin waits until the hint has passed (and up to half
// of it more, at random) before its first attempt, while a request to another
// origin goes at once.
func TestCooldownHoldsBackNewRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		base := &origins{answer: busyA("2"), start: time.Now()}
		tr := cooling(base, nil)
		if resp, _ := get(t, t.Context(), tr, "http://a.test/x"); resp == nil || resp.StatusCode != 503 {
			t.Fatalf("first request: %v, want the 503", resp)
		}
		start := time.Now()
		if _, err := get(t, t.Context(), tr, "http://b.test/y"); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("another origin waited %v, want no wait", d)
		}
		base.answer = func(*http.Request) *http.Response { return answer(http.StatusOK, "") }
		if _, err := get(t, t.Context(), tr, "http://a.test/z"); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 2*time.Second || d > 3*time.Second {
			t.Errorf("the same origin waited %v, want 2s to 3s", d)
		}
		if got := len(base.requests()); got != 3 {
			t.Errorf("Base saw %d requests, want 3: %v", got, base.requests())
		}
	})
}

// TestCooldownPastDeadline: a request whose deadline ends before the cooldown
// is not sent: it fails at once with a *retry.Error of ReasonGate whose
// Refusal is a *CooldownError carrying what is left of the hint, and its body
// is closed.
func TestCooldownPastDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		base := &origins{answer: busyA("10"), start: time.Now()}
		tr := cooling(base, nil)
		get(t, t.Context(), tr, "https://a.test/x")
		time.Sleep(4 * time.Second)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		body := &closeCounter{Reader: strings.NewReader("payload")}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPut, "https://A.test:443/x", body)
		start := time.Now()
		resp, err := tr.RoundTrip(req)
		if resp != nil || time.Since(start) != 0 {
			t.Fatalf("got a response %v after %v, want none at once", resp, time.Since(start))
		}
		var re *retry.Error
		var ce *retryhttp.CooldownError
		if !errors.As(err, &re) || re.Reason != retry.ReasonGate || re.Attempts != 0 || !errors.As(err, &ce) {
			t.Fatalf("err = %v, want a *retry.Error of ReasonGate after no attempt, refused by a *CooldownError", err)
		}
		if ce.Origin != "https://a.test:443" || ce.Left != 6*time.Second || ce.RetryAfter() != 6*time.Second || ce.Err != nil {
			t.Errorf("CooldownError %+v, want https://a.test:443, 6s left, no context error", ce)
		}
		if body.closes != 1 {
			t.Errorf("the request body was closed %d times, want once", body.closes)
		}
		if got := len(base.requests()); got != 1 {
			t.Errorf("Base saw %d requests, want the first only", got)
		}
	})
}

type closeCounter struct {
	io.Reader
	closes int
}

func (c *closeCounter) Close() error { c.closes++; return nil }

// TestCooldownContextEnds: a request whose context ends while it waits out a
// cooldown is refused with a *CooldownError that wraps the context's error.
func TestCooldownContextEnds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		base := &origins{answer: busyA("5"), start: time.Now()}
		tr := cooling(base, nil)
		get(t, t.Context(), tr, "http://a.test/x")
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(time.Second, cancel)
		_, err := get(t, ctx, tr, "http://a.test/y")
		var ce *retryhttp.CooldownError
		if !errors.As(err, &ce) || !errors.Is(err, context.Canceled) || ce.Left != 4*time.Second {
			t.Fatalf("err = %v, want a *CooldownError wrapping context.Canceled, 4s left", err)
		}
	})
}

// TestCooldownCappedByMaxRetryAfter: the cooldown is the hint capped at the
// Policy's MaxRetryAfter, as the engine caps a pause; a Policy that ignores
// hints sets none.
func TestCooldownCappedByMaxRetryAfter(t *testing.T) {
	for _, tt := range []struct {
		name     string
		max      time.Duration
		min, top time.Duration
	}{
		{"capped", 2 * time.Second, 2 * time.Second, 3 * time.Second},
		{"hints ignored", -1, 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				base := &origins{answer: busyA("3600"), start: time.Now()}
				tr := cooling(base, &retry.Policy{Stop: stop.AfterAttempts(1), MaxRetryAfter: tt.max})
				get(t, t.Context(), tr, "http://a.test/x")
				start := time.Now()
				get(t, t.Context(), tr, "http://a.test/y")
				if d := time.Since(start); d < tt.min || d > tt.top {
					t.Errorf("waited %v, want %v to %v", d, tt.min, tt.top)
				}
			})
		})
	}
}

// TestCooldownNoHedges: no hedge starts to an origin while it cools down.
func TestCooldownNoHedges(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		base := &origins{start: time.Now(), answer: func(req *http.Request) *http.Response {
			if req.URL.Path == "/slow" {
				time.Sleep(100 * time.Millisecond)
				return answer(http.StatusOK, "")
			}
			return answer(http.StatusServiceUnavailable, "5")
		}}
		tr := cooling(base, &retry.Policy{Stop: stop.AfterAttempts(3), Hedger: hedge.Fixed(10*time.Millisecond, 1)})
		var wg sync.WaitGroup
		wg.Go(func() {
			if resp, err := get(t, t.Context(), tr, "http://a.test/slow"); err != nil || resp.StatusCode != 200 {
				t.Errorf("slow request: %v, %v; want a 200", resp, err)
			}
		})
		time.Sleep(time.Millisecond) // the slow request is in flight
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		get(t, ctx, tr, "http://a.test/busy") // its 503 starts the cooldown; its retry is past the deadline
		wg.Wait()
		if got := base.requests(); len(got) != 2 {
			t.Errorf("Base saw %v, want the slow request and the busy one, and no hedge", got)
		}
	})
}

// TestCooldownRemembersAtMostMaxOrigins: a full Cooldown forgets the origins
// whose cooldown has passed, then the one that ends soonest.
func TestCooldownRemembersAtMostMaxOrigins(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := &retryhttp.Cooldown{MaxOrigins: 2}
		retryhttp.NoteCooldown(c, "a", 10*time.Second)
		retryhttp.NoteCooldown(c, "b", 20*time.Second)
		retryhttp.NoteCooldown(c, "c", 5*time.Second) // full: a ends soonest
		left := func() [4]time.Duration {
			var l [4]time.Duration
			for i, o := range []string{"a", "b", "c", "d"} {
				l[i] = retryhttp.CooldownLeft(c, o)
			}
			return l
		}
		if got, want := left(), [4]time.Duration{0, 20 * time.Second, 5 * time.Second, 0}; got != want {
			t.Errorf("after a, b, c: %v, want %v", got, want)
		}
		time.Sleep(6 * time.Second)
		retryhttp.NoteCooldown(c, "d", time.Second) // full: c has passed
		if got, want := left(), [4]time.Duration{0, 14 * time.Second, 0, time.Second}; got != want {
			t.Errorf("after d: %v, want %v", got, want)
		}
		retryhttp.NoteCooldown(c, "b", time.Second) // a shorter hint does not shorten it
		if got := retryhttp.CooldownLeft(c, "b"); got != 14*time.Second {
			t.Errorf("b: %v left, want 14s", got)
		}
	})
}

func TestCooldownOrigin(t *testing.T) {
	for raw, want := range map[string]string{
		"https://Example.COM/x":     "https://example.com:443",
		"https://example.com:443/y": "https://example.com:443",
		"http://example.com":        "http://example.com:80",
		"http://example.com:8080/":  "http://example.com:8080",
		"http://[::1]:9/":           "http://[::1]:9",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := retryhttp.Origin(u); got != want {
			t.Errorf("origin(%s) = %s, want %s", raw, got, want)
		}
	}
}

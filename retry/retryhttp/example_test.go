package retryhttp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// flakyServer starts a loopback server that answers its n-th request with
// codes[n-1] (and a Retry-After of 1 second on a 429), and "hello" with 200 once
// the codes are used up.
func flakyServer(codes ...int) *httptest.Server {
	var n atomic.Int32
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if i := int(n.Add(1)); i <= len(codes) {
			if codes[i-1] == 429 {
				w.Header().Set("Retry-After", "1")
			}
			w.WriteHeader(codes[i-1])
			return
		}
		_, _ = io.WriteString(w, "hello")
	}))
}

func ExampleTransport() {
	srv := flakyServer(503, 429)
	defer srv.Close()

	svc := &retry.Policy{ // the Policy of the service: nil Stop and Wait are the defaults, nil Retry the Transport's
		// The server's hint sets the pause, capped here, plus up to half of it.
		MaxRetryAfter: 50 * time.Millisecond, // keeps the example quick; the default is a minute
		BeforeSleep: retry.HookFunc(func(a retry.Attempt) {
			var se *retryhttp.StatusError
			if errors.As(a.Err, &se) && se.RetryAfter() > 0 {
				fmt.Printf("attempt %d: %d, asked to wait %v, waiting %t\n", a.Number, se.Code, se.RetryAfter(),
					a.Delay >= 50*time.Millisecond && a.Delay <= 75*time.Millisecond)
			} else if se != nil {
				fmt.Printf("attempt %d: %d, retrying with backoff\n", a.Number, se.Code)
			}
		}),
	}
	client := retryhttp.NewClient(&retryhttp.Transport{Policy: svc})
	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	// Output:
	// attempt 1: 503, retrying with backoff
	// attempt 2: 429, asked to wait 1s, waiting true
	// 200 hello
}

// hooks.LogEnd, as the OnEnd of the service's Policy, explains every "no" at
// the level asked, next to the retries that BeforeSleep logs: here the
// Transport gives up on a second 500 (its limit on 500s is a stop rule) and
// refuses to send a POST again. A status it does not retry, such as a 404,
// would be logged at Debug only.
func ExampleTransport_logEnd() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "elapsed" { // vary from run to run
				return slog.Attr{}
			}
			return a
		},
	}))

	svc := &retry.Policy{
		Name:        "api",
		Wait:        wait.Fixed(time.Millisecond),
		BeforeSleep: hooks.LogBeforeSleep(logger, slog.LevelInfo),
		OnEnd:       hooks.LogEnd(logger, slog.LevelWarn),
	}
	client := retryhttp.NewClient(&retryhttp.Transport{Policy: svc})
	if resp, err := client.Get(srv.URL); err == nil {
		resp.Body.Close()
	}
	if resp, err := client.Post(srv.URL, "application/json", strings.NewReader(`{"amount": 10}`)); err == nil {
		resp.Body.Close()
	}
	// Output:
	// level=INFO msg="retry: retrying" name=api attempt=1 error="retryhttp: 500 Internal Server Error" delay=1ms
	// level=WARN msg="retry: gave up" name=api reason=stop attempts=2 error="retryhttp: 500 Internal Server Error"
	// level=WARN msg="retry: retry refused" name=api reason=not_idempotent attempts=1 error="retryhttp: 500 Internal Server Error"
}

// A pause the request has no time for is not taken: the round trip gives up at
// once, with an error that carries the pause and the response's status.
func ExampleTransport_deadline() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	svc := &retry.Policy{MaxRetryAfter: 5 * time.Minute}
	_, err := retryhttp.NewClient(&retryhttp.Transport{Policy: svc}).Do(req)

	var re *retry.Error
	var se *retryhttp.StatusError
	if errors.As(err, &re) && errors.As(err, &se) {
		fmt.Println(re.Reason, re.Attempts, se.RetryAfter(), se.Code, re.Delay >= se.RetryAfter())
	}
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	// Output:
	// deadline 1 2m0s 503 true
	// true
}

// One Policy serves a service's every caller: the Transport for its HTTP
// requests and package retry's calls for the rest share its Budget and its
// hooks. A nil Retry still means each caller's own rules: here the Transport
// retries a 503 by its HTTP rules, and Policy.Run any error.
func ExampleTransport_sharedPolicy() {
	srv := flakyServer(503)
	defer srv.Close()

	svc := &retry.Policy{
		Wait:   wait.Fixed(time.Millisecond),
		Budget: budget.NewTokenBucket(10, 0.1),
		OnEnd: retry.HookFunc(func(a retry.Attempt) {
			fmt.Printf("%s after %d attempts\n", a.Reason, a.Number)
		}),
	}
	client := retryhttp.NewClient(&retryhttp.Transport{Policy: svc})
	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()

	calls := 0
	_ = svc.Run(context.Background(), func(context.Context) error {
		if calls++; calls < 3 {
			return errors.New("cache miss")
		}
		return nil
	})
	// Output:
	// success after 2 attempts
	// success after 3 attempts
}

func ExampleNewClient() {
	srv := flakyServer(502, 504)
	defer srv.Close()

	client := retryhttp.NewClient(nil) // the zero Transport: 4 attempts, jittered backoff
	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	// Output: 200 OK
}

// CheckResponse is for code that calls a client of its own inside retry.Do: it
// turns a failing status into an error that predicate.Transient classifies and
// whose Retry-After the retry engine honours, whatever the Wait.
func ExampleCheckResponse() {
	srv := flakyServer(503)
	defer srv.Close()

	p := &retry.Policy{
		Retry: predicate.Transient(),
		Wait:  wait.FullJitter(10*time.Millisecond, time.Second),
	}
	var st retry.Stats
	body, err := retry.Do(retry.WithStats(context.Background(), &st), p, func(ctx context.Context) (string, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
		if err != nil {
			return "", retry.Permanent(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		if err := retryhttp.CheckResponse(resp); err != nil {
			return "", err
		}
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	})
	fmt.Println(body, err, st.Attempts)
	// Output: hello <nil> 2
}

// A POST is sent once unless the caller says it is safe to send again.
func ExampleWithIdempotent() {
	client := retryhttp.NewClient(&retryhttp.Transport{Policy: &retry.Policy{Wait: wait.Fixed(time.Millisecond)}})
	for _, safe := range []bool{false, true} {
		srv := flakyServer(503)
		ctx := context.Background()
		if safe {
			ctx = retryhttp.WithIdempotent(ctx)
		}
		req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL, strings.NewReader(`{"amount": 10}`))
		resp, err := client.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Println(safe, resp.StatusCode)
		srv.Close()
	}
	// Output:
	// false 503
	// true 200
}

func ExampleParseRetryAfter() {
	now := time.Date(1994, time.November, 6, 8, 49, 0, 0, time.UTC)
	for _, v := range []string{
		"120",
		"Sun, 06 Nov 1994 08:49:37 GMT",  // IMF-fixdate
		"Sunday, 06-Nov-94 08:49:37 GMT", // RFC 850
		"Sun Nov  6 08:49:37 1994",       // asctime
		"Sun, 06 Nov 1994 08:48:00 GMT",  // in the past
		"99999999999999999999",           // saturates
		"1.5",                            // not delay-seconds
	} {
		d, ok := retryhttp.ParseRetryAfter(v, now)
		fmt.Println(d, ok)
	}
	// Output:
	// 2m0s true
	// 37s true
	// 37s true
	// 37s true
	// 0s false
	// 2562047h47m16.854775807s true
	// 0s false
}

// A health check wants the server's first answer, not a retried one: one
// client serves it and the retried calls, and retry.WithoutRetry says which is
// which.
func ExampleTransport_withoutRetry() {
	srv := flakyServer(503)
	defer srv.Close()
	client := retryhttp.NewClient(&retryhttp.Transport{Policy: &retry.Policy{Wait: wait.Fixed(time.Millisecond)}})

	req, _ := http.NewRequestWithContext(retry.WithoutRetry(context.Background()), "GET", srv.URL, nil)
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println("health check:", resp.Status)

	resp, err = client.Get(srv.URL) // retried as usual
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println("call:", resp.Status)
	// Output:
	// health check: 503 Service Unavailable
	// call: 200 OK
}

// A call made while a user waits gets a Policy of its own, through
// retry.WithPolicy, on the client that batch jobs share: two attempts, and no
// pause longer than 100ms, even one a server asks for.
func ExampleTransport_withPolicy() {
	srv := flakyServer(503, 503)
	defer srv.Close()
	client := retryhttp.NewClient(&retryhttp.Transport{Policy: &retry.Policy{Budget: budget.Default()}})

	interactive := &retry.Policy{
		Stop:          stop.AfterAttempts(2),
		Wait:          wait.FullJitter(10*time.Millisecond, 100*time.Millisecond),
		MaxRetryAfter: -1, // ignore the server's hints
	}
	req, _ := http.NewRequestWithContext(retry.WithPolicy(context.Background(), interactive), "GET", srv.URL, nil)
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status) // given up after 2 attempts
	// Output: 503 Service Unavailable
}

// A POST that failed in a way worth retrying, but that the Transport did not
// send again, says why with a *retry.NotRetriedError.
func ExampleTransport_notRetried() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		conn, _, _ := http.NewResponseController(w).Hijack()
		conn.Close() // the connection drops after the server has read the POST
	}))
	defer srv.Close()

	_, err := retryhttp.NewClient(nil).Post(srv.URL, "application/json", strings.NewReader(`{"amount": 10}`))
	var nre *retry.NotRetriedError
	if errors.As(err, &nre) {
		fmt.Println(nre.Name, nre.Reason, errors.Is(err, io.EOF))
	}
	// Output: POST not_idempotent true
}

// The service's Policy runs both around a request (Policy.Run, which turns a
// failing status into an error) and inside it (the Transport): the Transport
// retries, gives up, and the call around it does not retry what it gave up on,
// so the server sees 4 requests, not 16.
func ExampleTransport_oneLayer() {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}))
	defer srv.Close()

	svc := &retry.Policy{
		Wait:  wait.Fixed(time.Millisecond),
		OnEnd: retry.HookFunc(func(a retry.Attempt) { fmt.Printf("%s after %d attempts\n", a.Reason, a.Number) }),
	}
	client := retryhttp.NewClient(&retryhttp.Transport{Policy: svc})
	err := svc.Run(context.Background(), func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		return retryhttp.CheckResponse(resp)
	})
	fmt.Println(err, "-", requests.Load(), "requests")
	// Output:
	// stop after 4 attempts
	// layer_below after 1 attempts
	// retryhttp: 503 Service Unavailable - 4 requests
}

// A Base of your own can tell a request sent again from the first: here it counts
// the resends, as a tracing wrapper would set http.request.resend_count.
func ExampleAttemptNumber() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Seen") == "" {
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	resends := 0
	base := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if n, ok := retryhttp.AttemptNumber(req.Context()); ok {
			resends = n - 1
			req.Header.Set("X-Seen", "yes") // the Transport's own clone: safe to change
		}
		return http.DefaultTransport.RoundTrip(req)
	})
	client := retryhttp.NewClient(&retryhttp.Transport{Base: base, Policy: &retry.Policy{Wait: wait.None()}})
	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resends)
	// Output: 200 1
}

// ExampleCooldown shares one Cooldown among the callers of a service: after the
// server answers 429 with a hint, a new request to it waits until the hint has
// passed, and one whose deadline ends sooner is not sent.
func ExampleCooldown() {
	var busy atomic.Bool
	busy.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if busy.Swap(false) {
			w.Header().Set("Retry-After-Ms", "500")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, "hello")
	}))
	defer srv.Close()

	client := retryhttp.NewClient(&retryhttp.Transport{
		Policy:   &retry.Policy{Stop: stop.AfterAttempts(1)}, // show the 429 itself
		Cooldown: &retryhttp.Cooldown{},
	})
	resp, err := client.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	_, err = client.Do(req)
	var ce *retryhttp.CooldownError
	fmt.Println("refused at once:", errors.As(err, &ce))

	resp, err = client.Get(srv.URL) // waits out the rest of the 500ms
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(string(body))
	// Output:
	// 429
	// refused at once: true
	// hello
}

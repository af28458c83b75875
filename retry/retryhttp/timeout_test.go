package retryhttp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
)

// hang makes the first request hang until the client goes away, and answers
// later ones 200 OK. It reads the body first: the server notices a closed
// connection only once the body is read.
func hang(w http.ResponseWriter, r *http.Request, n int) {
	_, _ = io.Copy(io.Discard, r.Body)
	if n == 1 {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second): // a test that failed; don't block Close
		}
		return
	}
	_, _ = io.WriteString(w, "OK")
}

// TestAttemptTimeoutRetried lets the first attempt hang: the attempt timeout ends
// it and the retry succeeds; the returned body, bound to the second attempt's
// context, reads in full.
func TestAttemptTimeoutRetried(t *testing.T) {
	e := newEnv(t, func(n int, w http.ResponseWriter, r *http.Request) { hang(w, r, n) })
	e.p.AttemptTimeout = 200 * time.Millisecond
	var errs []error
	e.p.After = retry.HookFunc(func(a retry.Attempt) { errs = append(errs, a.Err) })
	if code, body := e.get(t); code != 200 || body != "OK" {
		t.Errorf("got %d %q, want 200 OK", code, body)
	}
	if len(errs) != 2 || !errors.Is(errs[0], retry.ErrAttemptTimeout) || errs[1] != nil {
		t.Fatalf("attempt errors = %v, want an attempt timeout, then nil", errs)
	}
	if want := "retryhttp: attempt timed out after 200ms"; !strings.HasPrefix(errs[0].Error(), want) {
		t.Errorf("error = %q, want prefix %q", errs[0], want)
	}
	if to, ok := errs[0].(interface{ Timeout() bool }); !ok || !to.Timeout() {
		t.Errorf("error %v does not report Timeout", errs[0])
	}
}

// TestBaseTimeoutRetried lets Base's own timeout end the first attempt: it is a
// timeout, and retried.
func TestBaseTimeoutRetried(t *testing.T) {
	e := newEnv(t, func(n int, w http.ResponseWriter, r *http.Request) { hang(w, r, n) })
	e.base.ResponseHeaderTimeout = 200 * time.Millisecond
	if code, body := e.get(t); code != 200 || body != "OK" || e.hits.Load() != 2 {
		t.Errorf("got %d %q after %d requests, want 200 OK after 2", code, body, e.hits.Load())
	}
}

// TestAttemptTimeoutPOST lets a POST hang: it may have reached the server, so it
// is not sent again.
func TestAttemptTimeoutPOST(t *testing.T) {
	e := newEnv(t, func(n int, w http.ResponseWriter, r *http.Request) { hang(w, r, n) })
	e.p.AttemptTimeout = 50 * time.Millisecond
	resp, err := e.client.Post(e.srv.URL, "text/plain", strings.NewReader("x"))
	if err == nil {
		resp.Body.Close()
		t.Fatal("Post succeeded, want the attempt's timeout")
	}
	if !errors.Is(err, retry.ErrAttemptTimeout) || e.hits.Load() != 1 {
		t.Errorf("err = %v after %d requests, want an attempt timeout after 1", err, e.hits.Load())
	}
}

// TestAttemptTimeoutBoundsBody checks that the attempt timeout covers the body of
// the returned response, as http.Client.Timeout does.
func TestAttemptTimeoutBoundsBody(t *testing.T) {
	e := newEnv(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "part")
		_ = http.NewResponseController(w).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	e.p.AttemptTimeout = 200 * time.Millisecond
	resp, err := e.client.Get(e.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if string(b) != "part" || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("read %q, %v; want %q and the attempt's deadline", b, err, "part")
	}
}

// TestCancelDuringRetryAfter cancels the request while it sleeps a 30-second
// Retry-After: RoundTrip returns at once, and the 503 is closed.
func TestCancelDuringRetryAfter(t *testing.T) {
	e := newEnv(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(503)
	})
	e.p.Wait = nil // the default: honour Retry-After
	ctx, cancel := context.WithCancel(context.Background())
	e.p.BeforeSleep = retry.HookFunc(func(a retry.Attempt) {
		if a.Delay < 30*time.Second || a.Delay > 45*time.Second {
			t.Errorf("Delay = %v, want within [30s, 45s]", a.Delay)
		}
		time.AfterFunc(20*time.Millisecond, cancel)
	})
	req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL, nil)
	start := time.Now()
	resp, err := e.tr.RoundTrip(req)
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("RoundTrip took %v, want it to return on cancellation", elapsed)
	}
	if resp != nil {
		t.Errorf("resp = %v, want nil", resp.Status)
	}
	re, ok := errorAs[*retry.Error](err)
	if !ok || re.Reason != retry.ReasonContext || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want a *retry.Error for cancellation", err)
	}
	if se, ok := errorAs[*retryhttp.StatusError](err); !ok || se.Code != 503 {
		t.Errorf("err = %v, want it to wrap the 503", err)
	}
}

// TestRetryAfterBeyondDeadline asks for a pause longer than the request has left:
// RoundTrip gives up at once, with an error that carries the pause and the 503.
func TestRetryAfterBeyondDeadline(t *testing.T) {
	e := newEnv(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(503)
		_, _ = io.WriteString(w, "come back later")
	})
	e.p.Wait = nil
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL, nil)
	start := time.Now()
	resp, err := e.client.Do(req)
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("Do took %v, want it to give up at once", elapsed)
	}
	if resp != nil {
		t.Errorf("resp = %v, want nil", resp.Status)
	}
	re, ok := errorAs[*retry.Error](err)
	if !ok || re.Reason != retry.ReasonDeadline || re.Delay < 30*time.Second || re.Delay > 45*time.Second || re.Attempts != 1 {
		t.Fatalf("err = %v, want a *retry.Error with Reason deadline and Delay within [30s, 45s] after 1 attempt", err)
	}
	se, ok := errorAs[*retryhttp.StatusError](err)
	if !ok || se.Code != 503 || se.RetryAfter() != 30*time.Second {
		t.Errorf("err = %v, want it to wrap the 503 with its Retry-After", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("errors.Is(err, DeadlineExceeded) = false; a give-up for the deadline must match it")
	}
	if e.hits.Load() != 1 {
		t.Errorf("server saw %d requests, want 1", e.hits.Load())
	}
}

// TestLateErrorIsNotATimeout: an error that is not a timeout, arriving after the
// attempt's timeout has passed, is judged by Retry, not retried as a timeout.
func TestLateErrorIsNotATimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		errTLS := errors.New("tls: failed to verify certificate")
		calls := 0
		tr := &retryhttp.Transport{
			Base: roundTripFunc(func(*http.Request) (*http.Response, error) {
				calls++
				time.Sleep(2 * time.Second) // past the attempt's timeout, ignoring it
				return nil, errTLS
			}),
			Policy: &retry.Policy{AttemptTimeout: time.Second},
		}
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://example.invalid/", nil)
		_, err := tr.RoundTrip(req)
		if !errors.Is(err, errTLS) || calls != 1 {
			t.Errorf("RoundTrip = %v after %d calls, want the TLS error after 1", err, calls)
		}
	})
}

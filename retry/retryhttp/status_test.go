package retryhttp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/wait"
)

// TestCheckResponse runs CheckResponse on real responses of a loopback server.
func TestCheckResponse(t *testing.T) {
	tests := []struct {
		code     int
		header   []string // Retry-After values
		wantErr  bool
		wantHint time.Duration
	}{
		{200, nil, false, 0},
		{204, nil, false, 0},
		{299, nil, false, 0},
		{302, nil, true, 0},           // a redirect the client did not follow
		{404, []string{"5"}, true, 0}, // Retry-After counts on 429 and 503 only
		{429, []string{"5"}, true, 5 * time.Second},
		{503, []string{"5"}, true, 5 * time.Second},
		{502, []string{"5"}, true, 0},
		{503, []string{"86400"}, true, 24 * time.Hour},   // not capped: the engine caps the pause
		{503, []string{"5", "5"}, true, 5 * time.Second}, // the same twice
		{503, []string{"5", "7"}, true, 0},               // disagreeing: no hint
		{503, []string{"garbage"}, true, 0},
		{503, nil, true, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code, tt.header), func(t *testing.T) {
			e := newEnv(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.Header()["Retry-After"] = tt.header
				w.WriteHeader(tt.code)
				_, _ = io.WriteString(w, "body")
			})
			resp, err := e.base.RoundTrip(mustGet(t, e.srv.URL)) // no retries
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			err = retryhttp.CheckResponse(resp)
			if (err != nil) != tt.wantErr {
				t.Fatalf("CheckResponse = %v, want error %t", err, tt.wantErr)
			}
			if err == nil {
				return
			}
			se := err.(*retryhttp.StatusError)
			if se.Code != tt.code || se.StatusCode() != tt.code || se.Response != resp || se.Header.Get("Content-Length") != "4" {
				t.Errorf("StatusError = %+v, want the response's code, header and itself", se)
			}
			if se.RetryAfter() != tt.wantHint {
				t.Errorf("RetryAfter() = %v, want %v", se.RetryAfter(), tt.wantHint)
			}
			if want := "retryhttp: " + resp.Status; se.Error() != want {
				t.Errorf("Error() = %q, want %q", se.Error(), want)
			}
			if b, _ := io.ReadAll(resp.Body); string(b) != "body" {
				t.Errorf("body after CheckResponse = %q, want it unread", b)
			}
		})
	}
}

func mustGet(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestCheckResponsePanicsOnNil(t *testing.T) {
	defer func() {
		if r := recover(); r != "retryhttp: CheckResponse: nil *http.Response" {
			t.Errorf("recover() = %v, want the nil response panic", r)
		}
	}()
	_ = retryhttp.CheckResponse(nil)
}

func TestStatusErrorByHand(t *testing.T) {
	se := &retryhttp.StatusError{Code: 418}
	if se.Error() != "retryhttp: 418 I'm a teapot" || se.RetryAfter() != 0 || se.StatusCode() != 418 {
		t.Errorf("got %q, %v, %d", se.Error(), se.RetryAfter(), se.StatusCode())
	}
}

// TestStatusErrorWithPredicates checks that the predicates and the retry engine
// read a StatusError through the wrapping a user's operation may add: the engine
// pauses for its Retry-After, not for the Policy's hour-long Wait.
func TestStatusErrorWithPredicates(t *testing.T) {
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"3"}}}
	err := fmt.Errorf("calling api: %w", retryhttp.CheckResponse(resp))
	a := retry.Attempt{Number: 1, Err: err}
	if !predicate.Transient().Match(a) || !predicate.Status(429).Match(a) || predicate.Status(503).Match(a) {
		t.Errorf("predicates disagree with a wrapped 429")
	}
	synctest.Test(t, func(t *testing.T) {
		p := &retry.Policy{Wait: wait.Fixed(time.Hour), Retry: predicate.Transient()}
		calls := 0
		start := time.Now()
		_, got := retry.Do(t.Context(), p, func(context.Context) (int, error) {
			if calls++; calls == 1 {
				return 0, err
			}
			return calls, nil
		})
		if d := time.Since(start); got != nil || d < 3*time.Second || d > 3*time.Second*3/2 {
			t.Errorf("retry.Do = %v after a pause of %v, want nil after 3s to 4.5s", got, d)
		}
	})
	var se *retryhttp.StatusError
	if !errors.As(err, &se) || se.Response != resp {
		t.Errorf("errors.As did not find the StatusError")
	}
}

// TestCheckResponseInDo is the way CheckResponse is meant to be used: with a
// client of one's own inside retry.Do, against a server that answers 503 once.
func TestCheckResponseInDo(t *testing.T) {
	e := newEnv(t, statuses(503, 200))
	client := &http.Client{Transport: e.bodies}
	p := &retry.Policy{Retry: predicate.Transient(), Wait: wait.Fixed(time.Millisecond)}
	got, err := retry.Do(context.Background(), p, func(ctx context.Context) (string, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL, nil)
		resp, err := client.Do(req)
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
	if got != "OK" || err != nil || e.hits.Load() != 2 {
		t.Errorf("Do = %q, %v after %d requests; want OK, nil after 2", got, err, e.hits.Load())
	}
}

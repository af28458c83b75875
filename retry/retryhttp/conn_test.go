package retryhttp_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestOneConnection sends 50 requests that each meet a 503 with a body, then a
// 200: the discarded bodies are drained, so one TCP connection carries all 100
// exchanges.
func TestOneConnection(t *testing.T) {
	for _, timeout := range []time.Duration{0, time.Minute} {
		t.Run("AttemptTimeout="+timeout.String(), func(t *testing.T) { testOneConnection(t, timeout) })
	}
}

// testOneConnection: 50 requests, each answered 503 then 200, over one TCP
// connection: every discarded body is drained and closed before the retry.
func testOneConnection(t *testing.T, timeout time.Duration) {
	page := strings.Repeat("overloaded ", 1000) // 11 KB, drained
	var conns atomic.Int32
	countConns := func(s *http.Server) {
		s.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}
	}
	e := newEnv(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n%2 == 1 {
			w.WriteHeader(503)
			_, _ = io.WriteString(w, page)
			return
		}
		_, _ = io.WriteString(w, "OK")
	}, countConns)
	e.p.AttemptTimeout = timeout
	for i := range 50 {
		if code, body := e.get(t); code != 200 || body != "OK" {
			t.Fatalf("request %d: got %d %q, want 200 OK", i, code, body)
		}
	}
	if n := e.hits.Load(); n != 100 {
		t.Errorf("server saw %d requests, want 100", n)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("server saw %d connections, want 1", n)
	}
}

// TestLastResponseReturned checks that a 503 after the last attempt comes back as
// a response, with a nil error and its body unread.
func TestLastResponseReturned(t *testing.T) {
	e := newEnv(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(503)
		_, _ = io.WriteString(w, "still down")
	})
	resp, err := e.client.Get(e.srv.URL)
	if err != nil {
		t.Fatalf("err = %v, want nil", err)
	}
	code, body := readAll(t, resp)
	if code != 503 || body != "still down" || resp.Header.Get("Retry-After") != "0" {
		t.Errorf("got %d %q, want 503 %q with its header", code, body, "still down")
	}
	if n := e.hits.Load(); n != 4 {
		t.Errorf("server saw %d requests, want 4", n)
	}
}

// cutBody answers with a status and a Content-Length of 1000, writes 10 bytes of
// body and closes the connection.
func cutBody(t *testing.T, w http.ResponseWriter, code int) {
	c := hijack(t, w, false)
	if c == nil {
		return
	}
	defer c.Close()
	bw := bufio.NewWriter(c)
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\nContent-Length: 1000\r\n\r\n0123456789", code, http.StatusText(code))
	_ = bw.Flush()
}

// TestServerClosesMidBody cuts a body short: a discarded 503's is drained as far
// as it goes and the request retried on a new connection; the returned 200's
// fails the caller's read, and the request is not sent again.
func TestServerClosesMidBody(t *testing.T) {
	t.Run("discarded", func(t *testing.T) {
		e := newEnv(t, func(n int, w http.ResponseWriter, _ *http.Request) {
			if n == 1 {
				cutBody(t, w, 503)
				return
			}
			_, _ = io.WriteString(w, "OK")
		})
		if code, body := e.get(t); code != 200 || body != "OK" {
			t.Errorf("got %d %q, want 200 OK", code, body)
		}
		if n := e.hits.Load(); n != 2 {
			t.Errorf("server saw %d requests, want 2", n)
		}
	})
	t.Run("returned", func(t *testing.T) {
		e := newEnv(t, func(_ int, w http.ResponseWriter, _ *http.Request) { cutBody(t, w, 200) })
		resp, err := e.client.Get(e.srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if string(b) != "0123456789" || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("read %q, %v; want the 10 bytes and io.ErrUnexpectedEOF", b, err)
		}
		if n := e.hits.Load(); n != 1 {
			t.Errorf("server saw %d requests, want 1", n)
		}
	})
}

// TestStalledDiscardedBody sends a 503 whose body stalls: the drain waits no
// longer than the attempt's timeout, and the retry succeeds.
func TestStalledDiscardedBody(t *testing.T) {
	e := newEnv(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			w.WriteHeader(503)
			_, _ = io.WriteString(w, "part of a body")
			_ = http.NewResponseController(w).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
			return
		}
		_, _ = io.WriteString(w, "OK")
	})
	e.p.AttemptTimeout = 200 * time.Millisecond
	start := time.Now()
	if code, body := e.get(t); code != 200 || body != "OK" {
		t.Errorf("got %d %q, want 200 OK", code, body)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("took %v, want the drain bounded by the attempt timeout", elapsed)
	}
}

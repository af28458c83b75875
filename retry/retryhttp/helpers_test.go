package retryhttp_test

import (
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/wait"
)

// env is a loopback server and a Transport that talks to it through a fresh
// http.Transport whose response bodies are counted. Its cleanup checks that every
// body was closed and that no goroutine outlived the test.
type env struct {
	srv    *httptest.Server
	base   *http.Transport
	bodies *bodyCounter
	tr     *retryhttp.Transport
	p      *retry.Policy // tr.Policy
	client *http.Client
	hits   atomic.Int32 // requests the server received
}

// newEnv starts a loopback server whose handler h sees the 1-based number of
// each request it receives, after applying configure to it, if given. The
// Transport's Policy, e.p, pauses 1ms between attempts.
func newEnv(t *testing.T, h func(n int, w http.ResponseWriter, r *http.Request), configure ...func(*http.Server)) *env {
	t.Helper()
	noLeaks(t)
	e := new(env)
	e.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(int(e.hits.Add(1)), w, r)
	}))
	e.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	for _, f := range configure {
		f(e.srv.Config)
	}
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	e.base = &http.Transport{}
	t.Cleanup(e.base.CloseIdleConnections)
	e.bodies = &bodyCounter{base: e.base}
	t.Cleanup(func() {
		t.Helper()
		if open := e.bodies.open(); open != 0 {
			t.Errorf("%d response bodies left open", open)
		}
	})
	e.p = &retry.Policy{Wait: wait.Fixed(time.Millisecond)}
	e.tr = &retryhttp.Transport{Base: e.bodies, Policy: e.p}
	e.client = &http.Client{Transport: e.tr}
	return e
}

// get sends a GET through the env's client and returns the status and body of
// the response, which it reads and closes.
func (e *env) get(t *testing.T) (int, string) {
	t.Helper()
	resp, err := e.client.Get(e.srv.URL)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	return readAll(t, resp)
}

func readAll(t *testing.T, resp *http.Response) (int, string) {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body of %d: %v", resp.StatusCode, err)
	}
	return resp.StatusCode, string(b)
}

// statuses returns a handler that answers request n with codes[n-1], and the last
// code for every later one, with a short body naming the code.
func statuses(codes ...int) func(int, http.ResponseWriter, *http.Request) {
	return func(n int, w http.ResponseWriter, _ *http.Request) {
		code := codes[min(n, len(codes))-1]
		w.WriteHeader(code)
		_, _ = io.WriteString(w, http.StatusText(code))
	}
}

// bodyCounter is a RoundTripper that counts the response bodies of its base that
// are not yet closed.
type bodyCounter struct {
	base    http.RoundTripper
	opened  atomic.Int32
	closed  atomic.Int32
	roundTr atomic.Int32
}

func (c *bodyCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	c.roundTr.Add(1)
	resp, err := c.base.RoundTrip(req)
	if resp != nil && resp.Body != nil {
		c.opened.Add(1)
		resp.Body = &countedBody{ReadCloser: resp.Body, c: c}
	}
	return resp, err
}

func (c *bodyCounter) CloseIdleConnections() {
	if ci, ok := c.base.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

func (c *bodyCounter) open() int { return int(c.opened.Load() - c.closed.Load()) }

type countedBody struct {
	io.ReadCloser
	c    *bodyCounter
	once sync.Once
}

func (b *countedBody) Close() error {
	b.once.Do(func() { b.c.closed.Add(1) })
	return b.ReadCloser.Close()
}

// noLeaks registers a cleanup, run after every other, that waits up to five
// seconds for the number of goroutines to fall back to what it is now.
func noLeaks(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<16)
				t.Errorf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}

// closedAddr returns the address of a loopback listener that has been closed, so
// that dialing it is refused.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// hijack takes over the connection of a request; with reset, closing it sends a
// TCP RST instead of a FIN.
func hijack(t *testing.T, w http.ResponseWriter, reset bool) net.Conn {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("Hijack: %v", err)
		return nil
	}
	if reset {
		_ = conn.(*net.TCPConn).SetLinger(0)
	}
	return conn
}

// errorAs is errors.As for a target type: it returns the E found in err's tree.
func errorAs[E error](err error) (E, bool) {
	var target E
	ok := errors.As(err, &target)
	return target, ok
}

package retryhttp_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/wait"
)

// idleServer is a raw HTTP/1.1 server on loopback that answers every request
// 200 OK on a kept-alive connection and records it, and whose connections a
// test can close from its side.
type idleServer struct {
	ln    net.Listener
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[string]net.Conn // by the client's address
	got   []string            // method and body of each request answered
}

func newIdleServer(t *testing.T) *idleServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &idleServer{ln: ln, conns: map[string]net.Conn{}}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns[c.RemoteAddr().String()] = c
			s.mu.Unlock()
			s.wg.Go(func() { s.serve(c) })
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			_ = c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

func (s *idleServer) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		b, _ := io.ReadAll(req.Body)
		s.mu.Lock()
		s.got = append(s.got, req.Method+" "+string(b))
		s.mu.Unlock()
		if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"); err != nil {
			return
		}
	}
}

// closeConn closes, from the server's side, the connection of the client at
// addr, without reading what the client may have sent on it.
func (s *idleServer) closeConn(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.conns[addr]; c != nil {
		_ = c.Close()
	}
}

func (s *idleServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got...)
}

// closeNotifyingConn is a client connection that tells when net/http closes it.
type closeNotifyingConn struct {
	net.Conn
	once   sync.Once
	closed chan struct{}
}

func (c *closeNotifyingConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// closedIdleBase returns an http.Transport whose connections tell when they are
// closed, and a context for a request that makes s close the kept-alive
// connection it is about to reuse, just as it reuses it: in the GotConn trace,
// which net/http calls after taking the connection from its idle pool and
// before it sends anything, the server closes its end, and the request waits
// until net/http's reader has seen the end and closed the connection. The
// request then fails with "http: server closed idle connection", every time.
// Only the first reuse is closed.
func closedIdleBase(t *testing.T, s *idleServer) (*http.Transport, func(context.Context) context.Context) {
	base := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &closeNotifyingConn{Conn: c, closed: make(chan struct{})}, nil
	}}
	t.Cleanup(base.CloseIdleConnections)
	var once sync.Once
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if !info.Reused {
			return
		}
		once.Do(func() {
			s.closeConn(info.Conn.LocalAddr().String())
			select {
			case <-info.Conn.(*closeNotifyingConn).closed:
			case <-time.After(10 * time.Second):
				t.Error("net/http did not close the connection the server closed")
			}
		})
	}}
	return base, func(ctx context.Context) context.Context { return httptrace.WithClientTrace(ctx, trace) }
}

// keepAlive sends a GET straight through base, so that its connection is left
// idle in base's pool, and waits until it is.
func keepAlive(t *testing.T, base *http.Transport, url string) {
	t.Helper()
	idle := make(chan error, 1)
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{PutIdleConn: func(err error) { idle <- err }})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := base.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := <-idle; err != nil {
		t.Fatalf("the connection was not kept alive: %v", err)
	}
}

// TestServerClosedIdleConnection reuses a kept-alive connection that the server
// closes just as the request goes out on it: net/http resends a GET itself, but
// returns "http: server closed idle connection" for a PUT, a DELETE or a POST
// marked idempotent. The server never read the request; the Transport sends each
// of these again, on a new connection, and the server processes it once. A POST
// that is not idempotent is not sent again, and the error says why.
func TestServerClosedIdleConnection(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		ctx      func(context.Context) context.Context
		attempts int
	}{
		{"GET (resent by net/http)", http.MethodGet, nil, 1},
		{"PUT", http.MethodPut, nil, 2},
		{"DELETE", http.MethodDelete, nil, 2},
		{"POST WithIdempotent", http.MethodPost, retryhttp.WithIdempotent, 2},
		{"POST", http.MethodPost, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			noLeaks(t)
			s := newIdleServer(t)
			url := "http://" + s.ln.Addr().String() + "/"
			base, closing := closedIdleBase(t, s)
			keepAlive(t, base, url)
			var errs []error
			tr := &retryhttp.Transport{Base: base, Policy: &retry.Policy{
				Wait:  wait.Fixed(time.Millisecond),
				After: retry.HookFunc(func(a retry.Attempt) { errs = append(errs, a.Err) }),
			}}
			ctx := closing(context.Background())
			if tt.ctx != nil {
				ctx = tt.ctx(ctx)
			}
			req, _ := http.NewRequestWithContext(ctx, tt.method, url, strings.NewReader("once"))
			resp, err := tr.RoundTrip(req)
			if len(errs) != tt.attempts {
				t.Fatalf("%d attempts (errors %v), want %d", len(errs), errs, tt.attempts)
			}
			want := []string{"GET ", tt.method + " once"} // the first GET is keepAlive's
			if tt.method == http.MethodPost && tt.ctx == nil {
				var nre *retry.NotRetriedError
				if !errors.As(err, &nre) || nre.Reason != retry.ReasonNotIdempotent || err.Error() != "retry: POST not retried (not_idempotent): http: server closed idle connection" {
					t.Fatalf("RoundTrip = %v, %v; want a NotRetriedError for the closed connection", resp, err)
				}
				want = want[:1]
			} else {
				if err != nil {
					t.Fatalf("RoundTrip: %v", err)
				}
				if code, body := readAll(t, resp); code != 200 || body != "OK" {
					t.Errorf("got %d %q, want 200 OK", code, body)
				}
				if tt.attempts == 2 && errs[0].Error() != "http: server closed idle connection" {
					t.Errorf("first attempt failed with %v, want the closed idle connection", errs[0])
				}
			}
			if got := s.requests(); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("server processed %q, want %q", got, want)
			}
		})
	}
}

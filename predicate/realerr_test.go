//go:build unix

package predicate

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/retry"
)

// TestTransientReal runs Transient on errors made by the standard library on the
// loopback interface.
func TestTransientReal(t *testing.T) {
	refused := refusedErr(t)
	reset, pipe := resetErrs(t)
	h := makeHTTPErrs(t)
	runTransient(t, []transientCase{
		{"connection refused", refused, true},
		{"connection reset", reset, true},
		{"broken pipe", pipe, true},
		{"TCP read deadline", readDeadlineErr(t), true},
		{"net.Pipe read deadline", pipeDeadlineErr(t), true},
		{"net.Dialer deadline, which claims context.DeadlineExceeded", dialerDeadlineErr(t), true},
		{"http.Client.Timeout, which claims context.DeadlineExceeded", h.clientTimeout, true},
		{"http.Transport.ResponseHeaderTimeout", h.headerTimeout, true},
		{"server closed the connection (io.EOF in *url.Error)", h.closed, true},
		{"retry's attempt timeout", attemptTimeoutErr(t), true},
		// Only the engine can tell whose deadline this is (see TestTransientInPolicy):
		// to Transient it is a lower layer's.
		{"a request context's deadline during an HTTP request", h.callerDeadline, true},
		{"caller canceled an HTTP request", h.callerCanceled, false},
		{"caller canceled a dial", canceledDialErr(t), false},
		{"x509: unknown authority", h.unknownCA, false},
		{"x509: wrong host", h.wrongHost, false},
		{"tls: not a TLS server", h.notTLS, false},
		{"permanent connection refused", retry.Permanent(refused), false},
		{"wrapped permanent timeout", fmt.Errorf("x: %w", retry.Permanent(h.clientTimeout)), false},
	})
}

// The functions below make real errors on the loopback interface, so that Transient
// is tested against what the standard library returns, not against what we think it
// returns. Each checks the error is of the kind it promises, and fails the test if
// not.

// mustBe fails the test, naming what was wanted, unless ok; it returns err.
func mustBe(t *testing.T, what string, err error, ok bool) error {
	t.Helper()
	if !ok {
		t.Fatalf("making %s: got %v (%T), want %s", what, err, err, what)
	}
	return err
}

// refusedErr dials a port nobody listens on.
func refusedErr(t *testing.T) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = net.Dial("tcp", addr)
	return mustBe(t, "connection refused", err, errors.Is(err, syscall.ECONNREFUSED))
}

// resetErrs returns the error of a read from a connection the peer reset, and of a
// write to it afterwards.
func resetErrs(t *testing.T) (reset, pipe error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.Read(make([]byte, 1)) // wait for the client
		c.(*net.TCPConn).SetLinger(0)
		c.Close() // sends RST
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	_, reset = c.Read(make([]byte, 1))
	mustBe(t, "connection reset", reset, errors.Is(reset, syscall.ECONNRESET))
	_, pipe = c.Write([]byte("x"))
	mustBe(t, "broken pipe", pipe, errors.Is(pipe, syscall.EPIPE))
	return reset, pipe
}

// readDeadlineErr reads from a TCP connection whose read deadline has passed.
func readDeadlineErr(t *testing.T) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(-time.Second))
	_, err = c.Read(make([]byte, 1))
	return mustBe(t, "read timeout", err, errors.Is(err, os.ErrDeadlineExceeded))
}

// pipeDeadlineErr reads from a net.Pipe whose read deadline has passed.
func pipeDeadlineErr(t *testing.T) error {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	a.SetReadDeadline(time.Now().Add(-time.Second))
	_, err := a.Read(make([]byte, 1))
	return mustBe(t, "pipe timeout", err, errors.Is(err, os.ErrDeadlineExceeded))
}

// dialerDeadlineErr dials with a net.Dialer whose Deadline has passed: net's own
// timeout error, which claims errors.Is(err, context.DeadlineExceeded).
func dialerDeadlineErr(t *testing.T) error {
	d := net.Dialer{Deadline: time.Now().Add(-time.Second)}
	_, err := d.Dial("tcp", "127.0.0.1:1")
	ne, ok := err.(net.Error)
	return mustBe(t, "dial timeout", err, ok && ne.Timeout() && errors.Is(err, context.DeadlineExceeded))
}

// canceledDialErr dials with a canceled context.
func canceledDialErr(t *testing.T) error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := (&net.Dialer{}).DialContext(ctx, "tcp", "127.0.0.1:1")
	return mustBe(t, "canceled dial", err, errors.Is(err, context.Canceled))
}

// httpErrs are the errors of HTTP requests against local servers.
type httpErrs struct {
	clientTimeout  error // http.Client.Timeout
	headerTimeout  error // http.Transport.ResponseHeaderTimeout
	callerDeadline error // the request's context's deadline
	callerCanceled error // the request's context canceled
	closed         error // the server closed the connection: io.EOF in a *url.Error
	unknownCA      error // a certificate signed by an unknown authority
	wrongHost      error // a certificate for another host
	notTLS         error // a TLS handshake with a plain HTTP server
}

func makeHTTPErrs(t *testing.T) httpErrs {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	hangUp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			c.Close()
		}
	}))
	defer hangUp.Close()
	secure := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	secure.Config.ErrorLog = log.New(io.Discard, "", 0) // rejected handshakes are expected
	secure.StartTLS()
	defer secure.Close()

	var e httpErrs
	get := func(c *http.Client, ctx context.Context, u string) error {
		req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("GET %s: got no error", u)
		}
		return err
	}
	bg := context.Background()
	isTimeout := func(err error) bool {
		ne, ok := err.(net.Error)
		return ok && ne.Timeout()
	}

	e.clientTimeout = get(&http.Client{Timeout: 20 * time.Millisecond}, bg, slow.URL)
	mustBe(t, "client timeout", e.clientTimeout, isTimeout(e.clientTimeout))

	tr := &http.Transport{ResponseHeaderTimeout: 20 * time.Millisecond}
	defer tr.CloseIdleConnections()
	e.headerTimeout = get(&http.Client{Transport: tr}, bg, slow.URL)
	mustBe(t, "header timeout", e.headerTimeout, isTimeout(e.headerTimeout))

	plain := &http.Client{Transport: &http.Transport{}}
	defer plain.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(bg, 20*time.Millisecond)
	e.callerDeadline = get(plain, ctx, slow.URL)
	cancel()
	mustBe(t, "caller deadline", e.callerDeadline, errors.Is(e.callerDeadline, context.DeadlineExceeded))

	ctx, cancel = context.WithCancel(bg)
	cancel()
	e.callerCanceled = get(plain, ctx, slow.URL)
	mustBe(t, "caller canceled", e.callerCanceled, errors.Is(e.callerCanceled, context.Canceled))

	e.closed = get(plain, bg, hangUp.URL)
	var ue *url.Error
	mustBe(t, "closed connection", e.closed, errors.As(e.closed, &ue) && errors.Is(ue.Err, io.EOF))

	e.unknownCA = get(plain, bg, secure.URL)
	mustBe(t, "unknown authority", e.unknownCA, errors.As(e.unknownCA, new(x509.UnknownAuthorityError)))

	trusting := secure.Client().Transport.(*http.Transport).Clone()
	trusting.TLSClientConfig.ServerName = "not-in-the-certificate.test"
	defer trusting.CloseIdleConnections()
	e.wrongHost = get(&http.Client{Transport: trusting}, bg, secure.URL)
	mustBe(t, "hostname mismatch", e.wrongHost, errors.As(e.wrongHost, new(x509.HostnameError)))

	// net/http turns this one into its own error when the answer looks like HTTP.
	_, e.notTLS = tls.Dial("tcp", hangUp.Listener.Addr().String(), &tls.Config{})
	mustBe(t, "record header error", e.notTLS, errors.As(e.notTLS, new(tls.RecordHeaderError)))
	return e
}

// attemptTimeoutErr is the error a call's attempt gets when it outlives
// AttemptTimeout, as hooks and predicates see it.
func attemptTimeoutErr(t *testing.T) error {
	var got error
	p := retry.Policy{
		AttemptTimeout: time.Millisecond,
		Stop:           retry.StopFunc(func(retry.Attempt) bool { return true }),
		After:          retry.HookFunc(func(a retry.Attempt) { got = a.Err }),
	}
	p.Run(context.Background(), func(ctx context.Context) error {
		<-ctx.Done()
		return ctx.Err()
	})
	return mustBe(t, "attempt timeout", got, errors.Is(got, retry.ErrAttemptTimeout))
}

package retryhttp_test

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// TestStatusTable checks, against a server that always answers with one status,
// how many attempts the zero Transport's rules make, and that the last response
// comes back with a nil error and a readable body.
func TestStatusTable(t *testing.T) {
	tests := []struct {
		code     int
		attempts int
	}{
		{200, 1}, {201, 1}, {204, 1}, {304, 1},
		{400, 1}, {401, 1}, {403, 1}, {404, 1}, {405, 1}, {409, 1}, {410, 1},
		{413, 1}, {422, 1}, {425, 1}, {451, 1},
		{408, 4}, {429, 4}, {502, 4}, {503, 4}, {504, 4},
		{500, 2},
		{501, 1}, {505, 1}, {507, 1}, {511, 1},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.code), func(t *testing.T) {
			e := newEnv(t, statuses(tt.code))
			code, body := e.get(t)
			if code != tt.code {
				t.Errorf("status = %d, want %d", code, tt.code)
			}
			if want := http.StatusText(tt.code); tt.code != 204 && tt.code != 304 && body != want {
				t.Errorf("body = %q, want %q", body, want)
			}
			if got := int(e.hits.Load()); got != tt.attempts {
				t.Errorf("server saw %d requests, want %d", got, tt.attempts)
			}
		})
	}
}

// TestStatusRecovers checks that a retried status is followed by the success
// that comes next.
func TestStatusRecovers(t *testing.T) {
	for _, code := range []int{408, 429, 500, 502, 503, 504} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			codes := []int{code, code, 200}
			if code == 500 {
				codes = codes[1:] // retried once only
			}
			e := newEnv(t, statuses(codes...))
			got, body := e.get(t)
			if got != 200 || body != "OK" {
				t.Errorf("got %d %q, want 200 OK", got, body)
			}
		})
	}
}

func TestMax500Retries(t *testing.T) {
	tests := []struct {
		name     string
		max      int
		retry    retry.Predicate
		codes    []int
		attempts int
		want     int
	}{
		{"default retries the first 500", 0, nil, []int{500, 200}, 2, 200},
		{"default returns the second 500", 0, nil, []int{500, 500, 200}, 2, 500},
		{"500s are counted, not attempts", 0, nil, []int{503, 500, 503, 500, 200}, 4, 500},
		{"a 503 between is retried", 0, nil, []int{500, 503, 200}, 3, 200},
		{"negative never retries a 500", -1, nil, []int{500, 200}, 1, 500},
		{"three", 3, nil, []int{500, 500, 500, 200}, 4, 200},
		{"limit applies over Retry", 0, predicate.Status(500), []int{500, 500, 200}, 2, 500},
		{"Retry can say no to 500", 5, predicate.Status(503), []int{500, 200}, 1, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, statuses(tt.codes...))
			e.tr.Max500Retries, e.p.Retry = tt.max, tt.retry
			e.p.Stop = stop.AfterAttempts(10)
			code, _ := e.get(t)
			if code != tt.want || int(e.hits.Load()) != tt.attempts {
				t.Errorf("got %d after %d requests, want %d after %d", code, e.hits.Load(), tt.want, tt.attempts)
			}
		})
	}
}

// TestConnectionRefused dials a closed listener: refused every time, retried
// until Stop, and the error says so.
func TestConnectionRefused(t *testing.T) {
	noLeaks(t)
	var st retry.Stats
	tr := &retryhttp.Transport{Base: &http.Transport{}, Policy: &retry.Policy{Wait: wait.Fixed(time.Millisecond)}}
	req, _ := http.NewRequestWithContext(retry.WithStats(context.Background(), &st), "GET", "http://"+closedAddr(t)+"/", nil)
	resp, err := tr.RoundTrip(req)
	if resp != nil {
		t.Fatalf("resp = %v, want nil", resp.Status)
	}
	re, ok := errorAs[*retry.Error](err)
	if !ok || re.Reason != retry.ReasonStop || re.Attempts != 4 || st.Attempts != 4 {
		t.Fatalf("err = %v, want *retry.Error after 4 attempts", err)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("errors.Is(err, ECONNREFUSED) = false for %v", err)
	}
}

// TestDroppedConnections covers servers that cut the connection before
// answering: with a reset (RST) or a plain close (io.EOF at the client).
func TestDroppedConnections(t *testing.T) {
	for _, reset := range []bool{true, false} {
		name, want := "closed", io.EOF
		if reset {
			name, want = "reset", syscall.ECONNRESET
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n <= 2 {
					if c := hijack(t, w, reset); c != nil {
						_ = c.Close()
					}
					return
				}
				_, _ = io.WriteString(w, "OK")
			})
			var errs []error
			e.p.After = retry.HookFunc(func(a retry.Attempt) { errs = append(errs, a.Err) })
			if code, body := e.get(t); code != 200 || body != "OK" {
				t.Errorf("got %d %q, want 200 OK", code, body)
			}
			if len(errs) != 3 || !errors.Is(errs[0], want) || !errors.Is(errs[1], want) || errs[2] != nil {
				t.Errorf("attempt errors = %v, want %v twice, then nil", errs, want)
			}
			if n := e.hits.Load(); n != 3 {
				t.Errorf("server saw %d requests, want 3", n)
			}
		})
	}
}

// TestTLSUnknownAuthority checks that a certificate the client does not trust is
// not retried.
func TestTLSUnknownAuthority(t *testing.T) {
	noLeaks(t)
	var hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake errors
	srv.StartTLS()
	defer srv.Close()
	base := &http.Transport{}
	defer base.CloseIdleConnections()
	var st retry.Stats
	tr := &retryhttp.Transport{Base: base, Policy: &retry.Policy{Wait: wait.Fixed(time.Millisecond)}}
	req, _ := http.NewRequestWithContext(retry.WithStats(context.Background(), &st), "GET", srv.URL, nil)
	_, err := tr.RoundTrip(req)
	if _, ok := errorAs[x509.UnknownAuthorityError](err); !ok {
		t.Fatalf("err = %v, want x509.UnknownAuthorityError", err)
	}
	if _, ok := err.(*retry.Error); ok {
		t.Errorf("err is a *retry.Error, want the TLS error unchanged")
	}
	if st.Attempts != 1 || hits.Load() != 0 {
		t.Errorf("%d attempts, %d requests served; want 1, 0", st.Attempts, hits.Load())
	}
}

// dnsFailing is a Base whose every dial fails in name resolution, without
// touching the network or any resolver.
func dnsFailing(notFound bool, dials *atomic.Int32) *http.Transport {
	return &http.Transport{DialContext: func(_ context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		host, _, _ := net.SplitHostPort(addr)
		dnsErr := &net.DNSError{Err: "server misbehaving", Name: host, IsTemporary: true}
		if notFound {
			dnsErr = &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		}
		return nil, &net.OpError{Op: "dial", Net: network, Err: dnsErr}
	}}
}

func TestDNS(t *testing.T) {
	tests := []struct {
		notFound bool
		dials    int32
	}{
		{notFound: true, dials: 1},
		{notFound: false, dials: 4},
	}
	for _, tt := range tests {
		t.Run(map[bool]string{true: "no such host", false: "temporary"}[tt.notFound], func(t *testing.T) {
			noLeaks(t)
			var dials atomic.Int32
			tr := &retryhttp.Transport{Base: dnsFailing(tt.notFound, &dials), Policy: &retry.Policy{Wait: wait.Fixed(time.Millisecond)}}
			req, _ := http.NewRequest("GET", "http://nowhere.invalid/", nil)
			_, err := tr.RoundTrip(req)
			dnsErr, ok := errorAs[*net.DNSError](err)
			if !ok || dnsErr.IsNotFound != tt.notFound {
				t.Fatalf("err = %v, want a *net.DNSError", err)
			}
			if dials.Load() != tt.dials {
				t.Errorf("%d dials, want %d", dials.Load(), tt.dials)
			}
		})
	}
}

package predicate

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"

	"github.com/tenacious-go/tenacious/retry"
)

type transientCase struct {
	name string
	err  error
	want bool
}

func runTransient(t *testing.T, tests []transientCase) {
	t.Helper()
	p := Transient()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Match(at(tt.err)); got != tt.want {
				t.Errorf("Transient(%v): got %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func opErr(op string, errno syscall.Errno) error {
	return &net.OpError{Op: op, Net: "tcp", Err: os.NewSyscallError(op, errno)}
}

// TestTransientRules takes each rule of Transient's doc comment in turn.
func TestTransientRules(t *testing.T) {
	runTransient(t, []transientCase{
		// 1. nil
		{"nil", nil, false},

		// 2. Permanent
		{"permanent", retry.Permanent(syscall.ECONNRESET), false},
		{"permanent wrapped", fmt.Errorf("x: %w", retry.Permanent(timeoutErr(true))), false},
		{"permanent in a join", errors.Join(io.ErrUnexpectedEOF, retry.Permanent(io.EOF)), false},

		// 3. attempt timeout
		{"attempt timeout", attemptTimeout{}, true},
		{"attempt timeout wrapped", fmt.Errorf("x: %w", attemptTimeout{}), true},
		{"attempt timeout sentinel", retry.ErrAttemptTimeout, true},

		// 4. cancellation
		{"context.Canceled", context.Canceled, false},
		{"wrapped context.Canceled", fmt.Errorf("x: %w", context.Canceled), false},
		{"context.Canceled in *url.Error", &url.Error{Op: "Get", URL: "http://x", Err: context.Canceled}, false},
		{"context.Canceled joined", errors.Join(io.EOF, context.Canceled), false},
		{"Is method claiming context.Canceled", isAll{context.Canceled}, false},

		// 5. status codes
		{"408", &statusErr{code: 408}, true},
		{"429", &statusErr{code: 429}, true},
		{"500", &statusErr{code: 500}, true},
		{"502", &statusErr{code: 502}, true},
		{"503", &statusErr{code: 503}, true},
		{"504", &statusErr{code: 504}, true},
		{"200", &statusErr{code: 200}, false},
		{"400", &statusErr{code: 400}, false},
		{"401", &statusErr{code: 401}, false},
		{"403", &statusErr{code: 403}, false},
		{"404", &statusErr{code: 404}, false},
		{"409", &statusErr{code: 409}, false},
		{"501", &statusErr{code: 501}, false},
		{"505", &statusErr{code: 505}, false},
		{"wrapped 503", fmt.Errorf("get: %w", &statusErr{code: 503}), true},
		{"joined 503", errors.Join(errors.New("x"), &statusErr{code: 503}), true},

		// 6. TLS
		{"x509.UnknownAuthorityError", x509.UnknownAuthorityError{}, false},
		{"x509.HostnameError", x509.HostnameError{Host: "x"}, false},
		{"x509.CertificateInvalidError", x509.CertificateInvalidError{Reason: x509.Expired}, false},
		{"tls.CertificateVerificationError", &tls.CertificateVerificationError{Err: errors.New("bad")}, false},
		{"tls.RecordHeaderError", tls.RecordHeaderError{Msg: "bad"}, false},

		// 7. DNS
		{"DNS no such host", &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}, false},
		{"DNS temporary", &net.DNSError{Err: "x", Name: "x", IsTemporary: true}, true},
		{"DNS timeout", &net.DNSError{Err: "x", Name: "x", IsTimeout: true}, true},
		{"DNS server misbehaving", &net.DNSError{Err: "server misbehaving", Name: "x"}, true},
		{"DNS in *net.OpError", &net.OpError{Op: "dial", Err: &net.DNSError{Err: "x", Name: "x", IsTemporary: true}}, true},
		{"DNS not found in *net.OpError", &net.OpError{Op: "dial", Err: &net.DNSError{Name: "x", IsNotFound: true}}, false},

		// 8. timeouts, a lower layer's deadline among them
		{"context.DeadlineExceeded", context.DeadlineExceeded, true},
		{"a driver's wrapped context.DeadlineExceeded", fmt.Errorf("driver: %w", context.DeadlineExceeded), true},
		{"context.DeadlineExceeded wrapped twice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", context.DeadlineExceeded)), true},
		{"context.DeadlineExceeded in *url.Error", &url.Error{Op: "Get", URL: "http://x", Err: context.DeadlineExceeded}, true},
		{"context.DeadlineExceeded joined", errors.Join(io.EOF, context.DeadlineExceeded), true},
		{"Is method claiming context.DeadlineExceeded, no timeout", isAll{context.DeadlineExceeded}, true},
		{"Timeout() true", timeoutErr(true), true},
		{"Timeout() false", timeoutErr(false), false},
		{"os.ErrDeadlineExceeded", os.ErrDeadlineExceeded, true},
		{"wrapped timeout", fmt.Errorf("x: %w", timeoutErr(true)), true},
		{"timeout in a join", errors.Join(errors.New("x"), timeoutErr(true)), true},
		{"EAGAIN is a timeout to syscall", syscall.EAGAIN, true},

		// 9. errnos
		{"ECONNREFUSED", opErr("connect", syscall.ECONNREFUSED), true},
		{"ECONNRESET", opErr("read", syscall.ECONNRESET), true},
		{"ECONNABORTED", opErr("read", syscall.ECONNABORTED), true},
		{"EPIPE", opErr("write", syscall.EPIPE), true},
		{"ETIMEDOUT", opErr("connect", syscall.ETIMEDOUT), true},
		{"bare ECONNRESET", syscall.ECONNRESET, true},
		{"ENOENT", opErr("open", syscall.ENOENT), false},
		{"EACCES", opErr("connect", syscall.EACCES), false},
		{"EADDRINUSE", opErr("listen", syscall.EADDRINUSE), false},

		// 10. cut short
		{"io.ErrUnexpectedEOF", io.ErrUnexpectedEOF, true},
		{"wrapped io.ErrUnexpectedEOF", fmt.Errorf("x: %w", io.ErrUnexpectedEOF), true},
		{"io.EOF in *url.Error", &url.Error{Op: "Get", URL: "http://x", Err: io.EOF}, true},
		{"wrapped io.EOF in *url.Error", &url.Error{Op: "Get", URL: "http://x", Err: fmt.Errorf("read: %w", io.EOF)}, true},
		{"*url.Error in a wrap", fmt.Errorf("x: %w", &url.Error{Op: "Get", URL: "http://x", Err: io.EOF}), true},
		{"bare io.EOF", io.EOF, false},
		{"wrapped io.EOF", fmt.Errorf("x: %w", io.EOF), false},
		{"io.EOF beside a *url.Error", errors.Join(&url.Error{Op: "Get", URL: "http://x", Err: errors.New("x")}, io.EOF), false},

		// 11. anything else
		{"unknown", errors.New("unknown"), false},
		{"*url.Error with unknown cause", &url.Error{Op: "Get", URL: "http://x", Err: errors.New("x")}, false},
		{"path error", &os.PathError{Op: "open", Path: "x", Err: os.ErrNotExist}, false},
		{"empty join", errors.Join(errors.New("a"), errors.New("b")), false},
	})
}

// TestTransientOrder pits each rule against a later one that would decide the
// other way: the earlier rule wins.
func TestTransientOrder(t *testing.T) {
	runTransient(t, []transientCase{
		{"2 over 3: permanent attempt timeout", retry.Permanent(attemptTimeout{}), false},
		{"2 over 5: permanent 503", retry.Permanent(&statusErr{code: 503}), false},
		{"3 over 4: attempt timeout joined with context.Canceled", errors.Join(context.Canceled, attemptTimeout{}), true},
		{"4 over 5: 503 wrapping context.Canceled", &statusErr{code: 503, err: context.Canceled}, false},
		{"4 over 8: context.DeadlineExceeded joined with context.Canceled", errors.Join(context.DeadlineExceeded, context.Canceled), false},
		{"4 over 8: timeout wrapping context.Canceled", &url.Error{Op: "Get", URL: "http://x", Err: fmt.Errorf("%w: %w", timeoutErr(true), context.Canceled)}, false},
		{"4 over 9: reset joined with context.Canceled", errors.Join(syscall.ECONNRESET, context.Canceled), false},
		{"5 over 8: 404 wrapping context.DeadlineExceeded", &statusErr{code: 404, err: context.DeadlineExceeded}, false},
		{"5 over 8: 503 wrapping context.DeadlineExceeded", &statusErr{code: 503, err: context.DeadlineExceeded}, true},
		{"5 over 6: 503 wrapping an x509 error", &statusErr{code: 503, err: x509.UnknownAuthorityError{}}, true},
		{"5 over 8: 404 wrapping a timeout", &statusErr{code: 404, err: timeoutErr(true)}, false},
		{"5 over 8: timeout wrapping a 404", &url.Error{Op: "Get", URL: "http://x", Err: &statusErr{code: 404, err: timeoutErr(true)}}, false},
		{"5 over 9: 404 joined with a reset", errors.Join(syscall.ECONNRESET, &statusErr{code: 404}), false},
		{"5: first status decides", errors.Join(&statusErr{code: 404}, &statusErr{code: 503}), false},
		{"6 over 7: x509 error joined with a DNS failure", errors.Join(&net.DNSError{IsTemporary: true}, x509.HostnameError{}), false},
		{"6 over 8: x509 error joined with a timeout", errors.Join(timeoutErr(true), x509.UnknownAuthorityError{}), false},
		{"6 over 8: x509 error joined with context.DeadlineExceeded", errors.Join(context.DeadlineExceeded, x509.HostnameError{}), false},
		{"7 over 8: DNS not found joined with context.DeadlineExceeded", errors.Join(context.DeadlineExceeded, &net.DNSError{IsNotFound: true}), false},
		{"7 over 8: DNS not found that is also a timeout", &net.DNSError{IsNotFound: true, IsTimeout: true}, false},
		{"7 over 9: DNS not found joined with a refusal", errors.Join(syscall.ECONNREFUSED, &net.DNSError{IsNotFound: true}), false},
		{"7: first DNS error decides", errors.Join(&net.DNSError{IsNotFound: true}, &net.DNSError{IsTemporary: true}), false},
	})
}

func TestTransientAllocations(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"wrapped 503", fmt.Errorf("get: %w", &url.Error{Op: "Get", URL: "u", Err: &statusErr{code: 503}})},
		{"wrapped 404", fmt.Errorf("get: %w", &statusErr{code: 404, err: timeoutErr(true)})},
		{"permanent", fmt.Errorf("x: %w", retry.Permanent(&statusErr{code: 503}))},
		{"attempt timeout", attemptTimeout{}},
		{"context", fmt.Errorf("x: %w", context.Canceled)},
		{"deadline", fmt.Errorf("driver: %w", context.DeadlineExceeded)},
		{"x509", &url.Error{Op: "Get", URL: "u", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}},
		{"DNS", &net.OpError{Op: "dial", Err: &net.DNSError{IsTemporary: true}}},
		{"timeout", &net.OpError{Op: "read", Err: os.ErrDeadlineExceeded}},
		{"refused", opErr("connect", syscall.ECONNREFUSED)},
		{"url EOF", &url.Error{Op: "Get", URL: "u", Err: io.EOF}},
		{"unknown", errors.Join(errors.New("a"), fmt.Errorf("b: %w", io.EOF))},
	}
	p := Transient()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := at(tt.err)
			if got := testing.AllocsPerRun(100, func() { p.Match(a) }); got != 0 {
				t.Errorf("got %v allocations, want 0", got)
			}
		})
	}
}

// TestIsPermanentAgrees checks that Transient's own test for the mark agrees with
// retry.IsPermanent.

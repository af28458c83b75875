package predicate

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"

	"github.com/tenacious-go/tenacious/internal/errchain"
	"github.com/tenacious-go/tenacious/retry"
)

// Transient returns a Predicate that retries the failures that usually pass on their
// own: timeouts, a lower layer's deadline, refused and dropped connections,
// temporary DNS failures, and the status codes of overload and passing trouble
// (408, 429, 500, 502, 503, 504). It is a whitelist: an error it does not know is
// not retried.
//
// The rules are tried in this order on the whole error tree, and the first that
// applies decides:
//
//  1. A nil Attempt.Err is not retried.
//  2. An error marked retry.Permanent is not retried.
//  3. An attempt that ran out of the Policy's AttemptTimeout (errors.Is
//     retry.ErrAttemptTimeout) is retried.
//  4. A cancellation is not retried: an error that errors.Is context.Canceled, even
//     beside a failure that would be retried, for someone chose to stop.
//  5. The first error with a StatusCode() int method decides alone: retried if
//     its code is 408 Request Timeout, 429 Too Many Requests, 500 Internal
//     Server Error, 502 Bad Gateway, 503 Service Unavailable or 504 Gateway
//     Timeout, else not, whatever it wraps (a 404 wrapping a timeout is not
//     retried).
//  6. A failed TLS handshake or certificate check is not retried:
//     x509.UnknownAuthorityError, x509.HostnameError, x509.CertificateInvalidError,
//     *tls.CertificateVerificationError or tls.RecordHeaderError in the tree.
//  7. The first *net.DNSError decides alone: "no such host" (IsNotFound) is not
//     retried; any other DNS failure is, whether it is a timeout, temporary, or
//     a misbehaving server.
//  8. A timeout is retried: an error that errors.Is context.DeadlineExceeded, such
//     as a driver's own deadline or a wrapped fmt.Errorf("driver: %w",
//     context.DeadlineExceeded), or an error in the tree whose Timeout() bool method
//     reports true, such as a net.Error, os.ErrDeadlineExceeded or an http.Client
//     timeout.
//  9. A refused, reset or aborted connection, a broken pipe and a connection timeout
//     are retried: syscall.ECONNREFUSED, ECONNRESET, ECONNABORTED, EPIPE, ETIMEDOUT
//     (and their Winsock forms on Windows), matched with errors.Is.
//  10. A connection cut short is retried: io.ErrUnexpectedEOF anywhere, or io.EOF
//     in the Err of a *url.Error, as when an HTTP server closes the connection
//     without answering.
//  11. Anything else is not retried.
//
// Rule 8 retries context.DeadlineExceeded because, in a call of package retry, it
// can only be a lower layer's: the call checks its own context before it asks the
// predicate, and the end of the caller's context, deadline or cancellation, ends
// the call whatever the predicate says. An error value cannot tell whose deadline
// passed, so where Transient is used outside package retry, check the caller's
// context first.
//
// Transient allocates nothing. tenacity has no equivalent; combine with Status,
// ErrorIs or ErrorAs to retry more, as in Any(Transient(), Status(409)), or with All
// and Not to retry less.
func Transient() retry.Predicate {
	return transientErr{}
}

type transientErr struct{}

func (transientErr) Match(a retry.Attempt) bool { return transient(a.Err) }
func (transientErr) ReadsTime() bool            { return false }

func transient(err error) bool {
	switch {
	case err == nil, retry.IsPermanent(err):
		return false
	case errors.Is(err, retry.ErrAttemptTimeout):
		return true
	case errors.Is(err, context.Canceled):
		return false
	}
	if code, ok := statusOf(err); ok {
		return transientStatus(code)
	}
	if errchain.Any(err, isTLSFailure) {
		return false
	}
	if dns, ok := errchain.Find[*net.DNSError](err); ok {
		return !dns.IsNotFound
	}
	return errors.Is(err, context.DeadlineExceeded) ||
		errchain.Any(err, isTimeout) ||
		isTransientErrno(err) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errchain.Any(err, isURLEOF)
}

func isTLSFailure(err error) bool {
	switch err.(type) {
	case x509.UnknownAuthorityError, x509.HostnameError, x509.CertificateInvalidError,
		*tls.CertificateVerificationError, tls.RecordHeaderError:
		return true
	}
	return false
}

func isTimeout(err error) bool {
	t, ok := err.(interface{ Timeout() bool })
	return ok && t.Timeout()
}

func isTransientErrno(err error) bool {
	for _, target := range transientErrnos {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

func isURLEOF(err error) bool {
	u, ok := err.(*url.Error)
	return ok && errors.Is(u.Err, io.EOF)
}

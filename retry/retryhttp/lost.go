package retryhttp

import (
	"net"
	"strconv"
	"strings"

	"github.com/tenacious-go/tenacious/internal/errchain"
)

// What a transport error says of the request it ended, as far as the Transport can
// tell (see lostConnection).
type loss uint8

const (
	// lossNone: nothing the Transport knows of; predicate.Transient may know it.
	lossNone loss = iota
	// lossMaybeProcessed: the connection or stream was lost before a response, and
	// the server may have processed the request: safe to send again only if the
	// request is idempotent.
	lossMaybeProcessed
	// lossUnprocessed: the server says it did not process the request: safe to
	// send again whatever the method.
	lossUnprocessed
)

// The errors below are net/http's own, and unexported: errServerClosedIdle in
// transport.go, and those of its HTTP/2 client in h2_bundle.go (the same as
// golang.org/x/net/http2's, which a Base may use instead). No exported type or
// value names them, so they are matched by their exact message, one error of the
// tree at a time (never a substring of a wrapper's message): a message is all
// that net/http promises of them, and one that changes only stops a retry, the
// behaviour without this match.
const (
	// errServerClosedIdle: the server closed a kept-alive connection as the
	// request went out on it. net/http resends such a request itself only if it
	// is GET, HEAD, OPTIONS or TRACE or has an Idempotency-Key; a PUT, a DELETE
	// or a POST made idempotent by WithIdempotent gets this error. The server had
	// not read the request, but bytes of it may have crossed the server's FIN, so
	// it is treated as possibly processed.
	msgServerClosedIdle = "http: server closed idle connection"

	// http2errClientConnGotGoAway: a stream above the last stream ID of the
	// server's graceful GOAWAY, which by RFC 9113 §6.8 the server did not
	// process. net/http resends it itself while the body can be replayed, at
	// most 6 times; this is what is left.
	msgGracefulGoAway = "http2: Transport received Server's graceful shutdown GOAWAY"

	// The error of the first stream of a connection above the last stream ID of a
	// GOAWAY with an error code, which net/http does not resend: "...ErrCode:" and
	// the code's name, as in "ENHANCE_YOUR_CALM". Not processed either (§6.8).
	prefixGoAwayCode = "http2: Transport received GOAWAY from server ErrCode:"

	// http2GoAwayError: the server sent GOAWAY, then closed the connection before
	// it answered a stream at or below the GOAWAY's last stream ID, which it may
	// have processed. Its form is "...LastStreamID=%v, ErrCode=%v, debug=%q".
	prefixGoAwayClosed = "http2: server sent GOAWAY and closed the connection; LastStreamID="

	// http2StreamError with the cause errFromPeer: the server reset the stream with
	// RST_STREAM, "stream error: stream ID %d; %v; received from peer". With
	// REFUSED_STREAM the server did not process it (RFC 9113 §8.7; net/http
	// resends it itself as it does a graceful GOAWAY); with INTERNAL_ERROR it may
	// have. A stream error made by the client itself has another cause, or none,
	// and is not matched.
	prefixStreamError = "stream error: stream ID "
	suffixFromPeer    = "; received from peer"
)

// lostConnection reports what err, a transport error, says of the request: the
// first error in its tree whose message is one of the above decides.
func lostConnection(err error) loss {
	l := lossNone
	errchain.Any(err, func(e error) bool {
		l = lossOf(e.Error())
		return l != lossNone
	})
	return l
}

// lossOf classifies the message of one error.
func lossOf(msg string) loss {
	switch {
	case msg == msgServerClosedIdle:
		return lossMaybeProcessed
	case msg == msgGracefulGoAway:
		return lossUnprocessed
	case strings.HasPrefix(msg, prefixGoAwayCode):
		if isErrCode(msg[len(prefixGoAwayCode):]) {
			return lossUnprocessed
		}
	case strings.HasPrefix(msg, prefixGoAwayClosed):
		return goAwayClosed(msg[len(prefixGoAwayClosed):])
	case strings.HasPrefix(msg, prefixStreamError):
		return streamReset(msg[len(prefixStreamError):])
	}
	return lossNone
}

// goAwayClosed classifies the rest of an http2GoAwayError's message,
// "%v, ErrCode=%v, debug=%q". A last stream ID of 0 says that the server processed
// no stream at all; any other may cover this request's.
func goAwayClosed(rest string) loss {
	id, rest, ok := leadingUint32(rest)
	if !ok {
		return lossNone
	}
	rest, ok = strings.CutPrefix(rest, ", ErrCode=")
	if !ok {
		return lossNone
	}
	code, debug, ok := strings.Cut(rest, ", debug=")
	if !ok || !isErrCode(code) || len(debug) < 2 || debug[0] != '"' {
		return lossNone
	}
	if _, err := strconv.Unquote(debug); err != nil {
		return lossNone
	}
	if id == 0 {
		return lossUnprocessed
	}
	return lossMaybeProcessed
}

// streamReset classifies the rest of an http2StreamError's message,
// "%d; %v; received from peer".
func streamReset(rest string) loss {
	_, rest, ok := leadingUint32(rest)
	if !ok {
		return lossNone
	}
	switch rest {
	case "; REFUSED_STREAM" + suffixFromPeer:
		return lossUnprocessed
	case "; INTERNAL_ERROR" + suffixFromPeer:
		return lossMaybeProcessed
	}
	return lossNone
}

// leadingUint32 reads the decimal uint32 at the start of s and returns the rest.
func leadingUint32(s string) (n uint32, rest string, ok bool) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	v, err := strconv.ParseUint(s[:i], 10, 32)
	if err != nil {
		return 0, s, false
	}
	return uint32(v), s[i:], true
}

// isErrCode reports whether s is the name of an HTTP/2 error code as net/http
// writes it: "NO_ERROR", "INTERNAL_ERROR", ..., or "ERR_UNKNOWN_%d".
func isErrCode(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('A' <= c && c <= 'Z' || isDigit(c) || c == '_') {
			return false
		}
	}
	return true
}

// unprocessed reports whether err proves that the server did not process the
// request: the connection was never made (a *net.OpError from a dial), or an
// HTTP/2 server refused the stream or excluded it with a GOAWAY.
func unprocessed(err error) bool {
	if op, ok := errchain.Find[*net.OpError](err); ok && op.Op == "dial" {
		return true
	}
	return lostConnection(err) == lossUnprocessed
}

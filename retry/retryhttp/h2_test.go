package retryhttp_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/wait"
)

// h2Answer is how the raw HTTP/2 server answers a request.
type h2Answer int

const (
	h2OK             h2Answer = iota // 200 OK
	h2ResetInternal                  // RST_STREAM INTERNAL_ERROR
	h2Refuse                         // RST_STREAM REFUSED_STREAM
	h2GoAwayClose                    // GOAWAY with the stream as its last, NO_ERROR; then close the connection
	h2GoAwayCalm                     // GOAWAY, last stream 0, ENHANCE_YOUR_CALM; then close
	h2GoAwayGraceful                 // GOAWAY, last stream 0, NO_ERROR; then close
)

// h2Server is a raw HTTP/2 server over cleartext (h2c, prior knowledge) on
// loopback, written with x/net's Framer, that answers its n-th request as
// answer(n) says: with a response, a stream reset or a GOAWAY. It records the
// method and body of every request it received, and of those it answered 200.
type h2Server struct {
	ln       net.Listener
	answer   func(n int) h2Answer
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    []net.Conn
	received []string
	answered []string
}

func newH2Server(t *testing.T, answer func(n int) h2Answer) *h2Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &h2Server{ln: ln, answer: answer}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
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

func (s *h2Server) url() string { return "http://" + s.ln.Addr().String() + "/" }

// serve speaks HTTP/2 on c: the client's preface and SETTINGS, then requests.
func (s *h2Server) serve(c net.Conn) {
	defer c.Close()
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	fr := http2.NewFramer(c, c)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	if fr.WriteSettings() != nil {
		return
	}
	methods := map[uint32]string{}
	bodies := map[uint32]*bytes.Buffer{}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		var id uint32
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() && fr.WriteSettingsAck() != nil {
				return
			}
			continue
		case *http2.PingFrame:
			if !f.IsAck() && fr.WritePing(true, f.Data) != nil {
				return
			}
			continue
		case *http2.MetaHeadersFrame:
			id = f.StreamID
			methods[id], bodies[id] = f.PseudoValue("method"), new(bytes.Buffer)
			if !f.StreamEnded() {
				continue
			}
		case *http2.DataFrame:
			id = f.StreamID
			if b := bodies[id]; b != nil {
				b.Write(f.Data())
			}
			if !f.StreamEnded() {
				continue
			}
		default:
			continue
		}
		if !s.respond(fr, id, methods[id]+" "+bodies[id].String()) {
			// Close after a GOAWAY with a FIN, and read until the client closes
			// too: a close with unread input would send an RST instead.
			_ = c.(*net.TCPConn).CloseWrite()
			_, _ = io.Copy(io.Discard, c)
			return
		}
	}
}

// respond answers the request on stream id, and reports whether the connection
// stays open.
func (s *h2Server) respond(fr *http2.Framer, id uint32, req string) bool {
	s.mu.Lock()
	s.received = append(s.received, req)
	answer := s.answer(len(s.received))
	if answer == h2OK {
		s.answered = append(s.answered, req)
	}
	s.mu.Unlock()
	switch answer {
	case h2OK:
		var block bytes.Buffer
		enc := hpack.NewEncoder(&block)
		_ = enc.WriteField(hpack.HeaderField{Name: ":status", Value: "200"})
		_ = enc.WriteField(hpack.HeaderField{Name: "content-length", Value: "2"})
		return fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block.Bytes(), EndHeaders: true}) == nil &&
			fr.WriteData(id, true, []byte("OK")) == nil
	case h2ResetInternal:
		return fr.WriteRSTStream(id, http2.ErrCodeInternal) == nil
	case h2Refuse:
		return fr.WriteRSTStream(id, http2.ErrCodeRefusedStream) == nil
	case h2GoAwayClose:
		_ = fr.WriteGoAway(id, http2.ErrCodeNo, []byte("restarting"))
	case h2GoAwayCalm:
		_ = fr.WriteGoAway(0, http2.ErrCodeEnhanceYourCalm, nil)
	case h2GoAwayGraceful:
		_ = fr.WriteGoAway(0, http2.ErrCodeNo, nil)
	}
	return false // close the connection after a GOAWAY
}

func (s *h2Server) log() (received, answered []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.received...), append([]string(nil), s.answered...)
}

// h2cBase returns net/http's own Transport, speaking HTTP/2 in cleartext with
// prior knowledge: the HTTP/2 client of most programs.
func h2cBase(t *testing.T) http.RoundTripper {
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	base := &http.Transport{Protocols: &p}
	t.Cleanup(base.CloseIdleConnections)
	return base
}

// h2ConnBase is a Base of x/net's HTTP/2 client connections, one at a time, a
// new one when the last cannot take a request: unlike net/http's Transport, it
// does not resend a refused stream or one a graceful GOAWAY left out itself, so
// that those errors reach the retryhttp Transport.
type h2ConnBase struct {
	t    *testing.T
	addr string
	tr   http2.Transport
	mu   sync.Mutex
	cc   *http2.ClientConn
	all  []*http2.ClientConn
}

func newH2ConnBase(t *testing.T, addr string) *h2ConnBase {
	b := &h2ConnBase{t: t, addr: addr}
	b.tr.AllowHTTP = true
	t.Cleanup(func() {
		for _, cc := range b.all {
			_ = cc.Close()
		}
	})
	return b
}

func (b *h2ConnBase) RoundTrip(req *http.Request) (*http.Response, error) {
	b.mu.Lock()
	if b.cc == nil || !b.cc.CanTakeNewRequest() {
		c, err := net.Dial("tcp", b.addr)
		if err != nil {
			b.mu.Unlock()
			return nil, err
		}
		if b.cc, err = b.tr.NewClientConn(c); err != nil {
			b.mu.Unlock()
			return nil, err
		}
		b.all = append(b.all, b.cc)
	}
	cc := b.cc
	b.mu.Unlock()
	return cc.RoundTrip(req)
}

// TestHTTP2LostStreams meets, on a real HTTP/2 connection, the failures of
// RFC 9113 that end a stream or a connection before a response: what the
// Transport resends, for which methods, and what the server saw. A stream the
// server provably did not process (refused, or above a GOAWAY's last stream ID)
// is resent whatever the method; one it may have processed (reset with
// INTERNAL_ERROR, or at or below the last stream ID of a GOAWAY after which the
// connection closed) only if the request is idempotent, and otherwise comes back
// in a *retry.NotRetriedError.
func TestHTTP2LostStreams(t *testing.T) {
	tests := []struct {
		name      string
		netHTTP   bool // Base: net/http's Transport, or x/net's client connections
		answer    h2Answer
		method    string
		firstErr  string // the first attempt's error
		retried   bool
		processed []string
	}{
		{"RST_STREAM INTERNAL_ERROR, GET", true, h2ResetInternal, "GET",
			"stream error: stream ID 1; INTERNAL_ERROR; received from peer", true, []string{"GET "}},
		{"RST_STREAM INTERNAL_ERROR, PUT", true, h2ResetInternal, "PUT",
			"stream error: stream ID 1; INTERNAL_ERROR; received from peer", true, []string{"PUT x"}},
		{"RST_STREAM INTERNAL_ERROR, POST", true, h2ResetInternal, "POST",
			"stream error: stream ID 1; INTERNAL_ERROR; received from peer", false, nil},
		{"GOAWAY then close, GET", true, h2GoAwayClose, "GET",
			`http2: server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode=NO_ERROR, debug="restarting"`, true, []string{"GET "}},
		{"GOAWAY then close, POST", true, h2GoAwayClose, "POST",
			`http2: server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode=NO_ERROR, debug="restarting"`, false, nil},
		{"above GOAWAY's last stream, POST", true, h2GoAwayCalm, "POST",
			"http2: Transport received GOAWAY from server ErrCode:ENHANCE_YOUR_CALM", true, []string{"POST x"}},
		{"REFUSED_STREAM, POST", false, h2Refuse, "POST",
			"stream error: stream ID 1; REFUSED_STREAM; received from peer", true, []string{"POST x"}},
		{"above graceful GOAWAY's last stream, POST", false, h2GoAwayGraceful, "POST",
			"http2: Transport received Server's graceful shutdown GOAWAY", true, []string{"POST x"}},
		{"RST_STREAM INTERNAL_ERROR, x/net, GET", false, h2ResetInternal, "GET",
			"stream error: stream ID 1; INTERNAL_ERROR; received from peer", true, []string{"GET "}},
		{"GOAWAY then close, x/net, DELETE", false, h2GoAwayClose, "DELETE",
			`http2: server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode=NO_ERROR, debug="restarting"`, true, []string{"DELETE "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			noLeaks(t)
			s := newH2Server(t, func(n int) h2Answer {
				if n == 1 {
					return tt.answer
				}
				return h2OK
			})
			var base http.RoundTripper
			if tt.netHTTP {
				base = h2cBase(t)
			} else {
				base = newH2ConnBase(t, s.ln.Addr().String())
			}
			var errs []error
			tr := &retryhttp.Transport{Base: base, Policy: &retry.Policy{
				Wait:  wait.Fixed(time.Millisecond),
				After: retry.HookFunc(func(a retry.Attempt) { errs = append(errs, a.Err) }),
			}}
			var body io.Reader
			if tt.method == "POST" || tt.method == "PUT" {
				body = strings.NewReader("x")
			}
			req, _ := http.NewRequest(tt.method, s.url(), body)
			resp, err := tr.RoundTrip(req)
			if len(errs) == 0 || errs[0] == nil || errs[0].Error() != tt.firstErr {
				t.Fatalf("attempt errors %v, want the first to be %q", errs, tt.firstErr)
			}
			received, answered := s.log()
			if tt.retried {
				if err != nil {
					t.Fatalf("RoundTrip: %v, want it to retry and succeed", err)
				}
				if code, body := readAll(t, resp); code != 200 || body != "OK" || resp.ProtoMajor != 2 {
					t.Errorf("got %d %q over HTTP/%d, want 200 OK over HTTP/2", code, body, resp.ProtoMajor)
				}
				if len(errs) != 2 || len(received) != 2 {
					t.Errorf("%d attempts, server received %q; want 2", len(errs), received)
				}
			} else {
				var nre *retry.NotRetriedError
				if !errors.As(err, &nre) || nre.Name != tt.method || nre.Reason != retry.ReasonNotIdempotent || nre.Err != errs[0] {
					t.Fatalf("RoundTrip = %v, %v; want a NotRetriedError for the first attempt's error", resp, err)
				}
				if len(errs) != 1 || len(received) != 1 {
					t.Errorf("%d attempts, server received %q; want 1", len(errs), received)
				}
			}
			if strings.Join(answered, "|") != strings.Join(tt.processed, "|") {
				t.Errorf("server answered %q, want %q", answered, tt.processed)
			}
		})
	}
}

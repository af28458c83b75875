package retrygrpc_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"sync"
	"testing"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/tenacious-go/tenacious/retry"
)

// refusingServer speaks just enough gRPC over raw HTTP/2 (cleartext, written with
// x/net's Framer) to refuse the first stream it sees with RST_STREAM
// REFUSED_STREAM, before reading it, which proves to the client that the server
// did not process it (RFC 9113 §8.7), and to answer every later unary call with
// "ok " and the request's value.
type refusingServer struct {
	ln      net.Listener
	wg      sync.WaitGroup
	mu      sync.Mutex
	conns   []net.Conn
	streams int // streams opened by the client
	served  int // calls answered
}

func newRefusingServer(t *testing.T) *refusingServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &refusingServer{ln: ln}
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

func (s *refusingServer) counts() (streams, served int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.streams, s.served
}

func (s *refusingServer) serve(c net.Conn) {
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
	bodies := map[uint32]*bytes.Buffer{}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() && fr.WriteSettingsAck() != nil {
				return
			}
		case *http2.PingFrame:
			if !f.IsAck() && fr.WritePing(true, f.Data) != nil {
				return
			}
		case *http2.MetaHeadersFrame:
			s.mu.Lock()
			s.streams++
			first := s.streams == 1
			s.mu.Unlock()
			if first {
				if fr.WriteRSTStream(f.StreamID, http2.ErrCodeRefusedStream) != nil {
					return
				}
				continue
			}
			bodies[f.StreamID] = new(bytes.Buffer)
		case *http2.DataFrame:
			b := bodies[f.StreamID]
			if b == nil { // a refused stream's
				continue
			}
			b.Write(f.Data())
			if f.StreamEnded() && !s.answer(fr, f.StreamID, b.Bytes()) {
				return
			}
		}
	}
}

// answer answers the unary call on stream id whose request, framed as gRPC
// frames messages, is body.
func (s *refusingServer) answer(fr *http2.Framer, id uint32, body []byte) bool {
	in := new(wrapperspb.StringValue)
	if len(body) < 5 || proto.Unmarshal(body[5:], in) != nil {
		return false
	}
	out, err := proto.Marshal(wrapperspb.String("ok " + in.GetValue()))
	if err != nil {
		return false
	}
	msg := make([]byte, 5+len(out))
	binary.BigEndian.PutUint32(msg[1:], uint32(len(out)))
	copy(msg[5:], out)
	headers := func(end bool, fields ...string) error {
		var block bytes.Buffer
		enc := hpack.NewEncoder(&block)
		for i := 0; i < len(fields); i += 2 {
			_ = enc.WriteField(hpack.HeaderField{Name: fields[i], Value: fields[i+1]})
		}
		return fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block.Bytes(), EndHeaders: true, EndStream: end})
	}
	s.mu.Lock()
	s.served++
	s.mu.Unlock()
	return headers(false, ":status", "200", "content-type", "application/grpc") == nil &&
		fr.WriteData(id, false, msg) == nil &&
		headers(true, "grpc-status", "0") == nil
}

// TestTransparentRetry shows that grpc-go itself resends an RPC that never
// reached the server's application, even of a method that is not idempotent,
// which the interceptor never makes twice, and even with its own retries
// disabled (dial sets grpc.WithDisableRetry): the interceptor sees one attempt,
// the server two streams.
func TestTransparentRetry(t *testing.T) {
	checkGoroutines(t)
	srv := newRefusingServer(t)
	var before counter
	conn := dial(t, srv.ln.Addr().String(), &retry.Policy{Before: &before}, nil)
	got, err := call(t.Context(), conn, echoPost, "x")
	if err != nil || got != "ok x" {
		t.Fatalf("call = %q, %v; want ok x, nil", got, err)
	}
	if streams, served := srv.counts(); streams != 2 || served != 1 || before.count() != 1 {
		t.Errorf("server saw %d streams and answered %d, the interceptor made %d attempts; want 2, 1, 1",
			streams, served, before.count())
	}
}

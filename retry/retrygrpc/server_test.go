package retrygrpc_test

import (
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
)

// The test service, written by hand: no generated code, and descriptors built
// at run time so that methods carry the idempotency_level the tests need (the
// interop service of grpc-go sets none). Every message is a
// google.protobuf.StringValue.
//
// retrygrpc.test.Echo is registered in protoregistry.GlobalFiles, where
// generated code registers its own; retrygrpc.test.Private only in the
// *protoregistry.Files that privateFiles returns, for the Descriptors option.
const (
	echoGet    = "/retrygrpc.test.Echo/Get"    // unary, NO_SIDE_EFFECTS
	echoPut    = "/retrygrpc.test.Echo/Put"    // unary, IDEMPOTENT
	echoPost   = "/retrygrpc.test.Echo/Post"   // unary, no level
	echoWatch  = "/retrygrpc.test.Echo/Watch"  // server-streaming, NO_SIDE_EFFECTS
	echoNotify = "/retrygrpc.test.Echo/Notify" // server-streaming, no level
	echoUpload = "/retrygrpc.test.Echo/Upload" // client-streaming, IDEMPOTENT
	echoChat   = "/retrygrpc.test.Echo/Chat"   // bidirectional, IDEMPOTENT
	privateGet = "/retrygrpc.test.Private/Get" // unary, IDEMPOTENT, not in GlobalFiles
)

type method struct {
	name           string
	client, server bool // streams
	level          descriptorpb.MethodOptions_IdempotencyLevel
}

var echoMethods = []method{
	{"Get", false, false, descriptorpb.MethodOptions_NO_SIDE_EFFECTS},
	{"Put", false, false, descriptorpb.MethodOptions_IDEMPOTENT},
	{"Post", false, false, descriptorpb.MethodOptions_IDEMPOTENCY_UNKNOWN},
	{"Watch", false, true, descriptorpb.MethodOptions_NO_SIDE_EFFECTS},
	{"Notify", false, true, descriptorpb.MethodOptions_IDEMPOTENCY_UNKNOWN},
	{"Upload", true, false, descriptorpb.MethodOptions_IDEMPOTENT},
	{"Chat", true, true, descriptorpb.MethodOptions_IDEMPOTENT},
}

var privateMethods = []method{{"Get", false, false, descriptorpb.MethodOptions_IDEMPOTENT}}

// fileOf builds the descriptor of a file holding service svc of package
// retrygrpc.test.
func fileOf(svc string, methods []method) *descriptorpb.FileDescriptorProto {
	sd := &descriptorpb.ServiceDescriptorProto{Name: proto.String(svc)}
	for _, m := range methods {
		md := &descriptorpb.MethodDescriptorProto{
			Name:       proto.String(m.name),
			InputType:  proto.String(".google.protobuf.StringValue"),
			OutputType: proto.String(".google.protobuf.StringValue"),
		}
		if m.client {
			md.ClientStreaming = proto.Bool(true)
		}
		if m.server {
			md.ServerStreaming = proto.Bool(true)
		}
		if m.level != descriptorpb.MethodOptions_IDEMPOTENCY_UNKNOWN {
			md.Options = &descriptorpb.MethodOptions{IdempotencyLevel: m.level.Enum()}
		}
		sd.Method = append(sd.Method, md)
	}
	return &descriptorpb.FileDescriptorProto{
		Name:       proto.String("retrygrpc/test/" + strings.ToLower(svc) + ".proto"),
		Package:    proto.String("retrygrpc.test"),
		Dependency: []string{"google/protobuf/wrappers.proto"},
		Syntax:     proto.String("proto3"),
		Service:    []*descriptorpb.ServiceDescriptorProto{sd},
	}
}

// init registers the descriptor of retrygrpc.test.Echo in
// protoregistry.GlobalFiles, as generated code registers its own.
func init() {
	fd, err := protodesc.NewFile(fileOf("Echo", echoMethods), protoregistry.GlobalFiles)
	if err != nil {
		panic(err)
	}
	if err := protoregistry.GlobalFiles.RegisterFile(fd); err != nil {
		panic(err)
	}
}

// privateFiles returns a registry that holds only retrygrpc.test.Private.
func privateFiles(t testing.TB) *protoregistry.Files {
	t.Helper()
	fd, err := protodesc.NewFile(fileOf("Private", privateMethods), protoregistry.GlobalFiles)
	if err != nil {
		t.Fatal(err)
	}
	files := new(protoregistry.Files)
	if err := files.RegisterFile(fd); err != nil {
		t.Fatal(err)
	}
	return files
}

// answer is how the server answers one call.
type answer struct {
	err     error       // the status it ends with; nil is OK
	trailer metadata.MD // sent with the status
	header  bool        // send the header first
	msgs    int         // messages to send (streams), "0", "1", ...
	gap     time.Duration
	// gap is a pause after the header, if header is set, else after the first
	// message.
	stall bool // answer nothing until the call's context ends
	early bool // a client or bidirectional stream: answer before reading
}

// script says how the server answers the n-th call (1-based) of a method.
type script func(method string, n int) answer

// server is the test service: it answers as its script says, and records what
// it received.
type server struct {
	script   script
	perCall  func(attempt int) answer // if set, answers each call by its attempt number
	mu       sync.Mutex
	calls    map[string]int
	prev     []string // grpc-previous-rpc-attempts of each call, "" if none
	reqs     []string // the request of each call
	timeouts []bool   // whether each call had a deadline
}

func (s *server) record(ctx context.Context, req string) answer {
	method, _ := grpc.Method(ctx)
	md, _ := metadata.FromIncomingContext(ctx)
	_, hasDeadline := ctx.Deadline()
	s.mu.Lock()
	s.calls[method]++
	n := s.calls[method]
	prev := strings.Join(md.Get(retrygrpc.PreviousAttemptsKey), ",")
	s.prev = append(s.prev, prev)
	s.reqs = append(s.reqs, req)
	s.timeouts = append(s.timeouts, hasDeadline)
	s.mu.Unlock()
	switch {
	case s.perCall != nil:
		k, _ := strconv.Atoi(prev) // 0 for a first attempt
		return s.perCall(k + 1)
	case s.script != nil:
		return s.script(method, n)
	}
	return answer{}
}

// count returns how many calls of method the server received.
func (s *server) count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// previous returns the grpc-previous-rpc-attempts of every call received.
func (s *server) previous() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.prev...)
}

func (s *server) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reqs...)
}

func (s *server) unary(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	a := s.record(ctx, in.GetValue())
	if a.stall {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if a.header {
		if err := grpc.SendHeader(ctx, metadata.Pairs("x-header", "1")); err != nil {
			return nil, err
		}
	}
	if a.trailer != nil {
		if err := grpc.SetTrailer(ctx, a.trailer); err != nil {
			return nil, err
		}
	}
	if a.err != nil {
		return nil, a.err
	}
	return wrapperspb.String("ok " + in.GetValue()), nil
}

// serverStream answers a server-streaming call: a.msgs messages after the
// request, then the status.
func (s *server) serverStream(stream grpc.ServerStream) error {
	in := new(wrapperspb.StringValue)
	if err := stream.RecvMsg(in); err != nil {
		return err
	}
	a := s.record(stream.Context(), in.GetValue())
	return s.answerStream(stream, a)
}

func (s *server) answerStream(stream grpc.ServerStream, a answer) error {
	ctx := stream.Context()
	if a.stall {
		<-ctx.Done()
		return ctx.Err()
	}
	if a.header {
		if err := stream.SendHeader(metadata.Pairs("x-header", "1")); err != nil {
			return err
		}
		sleep(ctx, a.gap)
	}
	for i := range a.msgs {
		if err := stream.SendMsg(wrapperspb.String(strconv.Itoa(i))); err != nil {
			return err
		}
		if i == 0 && !a.header {
			sleep(ctx, a.gap)
		}
	}
	if a.trailer != nil {
		stream.SetTrailer(a.trailer)
	}
	return a.err
}

func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// clientStream answers a client-streaming call: early, or after reading every
// message, with one message that counts them, or with the status.
func (s *server) clientStream(stream grpc.ServerStream) error {
	a := s.record(stream.Context(), "")
	if a.early {
		return s.answerStream(stream, a)
	}
	n := 0
	for {
		in := new(wrapperspb.StringValue)
		err := stream.RecvMsg(in)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		n++
	}
	if a.err != nil {
		return a.err
	}
	return stream.SendMsg(wrapperspb.String(strconv.Itoa(n)))
}

// bidiStream answers a bidirectional call: early, or by echoing every message,
// then with the status.
func (s *server) bidiStream(stream grpc.ServerStream) error {
	a := s.record(stream.Context(), "")
	if a.early {
		return s.answerStream(stream, a)
	}
	for {
		in := new(wrapperspb.StringValue)
		err := stream.RecvMsg(in)
		if err == io.EOF {
			return a.err
		}
		if err != nil {
			return err
		}
		if err := stream.SendMsg(in); err != nil {
			return err
		}
	}
}

// serviceDesc describes service svc of package retrygrpc.test to a
// grpc.Server, by hand.
func serviceDesc(svc string, methods []method) *grpc.ServiceDesc {
	sd := &grpc.ServiceDesc{ServiceName: "retrygrpc.test." + svc, HandlerType: (*any)(nil)}
	for _, m := range methods {
		if !m.client && !m.server {
			sd.Methods = append(sd.Methods, grpc.MethodDesc{
				MethodName: m.name,
				Handler: func(srv any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
					in := new(wrapperspb.StringValue)
					if err := dec(in); err != nil {
						return nil, err
					}
					return srv.(*server).unary(ctx, in)
				},
			})
			continue
		}
		h := (*server).serverStream
		switch {
		case m.client && m.server:
			h = (*server).bidiStream
		case m.client:
			h = (*server).clientStream
		}
		sd.Streams = append(sd.Streams, grpc.StreamDesc{
			StreamName:    m.name,
			Handler:       func(srv any, stream grpc.ServerStream) error { return h(srv.(*server), stream) },
			ServerStreams: m.server,
			ClientStreams: m.client,
		})
	}
	return sd
}

// serve starts the test service on a loopback port, answering as sc says, and
// stops it when the test ends. It also checks, last of all, that the test left
// no goroutine behind.
func serve(t *testing.T, sc script) (*server, string) {
	t.Helper()
	return serveWith(t, &server{script: sc})
}

// serveAttempts is serve with a server that answers each call by its attempt
// number, as grpc-previous-rpc-attempts tells it.
func serveAttempts(t *testing.T, perCall func(attempt int) answer) (*server, string) {
	t.Helper()
	return serveWith(t, &server{perCall: perCall})
}

func serveWith(t *testing.T, s *server) (*server, string) {
	t.Helper()
	checkGoroutines(t)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.calls = map[string]int{}
	gs := grpc.NewServer()
	gs.RegisterService(serviceDesc("Echo", echoMethods), s)
	gs.RegisterService(serviceDesc("Private", privateMethods), s)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = gs.Serve(lis)
	}()
	t.Cleanup(func() {
		gs.Stop()
		<-done
	})
	return s, lis.Addr().String()
}

// dial connects to addr through both interceptors, made with p and opts, and
// closes the connection when the test ends. gRPC's own retries are off.
func dial(t *testing.T, addr string, p *retry.Policy, opts []retrygrpc.Option, dialOpts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	dialOpts = append([]grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithChainUnaryInterceptor(retrygrpc.UnaryClientInterceptor(p, opts...)),
		grpc.WithChainStreamInterceptor(retrygrpc.StreamClientInterceptor(p, opts...)),
		grpc.WithDisableRetry(),
	}, dialOpts...)
	conn, err := grpc.NewClient("passthrough:///"+addr, dialOpts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// dialGRPCRetry connects to addr without the interceptors and with grpc-go's
// own retries: a service config whose retryPolicy makes up to 4 attempts of a
// method of the test service that fails with UNAVAILABLE, with a pause of about
// backoff between them (grpc-go adds ±20% of jitter). It is the control of the
// tests that check that the interceptors do what grpc-go does, and is closed
// when the test ends.
func dialGRPCRetry(t *testing.T, addr string, backoff time.Duration, dialOpts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	d := strconv.FormatFloat(backoff.Seconds(), 'f', -1, 64) + "s"
	config := `{"methodConfig": [{"name": [{"service": "retrygrpc.test.Echo"}], "retryPolicy": {
		"maxAttempts": 4, "initialBackoff": "` + d + `", "maxBackoff": "` + d + `",
		"backoffMultiplier": 1, "retryableStatusCodes": ["UNAVAILABLE"]}}]}`
	dialOpts = append([]grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultServiceConfig(config),
	}, dialOpts...)
	conn, err := grpc.NewClient("passthrough:///"+addr, dialOpts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// call makes a unary call of method with request v.
func call(ctx context.Context, conn *grpc.ClientConn, method, v string, opts ...grpc.CallOption) (string, error) {
	out := new(wrapperspb.StringValue)
	err := conn.Invoke(ctx, method, wrapperspb.String(v), out, opts...)
	return out.GetValue(), err
}

var (
	serverStreamDesc = &grpc.StreamDesc{ServerStreams: true}
	clientStreamDesc = &grpc.StreamDesc{ClientStreams: true}
	bidiStreamDesc   = &grpc.StreamDesc{ClientStreams: true, ServerStreams: true}
)

// watch opens a server-streaming call of method with request v, as generated
// code does: NewStream, SendMsg, CloseSend.
func watch(ctx context.Context, conn *grpc.ClientConn, method, v string, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	s, err := conn.NewStream(ctx, serverStreamDesc, method, opts...)
	if err != nil {
		return nil, err
	}
	if err := s.SendMsg(wrapperspb.String(v)); err != nil {
		return nil, err
	}
	if err := s.CloseSend(); err != nil {
		return nil, err
	}
	return s, nil
}

// recvAll receives every message of s, and returns them with the error that
// ended the stream, nil for io.EOF.
func recvAll(s grpc.ClientStream) ([]string, error) {
	var got []string
	for {
		m := new(wrapperspb.StringValue)
		err := s.RecvMsg(m)
		if errors.Is(err, io.EOF) {
			return got, nil
		}
		if err != nil {
			return got, err
		}
		got = append(got, m.GetValue())
	}
}

// counter is a retry.Hook that counts the calls it sees, and keeps the
// attempts, measured durations included: it reads time (it has no ReadsTime
// method). It is safe for concurrent use.
type counter struct {
	mu sync.Mutex
	n  int
	as []retry.Attempt
}

func (c *counter) Run(a retry.Attempt) {
	c.mu.Lock()
	c.n++
	c.as = append(c.as, a)
	c.mu.Unlock()
}

func (c *counter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func (c *counter) attempts() []retry.Attempt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]retry.Attempt(nil), c.as...)
}

// checkGoroutines fails the test if, once everything else the test set up has
// been torn down (it registers its check first, so that it runs last), a
// goroutine of gRPC or of this package still runs after a bounded wait for it
// to settle.
func checkGoroutines(t *testing.T) {
	t.Helper()
	t.Cleanup(func() {
		deadline := time.Now().Add(10 * time.Second)
		for {
			left := leftGoroutines()
			if len(left) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("%d goroutines left behind:\n\n%s", len(left), strings.Join(left, "\n\n"))
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}

// leftGoroutines returns the stacks of the goroutines, other than the caller's,
// that run code of gRPC or of this module's retrygrpc.
func leftGoroutines() []string {
	return goroutineStacks(func(g string) bool {
		return !strings.Contains(g, "\ntesting.tRunner(") && // not a test's
			(strings.Contains(g, "google.golang.org/grpc") || strings.Contains(g, "/retrygrpc"))
	})
}

// goroutineStacks returns the stacks of the goroutines, other than the caller's,
// for which match is true.
func goroutineStacks(match func(stack string) bool) []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var stacks []string
	for i, g := range strings.Split(string(buf), "\n\n") {
		if i > 0 && match(g) {
			stacks = append(stacks, g)
		}
	}
	return stacks
}

// closedAddr returns a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	_ = lis.Close()
	return addr
}

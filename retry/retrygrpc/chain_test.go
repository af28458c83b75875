package retrygrpc_test

import (
	"context"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// TestOverridesChained checks, in virtual time, that each override applies to
// the first of two chained retrygrpc interceptors only, as a call option as
// through the context: NoRetry and retry.WithoutRetry, UsePolicy and
// retry.WithPolicy, IgnoreLayers and retry.WithIgnoreLayers reach the server
// the same number of times, on unary calls and streams, and the inner
// interceptor follows its own Policy (3 attempts, its own OnEnd), never the
// Policy given to the outer one. The server always answers UNAVAILABLE.
func TestOverridesChained(t *testing.T) {
	var oneEnd counter
	one := &retry.Policy{Stop: stop.AfterAttempts(1), Wait: wait.None(), OnEnd: &oneEnd}
	withPolicy := func(ctx context.Context) context.Context { return retry.WithPolicy(ctx, one) }
	for _, pair := range []struct {
		name  string
		forms [2]override // the call option, then the context form
		// want: the calls the server receives, the outer interceptor's
		// attempts times the inner's 3; outer, how the outer call ends, if
		// the outer interceptor's own Policy runs it.
		want  int
		outer []retry.Reason
	}{
		{"NoRetry", [2]override{
			{name: "NoRetry", opts: []grpc.CallOption{retrygrpc.NoRetry()}},
			{name: "WithoutRetry", ctx: retry.WithoutRetry},
		}, 3, []retry.Reason{retry.ReasonNotRetried}},
		{"UsePolicy", [2]override{
			{name: "UsePolicy", opts: []grpc.CallOption{retrygrpc.UsePolicy(one)}},
			{name: "WithPolicy", ctx: withPolicy},
		}, 3, nil},
		{"IgnoreLayers", [2]override{
			{name: "IgnoreLayers", opts: []grpc.CallOption{retrygrpc.IgnoreLayers()}},
			{name: "WithIgnoreLayers", ctx: retry.WithIgnoreLayers},
		}, retry.DefaultAttempts * 3, []retry.Reason{retry.ReasonStop}},
	} {
		for _, method := range []string{echoGet, echoWatch} {
			t.Run(pair.name+method, func(t *testing.T) {
				var got [2]int
				for i, o := range pair.forms {
					synctest.Test(t, func(t *testing.T) {
						oneEnd = counter{}
						var outerEnd, innerEnd counter
						outer := &retry.Policy{Wait: wait.None(), OnEnd: &outerEnd}
						inner := &retry.Policy{Stop: stop.AfterAttempts(3), Wait: wait.None(), OnEnd: &innerEnd}
						srv, dialer := listenBubble(t, always(answer{err: unavailable}))
						conn := dial(t, "bufconn", outer, nil, dialer,
							grpc.WithTransportCredentials(insecure.NewCredentials()),
							grpc.WithChainUnaryInterceptor(retrygrpc.UnaryClientInterceptor(inner)),
							grpc.WithChainStreamInterceptor(retrygrpc.StreamClientInterceptor(inner)))
						ctx := t.Context()
						if o.ctx != nil {
							ctx = o.ctx(ctx)
						}
						err := callOrWatch(ctx, conn, method, o.opts...)
						if status.Code(err) != codes.Unavailable {
							t.Errorf("%s: err = %v, want UNAVAILABLE", o.name, err)
						}
						got[i] = srv.count(method)
						// The inner interceptor runs its own Policy on each
						// of the outer's attempts, and gives up after 3.
						ends := innerEnd.attempts()
						if len(ends)*3 != got[i] {
							t.Errorf("%s: the inner Policy saw %d ends for %d calls, want one per 3 calls", o.name, len(ends), got[i])
						}
						for _, a := range ends {
							if a.Reason != retry.ReasonStop || a.Number != 3 {
								t.Errorf("%s: the inner Policy saw an end %v after %d attempts, want stop after 3", o.name, a.Reason, a.Number)
							}
						}
						if pair.outer != nil {
							if got := reasons(&outerEnd); !slices.Equal(got, pair.outer) {
								t.Errorf("%s: the outer Policy saw OnEnd %v, want %v", o.name, got, pair.outer)
							}
						} else {
							// UsePolicy: the Policy given runs the outer call
							// alone, which the inner call decided.
							if outerEnd.count() != 0 {
								t.Errorf("%s: the outer interceptor's own Policy saw %d ends, want 0", o.name, outerEnd.count())
							}
							if got, want := reasons(&oneEnd), []retry.Reason{retry.ReasonLayerBelow}; !slices.Equal(got, want) {
								t.Errorf("%s: the Policy given saw OnEnd %v, want %v: the outer call's only", o.name, got, want)
							}
						}
					})
				}
				if got[0] != pair.want || got[1] != pair.want {
					t.Errorf("server received %d calls with %s, %d with %s; want %d with both",
						got[0], pair.forms[0].name, got[1], pair.forms[1].name, pair.want)
				}
			})
		}
	}
}

// callOrWatch makes a unary call of method, or reads a server-streaming call
// of it to its end, and returns its error.
func callOrWatch(ctx context.Context, conn *grpc.ClientConn, method string, opts ...grpc.CallOption) error {
	if method != echoWatch && method != echoNotify {
		_, err := call(ctx, conn, method, "x", opts...)
		return err
	}
	s, err := watch(ctx, conn, method, "x", opts...)
	if err != nil {
		return err
	}
	_, err = recvAll(s)
	return err
}

// TestCallOptionsPassedOn checks the call options that the interceptors pass
// on to the invoker or streamer they call: every one but NoRetry, UsePolicy
// and IgnoreLayers, in the caller's order, Idempotent included, and the
// caller's slice left as it was.
func TestCallOptionsPassedOn(t *testing.T) {
	var header metadata.MD
	idem, hdr := retrygrpc.Idempotent(), grpc.Header(&header)
	for _, tt := range []struct {
		name string
		opts []grpc.CallOption
		want []grpc.CallOption
	}{
		{"none", nil, nil},
		{"others only", []grpc.CallOption{idem, hdr}, []grpc.CallOption{idem, hdr}},
		{"NoRetry", []grpc.CallOption{retrygrpc.NoRetry(), idem}, []grpc.CallOption{idem}},
		{"UsePolicy", []grpc.CallOption{hdr, retrygrpc.UsePolicy(nil)}, []grpc.CallOption{hdr}},
		{"IgnoreLayers", []grpc.CallOption{retrygrpc.IgnoreLayers()}, nil},
		{"all", []grpc.CallOption{retrygrpc.NoRetry(), idem, retrygrpc.UsePolicy(nil), hdr, retrygrpc.IgnoreLayers()},
			[]grpc.CallOption{idem, hdr}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			callerOpts := slices.Clone(tt.opts)
			// The unary interceptor adds its own captures of the trailer
			// and the header after the caller's options: only the
			// caller's count here.
			var unary []grpc.CallOption
			invoker := func(_ context.Context, _ string, _, _ any, _ *grpc.ClientConn, opts ...grpc.CallOption) error {
				unary = slices.Clone(opts)
				return nil
			}
			in := retrygrpc.UnaryClientInterceptor(nil)
			if err := in(t.Context(), echoGet, wrapperspb.String("x"), new(wrapperspb.StringValue), nil, invoker, callerOpts...); err != nil {
				t.Fatal(err)
			}
			if len(unary) < len(tt.want) || !slices.Equal(unary[:len(tt.want)], tt.want) || passedOwn(unary) {
				t.Errorf("the unary invoker received %v, want %v then the interceptor's own", unary, tt.want)
			}

			var stream []grpc.CallOption
			streamer := func(_ context.Context, _ *grpc.StreamDesc, _ *grpc.ClientConn, _ string, opts ...grpc.CallOption) (grpc.ClientStream, error) {
				stream = slices.Clone(opts)
				return nil, status.Error(codes.NotFound, "not retried")
			}
			sin := retrygrpc.StreamClientInterceptor(nil)
			if _, err := sin(t.Context(), serverStreamDesc, nil, echoWatch, streamer, callerOpts...); status.Code(err) != codes.NotFound {
				t.Fatalf("stream: err = %v, want NOT_FOUND", err)
			}
			if !slices.Equal(stream, tt.want) {
				t.Errorf("the streamer received %v, want %v", stream, tt.want)
			}
			if !slices.Equal(callerOpts, tt.opts) {
				t.Errorf("the caller's options became %v, want %v unchanged", callerOpts, tt.opts)
			}
		})
	}
}

// passedOwn reports whether opts hold NoRetry, UsePolicy or IgnoreLayers.
func passedOwn(opts []grpc.CallOption) bool {
	for _, o := range opts {
		switch o {
		case retrygrpc.NoRetry(), retrygrpc.IgnoreLayers():
			return true
		}
		if o == retrygrpc.UsePolicy(nil) {
			return true
		}
	}
	return false
}

// TestInsideHedgedCall checks, in virtual time, that a call through the
// interceptors inside an attempt of a hedged call makes one attempt, the
// hedged call doing the retrying, so that the layers do not multiply: to a
// server that always answers UNAVAILABLE at once, the hedged call's 4 attempts
// reach it 4 times, whether the hedged call is a retrygrpc interceptor chained
// before this one or a retry.Retrier.Hedge around the call, unary or
// streaming, and whether or not the interceptor's own Policy hedges; each
// inner call ends with ReasonNotRetried, and the hedged call with ReasonStop.
// A method that is not idempotent is still refused a retry, which decides the
// hedged call's attempt: the hedged call ends with ReasonLayerBelow after one.
func TestInsideHedgedCall(t *testing.T) {
	hedger := hedge.Fixed(20*time.Millisecond, 1)
	for _, tt := range []struct {
		name       string
		chained    bool // the hedged call is an interceptor chained before, else a Retrier
		innerHedge bool // the interceptor's own Policy has a Hedger
		method     string
		want       int
		inner      retry.Reason
		outer      retry.Reason
	}{
		{"chained", true, false, echoGet, retry.DefaultAttempts, retry.ReasonNotRetried, retry.ReasonStop},
		{"chained, inner hedger", true, true, echoGet, retry.DefaultAttempts, retry.ReasonNotRetried, retry.ReasonStop},
		{"Retrier", false, false, echoGet, retry.DefaultAttempts, retry.ReasonNotRetried, retry.ReasonStop},
		{"Retrier, inner hedger", false, true, echoGet, retry.DefaultAttempts, retry.ReasonNotRetried, retry.ReasonStop},
		{"Retrier, stream", false, false, echoWatch, retry.DefaultAttempts, retry.ReasonNotRetried, retry.ReasonStop},
		{"Retrier, not idempotent", false, false, echoPost, 1, retry.ReasonNotIdempotent, retry.ReasonLayerBelow},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var innerEnd, outerEnd counter
				inner := &retry.Policy{Wait: wait.None(), OnEnd: &innerEnd}
				if tt.innerHedge {
					inner.Hedger = hedger
				}
				outer := &retry.Policy{Hedger: hedger, Wait: wait.None(), OnEnd: &outerEnd}
				srv, dialer := listenBubble(t, always(answer{err: unavailable}))
				dialOpts := []grpc.DialOption{dialer, grpc.WithTransportCredentials(insecure.NewCredentials())}
				var err error
				if tt.chained {
					conn := dial(t, "bufconn", outer, nil, append(dialOpts,
						grpc.WithChainUnaryInterceptor(retrygrpc.UnaryClientInterceptor(inner)))...)
					_, err = call(t.Context(), conn, tt.method, "x")
				} else {
					conn := dial(t, "bufconn", inner, nil, dialOpts...)
					r := retry.Retrier[struct{}]{Policy: outer}
					_, err = r.Hedge(t.Context(), func(ctx context.Context) (struct{}, error) {
						return struct{}{}, callOrWatch(ctx, conn, tt.method)
					})
				}
				if status.Code(err) != codes.Unavailable {
					t.Errorf("err = %v, want UNAVAILABLE", err)
				}
				if got := srv.count(tt.method); got != tt.want {
					t.Errorf("server received %d calls, want %d", got, tt.want)
				}
				for _, a := range innerEnd.attempts() {
					if a.Reason != tt.inner || a.Number != 1 {
						t.Errorf("an inner call ended with %v after %d attempts, want %v after 1", a.Reason, a.Number, tt.inner)
					}
				}
				if got := innerEnd.count(); got != tt.want {
					t.Errorf("%d inner calls ended, want %d: one per attempt of the hedged call", got, tt.want)
				}
				if got := reasons(&outerEnd); !slices.Equal(got, []retry.Reason{tt.outer}) {
					t.Errorf("the hedged call's OnEnd saw %v, want [%v]", got, tt.outer)
				}
			})
		})
	}
}

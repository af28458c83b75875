package retrygrpc_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// reasons returns the reasons of the ends a counter saw, in order.
func reasons(c *counter) []retry.Reason {
	var rs []retry.Reason
	for _, a := range c.attempts() {
		rs = append(rs, a.Reason)
	}
	return rs
}

// TestLayersSamePolicy checks retry at one layer: a call through the
// interceptor inside Policy.Run of the same Policy, to a server that always
// answers UNAVAILABLE, reaches the server 4 times (the interceptor's attempts),
// not 16; the interceptor's call ends with ReasonStop and the outer one with
// ReasonLayerBelow, after one attempt.
func TestLayersSamePolicy(t *testing.T) {
	srv, addr := serve(t, always(answer{err: unavailable}))
	var end counter
	p := &retry.Policy{Wait: wait.None(), OnEnd: &end}
	conn := dial(t, addr, p, nil)
	err := p.Run(t.Context(), func(ctx context.Context) error {
		_, err := call(ctx, conn, echoGet, "x")
		return err
	})
	if got := srv.count(echoGet); got != retry.DefaultAttempts {
		t.Errorf("server received %d calls, want %d", got, retry.DefaultAttempts)
	}
	if got, want := reasons(&end), []retry.Reason{retry.ReasonStop, retry.ReasonLayerBelow}; !slices.Equal(got, want) {
		t.Errorf("OnEnd saw reasons %v, want %v", got, want)
	}
	var ge *retry.Error
	if !errors.As(err, &ge) || ge.Reason != retry.ReasonStop || ge.Attempts != retry.DefaultAttempts {
		t.Errorf("err = %v, want the interceptor's give-up after %d attempts, unchanged", err, retry.DefaultAttempts)
	}
}

// TestLayersDefaultInterceptor checks, in virtual time, that an interceptor
// with the nil Policy inside a Run of 3 attempts reaches the server 4 times,
// not 12.
func TestLayersDefaultInterceptor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv, conn := serveBubble(t, always(answer{err: unavailable}), nil)
		var end counter
		outer := &retry.Policy{Stop: stop.AfterAttempts(3), OnEnd: &end}
		_ = outer.Run(t.Context(), func(ctx context.Context) error {
			_, err := call(ctx, conn, echoGet, "x")
			return err
		})
		if got := srv.count(echoGet); got != 4 {
			t.Errorf("server received %d calls, want 4", got)
		}
		if as := end.attempts(); len(as) != 1 || as[0].Reason != retry.ReasonLayerBelow || as[0].Number != 1 {
			t.Errorf("outer OnEnd saw %+v, want one end of reason layer_below after 1 attempt", as)
		}
	})
}

// TestLayersNotIdempotent checks a call of a method that is not idempotent,
// answered UNAVAILABLE, inside an outer Run: the server sees it once; the
// error is a *retry.NotRetriedError of ReasonNotIdempotent that reads as
// UNAVAILABLE, returned by the outer call unchanged; the interceptor's OnEnd
// sees not_idempotent and the outer's layer_below.
func TestLayersNotIdempotent(t *testing.T) {
	srv, addr := serve(t, always(answer{err: unavailable}))
	var inner, outerEnd counter
	conn := dial(t, addr, &retry.Policy{Wait: wait.None(), OnEnd: &inner}, nil)
	outer := &retry.Policy{Wait: wait.None(), OnEnd: &outerEnd}
	err := outer.Run(t.Context(), func(ctx context.Context) error {
		_, err := call(ctx, conn, echoPost, "x")
		return err
	})
	checkRefused(t, err, echoPost, retry.ReasonNotIdempotent, codes.Unavailable)
	if got := srv.count(echoPost); got != 1 {
		t.Errorf("server received %d calls, want 1", got)
	}
	if got := reasons(&inner); !slices.Equal(got, []retry.Reason{retry.ReasonNotIdempotent}) {
		t.Errorf("the interceptor's OnEnd saw %v, want [not_idempotent]", got)
	}
	if got := reasons(&outerEnd); !slices.Equal(got, []retry.Reason{retry.ReasonLayerBelow}) {
		t.Errorf("the outer OnEnd saw %v, want [layer_below]", got)
	}
}

// TestLayersStreamNotReplayable checks a server stream of an idempotent method
// that fails with UNAVAILABLE after its first message, inside an outer Run:
// it is opened once, and the outer call does not make it again.
func TestLayersStreamNotReplayable(t *testing.T) {
	srv, addr := serve(t, always(answer{msgs: 1, err: unavailable}))
	var outerEnd counter
	conn := dial(t, addr, &retry.Policy{Wait: wait.None()}, nil)
	outer := &retry.Policy{Wait: wait.None(), OnEnd: &outerEnd}
	err := outer.Run(t.Context(), func(ctx context.Context) error {
		s, err := watch(ctx, conn, echoWatch, "x")
		if err != nil {
			return err
		}
		_, err = recvAll(s)
		return err
	})
	checkRefused(t, err, echoWatch, retry.ReasonNotReplayable, codes.Unavailable)
	if got := srv.count(echoWatch); got != 1 {
		t.Errorf("server received %d calls, want 1", got)
	}
	if got := reasons(&outerEnd); !slices.Equal(got, []retry.Reason{retry.ReasonLayerBelow}) {
		t.Errorf("the outer OnEnd saw %v, want [layer_below]", got)
	}
}

// TestLayersOuterAttemptTimeout checks, in virtual time, an outer
// AttemptTimeout that expires while the interceptor's call is in flight: the
// interceptor's call ends with its caller's context (which does not decide for
// the outer layer), and the outer call retries as its Policy says, until the
// server answers.
func TestLayersOuterAttemptTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv, conn := serveBubble(t, failFirst(2, answer{stall: true}, answer{}), &retry.Policy{Wait: wait.None()})
		var end counter
		outer := &retry.Policy{AttemptTimeout: time.Second, Wait: wait.None(), OnEnd: &end}
		start := time.Now()
		err := outer.Run(t.Context(), func(ctx context.Context) error {
			_, err := call(ctx, conn, echoGet, "x")
			return err
		})
		if err != nil || srv.count(echoGet) != 3 {
			t.Errorf("err = %v after %d calls, want success after 3", err, srv.count(echoGet))
		}
		if got := time.Since(start); got != 2*time.Second {
			t.Errorf("the call took %v, want 2s: two outer attempt timeouts", got)
		}
		if as := end.attempts(); len(as) != 1 || as[0].Reason != retry.ReasonSuccess || as[0].Number != 3 {
			t.Errorf("outer OnEnd saw %+v, want a success at attempt 3", as)
		}
	})
}

// TestLayersIgnored checks that an outer layer that asks for it repeats what
// the interceptor gave up on: retry.WithIgnoreLayers on the context of an
// outer Run, and the call option IgnoreLayers with two interceptors chained,
// of which the outer repeats the inner's calls. Without it, the server sees
// the inner layer's attempts only. A Run repeats a call refused for safety
// too; an outer interceptor has the same rules of safety as the inner, so it
// does not, and returns the inner's *retry.NotRetriedError unchanged.
func TestLayersIgnored(t *testing.T) {
	outerP := &retry.Policy{Stop: stop.AfterAttempts(2), Wait: wait.None()}
	innerP := &retry.Policy{Wait: wait.None()}
	run := func(ctx context.Context, conn *grpc.ClientConn, method string, opts ...grpc.CallOption) error {
		return outerP.Run(ctx, func(ctx context.Context) error {
			_, err := call(ctx, conn, method, "x", opts...)
			return err
		})
	}
	for _, tt := range []struct {
		name    string
		chained bool // the outer layer is an interceptor, else a Run
		ignore  bool
		method  string
		want    int
	}{
		{"Run", false, false, echoGet, 4},
		{"Run, WithIgnoreLayers", false, true, echoGet, 8},
		{"Run, WithIgnoreLayers, not idempotent", false, true, echoPost, 2},
		{"chained", true, false, echoGet, 4},
		{"chained, IgnoreLayers", true, true, echoGet, 8},
		{"chained, IgnoreLayers, not idempotent", true, true, echoPost, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, addr := serve(t, always(answer{err: unavailable}))
			var err error
			if tt.chained {
				conn := dial(t, addr, outerP, nil, grpc.WithChainUnaryInterceptor(retrygrpc.UnaryClientInterceptor(innerP)))
				var opts []grpc.CallOption
				if tt.ignore {
					opts = append(opts, retrygrpc.IgnoreLayers())
				}
				_, err = call(t.Context(), conn, tt.method, "x", opts...)
			} else {
				ctx := t.Context()
				if tt.ignore {
					ctx = retry.WithIgnoreLayers(ctx)
				}
				err = run(ctx, dial(t, addr, innerP, nil), tt.method)
			}
			if got := srv.count(tt.method); got != tt.want {
				t.Errorf("server received %d calls, want %d (err: %v)", got, tt.want, err)
			}
			var nr *retry.NotRetriedError
			if tt.method == echoPost && (!errors.As(err, &nr) || nr.Reason != retry.ReasonNotIdempotent || status.Code(err) != codes.Unavailable) {
				t.Errorf("err = %v, want one that wraps a NotRetriedError of reason not_idempotent and reads as UNAVAILABLE", err)
			}
		})
	}
}

// TestLayersHedged checks, in virtual time, that a hedged unary call inside an
// outer Run of 3 attempts does not multiply: to a server that always answers
// UNAVAILABLE at once, it sends the 4 attempts of the interceptor's Policy,
// once.
func TestLayersHedged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &retry.Policy{Hedger: hedge.Fixed(20*time.Millisecond, 1), Wait: wait.None()}
		srv, dialer := listenBubble(t, always(answer{err: unavailable}))
		conn := dial(t, "bufconn", p, nil, dialer, grpc.WithTransportCredentials(insecure.NewCredentials()))
		var end counter
		outer := &retry.Policy{Stop: stop.AfterAttempts(3), Wait: wait.None(), OnEnd: &end}
		_ = outer.Run(t.Context(), func(ctx context.Context) error {
			_, err := call(ctx, conn, echoGet, "x")
			return err
		})
		if got := srv.count(echoGet); got != 4 {
			t.Errorf("server received %d calls, want 4", got)
		}
		if got := reasons(&end); !slices.Equal(got, []retry.Reason{retry.ReasonLayerBelow}) {
			t.Errorf("the outer OnEnd saw %v, want [layer_below]", got)
		}
	})
}

// TestLayersPushbackNo checks that a server's pushback that says not to retry
// holds for the layers above the interceptor too, which cannot see the
// trailer: inside an outer Run, the server sees the call once, the error is
// gRPC's own, and the outer call ends with ReasonLayerBelow.
func TestLayersPushbackNo(t *testing.T) {
	srv, addr := serve(t, always(answer{err: unavailable, trailer: pushback("-1")}))
	var outerEnd counter
	conn := dial(t, addr, &retry.Policy{Wait: wait.None()}, nil)
	outer := &retry.Policy{Wait: wait.None(), OnEnd: &outerEnd}
	err := outer.Run(t.Context(), func(ctx context.Context) error {
		_, err := call(ctx, conn, echoGet, "x")
		return err
	})
	var nr *retry.NotRetriedError
	if errors.As(err, &nr) || status.Code(err) != codes.Unavailable || srv.count(echoGet) != 1 {
		t.Errorf("err = %#v after %d calls, want gRPC's own UNAVAILABLE after 1", err, srv.count(echoGet))
	}
	if got := reasons(&outerEnd); !slices.Equal(got, []retry.Reason{retry.ReasonLayerBelow}) {
		t.Errorf("the outer OnEnd saw %v, want [layer_below]", got)
	}
}

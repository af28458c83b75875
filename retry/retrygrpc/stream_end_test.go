package retrygrpc_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retrygrpc"
	"github.com/tenacious-go/tenacious/wait"
)

// always answers every call with a.
func always(a answer) script { return func(string, int) answer { return a } }

// TestServerStreamEnd checks that a server stream's call ends when the stream
// does, not at its commit point, and tells how: nothing of the end reaches
// OnEnd, the Stats or the Budget while the committed stream runs; when RecvMsg
// returns the error that ends it, OnEnd runs once, with ReasonSuccess for
// io.EOF, or for a failure the reason it is not retried (ReasonNotReplayable
// for one worth retrying, which RecvMsg returns as a *retry.NotRetriedError,
// ReasonNotRetried for the rest) and its status in Attempt.Err; After
// sees the same outcome; the Stats are written; and the Budget hears the
// committed attempt's class: success, transient for a failure worth retrying
// that cannot be, answered for the rest. grpc-go's own retries, given the same
// answers (the subtests grpc-go), deliver the same messages and status after
// as many attempts.
func TestServerStreamEnd(t *testing.T) {
	notFound := status.Error(codes.NotFound, "gone")
	for _, tt := range []struct {
		name   string
		sc     script
		msgs   []string
		code   codes.Code // of the stream's end
		reason retry.Reason
		calls  int
		budget []string
	}{
		{"OK after messages", always(answer{msgs: 2}), []string{"0", "1"},
			codes.OK, retry.ReasonSuccess, 1, []string{"attempted success Class(0)"}},
		{"UNAVAILABLE after a message", always(answer{msgs: 1, err: unavailable}), []string{"0"},
			codes.Unavailable, retry.ReasonNotReplayable, 1, []string{"attempted transient Class(0)"}},
		{"UNAVAILABLE after a header", always(answer{header: true, err: unavailable}), nil,
			codes.Unavailable, retry.ReasonNotReplayable, 1, []string{"attempted transient Class(0)"}},
		{"NOT_FOUND after a message", always(answer{msgs: 1, err: notFound}), []string{"0"},
			codes.NotFound, retry.ReasonNotRetried, 1, []string{"attempted answered Class(0)"}},
		{"retried, then UNAVAILABLE after a message", failFirst(1, answer{err: unavailable}, answer{msgs: 1, err: unavailable}), []string{"0"},
			codes.Unavailable, retry.ReasonNotReplayable, 2,
			[]string{"attempted transient Class(0)", "allow transient", "attempted transient transient"}},
	} {
		t.Run(tt.name+"/grpc-go", func(t *testing.T) {
			srv, addr := serve(t, tt.sc)
			s, err := watch(t.Context(), dialGRPCRetry(t, addr, time.Millisecond), echoWatch, "x")
			if err != nil {
				t.Fatal(err)
			}
			got, err := recvAll(s)
			if !slices.Equal(got, tt.msgs) || status.Code(err) != tt.code || srv.count(echoWatch) != tt.calls {
				t.Errorf("received %q, %v after %d calls; want %q, %v after %d", got, err, srv.count(echoWatch), tt.msgs, tt.code, tt.calls)
			}
		})
		t.Run(tt.name+"/retrygrpc", func(t *testing.T) {
			srv, addr := serve(t, tt.sc)
			var after, end counter
			b := new(recorder)
			conn := dial(t, addr, &retry.Policy{Wait: wait.None(), After: &after, OnEnd: &end, Budget: b}, nil)
			var st retry.Stats
			s, err := watch(retry.WithStats(t.Context(), &st), conn, echoWatch, "x")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Header(); err != nil { // the commit point
				t.Fatal(err)
			}
			if end.count() != 0 || st.Attempts != 0 || after.count() != tt.calls-1 || len(b.events()) != 2*(tt.calls-1) {
				t.Errorf("at the commit point, OnEnd ran %d times, Stats.Attempts = %d, After ran %d times, budget heard %q; "+
					"want nothing of the last attempt", end.count(), st.Attempts, after.count(), b.events())
			}
			got, err := recvAll(s)
			if !slices.Equal(got, tt.msgs) || status.Code(err) != tt.code || srv.count(echoWatch) != tt.calls {
				t.Errorf("received %q, %v after %d calls; want %q, %v after %d", got, err, srv.count(echoWatch), tt.msgs, tt.code, tt.calls)
			}
			as := end.attempts()
			if len(as) != 1 || as[0].Reason != tt.reason || as[0].Number != tt.calls || status.Code(as[0].Err) != tt.code {
				t.Fatalf("OnEnd saw %+v, want one end of reason %v, attempt %d, %v", as, tt.reason, tt.calls, tt.code)
			}
			if tt.reason == retry.ReasonNotReplayable {
				err = checkRefused(t, err, echoWatch, retry.ReasonNotReplayable, tt.code)
			}
			var se *retrygrpc.StatusError
			if tt.code != codes.OK && (!errors.As(as[0].Err, &se) || se.Status.Message() != status.Convert(err).Message()) {
				t.Errorf("OnEnd's Attempt.Err = %v, want the *StatusError of the stream's end, %v", as[0].Err, err)
			}
			if last := after.attempts()[len(after.attempts())-1]; status.Code(last.Err) != tt.code {
				t.Errorf("the last After saw %v, want %v", last.Err, tt.code)
			}
			if st.Attempts != tt.calls {
				t.Errorf("Stats.Attempts = %d, want %d", st.Attempts, tt.calls)
			}
			if got := b.events(); !slices.Equal(got, tt.budget) {
				t.Errorf("budget events %q, want %q", got, tt.budget)
			}
		})
	}
}

// TestServerStreamEndContext checks a committed server stream that the caller's
// context ends: the call ends with ReasonContext and the end of the context in
// Attempt.Err, and the Budget hears nothing of the service; whether the caller
// is reading the stream (RecvMsg returns CANCELLED), or has abandoned it (OnEnd
// comes when the context ends, from no call of the caller's).
func TestServerStreamEndContext(t *testing.T) {
	for _, reading := range []bool{true, false} {
		name := "abandoned"
		if reading {
			name = "reading"
		}
		t.Run(name, func(t *testing.T) {
			_, addr := serve(t, func(string, int) answer { return answer{header: true, gap: time.Hour, msgs: 1} })
			ended := make(chan retry.Attempt, 1)
			b := new(recorder)
			conn := dial(t, addr, &retry.Policy{OnEnd: retry.HookFunc(func(a retry.Attempt) { ended <- a }), Budget: b}, nil)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			s, err := watch(ctx, conn, echoWatch, "x")
			if err != nil {
				t.Fatal(err)
			}
			if md, err := s.Header(); md == nil || err != nil { // the commit point
				t.Fatalf("Header() = %v, %v; want the header", md, err)
			}
			cancel()
			if reading {
				if err := s.RecvMsg(new(wrapperspb.StringValue)); status.Code(err) != codes.Canceled {
					t.Errorf("RecvMsg = %v, want gRPC's CANCELLED", err)
				}
			}
			if a := <-ended; a.Reason != retry.ReasonContext || a.Number != 1 || status.Code(a.Err) != codes.Canceled {
				t.Errorf("OnEnd saw %+v, want the end of attempt 1, reason context, CANCELLED", a)
			}
			if got, want := b.events(), []string{"attempted Class(0) Class(0)"}; !slices.Equal(got, want) {
				t.Errorf("budget events %q, want %q", got, want)
			}
		})
	}
}

// TestClientStreamEnd checks that a client stream's call ends when RecvMsg
// returns the server's one answer, or its error, not at the first SendMsg that
// commits it.
func TestClientStreamEnd(t *testing.T) {
	for _, tt := range []struct {
		name   string
		a      answer
		code   codes.Code
		reason retry.Reason
		budget []string
	}{
		{"answered", answer{}, codes.OK, retry.ReasonSuccess, []string{"attempted success Class(0)"}},
		{"UNAVAILABLE after reading", answer{err: unavailable}, codes.Unavailable, retry.ReasonNotReplayable,
			[]string{"attempted transient Class(0)"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, addr := serve(t, func(string, int) answer { return tt.a })
			var end counter
			b := new(recorder)
			conn := dial(t, addr, &retry.Policy{Wait: wait.None(), OnEnd: &end, Budget: b}, nil)
			s, err := conn.NewStream(t.Context(), clientStreamDesc, echoUpload)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range []string{"a", "b"} {
				if err := s.SendMsg(wrapperspb.String(m)); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.CloseSend(); err != nil {
				t.Fatal(err)
			}
			if end.count() != 0 || len(b.events()) != 0 {
				t.Errorf("before RecvMsg, OnEnd ran %d times and the budget heard %q; want nothing", end.count(), b.events())
			}
			out := new(wrapperspb.StringValue)
			err = s.RecvMsg(out)
			if status.Code(err) != tt.code {
				t.Errorf("RecvMsg = %v, want %v", err, tt.code)
			}
			if tt.reason == retry.ReasonNotReplayable {
				checkRefused(t, err, echoUpload, tt.reason, tt.code)
			}
			if as := end.attempts(); len(as) != 1 || as[0].Reason != tt.reason || status.Code(as[0].Err) != tt.code {
				t.Errorf("OnEnd saw %+v, want one end of reason %v, %v", as, tt.reason, tt.code)
			}
			if got := b.events(); !slices.Equal(got, tt.budget) {
				t.Errorf("budget events %q, want %q", got, tt.budget)
			}
		})
	}
}

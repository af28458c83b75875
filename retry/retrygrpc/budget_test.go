package retrygrpc_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

// recorder is a Budget that records what it hears and is asked, and allows
// what allow says (everything if nil).
type recorder struct {
	mu    sync.Mutex
	log   []string
	allow func(retry.Class) bool
}

func (r *recorder) Attempted(result, spent retry.Class) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, fmt.Sprintf("attempted %v %v", result, spent))
}

func (r *recorder) Allow(c retry.Class) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, fmt.Sprintf("allow %v", c))
	return r.allow == nil || r.allow(c)
}

func (r *recorder) events() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.log)
}

// TestBudgetClasses checks what a Budget hears of each outcome: a failure worth
// retrying is throttled if it is a RESOURCE_EXHAUSTED or carries a server's
// hint, transient otherwise, even when the call is not retried (a method that
// is not idempotent, a pushback that says no, a response header before the
// failure); other errors are answers, and an OK a success.
func TestBudgetClasses(t *testing.T) {
	exhausted := status.Error(codes.ResourceExhausted, "quota")
	tests := []struct {
		name      string
		method    string
		first     answer
		throttled retry.Predicate
		want      []string
	}{
		{"UNAVAILABLE", echoGet, answer{err: unavailable}, nil,
			[]string{"attempted transient Class(0)", "allow transient", "attempted success transient"}},
		{"UNAVAILABLE with a pushback", echoGet, answer{err: unavailable, trailer: pushback("1")}, nil,
			[]string{"attempted throttled Class(0)", "allow throttled", "attempted success throttled"}},
		{"RESOURCE_EXHAUSTED with a pushback", echoGet, answer{err: exhausted, trailer: pushback("1")}, nil,
			[]string{"attempted throttled Class(0)", "allow throttled", "attempted success throttled"}},
		{"Policy.Throttled", echoGet, answer{err: unavailable}, predicate.Always(),
			[]string{"attempted throttled Class(0)", "allow throttled", "attempted success throttled"}},
		{"UNAVAILABLE after a header", echoGet, answer{header: true, err: unavailable}, nil,
			[]string{"attempted transient Class(0)"}},
		{"not idempotent", echoPost, answer{err: unavailable}, nil,
			[]string{"attempted transient Class(0)"}},
		{"pushback says no", echoGet, answer{err: unavailable, trailer: pushback("-1")}, nil,
			[]string{"attempted throttled Class(0)"}},
		{"not retried", echoGet, answer{err: status.Error(codes.NotFound, "x")}, nil,
			[]string{"attempted answered Class(0)"}},
		{"success", echoGet, answer{}, nil,
			[]string{"attempted success Class(0)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, addr := serve(t, failFirst(1, tt.first, answer{}))
			b := new(recorder)
			conn := dial(t, addr, &retry.Policy{Wait: wait.None(), Budget: b, Throttled: tt.throttled}, nil)
			_, _ = call(t.Context(), conn, tt.method, "x")
			if got := b.events(); !slices.Equal(got, tt.want) {
				t.Errorf("budget events %q, want %q", got, tt.want)
			}
		})
	}
}

// TestBudgetShared checks that one budget, in a Policy that every method
// shares, unary and streaming, caps the retries of them all: gRPC's token
// bucket of 4 tokens allows retries while more than 2 remain.
func TestBudgetShared(t *testing.T) {
	srv, addr := serve(t, func(string, int) answer { return answer{err: unavailable} })
	b := budget.NewTokenBucket(4, 1)
	conn := dial(t, addr, &retry.Policy{Wait: wait.None(), Budget: b}, nil)

	_, err := call(t.Context(), conn, echoGet, "x") // 4 → 3, retried, → 2, refused
	var ge *retry.Error
	if !errors.As(err, &ge) || ge.Reason != retry.ReasonBudget || ge.Attempts != 2 {
		t.Errorf("Get: err = %v, want a give-up of reason budget after 2 attempts", err)
	}
	_, _ = call(t.Context(), conn, echoPost, "x") // not retried, but heard: → 1
	s, err := watch(t.Context(), conn, echoWatch, "x")
	if err != nil {
		t.Fatal(err)
	}
	err = s.RecvMsg(new(wrapperspb.StringValue)) // → 0, refused
	if !errors.As(err, &ge) || ge.Reason != retry.ReasonBudget || ge.Attempts != 1 {
		t.Errorf("Watch: err = %v, want a give-up of reason budget after 1 attempt", err)
	}
	if b.Tokens() != 0 {
		t.Errorf("budget holds %v tokens, want 0", b.Tokens())
	}
	if got := srv.count(echoGet) + srv.count(echoPost) + srv.count(echoWatch); got != 4 {
		t.Errorf("server received %d calls, want 4", got)
	}
}

// TestBudgetRefusalKeepsHintPace checks that a retry the budget refuses after a
// server's hint still waits out the hint before the call returns.
func TestBudgetRefusalKeepsHintPace(t *testing.T) {
	_, addr := serve(t, func(string, int) answer { return answer{err: unavailable, trailer: pushback("40")} })
	b := &recorder{allow: func(retry.Class) bool { return false }}
	conn := dial(t, addr, &retry.Policy{Budget: b}, nil)
	start := time.Now()
	_, err := call(t.Context(), conn, echoGet, "x")
	var ge *retry.Error
	if !errors.As(err, &ge) || ge.Reason != retry.ReasonBudget {
		t.Fatalf("err = %v, want a give-up of reason budget", err)
	}
	if el := time.Since(start); el < 40*time.Millisecond {
		t.Errorf("returned after %v, want after the server's 40ms", el)
	}
}

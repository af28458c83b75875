package main

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/tenacious-go/tenacious/retry"
)

// want is the program's output, which depends on no clock reading: the story
// only sleeps, and prints no durations but its constants.
const want = `breaker "inventory": opens after 5 failures in a row, lets a probe through 200ms later, closes when it succeeds
service up
call  1: 200 OK                               attempts: 1, server saw: 200
service down: every request gets a 503
call  2: 503 Service Unavailable              attempts: 3, server saw: 503 503 503
  breaker: closed -> open
call  3: 503 Service Unavailable              attempts: 2, server saw: 503 503
call  4: refused: circuit breaker is open     attempts: 0, server saw: nothing
call  5: refused: circuit breaker is open     attempts: 0, server saw: nothing
wait 210ms
  breaker: open -> half-open
  breaker: half-open -> open
call  6: 503 Service Unavailable              attempts: 1, server saw: 503
service back, but it holds its first request; the caller gives up after 50ms
wait 210ms
  breaker: open -> half-open
the probe is in, and the service holds it
call  7: refused: too many requests           attempts: 0, server saw: nothing
call  8: gave up: context deadline exceeded   attempts: 1, server saw: held
  breaker: half-open; the probe's caller left, so it counts neither way and the next call probes
  breaker: half-open -> closed
call  9: 200 OK                               attempts: 1, server saw: 200
call 10: 200 OK                               attempts: 1, server saw: 200
breaker: closed
`

// TestStory runs the program in a testing/synctest bubble, where the breaker's
// timeout and the retry pauses pass on the bubble's clock, without sleeping:
// gobreaker reads time.Now, which the bubble sets. The breaker must open on the
// failures, refuse calls without reaching the service, let one probe through
// after its timeout, not count the probe whose caller left, and close once the
// service answers.
func TestStory(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		var out strings.Builder
		st, err := run(&out)
		if err != nil {
			t.Fatal(err)
		}
		if got := out.String(); got != want {
			t.Errorf("output:\n%s\nwant:\n%s", got, want)
		}
		checkStory(t, st)
		// Two waits of openFor and a pause, the held probe's patience and
		// three pauses: two of call 2 and one of call 3 (the Gate refuses a
		// retry before its pause, as a Budget does): nothing else takes time.
		if got, want := time.Since(start), 2*(openFor+pause)+patience+3*pause; got != want {
			t.Errorf("the story took %v on the bubble's clock, want %v", got, want)
		}
	})
}

// TestStoryOnTheRealClock runs the program as go run does, on the real clock,
// where it sleeps half a second: its output and its calls are the same unless a
// step is delayed by 50ms or more (the refusal that must come while the service
// holds the probe, the tightest margin); a sleep that overshoots only makes
// what follows it later, which the story allows.
func TestStoryOnTheRealClock(t *testing.T) {
	var out strings.Builder
	st, err := run(&out)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
	checkStory(t, st)
}

// checkStory checks what the calls did and how the breaker moved.
func checkStory(t *testing.T, st story) {
	t.Helper()
	moves := []string{"closed -> open", "open -> half-open", "half-open -> open", "open -> half-open", "half-open -> closed"}
	if !slices.Equal(st.Moves, moves) {
		t.Errorf("the breaker moved %q, want %q", st.Moves, moves)
	}
	if len(st.Calls) != 10 {
		t.Fatalf("%d calls, want 10", len(st.Calls))
	}
	for _, c := range st.Calls {
		var re *retry.Error
		refused := errors.As(c.Err, &re) && re.Reason == retry.ReasonGate
		if refused && c.Attempts != re.Attempts {
			t.Errorf("call %d: Stats counts %d attempts, the *retry.Error %d", c.N, c.Attempts, re.Attempts)
		}
		if len(c.Served) != c.Attempts {
			t.Errorf("call %d: %d attempts, but the service saw %q", c.N, c.Attempts, c.Served)
		}
		switch c.N {
		case 1, 9, 10: // the service up, the breaker closed (9 is its probe)
			if c.Err != nil || c.Status != 200 || c.Attempts != 1 {
				t.Errorf("call %d: %v, want a 200 at the first attempt", c.N, c)
			}
		case 2: // failures, not yet enough to open the breaker
			if c.Err != nil || c.Status != 503 || c.Attempts != 3 {
				t.Errorf("call %d: %v, want the third 503", c.N, c)
			}
		case 3, 6: // a retry refused once the failures opened the breaker: the
			// Transport returns the last response, as for a Budget's refusal
			if c.Err != nil || c.Status != 503 || c.Attempts != len(c.Served) || c.Attempts > 2 {
				t.Errorf("call %d: %v, want the last 503: the open breaker refused the retry", c.N, c)
			}
		case 4, 5: // refused at once: the service saw nothing of them
			if !refused || !errors.Is(c.Err, gobreaker.ErrOpenState) || c.Attempts != 0 {
				t.Errorf("call %d: %v, want a first attempt refused by the open breaker", c.N, c)
			}
		case 7: // the half-open breaker's one probe is out
			if !refused || !errors.Is(c.Err, gobreaker.ErrTooManyRequests) || c.Attempts != 0 {
				t.Errorf("call %d: %v, want a first attempt refused by the half-open breaker", c.N, c)
			}
		case 8: // the probe, held until its caller's deadline
			if !errors.As(c.Err, &re) || re.Reason != retry.ReasonContext || !errors.Is(c.Err, context.DeadlineExceeded) {
				t.Errorf("call %d: %v, want the caller's deadline", c.N, c)
			}
		}
	}
}

// settings are those of a breaker that opens after two failures in a row and
// half-opens after a second, with one probe.
var settings = gobreaker.Settings{
	Name:        "test",
	Timeout:     time.Second,
	ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 2 },
}

// admit asks g to admit an attempt and fails the test if it refuses.
func admit(t *testing.T, g *breakerGate) func(retry.Class) {
	t.Helper()
	done, err := g.Admit(t.Context(), 0)
	if err != nil {
		t.Fatalf("Admit: %v (breaker %s)", err, g.State())
	}
	return done
}

// TestGateTellsTheBreaker checks how each Class reaches the breaker.
func TestGateTellsTheBreaker(t *testing.T) {
	g := newBreakerGate(settings)
	for _, c := range []retry.Class{retry.ClassSuccess, retry.ClassAnswered, retry.ClassTransient, 0, retry.ClassSuccess, retry.ClassThrottled} {
		admit(t, g)(c)
	}
	want := gobreaker.Counts{Requests: 6, TotalSuccesses: 3, TotalFailures: 2, TotalExclusions: 1, ConsecutiveFailures: 1}
	if got := g.cb.Counts(); got != want {
		t.Errorf("counts %+v, want %+v", got, want)
	}
	admit(t, g)(retry.ClassThrottled) // the second failure in a row
	if s := g.State(); s != gobreaker.StateOpen {
		t.Fatalf("breaker %s after two failures in a row, want open", s)
	}
	if _, err := g.Admit(t.Context(), 0); !errors.Is(err, gobreaker.ErrOpenState) {
		t.Errorf("Admit of an open breaker: %v, want ErrOpenState", err)
	}
}

// TestProbeWhoseCallerLeftFreesItsSlot: a half-open breaker lets one probe
// through; when the probe's caller ends it (Class 0), the breaker stays half-open
// and lets the next probe through, rather than waiting for good on a probe
// that never reports, or taking the caller's exit for the service's success.
func TestProbeWhoseCallerLeftFreesItsSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newBreakerGate(settings)
		admit(t, g)(retry.ClassTransient)
		admit(t, g)(retry.ClassTransient)
		time.Sleep(settings.Timeout + time.Millisecond)
		probe := admit(t, g)
		if _, err := g.Admit(t.Context(), 0); !errors.Is(err, gobreaker.ErrTooManyRequests) {
			t.Fatalf("Admit beside the probe: %v, want ErrTooManyRequests", err)
		}
		probe(0)
		if s := g.State(); s != gobreaker.StateHalfOpen {
			t.Fatalf("breaker %s after the probe's caller left, want half-open", s)
		}
		admit(t, g)(retry.ClassSuccess)
		if s := g.State(); s != gobreaker.StateClosed {
			t.Errorf("breaker %s after a probe's success, want closed", s)
		}
	})
}

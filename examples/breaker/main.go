// Breaker puts sony/gobreaker's circuit breaker in front of a flaky service as a
// retry.Gate. The service fails, the breaker opens and refuses calls at once,
// without reaching the service; after its timeout it lets one probe through, and
// it closes again once the service has recovered. Run it with go run . in this
// directory.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// breakerGate makes a gobreaker.TwoStepCircuitBreaker a retry.Gate: each attempt
// of every call that shares it, first attempts and retries alike, must pass the
// breaker's Allow, and the breaker hears how each attempt it let through ended.
// Share one per service, as the breaker itself.
type breakerGate struct {
	cb *gobreaker.TwoStepCircuitBreaker[any]
}

// Errors the gate reports to the breaker's done func, which takes an error: nil
// for a service that answered, errFailed for one that failed, errNoVerdict for an
// attempt that tells nothing of the service.
var (
	errFailed    = errors.New("breaker: the service failed or asked to slow down")
	errNoVerdict = errors.New("breaker: the attempt ended for the caller's reasons")
)

// newBreakerGate returns a gate over a new breaker of settings st. The gate,
// not the breaker, judges each attempt, by the Class the retry engine gives it
// (the Policy's Retry predicate decides what failed), so st's IsSuccessful and
// IsExcluded are replaced: an attempt is a success unless the gate reports
// errFailed, and an attempt that tells nothing of the service is excluded.
func newBreakerGate(st gobreaker.Settings) *breakerGate {
	st.IsSuccessful = func(err error) bool { return err == nil }
	st.IsExcluded = func(err error) bool { return err == errNoVerdict }
	return &breakerGate{cb: gobreaker.NewTwoStepCircuitBreaker[any](st)}
}

// Admit asks the breaker: an open breaker refuses with gobreaker.ErrOpenState,
// a half-open one whose probes are all out with gobreaker.ErrTooManyRequests,
// and the call ends with a *retry.Error (ReasonGate) that errors.Is matches
// with either. An admitted attempt's outcome reaches the breaker exactly once:
//
//   - ClassSuccess and ClassAnswered are successes: the service answered, if
//     only to say not found or invalid argument, so it is up.
//   - ClassTransient and ClassThrottled are failures: an error worth retrying,
//     a timeout, a 503, or the service asking the client to slow down (a 429,
//     a Retry-After), which is the load a breaker is there to shed.
//   - Zero, the caller's context ending the attempt (a deadline, a cancel) or a
//     hedge that lost, is excluded: it is neither, as the service never had its
//     say. Reported as a success, a caller's own short deadline would close a
//     half-open breaker, or keep a closed one from opening, with no word from
//     the service; as a failure, impatient callers would open it. Not
//     reported at all, it would hold one of the half-open breaker's
//     MaxRequests probes for good (a half-open breaker has no timeout): the
//     breaker would refuse every call with ErrTooManyRequests, forever.
//     gobreaker's IsExcluded frees the probe's slot without counting it.
func (g *breakerGate) Admit(context.Context, retry.Class) (func(retry.Class), error) {
	done, err := g.cb.Allow()
	if err != nil {
		return nil, err
	}
	return func(result retry.Class) {
		switch result {
		case retry.ClassSuccess, retry.ClassAnswered:
			done(nil)
		case retry.ClassTransient, retry.ClassThrottled:
			done(errFailed)
		default:
			done(errNoVerdict)
		}
	}, nil
}

// State is the breaker's state.
func (g *breakerGate) State() gobreaker.State { return g.cb.State() }

// Timings of the story: the breaker stays open openFor before it lets a probe
// through; a call retries after pause, and the caller of the probe that the
// service holds gives up after patience.
const (
	openFor  = 200 * time.Millisecond
	pause    = 10 * time.Millisecond
	patience = 50 * time.Millisecond
)

// call is what one call of the story did.
type call struct {
	N        int      // the call's number, in the order the calls ended
	Attempts int      // attempts that ran, as retry.Stats counts them
	Status   int      // the response's status, 0 for an error
	Err      error    // the error the client returned, if any
	Served   []string // what the service did with the requests that reached it
}

// result says how the call ended, in a few words.
func (c call) result() string {
	var re *retry.Error
	switch {
	case c.Err == nil:
		return fmt.Sprintf("%d %s", c.Status, http.StatusText(c.Status))
	case errors.As(c.Err, &re) && re.Reason == retry.ReasonGate:
		return "refused: " + re.Refusal.Error()
	case errors.As(c.Err, &re) && re.Context != nil:
		return "gave up: " + re.Context.Error()
	}
	return c.Err.Error()
}

func (c call) String() string {
	served := strings.Join(c.Served, " ")
	if served == "" {
		served = "nothing"
	}
	return fmt.Sprintf("call %2d: %-36s attempts: %d, server saw: %s", c.N, c.result(), c.Attempts, served)
}

// story is what run saw: every call, and the breaker's moves.
type story struct {
	Calls []call
	Moves []string // "closed -> open", in order
}

func main() {
	if _, err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run tells the story to w: the service up, down, holding a request, up again, and
// the breaker's moves in between. It returns what it saw; an error means the
// client failed in a way the story does not expect.
func run(w io.Writer) (story, error) {
	var st story
	var mu sync.Mutex // guards st and w: the breaker moves on the calls' goroutines
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, format+"\n", args...)
	}
	gate := newBreakerGate(gobreaker.Settings{
		Name:        "inventory",
		MaxRequests: 1, // probes let through when half-open; one success closes it
		Timeout:     openFor,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= 5 },
		OnStateChange: func(_ string, from, to gobreaker.State) {
			mu.Lock()
			st.Moves = append(st.Moves, from.String()+" -> "+to.String())
			mu.Unlock()
			say("  breaker: %s -> %s", from, to)
		},
	})
	svc := &service{mode: up}
	inventory := &retry.Policy{
		Stop: stop.AfterAttempts(3),
		Wait: wait.Fixed(pause),
		Gate: gate, // one per service, shared by every call, as the breaker is
	}
	client := retryhttp.NewClient(&retryhttp.Transport{Base: svc, Policy: inventory})

	get := func(ctx context.Context) call {
		var c call
		var stats retry.Stats
		req, err := http.NewRequestWithContext(retry.WithStats(ctx, &stats), http.MethodGet, "http://inventory.test/items/42", nil)
		if err != nil {
			c.Err = err
			return c
		}
		resp, err := client.Do(req)
		if err == nil {
			c.Status = resp.StatusCode
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		c.Attempts, c.Err, c.Served = stats.Attempts, err, svc.took()
		return c
	}
	record := func(c call) error { // numbers the calls in the order they end
		mu.Lock()
		c.N = len(st.Calls) + 1
		st.Calls = append(st.Calls, c)
		mu.Unlock()
		say("%s", c)
		var re *retry.Error
		if c.Err != nil && !errors.As(c.Err, &re) {
			return c.Err // neither a response nor a give-up: not in the story
		}
		return nil
	}
	calls := func(k int) error {
		for range k {
			if err := record(get(context.Background())); err != nil {
				return err
			}
		}
		return nil
	}

	say("breaker %q: opens after 5 failures in a row, lets a probe through %v later, closes when it succeeds", "inventory", openFor)
	say("service up")
	if err := calls(1); err != nil {
		return st, err
	}
	say("service down: every request gets a 503")
	svc.set(down)
	if err := calls(4); err != nil {
		return st, err
	}
	say("wait %v", openFor+pause)
	time.Sleep(openFor + pause) // past the breaker's timeout
	if err := calls(1); err != nil {
		return st, err
	}
	say("service back, but it holds its first request; the caller gives up after %v", patience)
	svc.set(holdOne)
	say("wait %v", openFor+pause)
	time.Sleep(openFor + pause)
	probe := make(chan call)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), patience)
		defer cancel()
		probe <- get(ctx)
	}()
	<-svc.held // the probe is in: the half-open breaker has no probe left to give
	say("the probe is in, and the service holds it")
	if err := calls(1); err != nil {
		return st, err
	}
	if err := record(<-probe); err != nil {
		return st, err
	}
	say("  breaker: %s; the probe's caller left, so it counts neither way and the next call probes", gate.State())
	if err := calls(2); err != nil {
		return st, err
	}
	say("breaker: %s", gate.State())
	return st, nil
}

// Modes of the service.
const (
	up      = "up"        // answers 200
	down    = "down"      // answers 503
	holdOne = "hold once" // holds the next request until its caller leaves, then is up
)

// service is the inventory service, in process: it is the Base of the client's
// Transport and answers each request itself, without sockets, so that the test can
// run the story in a testing/synctest bubble (whose clock moves only when every
// goroutine in it waits on something of the bubble, which a socket is not).
type service struct {
	mu     sync.Mutex
	mode   string
	served []string      // what it did with each request since took was called
	held   chan struct{} // closed when it holds a request (mode holdOne)
}

func (s *service) set(mode string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mode = mode
	if mode == holdOne {
		s.held = make(chan struct{})
	}
}

// took returns what the service did since it was last called.
func (s *service) took() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	served := s.served
	s.served = nil
	return served
}

func (s *service) note(what string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.served = append(s.served, what)
}

// RoundTrip serves req as the service's mode says.
func (s *service) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	mode := s.mode
	if mode == holdOne {
		s.mode = up
		close(s.held)
	}
	s.mu.Unlock()
	switch mode {
	case holdOne:
		<-req.Context().Done()
		s.note("held")
		return nil, req.Context().Err()
	case down:
		s.note("503")
		return respond(req, http.StatusServiceUnavailable, "overloaded"), nil
	}
	s.note("200")
	return respond(req, http.StatusOK, `{"id":42,"stock":7}`), nil
}

func respond(req *http.Request, code int, body string) *http.Response {
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", code, http.StatusText(code)),
		StatusCode:    code,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"text/plain"}},
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}

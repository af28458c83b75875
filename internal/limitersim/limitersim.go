// Package limitersim is the rate-limiter scenario of issue 12, shared by the tests
// of retry/retryhttp and the benchmarks module: a server that admits 300 requests a
// second and refuses the rest with a hint, and 64 closed-loop clients, in virtual
// time. It is test support: no package of the library imports it.
package limitersim

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/internal/backoff"
)

// The scenario: issue 12's measurement against nginx, in miniature and in
// virtual time. A server admits 300 requests a second (a token bucket holding up
// to 30) and answers the rest at once with a 429 or 503 and Retry-After: 1; 64
// clients each send their next request as soon as the last one ends, each request
// with a 10s deadline. Every round trip takes 5ms: 64 bare clients then offer
// about 12,800 requests a second, 43 times what the server admits, so that a bare
// client succeeds about 2.3% of the time (nginx's measurement: 2.0-2.2%).
const (
	// Rate is how many requests the server admits a second.
	Rate = 300
	// Burst is how many tokens its bucket holds.
	Burst = 30
	// Clients is how many closed-loop clients send requests.
	Clients = 64
	// Latency is the time of every round trip, from the decision to the answer.
	Latency = 5 * time.Millisecond
	// Deadline is the deadline of each request.
	Deadline = 10 * time.Second
	// BareRun is the run of the bare client, which sends 43 times as many
	// requests: its success rate is stationary, (300·w+30)/(12,800·w) over w
	// seconds, and a short run makes it higher, not lower (2.46% over 2s, 2.36%
	// over 20s), which only makes a comparison with it stricter.
	BareRun = 2 * time.Second
	// slot makes the run deterministic. Client i reaches the server only
	// at virtual times that are i modulo slot nanoseconds (the fake Base
	// waits for the next such time, at most 63ns), so two clients never act at
	// the same instant: synctest runs the events of one instant before moving the
	// clock, so every shared thing (the bucket, the budget, the seeded jitter
	// source) sees the clients in one order, the order of time, whatever the
	// scheduler does.
	slot = Clients
)

// Source is a seeded random source that many goroutines may share.
type Source struct {
	mu  sync.Mutex
	src *rand.PCG
}

// NewSource returns a Source seeded with seed.
func NewSource(seed uint64) *Source {
	return &Source{src: rand.NewPCG(seed, 12)}
}

// Uint64 returns the next value of the source.
func (s *Source) Uint64() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.src.Uint64()
}

// Server is the server and the Base that reaches it, without sockets: a token
// bucket of Burst tokens refilled at Rate a second, in exact
// integer arithmetic on the virtual clock. A request names its client in the
// X-Client header.
type Server struct {
	code  int // the status of a refused request: 429 or 503
	start time.Time

	mu       sync.Mutex
	level    int64         // tokens, in billionths
	at       time.Duration // when level was last brought up to date, since start
	attempts [Clients]int
	refused  [Clients]int
	lastAt   [Clients]time.Duration // when the server last answered each client, since start
	lastCode [Clients]int
}

// NewServer returns a Server that refuses with code (429 or 503) and Retry-After: 1
// what its bucket does not admit; its clock starts now.
func NewServer(code int) *Server {
	return &Server{code: code, start: time.Now(), level: Burst * 1e9}
}

// clientOf returns the client a request comes from.
func clientOf(req *http.Request) int {
	id, err := strconv.Atoi(req.Header.Get("X-Client"))
	if err != nil || id < 0 || id >= Clients {
		panic("limiter: bad X-Client header " + strconv.Quote(req.Header.Get("X-Client")))
	}
	return id
}

// admit takes a token for client id at now, if the bucket holds one.
func (l *Server) admit(id int, now time.Duration) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.level = min(l.level+int64(now-l.at)*Rate, Burst*1e9)
	l.at = now
	l.attempts[id]++
	if l.level >= 1e9 {
		l.level -= 1e9
		return true
	}
	l.refused[id]++
	return false
}

// RoundTrip answers req after Latency: 200 if the bucket admits it, else the
// Server's code with Retry-After: 1.
func (l *Server) RoundTrip(req *http.Request) (*http.Response, error) {
	id := clientOf(req)
	ctx := req.Context()
	now := time.Since(l.start)
	if wait := (time.Duration(id) - now%slot + slot) % slot; wait > 0 {
		time.Sleep(wait) // to the client's slot: at most 63ns
		now += wait
	}
	ok := l.admit(id, now)
	if err := sleep(ctx, Latency); err != nil {
		return nil, err
	}
	code, body := http.StatusOK, "ok"
	h := http.Header{}
	if !ok {
		code, body = l.code, "slow down"
		h.Set("Retry-After", "1")
	}
	l.mu.Lock()
	l.lastAt[id], l.lastCode[id] = now+Latency, code
	l.mu.Unlock()
	return &http.Response{
		Status: strconv.Itoa(code) + " " + http.StatusText(code), StatusCode: code,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)),
		Request: req,
	}, nil
}

// sleep sleeps for d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// LastAnswer returns when the server last answered client id, and with what.
func (l *Server) LastAnswer(id int) (time.Duration, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lastAt[id], l.lastCode[id]
}

// Result is what a run of the scenario measured.
type Result struct {
	Requests int // requests the clients made
	OK       int // requests that ended with a 200
	Attempts int // requests the server saw
	Refused  int // of which it refused
}

// Success is the share of requests that ended with a 200.
func (r Result) Success() float64 { return float64(r.OK) / float64(r.Requests) }

// MeanAttempts is the mean number of attempts the server saw per request.
func (r Result) MeanAttempts() float64 { return float64(r.Attempts) / float64(r.Requests) }

// String gives the success rate, the mean attempts and the counts.
func (r Result) String() string {
	return strconv.FormatFloat(100*r.Success(), 'f', 2, 64) + "% ok, " +
		strconv.FormatFloat(r.MeanAttempts(), 'f', 2, 64) + " attempts/request (" +
		strconv.Itoa(r.Requests) + " requests, " + strconv.Itoa(r.Attempts) + " attempts)"
}

// Request is one request of a client, as the client saw it end.
type Request struct {
	Client     int
	Start, End time.Duration // since the run's start
	Status     int           // 0 if the client got an error
	AnsweredAt time.Duration // when the server last answered this client
	Answer     int           // and with what
}

// Do sends a request and returns the response: a RoundTrip.
type Do func(*http.Request) (*http.Response, error)

// Run runs the scenario inside a synctest bubble, with the server
// refusing with code: clients start requests for run of virtual time. newDo makes the clients'
// Do from the Base that reaches the server, and the seeded source to draw its
// jitter from; it runs inside the bubble, once, and every client shares what it
// returns. The jitter above server hints is drawn from another seeded source.
// each, if not nil, sees every request end, in the client's goroutine.
func Run(t *testing.T, code int, run time.Duration, newDo func(base http.RoundTripper, src *Source) Do, each func(Request)) Result {
	t.Helper()
	backoff.HintSource = NewSource(1)
	t.Cleanup(func() { backoff.HintSource = nil })
	var res Result
	synctest.Test(t, func(t *testing.T) {
		srv := NewServer(code)
		do := newDo(srv, NewSource(2))
		var requests, ok [Clients]int
		var eachMu sync.Mutex // each runs in the clients' goroutines: one at a time
		var wg sync.WaitGroup
		for id := range Clients {
			wg.Go(func() {
				for time.Since(srv.start) < run {
					r := Request{Client: id, Start: time.Since(srv.start)}
					ctx, cancel := context.WithTimeout(context.Background(), Deadline)
					req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://limiter.test/", nil)
					if err != nil {
						panic(err)
					}
					req.Header.Set("X-Client", strconv.Itoa(id))
					resp, err := do(req)
					if err == nil {
						_, _ = io.Copy(io.Discard, resp.Body)
						_ = resp.Body.Close()
						r.Status = resp.StatusCode
					}
					cancel()
					requests[id]++
					if r.Status == http.StatusOK {
						ok[id]++
					}
					if each != nil {
						r.End = time.Since(srv.start)
						r.AnsweredAt, r.Answer = srv.LastAnswer(id)
						eachMu.Lock()
						each(r)
						eachMu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		for id := range Clients {
			res.Requests += requests[id]
			res.OK += ok[id]
			res.Attempts += srv.attempts[id]
			res.Refused += srv.refused[id]
		}
	})
	return res
}

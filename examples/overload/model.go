package main

import (
	"math/rand/v2"
	"time"

	"github.com/tenacious-go/tenacious/examples/internal/sim"
)

// scenario is the open system of the model. Calls arrive at the clients as a
// Poisson process at a steady rate below the server's capacity, each at a client
// process drawn at random. The server has a number of workers, each serving one
// attempt at a time for an exponentially distributed time, and a FIFO queue in
// front of them, without a bound unless bound says (below). It serves every
// attempt it has accepted, even one whose client has stopped waiting: that is the
// wasted work that sustains an overload. A client waits timeout for each attempt,
// then counts it failed. Between dipStart and dipEnd half the workers stop taking
// work.
//
// With bound above 0 the server defends itself with admission control: an
// attempt that finds bound attempts waiting in the queue is refused at once, at
// no cost to the workers and without delay, with a throttling answer that
// carries a hint of hint (a 429 with Retry-After). The client's engine classes it
// as throttled and pauses after it as the hint says. While the queue's wait
// stays under the clients' timeout, every attempt it accepts is answered in
// time, and none of the server's work is wasted.
type scenario struct {
	workers  int           // workers at full capacity
	service  time.Duration // mean service time of an attempt
	load     float64       // calls offered per second, as a share of full capacity
	timeout  time.Duration // per-attempt timeout of the clients
	dipStart time.Duration // when half the workers stop taking work
	dipEnd   time.Duration // when they come back
	horizon  time.Duration // end of the run
	bound    int           // attempts the queue holds before the server refuses more; 0: no bound
	hint     time.Duration // the server's hint when it refuses an attempt
	// surge, if above 0, makes the trigger a fleet restart instead of a loss of
	// capacity: between dipStart and dipEnd the calls arrive surge times as
	// fast, and every worker keeps working.
	surge float64
}

// fullScenario is the scenario of the README: a server of 1000 attempts a second
// offered 700 calls a second, whose capacity halves for 10s.
var fullScenario = scenario{
	workers:  50,
	service:  50 * time.Millisecond,
	load:     0.7,
	timeout:  time.Second,
	dipStart: 30 * time.Second,
	dipEnd:   40 * time.Second,
	horizon:  120 * time.Second,
}

// restartScenario is a fleet restart (Google Cloud, 2025-06-12): every client
// process starts at once, cold (budgets and gates new, with nothing learned),
// and for the first 10 s they send twice the usual calls to the same server
// (each re-reading what it lost and replaying what waited while it was down):
// 1,400 calls a second to a capacity of 1,000, then 700.
var restartScenario = scenario{
	workers:  50,
	service:  50 * time.Millisecond,
	load:     0.7,
	timeout:  time.Second,
	dipStart: 0,
	dipEnd:   10 * time.Second,
	horizon:  90 * time.Second,
	surge:    2,
}

// capacity returns the attempts a second the server serves at full capacity.
func (s scenario) capacity() float64 { return float64(s.workers) / s.service.Seconds() }

// rate returns the calls offered a second.
func (s scenario) rate() float64 { return s.load * s.capacity() }

// seconds returns the number of whole seconds in the run.
func (s scenario) seconds() int { return int(s.horizon / time.Second) }

// result is what one run measured, per second of virtual time.
type result struct {
	gated   []int // attempts the gates refused
	offered []int // calls arriving
	good    []int // calls succeeding (goodput)
	sent    []int // attempts sent to the server
	served  []int // attempts the server finished serving
	wasted  []int // of those, attempts whose client had stopped waiting
	refused []int // attempts the server refused at once (admission control)
	// Calls that gave up, by the second in which they arrived, and the sum of
	// the times from their arrival until they returned to their caller; calls
	// still going at the horizon are not counted.
	failed     []int
	failedTook []time.Duration
}

// attempt states.
const (
	pending  uint8 = iota // its client waits for it
	answered              // it was served in time
	late                  // its client stopped waiting
)

// attempt is one attempt sent to the server.
type attempt struct {
	call  int32
	state uint8
}

// model is one run of the scenario with one strategy and a number of client
// processes.
type model struct {
	sc       scenario
	cl       *client
	now      time.Duration
	events   sim.Queue[event]
	calls    []call
	attempts []attempt
	queue    []int32 // attempts waiting for a worker, oldest first from head
	head     int
	busy     int // workers serving an attempt
	active   int // workers taking work
	procs    int
	arrivals *rand.Rand // gaps between calls
	picks    *rand.Rand // the process of each call
	service  *rand.Rand // service times
	res      result
	surging  bool // calls arrive surge times as fast
}

// simulate runs the scenario with strategy st and procs client processes, each
// holding its own budget, and returns what it measured. Its random draws are
// trial's of seed, from a stream per use (see source), so the calls arrive at the
// same times whatever the strategy and the number of processes. clock, if not nil, is
// called before every call into a budget with the model's time, so that a budget
// that reads the clock sees it.
func simulate(sc scenario, st strategy, procs int, seed uint64, trial int, clock func(time.Duration)) result {
	n := sc.seconds()
	m := &model{
		sc:       sc,
		cl:       newClient(st.attempts, procs, st.budget, source(seed, trial, 3), source(seed, trial, 6), clock),
		active:   sc.workers,
		procs:    procs,
		arrivals: rand.New(source(seed, trial, 1)),
		picks:    rand.New(source(seed, trial, 2)),
		service:  rand.New(source(seed, trial, 4)),
		res: result{
			offered: make([]int, n), good: make([]int, n), sent: make([]int, n), served: make([]int, n), wasted: make([]int, n),
			refused: make([]int, n), failed: make([]int, n), failedTook: make([]time.Duration, n), gated: make([]int, n),
		},
	}
	m.cl.unpaced = st.unpaced
	m.cl.withGates(st.gate, procs, rand.New(source(seed, trial, 7)))
	m.surging = sc.surge > 0 && sc.dipStart == 0 // the first gap is drawn before the event
	m.events.Push(sc.dipStart, event{dipStart, 0})
	m.events.Push(sc.dipEnd, event{dipEnd, 0})
	m.events.Push(m.gap(), event{arrival, 0})
	for m.events.Len() > 0 && m.events.Peek().At < sc.horizon {
		e := m.events.Pop()
		m.now = e.At
		switch e.Value.kind {
		case arrival:
			m.arrive()
		case send:
			m.send(e.Value.id)
		case served:
			m.busy--
			m.answer(e.Value.id)
			m.work()
		case timeout:
			m.expire(e.Value.id)
		case dipStart:
			if sc.surge > 0 {
				m.surging = true
			} else {
				m.active = sc.workers / 2
			}
		case dipEnd:
			m.surging = false
			m.active = sc.workers
			m.work()
		}
	}
	return m.res
}

// gap returns the time to the next call: exponential, for Poisson arrivals.
func (m *model) gap() time.Duration {
	rate := m.sc.rate()
	if m.surging {
		rate *= m.sc.surge
	}
	return time.Duration(m.arrivals.ExpFloat64() / rate * float64(time.Second))
}

// sec returns the index of the current second.
func (m *model) sec() int { return int(m.now / time.Second) }

// arrive starts a call at a process drawn at random and sends its first attempt.
func (m *model) arrive() {
	m.events.Push(m.now+m.gap(), event{arrival, 0})
	id := int32(len(m.calls))
	m.calls = append(m.calls, call{proc: int32(m.picks.IntN(m.procs)), arrived: m.now})
	m.res.offered[m.sec()]++
	m.send(id)
}

// send sends call k's next attempt (for a first attempt, if the gate of its
// process admits it; if not, the call gives up at once): it starts its timeout
// and joins the queue, unless admission control refuses it.
func (m *model) send(k int32) {
	c := &m.calls[k]
	if c.attempts == 0 && !m.cl.admit(c, m.now, 0) {
		m.res.gated[m.sec()]++
		s := int(c.arrived / time.Second)
		m.res.failed[s]++
		m.res.failedTook[s] += m.now - c.arrived
		return
	}
	c.attempts++
	m.res.sent[m.sec()]++
	if m.sc.bound > 0 && len(m.queue)-m.head >= m.sc.bound {
		m.res.refused[m.sec()]++
		m.fail(k, m.sc.hint)
		return
	}
	id := int32(len(m.attempts))
	m.attempts = append(m.attempts, attempt{call: k})
	m.events.Push(m.now+m.sc.timeout, event{timeout, id})
	m.queue = append(m.queue, id)
	m.work()
}

// work gives queued attempts to the workers that take work and are idle.
func (m *model) work() {
	for m.busy < m.active && m.head < len(m.queue) {
		id := m.queue[m.head]
		m.head++
		m.busy++
		d := time.Duration(m.service.ExpFloat64() * float64(m.sc.service))
		m.events.Push(m.now+d, event{served, id})
	}
	if m.head > 4096 && m.head*2 > len(m.queue) { // reclaim the consumed front
		m.queue = m.queue[:copy(m.queue, m.queue[m.head:])]
		m.head = 0
	}
}

// answer delivers the server's answer to attempt id: a success if its client still
// waits for it, wasted work if not.
func (m *model) answer(id int32) {
	a := &m.attempts[id]
	m.res.served[m.sec()]++
	if a.state != pending {
		m.res.wasted[m.sec()]++
		return
	}
	a.state = answered
	m.cl.answered(&m.calls[a.call], m.now)
	m.res.good[m.sec()]++
}

// expire ends attempt id at its timeout, unless it was answered: the client stops
// waiting, and retries or gives up. The server is not told: it will serve the
// attempt all the same.
func (m *model) expire(id int32) {
	a := &m.attempts[id]
	if a.state != pending {
		return
	}
	a.state = late
	m.fail(a.call, 0)
}

// fail takes the failure of call k's current attempt, which carried the
// server's hint (0 for none): the call retries after the pause, or gives up
// and returns to its caller, at once or after the pause that a hint set (see
// client.failed). In an open system nothing waits for that return: the next
// call arrives when it would have anyway.
func (m *model) fail(k int32, hint time.Duration) {
	c := &m.calls[k]
	pause, v := m.cl.failed(c, m.now, hint)
	if v == again {
		m.events.Push(m.now+pause, event{send, k})
		return
	}
	s := int(c.arrived / time.Second)
	m.res.failed[s]++
	m.res.failedTook[s] += m.now + pause - c.arrived
}

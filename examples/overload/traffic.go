package main

import (
	"math/rand/v2"
	"time"

	"github.com/tenacious-go/tenacious/examples/internal/sim"
)

// Parameters of the burst and outage experiments (issue 12, item 3).
const (
	failShare    = 0.1                   // share of attempts that fail in normal operation: 90% succeed
	burstSize    = 16                    // simultaneous failures of the burst
	attemptTime  = 10 * time.Millisecond // how long every attempt takes, failed or not
	warmUp       = 60 * time.Second      // normal traffic before the burst or the outage
	burstWindow  = 10 * time.Second      // refusals are counted from the burst for this long
	outageLength = 60 * time.Second      // the total outage
	cooldown     = 30 * time.Second      // normal traffic after the window, so that its calls end
	steadyLength = 120 * time.Second     // the steady-failure runs, measured in their second half
)

// traffic is one process's calls: rate calls a second, evenly spaced, from 0 to
// end, each attempt taking attemptTime and failing with probability fail; at
// burstAt (if burst > 0) burst more calls begin whose first attempt fails; every
// attempt sent in [outageFrom, outageTo) fails. What is counted is the calls that
// arrive in [from, to).
type traffic struct {
	rate                 int
	end                  time.Duration
	fail                 float64
	burst                int
	burstAt              time.Duration
	outageFrom, outageTo time.Duration
	from, to             time.Duration
}

// tally is what the calls that arrived in a traffic's window did.
type tally struct {
	calls    int // calls
	attempts int // attempts they made
	refused  int // retries the budget or the gate refused them
	failed   int // calls that gave up, whatever the reason
}

// run plays tr through a client of procs processes (each call at one drawn at
// random) with the budget and the gate of st, at most maxAttempts attempts and
// full jitter, and counts what the calls of its window did. Its random draws are
// trial's of seed (see source); clock is as for simulate.
func (tr traffic) run(st strategy, procs int, seed uint64, trial int, clock func(time.Duration)) tally {
	cl := newClient(st.attempts, procs, st.budget, source(seed, trial, 3), source(seed, trial, 6), clock)
	cl.withGates(st.gate, procs, rand.New(source(seed, trial, 7)))
	rng := rand.New(source(seed, trial, 5))
	picks := rand.New(source(seed, trial, 2))
	var (
		q     sim.Queue[event]
		calls []call
		fails []bool // whether each call's attempt in flight fails
		t     tally
	)
	counted := func(k int32) bool { return calls[k].arrived >= tr.from && calls[k].arrived < tr.to }
	begin := func(at time.Duration, mustFail bool) {
		k := int32(len(calls))
		calls = append(calls, call{arrived: at, proc: int32(picks.IntN(procs))})
		fails = append(fails, mustFail)
		q.Push(at, event{send, k})
	}
	period := time.Second / time.Duration(tr.rate)
	n := int(tr.end / period)
	burst := tr.burst
	for i := range n {
		at := time.Duration(i) * period
		for ; burst > 0 && at >= tr.burstAt; burst-- {
			begin(tr.burstAt, true)
		}
		begin(at, false)
	}
	for q.Len() > 0 {
		e := q.Pop()
		k := e.Value.id
		c := &calls[k]
		switch e.Value.kind {
		case send:
			if c.attempts == 0 && !cl.admit(c, e.At, 0) {
				if counted(k) {
					t.failed++
				}
				continue
			}
			c.attempts++
			if counted(k) {
				t.attempts++
			}
			outage := e.At >= tr.outageFrom && e.At < tr.outageTo
			draw := rng.Float64() // one draw per attempt, whatever decides its fate
			fails[k] = fails[k] || outage || draw < tr.fail
			q.Push(e.At+attemptTime, event{served, k})
		case served:
			if !fails[k] {
				cl.answered(c, e.At)
				continue
			}
			fails[k] = false
			pause, v := cl.failed(c, e.At, 0)
			switch v {
			case again:
				q.Push(e.At+pause, event{send, k})
			case refused, gated:
				if counted(k) {
					t.refused++
				}
				fallthrough
			default:
				if counted(k) {
					t.failed++
				}
			}
		}
	}
	for k := range calls {
		if counted(int32(k)) {
			t.calls++
		}
	}
	return t
}

// burstTraffic is a process sending rate calls a second, a share failShare of
// whose attempts fail, that suffers burstSize simultaneous failures after
// warmUp; the window is burstWindow from the burst.
func burstTraffic(rate int) traffic {
	return traffic{
		rate: rate, end: warmUp + burstWindow + cooldown, fail: failShare,
		burst: burstSize, burstAt: warmUp,
		from: warmUp, to: warmUp + burstWindow,
	}
}

// outageTraffic is a process sending rate calls a second, a share failShare of
// whose attempts fail, that suffers a total outage of outageLength after warmUp;
// the window is the outage.
func outageTraffic(rate int) traffic {
	return traffic{
		rate: rate, end: warmUp + outageLength + cooldown, fail: failShare,
		outageFrom: warmUp, outageTo: warmUp + outageLength,
		from: warmUp, to: warmUp + outageLength,
	}
}

// steadyTraffic is a process sending rate calls a second, a share fail of whose
// attempts fail, for steadyLength; the window is its second half.
func steadyTraffic(rate int, fail float64) traffic {
	return traffic{rate: rate, end: steadyLength, fail: fail, from: steadyLength / 2, to: steadyLength}
}

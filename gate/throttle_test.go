package gate_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/gate"
	"github.com/tenacious-go/tenacious/retry"
)

const (
	S = retry.ClassSuccess
	A = retry.ClassAnswered
	T = retry.ClassTransient
	H = retry.ClassThrottled
	X = retry.ClassExtra
)

// want is the refusal probability of the SRE formula with k = 2, computed as
// the Throttle computes it, so that the two compare exactly.
func want(requests, accepts int) float64 {
	p := (float64(requests) - 2*float64(accepts)) / (float64(requests) + gate.ThrottlePadding)
	return min(max(p, 0), gate.ThrottleMaxRefusal)
}

// attempt asks th to admit an attempt of class c and, if it does, reports
// result. It reports whether th refused.
func attempt(th *gate.Throttle, c, result retry.Class) (refused bool) {
	done, err := th.Admit(context.Background(), c)
	if err != nil {
		if err != gate.ErrThrottled {
			panic(err)
		}
		return true
	}
	done(result)
	return false
}

// seeded returns a reproducible draw, for tests that run on one goroutine.
func seeded() func() float64 { return rand.New(rand.NewPCG(1, 2)).Float64 }

func TestThrottlePanics(t *testing.T) {
	for _, tt := range []struct {
		name      string
		f         func()
		wantPanic string
	}{
		{"k below 1", func() { gate.NewThrottle(0.5, time.Second) }, "gate: NewThrottle: k must be finite and at least 1, got 0.5"},
		{"NaN k", func() { zero := 0.0; gate.NewThrottle(zero/zero, time.Second) }, "gate: NewThrottle: k must be finite and at least 1, got NaN"},
		{"infinite k", func() { one := 1.0; gate.NewThrottle(one/0, time.Second) }, "gate: NewThrottle: k must be finite and at least 1, got +Inf"},
		{"zero window", func() { gate.NewThrottle(2, 0) }, "gate: NewThrottle: window must be at least 10ms, got 0s"},
		{"negative window", func() { gate.NewThrottle(2, -time.Second) }, "gate: NewThrottle: window must be at least 10ms, got -1s"},
		{"short window", func() { gate.NewThrottle(2, time.Millisecond) }, "gate: NewThrottle: window must be at least 10ms, got 1ms"},
		{"valid", func() {
			gate.NewThrottle(1, 10*time.Millisecond)
			gate.NewThrottle(1e300, 24*time.Hour)
			gate.DefaultThrottle()
		}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if got, _ := recover().(string); got != tt.wantPanic {
					t.Errorf("panic = %q, want %q", got, tt.wantPanic)
				}
			}()
			tt.f()
		})
	}
}

// TestThrottleHealthy: a service that accepts everything gives p = 0: every
// attempt is admitted, and nothing random is drawn.
func TestThrottleHealthy(t *testing.T) {
	th := gate.DefaultThrottle()
	th.SetDraw(func() float64 { t.Fatal("a draw with p = 0"); return 0 })
	for i := range 1000 {
		c, result := retry.Class(0), S
		switch i % 10 {
		case 1:
			c = T // a retry that succeeds
		case 2:
			c = X // a hedge
		case 3:
			result = A // a not-found: the service answered
		case 4:
			result = 0 // the caller gave up: tells nothing
		}
		if attempt(th, c, result) {
			t.Fatalf("attempt %d refused", i)
		}
	}
	if p := th.Probability(); p != 0 {
		t.Errorf("p = %v, want 0", p)
	}
}

// TestThrottleFormula walks the SRE formula count by count: successes and
// answers are requests and accepts, failures (transient or throttled) requests
// alone, a canceled attempt nothing, a refusal a request; every class of
// attempt is refused alike.
func TestThrottleFormula(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		th := gate.DefaultThrottle()
		u, draws := 0.0, 0
		th.SetDraw(func() float64 { draws++; return u })
		type step struct {
			u             float64     // the next draw: 0 refuses whenever p > 0, 0.99 never
			class, result retry.Class // what is asked, and what the attempt tells if admitted
			wantRefused   bool
			wantRequests  int
			wantAccepts   int
			wantDraws     int
		}
		for i, s := range []step{
			{0, 0, S, false, 1, 1, 0},
			{0, 0, A, false, 2, 2, 0},
			{0, T, S, false, 3, 3, 0},
			{0, 0, 0, false, 3, 3, 0}, // canceled: nothing
			{0, 0, T, false, 4, 3, 0}, // (4 − 6)/12: still 0
			{0, X, H, false, 5, 3, 0},
			{0, 0, T, false, 6, 3, 0}, // (6 − 6)/14 = 0
			{0, H, T, false, 7, 3, 0}, // 1/15: refusing from now on
			{0, 0, 0, true, 8, 3, 1},  // refused: a request
			{0, X, 0, true, 9, 3, 2},  // a hedge too
			{0, H, 0, true, 10, 3, 3}, // and a retry
			{0.99, 0, S, false, 11, 4, 4},
			{0.99, T, A, false, 12, 5, 5}, // 2/20
			{0.99, 0, S, false, 13, 6, 6}, // 1/21
			{0.99, 0, S, false, 14, 7, 7}, // 0: no more draws
			{0, 0, T, false, 15, 7, 7},    // 1/23 after it
			{0, 0, S, true, 16, 7, 8},
		} {
			u = s.u
			if refused := attempt(th, s.class, s.result); refused != s.wantRefused {
				t.Errorf("step %d: refused = %v, want %v", i, refused, s.wantRefused)
			}
			if p, w := th.Probability(), want(s.wantRequests, s.wantAccepts); p != w {
				t.Errorf("step %d: p = %v, want %v: %d requests, %d accepts", i, p, w, s.wantRequests, s.wantAccepts)
			}
			if draws != s.wantDraws {
				t.Errorf("step %d: %d draws, want %d", i, draws, s.wantDraws)
			}
		}
	})
}

// TestThrottleK: k scales the accepts.
func TestThrottleK(t *testing.T) {
	th := gate.NewThrottle(1.5, time.Minute)
	for range 10 {
		attempt(th, 0, S)
	}
	for range 6 {
		attempt(th, 0, T)
	}
	if p, w := th.Probability(), (16-1.5*10)/(16+8.0); p != w {
		t.Errorf("p = %v, want %v", p, w)
	}
}

// TestThrottleCap: however long the service fails, p stays at 0.9, and one
// attempt in ten still goes through to probe it.
func TestThrottleCap(t *testing.T) {
	th := gate.DefaultThrottle()
	i := 0
	th.SetDraw(func() float64 { i++; return float64(i%10) / 10 }) // 0.1, 0.2, …, 0.9, 0: exactly one in ten ≥ 0.9
	for range 72 {                                                // 72/80 = 0.9
		attempt(th, 0, T)
	}
	i = 0
	admitted := 0
	for range 10_000 {
		if !attempt(th, 0, T) {
			admitted++
		}
	}
	if admitted != 1000 {
		t.Errorf("%d of 10000 attempts admitted, want 1000", admitted)
	}
	if p := th.Probability(); p != gate.ThrottleMaxRefusal {
		t.Errorf("p = %v, want the cap %v", p, gate.ThrottleMaxRefusal)
	}

	// With the default draw, about one in ten.
	th = gate.DefaultThrottle()
	admitted = 0
	for range 10_000 {
		if !attempt(th, 0, T) {
			admitted++
		}
	}
	if admitted < 900 || admitted > 1200 {
		t.Errorf("%d of 10000 attempts admitted with the default draw, want about 1000", admitted)
	}
}

// TestThrottlePadding: a client that has sent little does not refuse everything
// after a failure: one failure alone gives 1/9, and p grows with the evidence.
func TestThrottlePadding(t *testing.T) {
	th := gate.DefaultThrottle()
	th.SetDraw(seeded())
	attempt(th, 0, T)
	if p := th.Probability(); p != 1.0/9 {
		t.Errorf("p = %v after one failure, want 1/9", p)
	}
	attempt(th, 0, T) // admitted or not, a request without an accept
	attempt(th, 0, T)
	if p := th.Probability(); p != want(3, 0) {
		t.Errorf("p = %v after three failures, want 3/11", p)
	}
	// A quiet client that fails once in a while keeps sending most requests.
	th = gate.DefaultThrottle()
	th.SetDraw(seeded())
	refused := 0
	for i := range 100 {
		result := S
		if i%3 == 2 {
			result = T
		}
		if attempt(th, 0, result) {
			refused++
		}
	}
	if refused != 0 {
		t.Errorf("%d of 100 refused when one in three fails, want 0", refused)
	}
}

// TestThrottleWindow: counts are forgotten a window after their bucket began,
// so between 0.9 and 1 window after they were made.
func TestThrottleWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		th := gate.NewThrottle(2, 10*time.Second) // buckets of 1s from now
		th.SetDraw(seeded())
		time.Sleep(500 * time.Millisecond)
		attempt(th, 0, T) // bucket 0
		time.Sleep(400 * time.Millisecond)
		attempt(th, 0, T) // bucket 0
		time.Sleep(4 * time.Second)
		attempt(th, 0, T) // 4.9s: bucket 4
		if p := th.Probability(); p != want(3, 0) {
			t.Fatalf("p = %v, want 3/11", p)
		}
		time.Sleep(5100*time.Millisecond - time.Nanosecond) // 10s − 1ns: still bucket 9
		if p := th.Probability(); p != want(3, 0) {
			t.Errorf("p = %v just before the first bucket ends, want 3/11", p)
		}
		time.Sleep(time.Nanosecond) // 10s: bucket 0 leaves the window
		if p := th.Probability(); p != want(1, 0) {
			t.Errorf("p = %v once the first bucket left the window, want 1/9", p)
		}
		time.Sleep(4 * time.Second) // 14s: the count of 4.9s leaves, 9.1s old
		if p := th.Probability(); p != 0 {
			t.Errorf("p = %v after every count left the window, want 0", p)
		}
		if attempt(th, 0, S) {
			t.Error("refused after the window forgot every failure")
		}
	})
}

// TestThrottleMadeOutsideBubble: a Throttle made outside a synctest bubble
// follows the bubble's clock inside it.
func TestThrottleMadeOutsideBubble(t *testing.T) {
	th := gate.NewThrottle(2, 10*time.Second)
	attempt(th, 0, S)
	synctest.Test(t, func(t *testing.T) {
		attempt(th, 0, T)
		attempt(th, 0, T)
		if p := th.Probability(); p != want(2, 0) {
			t.Errorf("p = %v, want 2/10: the count made outside is another time's", p)
		}
		time.Sleep(10 * time.Second)
		if p := th.Probability(); p != 0 {
			t.Errorf("p = %v a window later, want 0", p)
		}
	})
}

// TestThrottleRecovery: a client sending 10 requests a second to a service that
// fails for a minute sheds 90% of its load within seconds, and once the service
// is back it sends everything again in about two windows; one that stops
// sending during the outage finds p = 0 a window later.
func TestThrottleRecovery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		th := gate.DefaultThrottle()
		th.SetDraw(seeded())
		start := time.Now()
		var sent [20]int // per 10 seconds
		recovered := time.Duration(-1)
		for range 2000 { // 200s
			at := time.Since(start)
			result := S
			if at < time.Minute {
				result = T
			}
			if !attempt(th, 0, result) {
				sent[at/(10*time.Second)]++
			}
			if at >= time.Minute && recovered < 0 && th.Probability() == 0 {
				recovered = at - time.Minute
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("sent per 10s of 100: %v; p = 0 again %v after the service recovered", sent, recovered)
		for i, n := range sent[1:6] { // 10s–60s: about 10 of 100
			if n > 20 {
				t.Errorf("%d of 100 sent in [%ds, %ds) of the outage, want about 10", n, 10*(i+1), 10*(i+2))
			}
		}
		// SRE's throttle recovers in about two windows: the outage's requests
		// leave the window in one, and the accepts of the probes must then
		// outnumber half the requests. Ten seeds took 42s to 66s.
		if recovered < 0 || recovered > 80*time.Second {
			t.Errorf("p = 0 again %v after the service recovered, want within 80s", recovered)
		}
		if n := sent[len(sent)-1]; n != 100 {
			t.Errorf("%d of 100 sent at the end, want all", n)
		}

		// A client that stops sending: a window later, everything is forgotten.
		th = gate.DefaultThrottle()
		th.SetDraw(seeded())
		for range 100 {
			attempt(th, 0, T)
		}
		time.Sleep(30 * time.Second)
		if p := th.Probability(); p != 0 {
			t.Errorf("p = %v a window after the last failure, want 0", p)
		}
	})
}

// TestThrottleClockReads: a healthy service's attempts read the clock once in
// TickEvery; while p > 0, every Admit reads it, and every failure does.
func TestThrottleClockReads(t *testing.T) {
	var reads atomic.Int64
	th := gate.DefaultThrottle()
	th.CountClock(&reads)
	for range 100 * gate.TickEvery {
		attempt(th, 0, S)
	}
	if n := reads.Load(); n != 100 {
		t.Errorf("%d clock reads for %d successes, want 100", n, 100*gate.TickEvery)
	}
	reads.Store(0)
	for range 8 {
		attempt(th, 0, A)
	}
	attempt(th, 0, T) // a failure: one reading, and p is still 0
	for range 5 {
		attempt(th, 0, S)
	}
	if n := reads.Load(); n != 1 {
		t.Errorf("%d clock reads, want 1: the failure's", n)
	}

	th = gate.DefaultThrottle()
	th.SetDraw(func() float64 { return 0.99 }) // admit
	reads.Store(0)
	th.CountClock(&reads)
	attempt(th, 0, T) // p = 1/9 from now on: its reading
	for range 10 {
		attempt(th, 0, T) // Admit's reading, and the failure's
	}
	attempt(th, 0, S) // Admit's reading; the success files under it
	if n := reads.Load(); n != 22 {
		t.Errorf("%d clock reads, want 22: one per failure, and one per Admit while p > 0", n)
	}
}

// TestThrottleStaleness shows what filing successes under the latest reading
// allows, as Throttle's doc says: a success may leave the window early (never a
// failure late), and p rising as accepts leave the window is seen at the next
// failure or TickEvery-th request.
func TestThrottleStaleness(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// A quiet client: successes at 0s and at 5s both file under 0s.
		th := gate.NewThrottle(2, 10*time.Second)
		for range 3 {
			attempt(th, 0, S)
		}
		time.Sleep(5 * time.Second)
		for range 3 {
			attempt(th, 0, S) // filed in bucket 0: no reading since
		}
		time.Sleep(5 * time.Second)
		attempt(th, 0, T) // 10s: a reading; bucket 0 has left the window
		if p := th.Probability(); p != want(1, 0) {
			t.Errorf("p = %v, want 1/9: the successes of 5s left the window with those of 0s", p)
		}

		// The TickEvery-th request of a bucket reads the clock: the successes
		// after it file at their time.
		th = gate.NewThrottle(2, 10*time.Second)
		for range gate.TickEvery - 1 {
			attempt(th, 0, S)
		}
		time.Sleep(5 * time.Second)
		attempt(th, 0, S) // the 16th, filed in bucket 0, reads the clock: 5s
		attempt(th, 0, S) // filed in bucket 5
		time.Sleep(5 * time.Second)
		attempt(th, 0, T) // 10s
		if p := th.Probability(); p != want(2, 1) {
			t.Errorf("p = %v, want %v: the success filed at 5s stays", p, want(2, 1))
		}

		// p rising as accepts leave the window: 12 successes early, 10 failures
		// late give p = 0 until the successes leave; the next failure sees it.
		th = gate.NewThrottle(2, 10*time.Second)
		th.SetDraw(func() float64 { return 0 }) // refuse whenever p > 0
		for range 12 {
			attempt(th, 0, S)
		}
		time.Sleep(5 * time.Second)
		for range 10 {
			attempt(th, 0, T) // (22 − 24)/30: p = 0
		}
		time.Sleep(5 * time.Second) // the successes leave the window: p is 10/18, unseen
		if attempt(th, 0, S) {
			t.Error("refused before any reading saw the successes leave")
		}
		if attempt(th, 0, T) {
			t.Error("the failure that reads the clock refused: want admitted, p was 0")
		}
		if !attempt(th, 0, S) {
			t.Error("admitted after a failure read the clock: want refused")
		}
	})
}

// TestThrottleConcurrent: goroutines sharing a Throttle lose no count: at the
// end, p is the formula's for every outcome and refusal they made.
func TestThrottleConcurrent(t *testing.T) {
	th := gate.NewThrottle(2, time.Hour) // nothing leaves the window during the test
	var requests, accepts atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 5000 {
				result := S
				switch (g + i) % 5 {
				case 0, 1:
					result = T
				case 2:
					result = H
				case 3:
					result = A
					if g%2 == 0 {
						result = 0
					}
				}
				done, err := th.Admit(context.Background(), [...]retry.Class{0, T, X}[i%3]) // every class alike
				if err != nil {
					requests.Add(1)
					continue
				}
				if result != 0 {
					requests.Add(1)
				}
				if result == S || result == A {
					accepts.Add(1)
				}
				done(result)
				if p := th.Probability(); p < 0 || p > gate.ThrottleMaxRefusal {
					t.Errorf("p = %v, out of [0, 0.9]", p)
				}
			}
		})
	}
	wg.Wait()
	if p, w := th.Probability(), want(int(requests.Load()), int(accepts.Load())); p != w {
		t.Errorf("p = %v, want %v: %d requests, %d accepts", p, w, requests.Load(), accepts.Load())
	}
}

// TestThrottleConcurrentRecycling: goroutines sharing a Throttle whose buckets
// last a millisecond race on their recycling, for the race detector.
func TestThrottleConcurrentRecycling(t *testing.T) {
	th := gate.NewThrottle(2, 10*time.Millisecond)
	deadline := time.Now().Add(50 * time.Millisecond)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				result := S
				if (g+i)%3 == 0 {
					result = T
				}
				attempt(th, 0, result)
				if p := th.Probability(); p < 0 || p > gate.ThrottleMaxRefusal {
					t.Errorf("p = %v, out of [0, 0.9]", p)
					return
				}
			}
		})
	}
	wg.Wait()
	time.Sleep(10 * time.Millisecond)
	if p := th.Probability(); p != 0 {
		t.Errorf("p = %v a window after the last attempt, want 0", p)
	}
}

// countingGate wraps a Gate and checks that the engine calls the done func of
// every attempt it admitted exactly once.
type countingGate struct {
	g                     retry.Gate
	asked, refused, dones atomic.Int64
	mu                    sync.Mutex
	outcomes              map[retry.Class]int
	twice                 atomic.Bool
}

func (c *countingGate) Admit(ctx context.Context, class retry.Class) (func(retry.Class), error) {
	c.asked.Add(1)
	done, err := c.g.Admit(ctx, class)
	if err != nil {
		c.refused.Add(1)
		return nil, err
	}
	var once atomic.Bool
	return func(result retry.Class) {
		if once.Swap(true) {
			c.twice.Store(true)
		}
		c.dones.Add(1)
		c.mu.Lock()
		c.outcomes[result]++
		c.mu.Unlock()
		done(result)
	}, nil
}

// TestThrottleThroughPolicy: calls of a Policy whose Gate is a Throttle, to a
// service that always fails, stop calling it: after a few seconds one attempt in
// ten reaches it, and the refused calls end with ReasonGate and ErrThrottled.
func TestThrottleThroughPolicy(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		th := gate.DefaultThrottle()
		th.SetDraw(seeded())
		g := &countingGate{g: th, outcomes: map[retry.Class]int{}}
		p := retry.Policy{
			Stop: retry.StopFunc(func(a retry.Attempt) bool { return a.Number >= 4 }),
			Wait: retry.WaitFunc(func(retry.Attempt) time.Duration { return 10 * time.Millisecond }),
			Gate: g,
		}
		var ops atomic.Int64
		op := func(context.Context) (int, error) { ops.Add(1); return 0, errUnavailable }
		const calls = 1200 // 20 a second for a minute, one after the other
		reasons := map[retry.Reason]int{}
		var asked10, ops10 int64 // at 10s
		start := time.Now()
		for i := range calls {
			if i == 200 {
				asked10, ops10 = g.asked.Load(), ops.Load()
			}
			_, err := retry.Do(t.Context(), &p, op)
			var re *retry.Error
			if !errors.As(err, &re) {
				t.Fatalf("call %d: err = %v, want an *retry.Error", i, err)
			}
			reasons[re.Reason]++
			switch re.Reason {
			case retry.ReasonGate:
				if !errors.Is(err, gate.ErrThrottled) || re.Refusal != gate.ErrThrottled {
					t.Errorf("call %d: %v, want a refusal that is ErrThrottled", i, err)
				}
				if re.Attempts > 0 && !errors.Is(err, errUnavailable) {
					t.Errorf("call %d: %v refused a retry, want the last attempt's error kept", i, err)
				}
			case retry.ReasonStop:
				if !errors.Is(err, errUnavailable) || errors.Is(err, gate.ErrThrottled) {
					t.Errorf("call %d: %v, want the service's error", i, err)
				}
			default:
				t.Errorf("call %d: reason %v, want gate or stop", i, re.Reason)
			}
			time.Sleep(time.Until(start.Add(time.Duration(i+1) * 50 * time.Millisecond)))
		}
		asked, refused, dones := g.asked.Load(), g.refused.Load(), g.dones.Load()
		t.Logf("%d calls: %d attempts asked, %d refused, %d ran; reasons %v", calls, asked, refused, ops.Load(), reasons)
		if admitted := asked - refused; dones != admitted || ops.Load() != admitted || g.twice.Load() {
			t.Errorf("%d attempts admitted, %d ran, done called %d times (twice: %v): want once per admitted attempt",
				admitted, ops.Load(), dones, g.twice.Load())
		}
		if g.outcomes[T] != int(dones) {
			t.Errorf("outcomes %v, want all transient", g.outcomes)
		}
		// Past the first seconds, p is at its cap: one attempt in ten runs.
		rate := float64(ops.Load()-ops10) / float64(asked-asked10)
		if rate < 0.08 || rate > 0.12 {
			t.Errorf("%.3f of the attempts asked after 10s ran, want about 0.1", rate)
		}
		if amp := float64(ops.Load()) / calls; amp > 0.2 {
			t.Errorf("%.3f attempts per call, want at most 0.2 (4 without the gate)", amp)
		}
	})
}

package main

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/tenacious-go/tenacious/retry"
)

// gateEnv is what the model gives a gate it makes: the model's time and a
// seeded random source, so that a gate of the model is the same on every run.
type gateEnv struct {
	now  func() time.Duration
	rand *rand.Rand
}

// throttleSlots is the number of slots of a throttle's sliding window.
const throttleSlots = 10

// throttle is the model's reference of Google SRE's client-side adaptive
// throttling (Site Reliability Engineering, chapter 21), as package gate's
// NewThrottle implements it: over a sliding window it counts the requests (every
// attempt it refused, and every admitted attempt whose outcome told something
// of the service, counted when the outcome comes) and the accepts (the
// attempts whose outcome was ClassSuccess or ClassAnswered), and refuses an
// attempt with probability max(0, (requests − k·accepts) / (requests + 8)),
// at most 0.9. It reads the model's time and draws from a seeded source.
type throttle struct {
	k      float64
	slot   time.Duration
	env    gateEnv
	req    [throttleSlots]float64
	acc    [throttleSlots]float64
	cur    int64 // index of the current slot since time 0
	nreq   float64
	nacc   float64
	maxP   float64
	refuse error
}

// errThrottled is a throttle's refusal.
var errThrottled = errors.New("overload: throttled locally")

// newThrottle returns a throttle of multiplier k over window.
func newThrottle(k float64, window time.Duration, env gateEnv) *throttle {
	return &throttle{k: k, slot: window / throttleSlots, env: env, maxP: 0.9, refuse: errThrottled}
}

// advance moves the window to the model's current time, dropping old slots.
func (t *throttle) advance() {
	now := int64(t.env.now() / t.slot)
	if now-t.cur >= throttleSlots { // every slot is old
		t.req, t.acc = [throttleSlots]float64{}, [throttleSlots]float64{}
		t.nreq, t.nacc = 0, 0
		t.cur = now
		return
	}
	for ; t.cur < now; t.cur++ {
		i := (t.cur + 1) % throttleSlots
		t.nreq -= t.req[i]
		t.nacc -= t.acc[i]
		t.req[i], t.acc[i] = 0, 0
	}
}

// Admit counts the request and refuses it with the throttle's probability.
func (t *throttle) Admit(_ context.Context, _ retry.Class) (func(retry.Class), error) {
	t.advance()
	p := min(max(0, (t.nreq-t.k*t.nacc)/(t.nreq+8)), t.maxP)
	if p > 0 && t.env.rand.Float64() < p {
		t.req[t.cur%throttleSlots]++
		t.nreq++
		return nil, t.refuse
	}
	return t.done, nil
}

// done counts a request for an admitted attempt whose outcome told something
// of the service, and an accept if the service accepted it.
func (t *throttle) done(result retry.Class) {
	if result == 0 {
		return
	}
	t.advance()
	t.req[t.cur%throttleSlots]++
	t.nreq++
	if result == retry.ClassSuccess || result == retry.ClassAnswered {
		t.acc[t.cur%throttleSlots]++
		t.nacc++
	}
}

package retryhttp_test

import (
	"fmt"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryhttp"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// timeless is a Retry predicate (predicate.Transient's answer) and a hook that
// says it reads no time, and records each Attempt it sees.
type timeless struct{ seen *[]retry.Attempt }

func (t timeless) Match(a retry.Attempt) bool { t.Run(a); return predicate.Transient().Match(a) }
func (t timeless) Run(a retry.Attempt)        { *t.seen = append(*t.seen, a) }
func (timeless) ReadsTime() bool              { return false }

// TestWrappersReadTimeAsThePolicys checks that the Retry, BeforeSleep and OnEnd
// the Transport puts in front of its Policy's own read time (see retry.ReadsTime)
// exactly when the Policy's own do, whether the Policy is the Transport's or the
// one the request's context gives with retry.WithPolicy: in a Policy whose other
// strategies read no time, a Policy's Retry, BeforeSleep or OnEnd adapted from a
// function sees Attempt.Elapsed and Slept as they are, while one that says it
// reads no time sees a zero Elapsed, since the round trip then reads no clock.
// On virtual time, the Base takes 10ms to answer a 503, then a 200, and the
// round trip pauses a second in between.
func TestWrappersReadTimeAsThePolicys(t *testing.T) {
	const latency, pause = 10 * time.Millisecond, time.Second
	for _, field := range []string{"Retry", "BeforeSleep", "OnEnd"} {
		for _, override := range []bool{false, true} {
			for _, reads := range []bool{false, true} {
				name := fmt.Sprintf("%s, WithPolicy: %v, reads time: %v", field, override, reads)
				t.Run(name, func(t *testing.T) {
					synctest.Test(t, func(t *testing.T) {
						f := &fake{script: func(n int, _ *http.Request) (*http.Response, error) {
							time.Sleep(latency)
							if n == 1 {
								return answer(503, ""), nil
							}
							return answer(200, ""), nil
						}}
						var seen []retry.Attempt
						var since []time.Duration // time.Since(start) when each Attempt was seen
						start := time.Now()
						var hook retry.Hook = timeless{&seen}
						var rule retry.Predicate = timeless{&seen}
						if reads {
							rec := func(a retry.Attempt) {
								seen = append(seen, a)
								since = append(since, time.Since(start))
							}
							hook = retry.HookFunc(rec)
							rule = retry.PredicateFunc(func(a retry.Attempt) bool { rec(a); return predicate.Transient().Match(a) })
						}
						p := &retry.Policy{Stop: stop.AfterAttempts(2), Wait: wait.Fixed(pause)}
						switch field {
						case "Retry":
							p.Retry = rule
						case "BeforeSleep":
							p.BeforeSleep = hook
						case "OnEnd":
							p.OnEnd = hook
						}
						tr := &retryhttp.Transport{Base: f}
						ctx := t.Context()
						if override {
							tr.Policy = &retry.Policy{Stop: stop.AfterAttempts(2), Wait: wait.Fixed(pause), OnEnd: retry.HookFunc(func(retry.Attempt) {
								t.Error("the Transport's own Policy ran")
							})}
							ctx = retry.WithPolicy(ctx, p)
						} else {
							tr.Policy = p
						}
						req, _ := http.NewRequestWithContext(ctx, "GET", "http://api.invalid/", nil)
						resp, err := tr.RoundTrip(req)
						if err != nil || resp.StatusCode != 200 {
							t.Fatalf("RoundTrip = %v, %v; want 200", resp, err)
						}
						resp.Body.Close()
						if took := time.Since(start); took != 2*latency+pause {
							t.Errorf("round trip took %v, want %v", took, 2*latency+pause)
						}
						wantNumber := 1 // Retry and BeforeSleep see the 503
						if field == "OnEnd" {
							wantNumber = 2 // OnEnd sees the 200
						}
						if len(seen) != 1 || seen[0].Number != wantNumber {
							t.Fatalf("%s saw %+v, want attempt %d only", field, seen, wantNumber)
						}
						// Slept, which adds up the chosen pauses slept through without
						// reading the clock, is checked only where the round trip reads it.
						a := seen[0]
						if !reads {
							if a.Elapsed != 0 {
								t.Errorf("%s saw Elapsed %v, want 0: the round trip read the clock", field, a.Elapsed)
							}
						} else if wantSlept := time.Duration(wantNumber-1) * pause; a.Elapsed == 0 || a.Elapsed != since[0] || a.Slept != wantSlept {
							t.Errorf("%s saw Elapsed %v and Slept %v at %v, want %v and %v", field, a.Elapsed, a.Slept, since[0], since[0], wantSlept)
						}
						f.checkClosed(t)
					})
				})
			}
		}
	}
}

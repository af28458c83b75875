package retry_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

var errUnavailable = errors.New("service unavailable")

// flaky returns an operation that fails n times with errUnavailable, then succeeds.
func flaky(n int) func(context.Context) (string, error) {
	calls := 0
	return func(context.Context) (string, error) {
		if calls++; calls <= n {
			return "", errUnavailable
		}
		return fmt.Sprintf("answer after %d calls", calls), nil
	}
}

// A service declares one Policy; every call shares it, whatever it returns. Do
// infers the result type: no type argument is written.
func ExampleDo() {
	svc := retry.Policy{
		Stop:  stop.AfterAttempts(5),
		Wait:  wait.Exponential(time.Millisecond, 10*time.Millisecond, 2),
		Retry: predicate.ErrorIs(errUnavailable),
	}
	answer, err := retry.Do(context.Background(), &svc, flaky(2))
	fmt.Println(answer, err)
	// Output: answer after 3 calls <nil>
}

func ExamplePolicy_Run() {
	var p retry.Policy // the zero Policy: 3 attempts, jittered backoff
	calls := 0
	err := p.Run(context.Background(), func(context.Context) error {
		if calls++; calls < 2 {
			return errUnavailable
		}
		return nil
	})
	fmt.Println(calls, err)
	// Output: 2 <nil>
}

// A Retrier adds a result predicate to a shared Policy: here, a job is polled until
// it is done.
func ExampleRetrier_Do() {
	svc := &retry.Policy{Wait: wait.None(), Stop: stop.AfterAttempts(5)}
	poll := retry.Retrier[string]{Policy: svc, RetryResult: func(s string) bool { return s != "done" }}
	states := []string{"queued", "running", "done"}
	calls := 0
	state, err := poll.Do(context.Background(), func(context.Context) (string, error) {
		calls++
		return states[calls-1], nil
	})
	fmt.Println(state, err, calls)
	// Output: done <nil> 3
}

func ExampleError() {
	p := retry.Policy{Stop: stop.AfterAttempts(3), Wait: wait.None()}
	_, err := retry.Do(context.Background(), &p, flaky(10))

	var re *retry.Error
	if errors.As(err, &re) {
		fmt.Println(re.Reason, re.Attempts)
	}
	fmt.Println(errors.Is(err, errUnavailable))
	fmt.Println(err)
	// Output:
	// stop 3
	// true
	// retry: gave up after 3 attempts: service unavailable
}

func ExamplePermanent() {
	errNotFound := errors.New("not found")
	var p retry.Policy
	calls := 0
	err := p.Run(context.Background(), func(context.Context) error {
		calls++
		return retry.Permanent(errNotFound) // retrying will not help
	})
	fmt.Println(calls, err == errNotFound)
	// Output: 1 true
}

func ExampleWithStats() {
	p := retry.Policy{Wait: wait.None()}
	var st retry.Stats
	_, err := retry.Do(retry.WithStats(context.Background(), &st), &p, flaky(1))
	fmt.Println(st.Attempts, err)
	// Output: 2 <nil>
}

// A pause that would outlast the context's deadline is not taken: the call gives up
// at once, and the error says which pause it refused.
func ExampleReason_deadline() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	p := retry.Policy{Wait: wait.Fixed(time.Minute)}
	start := time.Now()
	_, err := retry.Do(ctx, &p, flaky(10))

	var re *retry.Error
	errors.As(err, &re)
	fmt.Println(re.Reason, re.Delay, time.Since(start) < time.Second)
	// Output: deadline 1m0s true
}

// OnEnd sees every call end, and Attempt.Reason says how: a hook can count
// outcomes, successes included, and tell a give-up from an error that was never
// retried.
func ExamplePolicy_onEnd() {
	errNotFound := errors.New("not found")
	p := retry.Policy{
		Name:  "lookup",
		Stop:  stop.AfterAttempts(2),
		Wait:  wait.None(),
		Retry: predicate.ErrorIs(errUnavailable),
		OnEnd: retry.HookFunc(func(a retry.Attempt) { fmt.Println(a.Name, a.Reason, a.Number) }),
	}
	ctx := context.Background()
	_, _ = retry.Do(ctx, &p, flaky(1))
	_, _ = retry.Do(ctx, &p, flaky(5))
	_ = p.Run(ctx, func(context.Context) error { return errNotFound })
	// Output:
	// lookup success 2
	// lookup stop 2
	// lookup not_retried 1
}

// Copying a Policy and changing a field derives a variant, as tenacity's
// retry_with does; the original is unchanged, and both share the Budget.
func ExamplePolicy_copy() {
	base := retry.Policy{Stop: stop.AfterAttempts(2), Wait: wait.None()}
	patient := base
	patient.Stop = stop.AfterAttempts(5)

	_, err := retry.Do(context.Background(), &base, flaky(3))
	fmt.Println(err != nil)
	answer, _ := retry.Do(context.Background(), &patient, flaky(3))
	fmt.Println(answer)
	// Output:
	// true
	// answer after 4 calls
}

// AttemptTimeout bounds each attempt; an attempt that runs out is retried, while
// the caller's own deadline stays final.
func ExamplePolicy_attemptTimeout() {
	p := retry.Policy{AttemptTimeout: 10 * time.Millisecond, Wait: wait.None()}
	calls := 0
	answer, err := retry.Do(context.Background(), &p, func(ctx context.Context) (string, error) {
		if calls++; calls == 1 {
			<-ctx.Done() // the first attempt hangs until its own timeout
			return "", ctx.Err()
		}
		return "fast enough", nil
	})
	fmt.Println(answer, err, calls)
	// Output: fast enough <nil> 2
}

// Hedge runs a second attempt when the first is slow and takes the first answer;
// the slow attempt is canceled, and a result it returned anyway would go to
// Discard.
func ExampleRetrier_Hedge() {
	r := retry.Retrier[string]{
		Policy:  &retry.Policy{Hedger: afterHedger(20 * time.Millisecond)},
		Discard: func(s string) { fmt.Println("discarded:", s) },
	}
	var calls atomic.Int32 // attempts run concurrently
	answer, err := r.Hedge(context.Background(), func(ctx context.Context) (string, error) {
		if calls.Add(1) == 1 {
			<-ctx.Done() // the first attempt is stuck until the winner cancels it
			return "", ctx.Err()
		}
		return "from the hedge", nil
	})
	fmt.Println(answer, err)
	// Output: from the hedge <nil>
}

// afterHedger hedges once, after d: package hedge has the real ones.
type afterHedger time.Duration

func (h afterHedger) Delay(inflight int) (time.Duration, bool) {
	return time.Duration(h), inflight == 1
}
func (afterHedger) Observe(time.Duration) {}

// attemptsUnder is a Stop of one's own that reads no Elapsed or Slept, and says
// so: a call of a Policy made of such strategies reads no clock.
type attemptsUnder int

func (n attemptsUnder) Stop(a retry.Attempt) bool { return a.Number >= int(n) }
func (attemptsUnder) ReadsTime() bool             { return false }

// A strategy of your own says whether it reads time; a func adapted with
// StopFunc is assumed to.
func ExampleReadsTime() {
	byElapsed := retry.StopFunc(func(a retry.Attempt) bool { return a.Elapsed > time.Minute })
	fmt.Println(retry.ReadsTime(attemptsUnder(3)), retry.ReadsTime(byElapsed), retry.ReadsTime(stop.AfterAttempts(3)))
	// Output: false true false
}

// maintenance is a Gate that refuses every attempt while the service is down
// for maintenance: a switch shared by every call of the service.
type maintenance struct{ on atomic.Bool }

var errMaintenance = errors.New("service in maintenance")

func (m *maintenance) Admit(context.Context, retry.Class) (func(retry.Class), error) {
	if m.on.Load() {
		return nil, errMaintenance
	}
	return nil, nil // nothing to hear of the attempt
}

// A Gate refuses first attempts too: a call it refuses sends nothing and ends
// with ReasonGate, and its error matches the Gate's.
func ExampleGate() {
	var m maintenance
	svc := &retry.Policy{Gate: &m}
	m.on.Store(true)
	calls := 0
	err := svc.Run(context.Background(), func(context.Context) error { calls++; return nil })
	var e *retry.Error
	fmt.Println(calls, errors.As(err, &e) && e.Reason == retry.ReasonGate, errors.Is(err, errMaintenance))
	m.on.Store(false)
	fmt.Println(svc.Run(context.Background(), func(context.Context) error { calls++; return nil }), calls)
	// Output:
	// 0 true true
	// <nil> 1
}

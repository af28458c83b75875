package retry_test

import (
	"context"
	"errors"
	"fmt"
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

func ExampleRetrier_Do() {
	// The result type is written once, on the Retrier; Do, the strategies and the
	// operation need no type argument.
	r := retry.Retrier[string]{
		Stop:  stop.AfterAttempts(5),
		Wait:  wait.Exponential(time.Millisecond, 2, 0, 10*time.Millisecond),
		Retry: predicate.ErrorIs(errUnavailable),
	}
	answer, err := r.Do(context.Background(), flaky(2))
	fmt.Println(answer, err)
	// Output: answer after 3 calls <nil>
}

func ExampleRetrier_Run() {
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

func ExampleError() {
	r := retry.Retrier[string]{Stop: stop.AfterAttempts(3), Wait: wait.None()}
	_, err := r.Do(context.Background(), flaky(10))

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
	r := retry.Retrier[string]{Wait: wait.None()}
	var st retry.Stats
	_, err := r.Do(retry.WithStats(context.Background(), &st), flaky(1))
	fmt.Println(st.Attempts, err)
	// Output: 2 <nil>
}

// A pause that would outlast the context's deadline is not taken: the call gives up
// at once, and the error says which pause it refused.
func ExampleReason_deadline() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	r := retry.Retrier[string]{Wait: wait.Fixed(time.Minute)}
	start := time.Now()
	_, err := r.Do(ctx, flaky(10))

	var re *retry.Error
	errors.As(err, &re)
	fmt.Println(re.Reason, re.Delay, time.Since(start) < time.Second)
	// Output: deadline 1m0s true
}

// Copying a Retrier and changing a field derives a variant, as tenacity's
// retry_with does; the original is unchanged.
func ExampleRetrier_copy() {
	base := retry.Retrier[string]{Stop: stop.AfterAttempts(2), Wait: wait.None()}
	patient := base
	patient.Stop = stop.AfterAttempts(5)

	_, err := base.Do(context.Background(), flaky(3))
	fmt.Println(err != nil)
	answer, _ := patient.Do(context.Background(), flaky(3))
	fmt.Println(answer)
	// Output:
	// true
	// answer after 4 calls
}

func ExampleStop_Or() {
	s := stop.AfterAttempts(3).Or(stop.AfterElapsed(time.Second))
	fmt.Println(s(retry.Attempt{Number: 1}), s(retry.Attempt{Number: 3}), s(retry.Attempt{Number: 1, Elapsed: time.Minute}))
	// Output: false true true
}

func ExamplePredicate_And() {
	errBusy := errors.New("busy")
	p := predicate.Transient().Or(predicate.ErrorIs(errBusy)).And(predicate.Message("busy"))
	fmt.Println(p(retry.Attempt{Err: errBusy}), p(retry.Attempt{Err: errors.New("bad request")}))
	// Output: true false
}

func ExampleWait_Plus() {
	w := wait.Fixed(time.Second).Plus(wait.Incrementing(0, 500*time.Millisecond, time.Minute)).Max(2 * time.Second)
	for n := 1; n <= 4; n++ {
		fmt.Println(w(retry.Attempt{Number: n}))
	}
	// Output:
	// 1s
	// 1.5s
	// 2s
	// 2s
}

func ExampleHook_Then() {
	count := 0
	h := retry.Hook(func(retry.Attempt) { count++ }).Then(func(a retry.Attempt) {
		fmt.Println("attempt", a.Number, "failed:", a.Err)
	})
	r := retry.Retrier[string]{Wait: wait.None(), After: h}
	_, _ = r.Do(context.Background(), flaky(1))
	fmt.Println(count, "attempts")
	// Output:
	// attempt 1 failed: service unavailable
	// attempt 2 failed: <nil>
	// 2 attempts
}

// AttemptTimeout bounds each attempt; an attempt that runs out is retried, while
// the caller's own deadline stays final.
func ExampleRetrier_attemptTimeout() {
	r := retry.Retrier[string]{AttemptTimeout: 10 * time.Millisecond, Wait: wait.None()}
	calls := 0
	answer, err := r.Do(context.Background(), func(ctx context.Context) (string, error) {
		if calls++; calls == 1 {
			<-ctx.Done() // the first attempt hangs until its own timeout
			return "", ctx.Err()
		}
		return "fast enough", nil
	})
	fmt.Println(answer, err, calls)
	// Output: fast enough <nil> 2
}

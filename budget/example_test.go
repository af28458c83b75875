package budget_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

var errUnavailable = errors.New("service unavailable")

// One budget, shared by the Policy of every caller of a service that has gone down:
// the process retries what its start pays for, then the budget stops retries
// instead of multiplying the load. When the service answers again, every
// accepted attempt earns 2 tokens, up to 16.
func ExampleDefault() {
	b := budget.Default()
	p := retry.Policy{Stop: stop.AfterAttempts(4), Wait: wait.None(), Budget: b}
	calls, up := 0, false
	service := func(context.Context) (string, error) {
		calls++
		if !up {
			return "", errUnavailable
		}
		return "ok", nil
	}

	for range 100 {
		_, err := retry.Do(context.Background(), &p, service)
		var re *retry.Error
		if errors.As(err, &re) && re.Reason != retry.ReasonBudget && re.Reason != retry.ReasonStop {
			fmt.Println("unexpected:", err)
		}
	}
	fmt.Printf("down: 100 requests, %d calls, %v tokens left\n", calls, b.Tokens())
	up = true
	for range 10 {
		_, _ = retry.Do(context.Background(), &p, service)
	}
	fmt.Printf("up again: 10 requests, %v tokens\n", b.Tokens())
	// Output:
	// down: 100 requests, 102 calls, 0 tokens left
	// up again: 10 requests, 16 tokens
}

// An earned budget starts with gain tokens, so a fresh process (a command-line
// tool making one request) can retry its first failures; then only the attempts
// the service accepts earn it more.
func ExampleNewEarned() {
	b := budget.NewEarned(2, 16)
	fmt.Println(b.Tokens(), b.Allow(retry.ClassTransient), b.Allow(retry.ClassThrottled), b.Allow(retry.ClassTransient))
	b.Attempted(retry.ClassSuccess, retry.ClassThrottled) // the throttled retry succeeded: +2
	b.Attempted(retry.ClassAnswered, 0)                   // a 404 still shows the service serving: +2
	b.Attempted(retry.ClassTransient, 0)                  // a failure earns nothing
	b.Attempted(retry.ClassSuccess, retry.ClassExtra)     // nor does a hedge that won
	fmt.Println(b.Tokens())
	// Output:
	// 2 true true false
	// 4.75
}

// A token bucket of your own size: gRPC's retryThrottling with maxTokens 100 and
// tokenRatio 0.1 lets a larger crowd retry more before it stops.
func ExampleNewTokenBucket() {
	b := budget.NewTokenBucket(100, 0.1)
	for range 49 {
		b.Attempted(retry.ClassTransient, retry.ClassTransient) // 49 failed attempts
	}
	fmt.Println(b.Tokens(), b.Allow(retry.ClassTransient))
	b.Attempted(retry.ClassTransient, retry.ClassTransient)
	fmt.Println(b.Tokens(), b.Allow(retry.ClassTransient))
	// Output:
	// 51 true
	// 50 false
}

// Finagle's retry budget: retries up to 20% of the calls of the last 10 seconds,
// plus a reserve of 10 retries a second for quiet services.
func ExampleNewRatio() {
	b := budget.NewRatio(0.2, 0, 10*time.Second) // no reserve, to show the ratio
	for range 10 {
		b.Attempted(retry.ClassSuccess, 0) // 10 calls
	}
	fmt.Println(b.Allow(retry.ClassTransient), b.Allow(retry.ClassTransient), b.Allow(retry.ClassTransient))
	// Output: true true false
}

// A quota sized for a process that sends about a request a second: a minute of
// total outage costs it 6 retries, and a throttled retry costs less than one after
// a failure.
func ExampleNewQuota() {
	q := budget.NewQuota(84, 14, 5)
	retries := 0
	for q.Allow(retry.ClassTransient) {
		retries++ // every retry fails: nothing comes back
	}
	fmt.Println(retries, q.Tokens(), q.Allow(retry.ClassThrottled))
	q.Attempted(retry.ClassSuccess, retry.ClassThrottled) // a throttled retry that succeeded gives its 5 back
	fmt.Println(q.Tokens())
	// Output:
	// 6 0 false
	// 5
}

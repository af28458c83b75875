package stop_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
)

func ExampleAfterAttempts() {
	s := stop.AfterAttempts(3)
	for n := 1; n <= 4; n++ {
		fmt.Printf("after attempt %d: stop=%v\n", n, s.Stop(retry.Attempt{Number: n}))
	}
	// Output:
	// after attempt 1: stop=false
	// after attempt 2: stop=false
	// after attempt 3: stop=true
	// after attempt 4: stop=true
}

// A Policy that makes at most three attempts and does not pause between them.
func ExampleAfterAttempts_policy() {
	p := retry.Policy{
		Stop: stop.AfterAttempts(3),
		Wait: retry.WaitFunc(func(retry.Attempt) time.Duration { return 0 }),
	}
	calls := 0
	err := p.Run(context.Background(), func(context.Context) error {
		calls++
		return errors.New("unavailable")
	})
	fmt.Println(calls, "calls")
	fmt.Println(err)
	// Output:
	// 3 calls
	// retry: gave up after 3 attempts: unavailable
}

func ExampleAfterElapsed() {
	s := stop.AfterElapsed(10 * time.Second)
	for _, a := range []retry.Attempt{
		{Number: 2, Elapsed: 9 * time.Second, Delay: 5 * time.Second},
		{Number: 3, Elapsed: 10 * time.Second},
	} {
		fmt.Printf("elapsed %v, next pause %v: stop=%v\n", a.Elapsed, a.Delay, s.Stop(a))
	}
	// Output:
	// elapsed 9s, next pause 5s: stop=false
	// elapsed 10s, next pause 0s: stop=true
}

func ExampleBeforeElapsed() {
	s := stop.BeforeElapsed(10 * time.Second)
	for _, a := range []retry.Attempt{
		{Number: 2, Elapsed: 6 * time.Second, Delay: 3 * time.Second},
		{Number: 2, Elapsed: 6 * time.Second, Delay: 4 * time.Second},
	} {
		fmt.Printf("elapsed %v, next pause %v: stop=%v\n", a.Elapsed, a.Delay, s.Stop(a))
	}
	// Output:
	// elapsed 6s, next pause 3s: stop=false
	// elapsed 6s, next pause 4s: stop=true
}

func ExampleNever() {
	// Never leaves the bound to the context: here, a deadline of one minute.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p := retry.Policy{
		Stop: stop.Never(),
		Wait: retry.WaitFunc(func(retry.Attempt) time.Duration { return time.Millisecond }),
	}
	calls := 0
	err := p.Run(ctx, func(context.Context) error {
		calls++
		if calls < 5 {
			return errors.New("not yet")
		}
		return nil
	})
	fmt.Println(calls, "calls,", "error:", err)
	// Output: 5 calls, error: <nil>
}

func ExampleWhenClosed() {
	shutdown := make(chan struct{})
	s := stop.WhenClosed(shutdown)
	fmt.Println("before close:", s.Stop(retry.Attempt{Number: 1}))
	close(shutdown)
	fmt.Println("after close:", s.Stop(retry.Attempt{Number: 1}))
	// Output:
	// before close: false
	// after close: true
}

func ExampleAny() {
	// Give up after 5 attempts or once 30 seconds have passed, whichever comes first.
	s := stop.Any(stop.AfterAttempts(5), stop.AfterElapsed(30*time.Second))
	fmt.Println(s.Stop(retry.Attempt{Number: 2, Elapsed: 31 * time.Second}))
	fmt.Println(s.Stop(retry.Attempt{Number: 5, Elapsed: time.Second}))
	fmt.Println(s.Stop(retry.Attempt{Number: 2, Elapsed: time.Second}))
	// Output:
	// true
	// true
	// false
}

func ExampleAll() {
	// Give up only once both 3 attempts have been made and 1 second has passed.
	s := stop.All(stop.AfterAttempts(3), stop.AfterElapsed(time.Second))
	fmt.Println(s.Stop(retry.Attempt{Number: 3, Elapsed: 500 * time.Millisecond}))
	fmt.Println(s.Stop(retry.Attempt{Number: 2, Elapsed: 2 * time.Second}))
	fmt.Println(s.Stop(retry.Attempt{Number: 3, Elapsed: 2 * time.Second}))
	// Output:
	// false
	// false
	// true
}

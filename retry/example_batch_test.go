package retry_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

func ExampleWrap() {
	p := retry.Policy{Stop: stop.AfterAttempts(3), Wait: wait.None()}
	tries := 0
	parsePort := retry.Wrap(&p, func(_ context.Context, s string) (int, error) {
		if tries++; tries == 1 {
			return 0, errUnavailable // the first call fails, the retry succeeds
		}
		return strconv.Atoi(s)
	})
	port, err := parsePort(context.Background(), "8080")
	fmt.Println(port, err, tries)
	// Output: 8080 <nil> 2
}

func ExampleGroup() {
	p := retry.Policy{Stop: stop.AfterAttempts(3), Wait: wait.None()}
	g, ctx := retry.NewGroup(context.Background(), &p)
	g.SetLimit(4)
	var fetched atomic.Int64
	for i := range 10 {
		tries := 0
		g.Go(func(ctx context.Context) error {
			if tries++; i%3 == 0 && tries == 1 {
				return errUnavailable // every third task needs a retry
			}
			fetched.Add(1)
			return nil
		})
	}
	err := g.Wait()
	fmt.Println(fetched.Load(), err, ctx.Err())
	// Output: 10 <nil> context canceled
}

func ExampleGroup_CollectAll() {
	var p retry.Policy
	g, _ := retry.NewGroup(context.Background(), &p)
	g.CollectAll()
	for i := range 5 {
		g.Go(func(context.Context) error {
			if i == 1 || i == 3 {
				return retry.Permanent(fmt.Errorf("item %d is invalid", i))
			}
			return nil
		})
	}
	err := g.Wait()
	fmt.Println(err)
	var be *retry.BatchError
	if errors.As(err, &be) {
		fmt.Println(be.Failures[0].Index, be.Failures[1].Index)
	}
	// Output:
	// retry: 2 tasks failed
	// task 1: item 1 is invalid
	// task 3: item 3 is invalid
	// 1 3
}

func ExampleMap() {
	p := retry.Policy{Wait: wait.None()}
	ids := []int{3, 1, 2}
	names, err := retry.Map(context.Background(), &p, ids, 2, func(_ context.Context, id int) (string, error) {
		return "user-" + strconv.Itoa(id), nil
	})
	fmt.Println(names, err)
	// Output: [user-3 user-1 user-2] <nil>
}

func ExampleMapAll() {
	p := retry.Policy{Wait: wait.None()}
	out, err := retry.MapAll(context.Background(), &p, []string{"1", "x", "3"}, 2, func(_ context.Context, s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, retry.Permanent(err) // a bad input will not parse on retry
		}
		return n, nil
	})
	fmt.Println(out)
	fmt.Println(err)
	// Output:
	// [1 0 3]
	// retry: 1 task failed
	// task 1: strconv.Atoi: parsing "x": invalid syntax
}

// The loop form suits code where a closure is awkward. A defer inside the body
// would run only when the surrounding function returns, not at the end of the
// attempt: keep per-attempt cleanup in a function of its own, as send does here.
func ExampleLoop() {
	p := retry.Policy{Stop: stop.AfterAttempts(4), Wait: wait.Fixed(time.Millisecond)}
	send := func(ctx context.Context, attempt int) error {
		// ... open a connection, defer its Close, write the message ...
		if attempt < 3 {
			return errUnavailable
		}
		return nil
	}

	loop := p.Loop(context.Background())
	for a := range loop.Attempts() {
		if err := send(a.Context(), a.Number()); err != nil {
			fmt.Println("attempt", a.Number(), "failed:", err)
			a.Fail(err)
		}
	}
	fmt.Println("result:", loop.Err())
	// Output:
	// attempt 1 failed: service unavailable
	// attempt 2 failed: service unavailable
	// result: <nil>
}

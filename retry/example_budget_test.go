package retry_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

// One budget, shared by every caller of a service that has gone down: the first
// callers retry, then the budget stops retries instead of multiplying the load.
func ExampleDefaultBudget() {
	budget := retry.DefaultBudget()
	r := retry.Retrier[string]{Stop: stop.AfterAttempts(4), Wait: wait.None(), Budget: budget}
	calls := 0
	down := func(context.Context) (string, error) { calls++; return "", errUnavailable }

	for range 100 {
		_, err := r.Do(context.Background(), down)
		var re *retry.Error
		if errors.As(err, &re) && re.Reason != retry.ReasonBudget && re.Reason != retry.ReasonStop {
			fmt.Println("unexpected:", err)
		}
	}
	fmt.Printf("100 requests, %d calls, %.1f tokens left\n", calls, budget.Tokens())
	// Output: 100 requests, 103 calls, 0.0 tokens left
}

package hedge_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/retry"
)

// A Retrier hedges with Hedge: here the first attempt is stuck, the hedge started
// after 20ms answers at once, and the stuck attempt is canceled.
func ExampleFixed() {
	r := retry.Retrier[string]{Policy: &retry.Policy{Hedger: hedge.Fixed(20*time.Millisecond, 1)}}
	var calls atomic.Int32 // attempts run concurrently
	answer, err := r.Hedge(context.Background(), func(ctx context.Context) (string, error) {
		if calls.Add(1) == 1 {
			<-ctx.Done() // stuck until the winner cancels it
			return "", ctx.Err()
		}
		return "from the hedge", nil
	})
	fmt.Println(answer, err)
	// Output: from the hedge <nil>
}

// A Quantile hedges the slowest share of calls, once it has seen enough of them.
func ExampleNewQuantile() {
	h := hedge.NewQuantile(0.95, time.Millisecond, time.Second, 1)
	for i := range hedge.WarmUp {
		h.Observe(time.Duration(i+1) * time.Millisecond)
	}
	d, ok := h.Delay(1)
	fmt.Println(d, ok)
	// Output: 31ms true
}

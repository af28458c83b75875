package gate_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/gate"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/stop"
	"github.com/tenacious-go/tenacious/wait"
)

var errUnavailable = errors.New("service unavailable")

// A service that has gone down, called 1000 times through a Policy with a budget,
// which caps retries, and a throttle, which sheds first attempts too: the
// throttle soon refuses nine attempts in ten, which fail at once without being
// sent, and the tenth probes the service.
func ExampleNewThrottle() {
	th := gate.NewThrottle(2, 30*time.Second) // gate.DefaultThrottle()
	users := retry.Policy{
		Stop:   stop.AfterAttempts(4),
		Wait:   wait.None(),
		Budget: budget.Default(), // retries: a share of the traffic
		Gate:   th,               // every attempt: shed load while the service fails
	}
	sent := 0
	down := func(context.Context) (string, error) { sent++; return "", errUnavailable }

	var refused error
	for range 1000 {
		_, err := retry.Do(context.Background(), &users, down)
		var re *retry.Error
		if errors.Is(err, gate.ErrThrottled) && errors.As(err, &re) && re.Attempts == 0 {
			refused = err // refused here, never sent
		}
	}
	fmt.Println(refused)
	fmt.Println("refusal probability:", th.Probability())
	fmt.Println("attempts sent, fewer than 250 (1035 without the throttle):", sent < 250)
	// Output:
	// retry: refused by the gate after 0 attempts (gate: throttled: too few recent attempts were accepted)
	// refusal probability: 0.9
	// attempts sent, fewer than 250 (1035 without the throttle): true
}

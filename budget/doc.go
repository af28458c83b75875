// Package budget holds the retry budgets of package retry: implementations of
// [retry.Budget] that cap retries as a share of traffic, so that retries cannot
// multiply the load on a service that is already failing (a retry storm). First
// attempts are never throttled: a budget only decides whether a call may retry, and
// when it refuses, the call gives up at once with retry.ReasonBudget.
//
// A budget counts the traffic of a whole service, so make one per service and put it
// in the Policy of every caller of that service; a copy of the Policy, or a Retrier
// built from it, shares it too:
//
//	var users = retry.Policy{
//		Name: "users",
//		Stop: stop.AfterAttempts(4),
//		// One budget for every call to the service. Or size your own:
//		// budget.NewTokenBucket(100, 0.1), or Finagle's budget.NewRatio(0.2, 10, 10*time.Second).
//		Budget: budget.Default(),
//	}
//
//	// In every caller, on any goroutine:
//	u, err := retry.Do(ctx, &users, func(ctx context.Context) (User, error) { return api.User(ctx, id) })
//
// [TokenBucket] (gRPC's retry throttling, which only successes refill) and [Ratio]
// (Finagle's retry budget, which time restores) are the two proven models; [Default]
// is the one to start with. Every budget is safe for concurrent use.
package budget

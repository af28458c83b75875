// Package budget holds the retry budgets of package retry: implementations of
// [retry.Budget] that cap retries as a share of traffic, so that retries cannot
// multiply the load on a service that is already failing (a retry storm). A
// budget never refuses a first attempt (a retry.Gate may: see package gate): it
// only decides whether a call may make another attempt, and when it refuses, the
// call gives up with retry.ReasonBudget (after waiting out a server's hint, if
// the failure carried one).
//
// A budget counts the traffic of a whole service, so make one per service and put it
// in the Policy of every caller of that service; a copy of the Policy, or a Retrier
// built from it, shares it too:
//
//	var users = retry.Policy{
//		Name: "users",
//		Stop: stop.AfterAttempts(4),
//		// One budget for every call to the service. Or size your own:
//		// budget.NewQuota(84, 14, 5) for a process that sends a request a second,
//		// gRPC's budget.NewTokenBucket(10, 0.1), Finagle's budget.NewRatio(0.2, 10, 10*time.Second).
//		Budget: budget.Default(),
//	}
//
//	// In every caller, on any goroutine:
//	u, err := retry.Do(ctx, &users, func(ctx context.Context) (User, error) { return api.User(ctx, id) })
//
// Three proven models: [Quota], the AWS SDKs' retry quota, which charges each retry
// by class (a throttled retry costs less than one after a failure) and refunds what
// succeeds — [Default] is its 2026 configuration and the one to start with;
// [TokenBucket], gRPC's retry throttling, which failures drain and successes refill;
// and [Ratio], Finagle's retry budget, which allows retries up to a share of recent
// calls and which time restores. Every budget is safe for concurrent use.
package budget

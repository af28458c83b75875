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
//		// budget.NewEarned(2, 2) for a fleet of many small processes,
//		// budget.NewQuota(500, 14, 5) for one process whose failures come in bursts,
//		// gRPC's budget.NewTokenBucket(10, 0.1), Finagle's budget.NewRatio(0.2, 10, 10*time.Second).
//		Budget: budget.Default(),
//	}
//
//	// In every caller, on any goroutine:
//	u, err := retry.Do(ctx, &users, func(ctx context.Context) (User, error) { return api.User(ctx, id) })
//
// [Default] is the one to start with: an [Earned] budget, NewEarned(2, 16), with
// which a process earns its retries from its own traffic (2 tokens for each
// attempt the service accepts, up to 16; 1 token a retry), so that a fleet's
// retries in an outage stay bounded by its processes' own successes. Three proven
// models besides: [Quota], the AWS SDKs' retry quota, which charges each retry by
// class (a throttled retry costs less than one after a failure) and refunds what
// succeeds, NewQuota(500, 14, 5) being their 2026 configuration and this package's
// former default; [TokenBucket], gRPC's retry throttling, which failures drain and
// successes refill; and [Ratio], Finagle's retry budget, which allows retries up to
// a share of recent calls and which time restores. Every budget is safe for
// concurrent use.
package budget

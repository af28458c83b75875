// Package gate holds the gates of package retry: implementations of [retry.Gate]
// that admit or refuse every attempt before it starts, first attempts included,
// for every call that shares them. A refused attempt never leaves the process:
// the call ends at once with an *retry.Error of retry.ReasonGate that unwraps to
// the gate's error.
//
// Its first gate is [Throttle], the client-side adaptive throttling of Google's
// SRE book ("Handling Overload", chapter 21), with the padding of grpc-go's RLS
// balancer. Over the last window (30 seconds) a client counts requests, the attempts
// it wanted to send, those it refused itself included, and accepts, those the
// service accepted (a success, or an answer such as a not-found), and it refuses
// a new attempt with probability
//
//	p = max(0, (requests − k·accepts) / (requests + 8)), at most 0.9
//
// With k = 2, a client refuses nothing while the service accepts at least half
// of what it sends; beyond that it sends about twice what the service accepts and
// sheds the rest itself, and at least one attempt in ten still goes through, to
// see the service recover.
//
// # A Throttle or a Budget
//
// A [retry.Budget] (package budget) caps retries: first attempts always go, so a
// fleet in an outage still sends the service every request once, and the budget
// only keeps retries from multiplying that. A Throttle refuses first attempts too:
// once the service accepts fewer than one request in k, each client sends about
// k times what the service accepts and fails the rest at once, without a round
// trip. Every client reaches that on its own, from its own counts, so the fleet's
// load falls to about k times what the service can serve, and the service spends
// nothing on the requests it could not have served anyway: rejecting a request
// costs it too, and under enough load that alone overloads it.
//
// Use a Budget for every service; add a Throttle for a service that its clients
// can overload, where load shed at the client is worth the requests it fails
// that the service might have served. The two go together in one Policy: the
// engine asks the Budget whether to retry, then the Gate whether the retry (or
// the first attempt) may start. Share one Throttle by every Policy that calls the
// same service, and only that service: a Throttle shared by two services would
// refuse calls to one because the other failed.
//
//	var users = retry.Policy{
//		Name:   "users",
//		Budget: budget.Default(),       // retries: a share of the traffic
//		Gate:   gate.DefaultThrottle(), // every attempt: shed load while the service fails
//	}
//
//	u, err := retry.Do(ctx, &users, func(ctx context.Context) (User, error) { return api.User(ctx, id) })
//	if errors.Is(err, gate.ErrThrottled) {
//		// Refused here, not sent: answer as the service would when overloaded.
//	}
//
// Every gate is safe for concurrent use.
package gate

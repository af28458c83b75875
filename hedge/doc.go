// Package hedge holds the hedgers of package retry: implementations of
// [retry.Hedger] that decide when a call starts another attempt because the ones
// in flight are slow, for the slow tail of latency. Hedge only calls that are safe
// to repeat, and keep a Budget in the Policy: hedges are paid from it, so a service
// that is slow everywhere is not sent twice the load.
//
//	var searchPolicy = &retry.Policy{
//		Name:   "search",
//		Hedger: hedge.NewQuantile(0.95, 10*time.Millisecond, time.Second, 1),
//		Budget: budget.Default(),
//	}
//	search := retry.Retrier[[]Hit]{Policy: searchPolicy}
//	hits, err := search.Hedge(ctx, func(ctx context.Context) ([]Hit, error) { return index.Search(ctx, q) })
//
// Only Retrier.Hedge and adapters for requests safe to repeat (retryhttp's
// Transport, retrygrpc's unary interceptor) hedge; retry.Do, Retrier.Do and the
// other call shapes ignore the Hedger, since only the call site can say that an
// operation is safe to run several times at once.
//
// [Fixed] hedges after a constant delay; [NewQuantile] after a quantile of the
// latencies it has observed, so that about the slowest share of calls hedges.
package hedge

// Package retrygrpc retries gRPC calls, and only those that are safe to make
// again: client interceptors, unary and streaming, that run the retry.Policy of
// the service they call, the one every other caller of that service shares, so
// that one Budget and one set of hooks see all of its traffic. Only methods
// safe to repeat are retried (see Idempotency): their descriptors say so, or
// the caller does, as here:
//
//	logger := slog.Default()
//	svc := &retry.Policy{
//		AttemptTimeout: 2 * time.Second,
//		BeforeSleep:    hooks.LogBeforeSleep(logger, slog.LevelWarn), // each retry
//		OnEnd:          hooks.LogEnd(logger, slog.LevelWarn),         // each give-up, each retry refused
//		Budget:         budget.Default(),
//	}
//	safe := retrygrpc.IdempotentMethods("/inventory.Stock/Get", "/inventory.Stock/Watch")
//	conn, err := grpc.NewClient(target,
//		grpc.WithTransportCredentials(creds),
//		grpc.WithChainUnaryInterceptor(retrygrpc.UnaryClientInterceptor(svc, safe)),
//		grpc.WithChainStreamInterceptor(retrygrpc.StreamClientInterceptor(svc, safe)),
//		grpc.WithDisableRetry(), // one retry layer, not two: see below
//	)
//
// # Defaults
//
// A nil field of the Policy means the retry engine's default, as everywhere in
// this module, but for Retry: an interceptor with the zero Policy (or a nil
// one) makes at most retry.DefaultAttempts (4) attempts, backs off with full
// jitter (after attempt n, a pause drawn from 0 up to 100ms·2^(n-1), at most
// 10s), and honours the server's hints up to a minute, as retry.Do does; where
// retry.Do retries any error, it retries the status codes of its default
// table, [Transient]:
//
//   - UNAVAILABLE;
//   - RESOURCE_EXHAUSTED, only with a server's hint: a grpc-retry-pushback-ms
//     trailer or a google.rpc.RetryInfo detail;
//   - DEADLINE_EXCEEDED, only while the caller's context lives: the attempt's own
//     timeout (Policy.AttemptTimeout), or a server that ran out of a deadline of
//     its own. When the caller's deadline passes, the call ends at once: the
//     engine checks the caller's context before it asks any predicate;
//   - ABORTED, only with the option [RetryAborted];
//   - never CANCELLED (whoever sent it), INVALID_ARGUMENT, NOT_FOUND,
//     ALREADY_EXISTS, PERMISSION_DENIED, UNAUTHENTICATED, FAILED_PRECONDITION,
//     OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, DATA_LOSS or UNKNOWN.
//
// A Policy.Retry of your own replaces the table: [Codes] builds one from status
// codes, and package predicate combines it with Transient. It sees each failed
// attempt as a *[StatusError] in Attempt.Err, or as the error of an attempt
// timeout (retry.ErrAttemptTimeout), which is always retried when the call may
// be made again. Policy.Name, when empty, is set for each call to its full
// method name ("/package.Service/Method"), which the hooks read as
// Attempt.Name; setting it costs nothing, as gRPC hands the interceptor that
// string.
//
// # Idempotency
//
// A call is made again only if that cannot do harm: its method is safe to
// repeat. That is the case when the method's descriptor, looked up by full
// method name in protoregistry.GlobalFiles (or the source of [Descriptors]),
// declares it with
//
//	option idempotency_level = NO_SIDE_EFFECTS; // or IDEMPOTENT
//
// or when the caller says so: for some methods with [IdempotentMethods], for
// all with [AssumeIdempotent], for one call with the call option [Idempotent]
// or a context made by [WithIdempotent]. The interceptor makes any other call
// once: a failure that would have been retried comes back in a
// *retry.NotRetriedError of retry.ReasonNotIdempotent, any other as gRPC
// returned it, and the Budget still hears of it. Descriptors are read once per
// method and cached.
//
// grpc-go already resends, by itself, an RPC that provably never reached the
// server's application, whatever its method and whatever this package does:
// its "transparent retry" remakes a stream that the transport could not create,
// or that the server refused before reading it (an HTTP/2 REFUSED_STREAM, a
// stream above the last stream ID of a GOAWAY), and grpc.WithDisableRetry does
// not turn it off. A method that is not idempotent is thus still safe from the
// commonest failures of a connection, and the interceptor leaves those to
// grpc-go: it sees one attempt, which succeeds.
//
// # Server hints
//
// A server tells a client when to come back in two ways, and both set the
// pause, whatever the Policy's Wait (see StatusError.RetryAfter):
//
//   - the grpc-retry-pushback-ms trailer of gRFC A6: a non-negative integer is
//     the pause in milliseconds; a negative or malformed value, or more than one
//     value, means "do not retry", and the call is not retried, whatever the
//     Policy's Retry says;
//   - a google.rpc.RetryInfo in the status details: its retry_delay.
//
// The retry engine caps the pause at Policy.MaxRetryAfter (a minute by
// default; a negative value ignores hints) and adds up to half of it at random,
// so that clients told the same thing do not come back in step. A pause that
// would outlast the caller's deadline is not taken: the call gives up at once
// (retry.ReasonDeadline). Each attempt after the first carries the
// grpc-previous-rpc-attempts metadata, as gRFC A6 asks, so that the server
// knows it is a retry.
//
// A pushback that says not to retry is the server's answer: the error comes
// back as gRPC returned it, OnEnd sees retry.ReasonNotRetried, and a layer
// above is told not to make the call again (see Layers), as it cannot see the
// trailer.
//
// For the Budget, a failure worth retrying is throttled (retry.ClassThrottled)
// when it is a RESOURCE_EXHAUSTED or carries a server's hint, pushback or
// RetryInfo, and transient otherwise, unless Policy.Throttled says otherwise.
// The Budget hears of every failure worth retrying, even one the interceptor
// may not retry, as the method is not idempotent.
//
// # Hedging
//
// With a Hedger in the Policy, a unary call of a method that is safe to repeat
// hedges the slow tail, as retry.Retrier.Hedge does: when an attempt has not
// answered after the Hedger's delay, another starts beside it, and the first
// that decides the call wins; the others are canceled (their servers see their
// contexts end) and awaited before the call returns. Hedges are paid from the
// Budget (retry.ClassExtra: budget.Default() charges 8 tokens for one, earned
// by the first three answered calls of a fresh process, which hedge nothing
// until then) and count as attempts for the Stop, and each
// carries the grpc-previous-rpc-attempts metadata, the number of attempts sent
// before it. A failure while another attempt is in flight starts nothing, one
// after a response header ends the call (its commit point), and a service that
// fails at once sees the attempts it would see without a Hedger:
//
//	svc := &retry.Policy{Hedger: hedge.Fixed(20*time.Millisecond, 1), Budget: budget.Default()}
//	conn, err := grpc.NewClient(target,
//		grpc.WithTransportCredentials(creds),
//		grpc.WithChainUnaryInterceptor(retrygrpc.UnaryClientInterceptor(svc,
//			retrygrpc.IdempotentMethods("/search.Index/Query"))),
//		grpc.WithDisableRetry(),
//	)
//
// Each attempt after the first decodes into a reply of its own, copied into
// the caller's if it wins, so the reply must be a proto.Message, as generated
// code's are; a call whose reply is not, a method that is not safe to repeat,
// and every stream run one attempt at a time. See [UnaryClientInterceptor] for
// what a hedged call does with the caller's call options.
//
// # Gate
//
// A Gate in the Policy (retry.Gate: an adaptive throttle, a circuit breaker,
// shared per service like a Budget) is asked before every attempt of every
// call through the interceptors, first attempts, retries, hedges and the
// openings of streams included, and hears how each attempt it admitted ended,
// as the Budget does: ClassSuccess for an OK; a failure worth retrying as
// transient (or, when the Policy has a Budget, as throttled when the Budget
// hears it so), even when the rules of safety keep the interceptor from
// retrying it; ClassAnswered for the rest; and zero for an attempt that the
// caller's context ended or that lost to a hedge. OnEnd sees retry.ReasonGate
// when it refuses:
//
//   - a first attempt, or the opening of a stream: nothing is sent, and the
//     call returns (the stream is not returned, and the interceptor returns)
//     an error that reads as UNAVAILABLE to status.Code and status.FromError,
//     whose message says that the client's gate refused the call, and gives
//     the Gate's error. The call is safe to make again later, whatever its
//     method: UNAVAILABLE is the code grpc-go gives an RPC it could not send,
//     and the code that retry policies list (gRFC A6's example retries it
//     alone, and so does [Transient]), where RESOURCE_EXHAUSTED would say that
//     a quota ran out, and is not retried without a server's hint;
//   - a retry: the call ends as when a Budget refuses one, and as grpc-go's
//     own retry throttling does, with the last attempt's failure: a
//     *retry.Error that reads as the last attempt's status (returned by
//     RecvMsg, for a stream);
//   - a hedge: it is not sent, and the call waits for the attempts in flight.
//
// Both errors unwrap to a *retry.Error whose Refusal is the Gate's error, so
// errors.Is(err, theGatesError) holds, and both tell a layer above not to make
// the call again, as a Budget's refusal does (see Layers).
//
// # Layers and overrides
//
// Retries at several layers multiply: 4 attempts of a gRPC call inside each of
// 4 attempts of a retry.Policy.Run around it are 16 calls to a server that is
// down. The interceptors retry at one layer, as every call of this module
// does: when a call through them runs inside an attempt of another call of
// the module (its context descends from the attempt's: Run, Do, a Retrier,
// another retrygrpc interceptor chained before it) and gives up after
// retrying, runs out of Budget, or is refused a retry for safety (a method
// that is not idempotent, a call past its commit point, a server's pushback
// that says no), the outer call does not retry that attempt, and ends with
// retry.ReasonLayerBelow. An outer call whose own attempt timed out, or whose
// caller's context ended, judges its attempt as its Policy says. A call inside
// an attempt of a hedged call (a retry.Retrier.Hedge, a hedging retrygrpc
// interceptor chained before it) makes one attempt, and does not hedge: the
// hedged call does the retrying. It ends with retry.ReasonNotRetried, unless
// a rule of safety refused the retry its Policy wanted, which decides the
// hedged call's attempt as above.
//
// Three overrides change one call, as a call option or through the call's
// context, the same for every entry point of the module; a call option wins
// over the context. Either form applies to the call of the first retrygrpc
// interceptor the call goes through, not to the calls inside its attempts:
// the context of an attempt does not carry the context form, and the
// interceptor does not pass the call option on, so a second retrygrpc
// interceptor chained after the first follows its own Policy:
//
//   - [NoRetry], or retry.WithoutRetry: one attempt, its failure returned
//     unchanged, and the layer above free to retry it;
//   - [UsePolicy], or retry.WithPolicy: another Policy in place of the
//     interceptor's, with the same gRPC rules around it;
//   - [IgnoreLayers], or retry.WithIgnoreLayers: retry an attempt even when a
//     layer below decided it.
//
// # Errors
//
// An RPC that succeeds returns nil; one whose error is not retried returns that
// error as gRPC returned it. A failure that the Policy's Retry (or the table)
// would retry but the rules of safety do not returns a *retry.NotRetriedError
// that wraps gRPC's error and says why, in Reason: retry.ReasonNotIdempotent
// for a method that is not safe to repeat, retry.ReasonNotReplayable for a
// call past its commit point; OnEnd sees the same reason. Giving up on a
// retryable one returns an error that wraps a *retry.Error, with the reason
// (stop, deadline, budget, gate, context, layer_below) and the number of
// attempts, which wraps the last attempt's *StatusError, if an attempt ran,
// the Gate's error when the Gate refused an attempt and, when the caller's
// context ended the call, the context's error.
//
// Its status code, as status.Code and status.FromError read it, through a
// *retry.NotRetriedError too, is the last attempt's, except when the caller's
// time ended the call: then it is the code grpc-go gives, CANCELLED or
// DEADLINE_EXCEEDED as the context ended (retry.ReasonContext), and
// DEADLINE_EXCEEDED when the call gave up because its next pause would have
// outlasted the deadline (retry.ReasonDeadline); and except when the Gate
// refused the first attempt, and no attempt ran: then it is UNAVAILABLE (see
// Gate). An UNAVAILABLE after which the caller's context was canceled during
// the pause reads as CANCELLED; a server that passes on its callee's error
// thus passes on the end of its own caller's time as gRPC's errors would. The
// rest stays reachable: errors.As with a *retry.Error gives the give-up, its
// Reason and its Last attempt's error; errors.As with a *StatusError gives the
// last status unchanged, with the trailer and the hint; errors.Is matches the
// context's error, and the Gate's:
//
//	_, err := client.Get(ctx, req)
//	var gaveUp *retry.Error
//	var last *retrygrpc.StatusError
//	var refused *retry.NotRetriedError
//	switch {
//	case err == nil:
//	case errors.Is(err, context.DeadlineExceeded): // the caller's time ran out: DEADLINE_EXCEEDED
//	case errors.As(err, &refused):                 // refused.Reason: not_idempotent, not_replayable
//	case status.Code(err) == codes.Unavailable:    // still down, after every attempt
//	case errors.As(err, &gaveUp) && errors.As(err, &last): // gaveUp.Reason, last.Status, last.Trailer, last.RetryAfter()
//	}
//
// # grpc-go's own retries
//
// grpc-go can retry by itself, from the retryPolicy of a service config, which
// a name resolver may deliver without the client asking. Both layers at once
// multiply: each of this interceptor's attempts becomes up to maxAttempts of
// grpc-go's, and the pauses, budgets and hooks of one do not see the other's.
// Choose one: with these interceptors, dial with grpc.WithDisableRetry(), which
// turns off grpc-go's retryPolicy and its retryThrottling (but not its
// transparent retry of RPCs that never reached the server, which is safe).
// grpc.WithDisableServiceConfig() goes further and ignores the resolver's
// service config altogether.
//
// # Cost
//
// On the success path, a unary call through the interceptor allocates the
// retry engine's mark of the call in its attempts' context (one allocation,
// which retry at one layer needs; the IgnoreLayers option and a
// retry.WithPolicy context add two, for the context the engine reads) and the
// copies grpc-go makes of the metadata the interceptor captures: the trailer,
// for the server's hints (one allocation when it is empty), and, when the call
// may be made again, the header, which tells its commit point (three for a
// header that holds only its content-type, more with the server's own header
// metadata). It adds well under a microsecond to the call. A call that hedges
// adds the hedging engine's cost, even when it sends no hedge: a goroutine for
// its attempt, a channel, a context and a timer, about two microseconds; each
// attempt after the first adds a reply and the copies of its metadata.
// A stream costs a few allocations and a coroutine at its opening (and, with
// the call option NoRetry, UsePolicy or IgnoreLayers, a copy of its call
// options without them, to pass on), which it
// keeps until it ends, so as to end its call then, and nothing per message.
// A Gate that wants to hear of its attempts adds one allocation per attempt it
// admits, the func that stands in front of its own (see Gate), beside what
// the Gate itself allocates.
//
// The interceptors' own Retry, Throttled and OnEnd, which stand in front of the
// Policy's, read no time, and answer [retry.ReadsTime] for the Policy's that
// they run: a Policy whose strategies and hooks read none (this module's read
// none, but stop.AfterElapsed, stop.BeforeElapsed and the loggers of package
// hooks) keeps the engine from reading the clock, and its hooks then see a
// zero Attempt.Elapsed.
package retrygrpc

// Package retryotel records the retries of tenacious as OpenTelemetry metrics and
// span events: how many calls retried, how long they paused, how they ended, how
// often the budget refused, and which hedges won.
//
// It plugs into the shared Policy, with nothing to change at a call site: make one
// Telemetry for the process and instrument the Policy of each service with it.
//
//	tel, err := retryotel.New() // the global MeterProvider, or WithMeterProvider(mp)
//	if err != nil { ... }
//	svc := tel.Instrument(&retry.Policy{Budget: budget.Default()})
//	user, err := retry.Do(ctx, svc, fetchUser)
//	client := retryhttp.NewClient(&retryhttp.Transport{Policy: svc})
//
// Instrument takes a *retry.Policy and returns a new one, a copy whose Before,
// BeforeSleep and OnEnd hooks run the Policy's own hooks first and then the
// Telemetry's, leaving the one it was given as it was, so every call
// shape and adapter that runs the copy is recorded: retry.Do, Policy.Run, the loop
// form, Group and Map, retryhttp's Transport, the gRPC interceptors. A Policy that
// is not instrumented pays nothing. An instrumented one allocates nothing of this
// package's on the success path: the attribute sets are built once per operation
// name and ending, and kept.
//
// # Metrics
//
// The meter's instrumentation scope is ScopeName. Every metric is recorded when a
// call ends (OnEnd) or as an attempt starts (Before):
//
//	Name                       Instrument               Unit       Attributes                    Recorded
//	tenacious.calls            Int64Counter             {call}     operation, outcome, ending    once per call, as it ends
//	tenacious.call.attempts    Int64Histogram           {attempt}  operation, outcome, ending    once per call: Attempt.Number in OnEnd
//	tenacious.call.pause_time  Float64Histogram         s          operation, outcome, ending    once per call: Attempt.Slept in OnEnd, 0 if none
//	tenacious.retries          Int64Counter             {retry}    operation                     per attempt started to retry a failed one
//	tenacious.hedge.started    Int64Counter             {hedge}    operation                     per attempt started as a hedge
//	tenacious.hedge.won        Int64Counter             {hedge}    operation                     per call a hedge ended with a success
//
// The attributes, all strings, are few-valued by construction; none holds an error
// message:
//
//   - tenacious.operation: the operation name, Attempt.Name: the Policy's Name, or
//     the name an adapter gives each call (retryhttp's Transport: the method and
//     host, "GET example.com"; the gRPC interceptors: the full method name,
//     "/pkg.Service/Method"). It is left out
//     when the name is empty. A Telemetry keeps the first 200 names it sees
//     (WithMaxOperations changes that) and records later ones as "_OTHER".
//   - tenacious.outcome: "success" if the call returned no error, else "failure".
//   - tenacious.ending: how the call ended, retry.Reason.String(): "success";
//     "not_retried" (an error the Policy's Retry does not retry, such as a
//     not-found); a give-up, "stop", "deadline" or "context"; or a retry that
//     Retry wanted and something else refused (retry.Reason.Refused):
//     "not_idempotent" and "not_replayable" (an adapter's rule of safety),
//     "layer_below" (a call inside the attempt decided), "budget", or "gate"
//     (the Policy's Gate refused a retry, or the first attempt: then
//     tenacious.call.attempts records 0).
//
// There is no metric of its own for refusals: a refusal ends the call, so they
// are the calls with tenacious.ending = "budget", "gate", "not_idempotent",
// "not_replayable" or "layer_below". A hedge that the budget or the gate
// refuses is not started, and is not seen by the hooks; nor is a retry or a
// first attempt that the gate refuses. Summed over calls, the attempts started
// are tenacious.calls plus tenacious.retries plus tenacious.hedge.started, less
// the calls whose first attempt the gate refused (tenacious.ending = "gate"
// with no attempt); the sum of tenacious.call.attempts counts them exactly.
//
// tenacious.call.pause_time is what gRFC A96's grpc.client.call.retry_delay is to
// a gRPC call: the total time a call paused between attempts. The histograms
// advise bucket boundaries (1, 2, 3, 4, 5, 6, 8, 10, 15, 20 attempts; 0 to 300
// seconds of pause, with 0 as its own bucket) that a View can replace. In a hedged
// call, tenacious.call.attempts records every attempt started, hedges included,
// as OnEnd sees them.
//
// # Span events
//
// The Telemetry adds events to the span that the call's context holds
// (trace.SpanFromContext of the context given to retry.Do, Run, the Transport's
// request), when it is recording; it starts no span of its own and needs no
// TracerProvider:
//
//   - tenacious.retry, before each pause (BeforeSleep): tenacious.operation (if
//     any), tenacious.attempt (int, the number of the attempt that failed),
//     error.type (the type of its error, as semconv.ErrorType gives it, never its
//     message; left out when a rejected result failed the attempt) and
//     tenacious.pause (float64, the pause in seconds).
//   - tenacious.give_up, when a call gives up or a retry is refused (every
//     ending but success and not_retried): tenacious.operation (if any),
//     tenacious.ending, tenacious.attempts (int), error.type (as above) and
//     tenacious.pause (in seconds, the pause that was chosen and then refused,
//     or cut short by the context's end; left out when none was chosen). A
//     success or an error that Retry does not retry adds no event.
//
// # HTTP attempts
//
// With otelhttp's Transport as the Base of a retryhttp.Transport, each attempt has
// a client span of its own; ResendCount, beneath otelhttp, sets
// http.request.resend_count on the spans of the attempts after the first, as the
// HTTP semantic conventions ask.
//
//	tr := &retryhttp.Transport{
//		Base:   otelhttp.NewTransport(retryotel.ResendCount(http.DefaultTransport)),
//		Policy: svc,
//	}
//
// The runnable program in the example directory shows it all, exported to
// standard output.
package retryotel

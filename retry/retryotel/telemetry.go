package retryotel

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/retry"
)

// ScopeName is the name of the instrumentation scope of the meter that records
// the metrics: the import path of this package.
const ScopeName = "github.com/tenacious-go/tenacious/retry/retryotel"

// defaultMaxOperations is how many distinct operation names a Telemetry records
// as values of tenacious.operation when WithMaxOperations is not given.
const defaultMaxOperations = 200

// Names of the metrics, of their attributes and of the span events: the package
// documentation says what each one means.
const (
	metricCalls        = "tenacious.calls"
	metricCallAttempts = "tenacious.call.attempts"
	metricCallPause    = "tenacious.call.pause_time"
	metricRetries      = "tenacious.retries"
	metricHedgeStarted = "tenacious.hedge.started"
	metricHedgeWon     = "tenacious.hedge.won"

	attrOperation = "tenacious.operation"
	attrOutcome   = "tenacious.outcome"
	attrEnding    = "tenacious.ending"
	attrAttempt   = "tenacious.attempt"
	attrAttempts  = "tenacious.attempts"
	attrPause     = "tenacious.pause"

	eventRetry  = "tenacious.retry"
	eventGiveUp = "tenacious.give_up"

	// otherOperation is the value of tenacious.operation for the names that
	// come after the first maxOps a Telemetry has seen.
	otherOperation = "_OTHER"
)

// Bucket boundaries the histograms advise, which a View can override.
var (
	attemptBuckets = []float64{1, 2, 3, 4, 5, 6, 8, 10, 15, 20}
	pauseBuckets   = []float64{0, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300}
)

// Telemetry records the metrics and span events of the calls of the Policies it
// instruments. Make one with New, for the whole process or for each
// MeterProvider, and share it: it is safe for concurrent use, and every Policy it
// instruments records into the same instruments, told apart by their operation
// names. A nil *Telemetry instruments nothing.
type Telemetry struct {
	calls     metric.Int64Counter
	attempts  metric.Int64Histogram
	pause     metric.Float64Histogram
	retries   metric.Int64Counter
	hedges    metric.Int64Counter
	hedgesWon metric.Int64Counter

	maxOps  int64
	ops     sync.Map     // operation name → *opSets
	nops    atomic.Int64 // entries in ops, or about to be
	unnamed *opSets      // for Attempt.Name == ""
	other   *opSets      // for the names past maxOps
}

// Option configures New. The zero Option changes nothing.
type Option struct {
	apply func(*config)
}

type config struct {
	mp     metric.MeterProvider
	maxOps int
}

// WithMeterProvider returns an Option that makes New take its meter from mp
// instead of the global MeterProvider (otel.GetMeterProvider). A nil mp is
// ignored.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return Option{apply: func(c *config) {
		if mp != nil {
			c.mp = mp
		}
	}}
}

// WithMaxOperations returns an Option that bounds how many distinct operation
// names (Attempt.Name) a Telemetry records as values of tenacious.operation: the
// first n names it sees are kept, and later ones are recorded as "_OTHER", so
// that names built from input (an HTTP host, say) cannot grow the number of time
// series without bound. Each name makes at most 9 series of each per-call metric,
// one per ending: the default, 200 names (202 with the calls without a name and
// "_OTHER", 1818 series), keeps each metric within the SDK's default cardinality
// limit of 2000 series. A value below 1 means the default.
func WithMaxOperations(n int) Option {
	return Option{apply: func(c *config) { c.maxOps = n }}
}

// New returns a Telemetry that records into a meter of the global MeterProvider,
// or of the one WithMeterProvider gives, under the scope name ScopeName. It
// returns an error if the meter refuses an instrument.
//
// The span events need no provider: they go to the span that the context of each
// call holds (trace.SpanFromContext), whichever TracerProvider made it.
func New(opts ...Option) (*Telemetry, error) {
	var c config
	for _, o := range opts {
		if o.apply != nil {
			o.apply(&c)
		}
	}
	if c.mp == nil {
		c.mp = otel.GetMeterProvider()
	}
	if c.maxOps < 1 {
		c.maxOps = defaultMaxOperations
	}
	m := c.mp.Meter(ScopeName)
	t := &Telemetry{maxOps: int64(c.maxOps)}
	var err, e error
	t.calls, e = m.Int64Counter(metricCalls, metric.WithUnit("{call}"),
		metric.WithDescription("Calls that ended, by outcome and ending."))
	err = errors.Join(err, e)
	t.attempts, e = m.Int64Histogram(metricCallAttempts, metric.WithUnit("{attempt}"),
		metric.WithDescription("Attempts per call: the number of the attempt that ended it."),
		metric.WithExplicitBucketBoundaries(attemptBuckets...))
	err = errors.Join(err, e)
	t.pause, e = m.Float64Histogram(metricCallPause, metric.WithUnit("s"),
		metric.WithDescription("Total time a call paused between its attempts."),
		metric.WithExplicitBucketBoundaries(pauseBuckets...))
	err = errors.Join(err, e)
	t.retries, e = m.Int64Counter(metricRetries, metric.WithUnit("{retry}"),
		metric.WithDescription("Attempts started to retry a failed one."))
	err = errors.Join(err, e)
	t.hedges, e = m.Int64Counter(metricHedgeStarted, metric.WithUnit("{hedge}"),
		metric.WithDescription("Attempts started as hedges, while others were in flight."))
	err = errors.Join(err, e)
	t.hedgesWon, e = m.Int64Counter(metricHedgeWon, metric.WithUnit("{hedge}"),
		metric.WithDescription("Calls that a hedge ended with a success."))
	err = errors.Join(err, e)
	if err != nil {
		return nil, err
	}
	t.unnamed = newOpSets(nil)
	other := attribute.String(attrOperation, otherOperation)
	t.other = newOpSets(&other)
	return t, nil
}

// Instrument returns a new Policy, a copy of p whose Before, BeforeSleep and
// OnEnd hooks run p's own, if any, then the Telemetry's (as hooks.All combines
// them): every call that the copy runs, in any call shape or adapter (retry.Do,
// Policy.Run, retryhttp's Transport, the gRPC interceptors), records the metrics
// and span events this package describes, under the operation name that
// Attempt.Name holds. Nothing changes at a call site: give the copy wherever p
// went. p itself is left untouched; a nil p is the zero Policy. The copy shares
// p's Budget and Hedger, as any copy of a Policy does.
//
// The Telemetry's Before and BeforeSleep hooks read no time (see
// retry.ReadsTime); its OnEnd reads Attempt.Slept, for
// tenacious.call.pause_time, so that a call of the copy reads the clock.
//
// Instrument a Policy once; an instrumented copy instrumented again records
// everything twice. A nil t returns a plain copy of p, so that telemetry that is
// turned off costs nothing.
func (t *Telemetry) Instrument(p *retry.Policy) *retry.Policy {
	q := new(retry.Policy)
	if p != nil {
		*q = *p
	}
	if t == nil {
		return q
	}
	h := &instrumented{t: t, name: q.Name}
	if q.Name != "" {
		h.sets = t.sets(q.Name)
	}
	q.Before = hooks.All(q.Before, (*startHook)(h))
	q.BeforeSleep = hooks.All(q.BeforeSleep, retryHook{})
	q.OnEnd = hooks.All(q.OnEnd, (*endHook)(h))
	return q
}

// instrumented holds the hooks of an instrumented Policy, with the attribute sets
// of its Name, if it has one, at hand: an adapter may name each call otherwise.
type instrumented struct {
	t    *Telemetry
	name string
	sets *opSets
}

// startHook, retryHook and endHook are the Telemetry's Before, BeforeSleep and
// OnEnd hooks (see started, retrying and ended). The first two read no time (see
// retry.ReadsTime), so that they add no clock read to a call; endHook reads
// Attempt.Slept, for tenacious.call.pause_time: a measured duration, which a
// hook that says it reads no time may see as zero.
type (
	startHook instrumented
	retryHook struct{}
	endHook   instrumented
)

// Run is the instrumented Policy's started.
func (h *startHook) Run(a retry.Attempt) { (*instrumented)(h).started(a) }

// ReadsTime reports false: started reads the attempt's number, hedge mark, name
// and context, no duration.
func (h *startHook) ReadsTime() bool { return false }

// Run is retrying.
func (retryHook) Run(a retry.Attempt) { retrying(a) }

// ReadsTime reports false: retrying reads the pause chosen, Attempt.Delay, and
// no measured duration.
func (retryHook) ReadsTime() bool { return false }

// Run is the instrumented Policy's ended.
func (h *endHook) Run(a retry.Attempt) { (*instrumented)(h).ended(a) }

// ReadsTime reports true: ended records Attempt.Slept.
func (h *endHook) ReadsTime() bool { return true }

// setsOf returns the attribute sets of the operation name.
func (h *instrumented) setsOf(name string) *opSets {
	if name == h.name && h.sets != nil {
		return h.sets
	}
	return h.t.sets(name)
}

// started is the Before hook: it counts retries and hedges as they start.
func (h *instrumented) started(a retry.Attempt) {
	switch {
	case a.Hedge:
		h.t.hedges.Add(contextOf(a), 1, h.setsOf(a.Name).op...)
	case a.Number > 1:
		h.t.retries.Add(contextOf(a), 1, h.setsOf(a.Name).op...)
	}
}

// retrying is the BeforeSleep hook: it adds a retry event to the caller's span.
func retrying(a retry.Attempt) {
	span := trace.SpanFromContext(a.Context)
	if !span.IsRecording() {
		return
	}
	span.AddEvent(eventRetry, trace.WithAttributes(retryEvent(a)...))
}

// ended is the OnEnd hook: it records the call's metrics and, for a give-up or a
// retry refused, adds an event to the caller's span.
func (h *instrumented) ended(a retry.Attempt) {
	t, ctx, s := h.t, contextOf(a), h.setsOf(a.Name)
	add, rec := s.ending(a.Reason)
	t.calls.Add(ctx, 1, add...)
	t.attempts.Record(ctx, int64(a.Number), rec...)
	t.pause.Record(ctx, a.Slept.Seconds(), rec...)
	switch a.Reason {
	case retry.ReasonSuccess:
		if a.Hedge {
			t.hedgesWon.Add(ctx, 1, s.op...)
		}
		return
	case retry.ReasonNotRetried, 0:
		return
	}
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	span.AddEvent(eventGiveUp, trace.WithAttributes(giveUpEvent(a)...))
}

// contextOf returns the call's context, or context.Background for an Attempt made
// by hand.
func contextOf(a retry.Attempt) context.Context {
	if a.Context == nil {
		return context.Background()
	}
	return a.Context
}

// sets returns the attribute sets of the operation name, made on its first use.
func (t *Telemetry) sets(name string) *opSets {
	if name == "" {
		return t.unnamed
	}
	if v, ok := t.ops.Load(name); ok {
		return v.(*opSets)
	}
	if t.nops.Load() >= t.maxOps {
		return t.other
	}
	if t.nops.Add(1) > t.maxOps {
		t.nops.Add(-1)
		return t.other
	}
	kv := attribute.String(attrOperation, name)
	v, loaded := t.ops.LoadOrStore(name, newOpSets(&kv))
	if loaded {
		t.nops.Add(-1)
	}
	return v.(*opSets)
}

// nReasons bounds the reasons whose sets are made in advance: those package retry
// defines.
const nReasons = int(retry.ReasonContext) + 1

// opSets holds, for one operation name, the options that carry its attribute
// sets, built once: passing a prebuilt slice to Add or Record allocates nothing.
type opSets struct {
	op  []metric.AddOption              // tenacious.operation alone
	add [nReasons][]metric.AddOption    // and the outcome and ending, by Reason
	rec [nReasons][]metric.RecordOption // the same, for the histograms
	kv  *attribute.KeyValue             // tenacious.operation, nil for none
}

func newOpSets(op *attribute.KeyValue) *opSets {
	s := &opSets{kv: op}
	var base []attribute.KeyValue
	if op != nil {
		base = []attribute.KeyValue{*op}
	}
	s.op = []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(base...))}
	for r := retry.ReasonSuccess; int(r) < nReasons; r++ {
		o := s.endingOption(r)
		s.add[r], s.rec[r] = []metric.AddOption{o}, []metric.RecordOption{o}
	}
	return s
}

// endingOption returns the option that carries the attribute set of a call of the
// operation that ended for reason r.
func (s *opSets) endingOption(r retry.Reason) metric.MeasurementOption {
	outcome := "failure"
	if r == retry.ReasonSuccess {
		outcome = "success"
	}
	kvs := make([]attribute.KeyValue, 0, 3)
	if s.kv != nil {
		kvs = append(kvs, *s.kv)
	}
	kvs = append(kvs, attribute.String(attrOutcome, outcome), attribute.String(attrEnding, r.String()))
	return metric.WithAttributeSet(attribute.NewSet(kvs...))
}

// ending returns the options for a call that ended for reason r. A reason that
// package retry did not define when this package was built gets its sets made on
// the spot, which allocates.
func (s *opSets) ending(r retry.Reason) ([]metric.AddOption, []metric.RecordOption) {
	if r > 0 && int(r) < nReasons {
		return s.add[r], s.rec[r]
	}
	o := s.endingOption(r)
	return []metric.AddOption{o}, []metric.RecordOption{o}
}

// retryEvent returns the attributes of the event of a retry.
func retryEvent(a retry.Attempt) []attribute.KeyValue {
	kvs := make([]attribute.KeyValue, 0, 4)
	if a.Name != "" {
		kvs = append(kvs, attribute.String(attrOperation, a.Name))
	}
	kvs = append(kvs, attribute.Int(attrAttempt, a.Number))
	if a.Err != nil {
		kvs = append(kvs, semconv.ErrorType(a.Err))
	}
	return append(kvs, attribute.Float64(attrPause, a.Delay.Seconds()))
}

// giveUpEvent returns the attributes of the event of a give-up.
func giveUpEvent(a retry.Attempt) []attribute.KeyValue {
	kvs := make([]attribute.KeyValue, 0, 5)
	if a.Name != "" {
		kvs = append(kvs, attribute.String(attrOperation, a.Name))
	}
	kvs = append(kvs, attribute.String(attrEnding, a.Reason.String()), attribute.Int(attrAttempts, a.Number))
	if a.Err != nil {
		kvs = append(kvs, semconv.ErrorType(a.Err))
	}
	if a.Delay > 0 {
		kvs = append(kvs, attribute.Float64(attrPause, a.Delay.Seconds()))
	}
	return kvs
}

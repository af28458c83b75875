package retryotel_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/trace"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/retry/retryotel"
)

// TestEvents runs each scripted call under a recording span and checks the span's
// events, exactly.
func TestEvents(t *testing.T) {
	for _, s := range scripts() {
		t.Run(s.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tel, _ := newTelemetry(t)
				tracer, sr, _ := newTracer(t)
				ctx, span := tracer.Start(t.Context(), "caller")
				p := tel.Instrument(s.policy)
				_ = s.run(ctx, p)
				span.End()
				spans := sr.Ended()
				if len(spans) != 1 {
					t.Fatalf("%d spans ended, want 1", len(spans))
				}
				if diff := cmp.Diff(s.events, events(spans[0])); diff != "" {
					t.Errorf("events (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// TestEventsNeedARecordingSpan checks that a call whose context holds no span, or
// a span that is not recording, runs as usual and adds nothing anywhere.
func TestEventsNeedARecordingSpan(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tel, reader := newTelemetry(t)
		tracer, sr, _ := newTracer(t)
		_, recording := tracer.Start(t.Context(), "recording")
		notRecording := trace.SpanFromContext(trace.ContextWithSpanContext(t.Context(), recording.SpanContext()))
		recording.End()
		p := tel.Instrument(&retry.Policy{Name: op, Wait: retry.WaitFunc(func(retry.Attempt) time.Duration { return time.Millisecond })})
		for _, ctx := range []context.Context{t.Context(), trace.ContextWithSpan(t.Context(), notRecording)} {
			if err := p.Run(ctx, failing(5)); err == nil {
				t.Fatal("Run succeeded, want a give-up")
			}
		}
		if spans := sr.Ended(); len(spans) != 1 || len(spans[0].Events()) != 0 {
			t.Errorf("the span ended before the calls has events: %v", events(spans[0]))
		}
		if got := points(t, reader)["tenacious.calls{tenacious.ending=stop,tenacious.operation="+op+",tenacious.outcome=failure}"]; got != "2" {
			t.Errorf("calls that stopped: %s, want 2", got)
		}
	})
}

// TestHandMadeAttempt checks that the hooks accept an Attempt made by hand, with
// no Context, as the hooks package's do.
func TestHandMadeAttempt(t *testing.T) {
	tel, reader := newTelemetry(t)
	p := tel.Instrument(&retry.Policy{})
	p.Before.Run(retry.Attempt{Number: 2})
	p.BeforeSleep.Run(retry.Attempt{Number: 2, Err: errFlaky, Delay: time.Second})
	p.OnEnd.Run(retry.Attempt{Number: 3, Err: errFlaky, Reason: retry.ReasonStop})
	p.OnEnd.Run(retry.Attempt{Number: 1}) // no Reason: not in OnEnd
	want := with(map[string]string{
		"tenacious.calls{tenacious.ending=stop,tenacious.outcome=failure}":                "1",
		"tenacious.call.attempts{tenacious.ending=stop,tenacious.outcome=failure}":        "count=1 sum=3",
		"tenacious.call.pause_time{tenacious.ending=stop,tenacious.outcome=failure}":      "count=1 sum=0",
		"tenacious.calls{tenacious.ending=Reason(0),tenacious.outcome=failure}":           "1",
		"tenacious.call.attempts{tenacious.ending=Reason(0),tenacious.outcome=failure}":   "count=1 sum=1",
		"tenacious.call.pause_time{tenacious.ending=Reason(0),tenacious.outcome=failure}": "count=1 sum=0",
	}, "tenacious.retries{}", "1")
	if diff := cmp.Diff(want, points(t, reader)); diff != "" {
		t.Errorf("data points (-want +got):\n%s", diff)
	}
}

// TestInstrumentKeepsHooks checks that the Policy's own hooks run, before the
// Telemetry's, and that the rest of the Policy is kept.
func TestInstrumentKeepsHooks(t *testing.T) {
	tel, reader := newTelemetry(t)
	tracer, sr, _ := newTracer(t)
	var log []string
	mark := func(name string) retry.Hook {
		return retry.HookFunc(func(a retry.Attempt) {
			// The Telemetry's hooks have not run yet for this event.
			log = append(log, name+" "+points(t, reader)["tenacious.calls{tenacious.ending=stop,tenacious.operation=x,tenacious.outcome=failure}"])
		})
	}
	wait := retry.WaitFunc(func(retry.Attempt) time.Duration { return 0 })
	p := retry.Policy{Name: "x", Wait: wait, Before: mark("before"), After: mark("after"), BeforeSleep: mark("sleep"), OnEnd: mark("end")}
	ip := tel.Instrument(&p)
	if ip.Name != "x" || ip.Wait == nil || ip.After == nil {
		t.Errorf("Instrument lost fields: %+v", ip)
	}
	ctx, span := tracer.Start(context.Background(), "caller")
	_ = ip.Run(ctx, failing(1))
	_ = ip.Run(ctx, failing(5))
	span.End()
	want := []string{
		"before ", "after ", "sleep ", "before ", "after ", "end ",
		"before ", "after ", "sleep ", "before ", "after ", "sleep ", "before ", "after ", "sleep ", "before ", "after ", "end ",
	}
	if diff := cmp.Diff(want, log); diff != "" {
		t.Errorf("hooks (-want +got):\n%s", diff)
	}
	if n := len(sr.Ended()[0].Events()); n != 5 {
		t.Errorf("%d events, want 5 (4 retries, 1 give-up)", n)
	}
}

// TestNilTelemetry checks that a nil *Telemetry returns a plain copy of the
// Policy: a new one, with no hook added.
func TestNilTelemetry(t *testing.T) {
	var tel *retryotel.Telemetry
	in := &retry.Policy{Name: "x"}
	p := tel.Instrument(in)
	if p == in {
		t.Errorf("nil Telemetry returned its argument, want a new Policy")
	}
	if p.Before != nil || p.BeforeSleep != nil || p.OnEnd != nil || p.Name != "x" {
		t.Errorf("nil Telemetry changed the Policy: %+v", p)
	}
	if p := tel.Instrument(nil); p == nil || p.Name != "" || p.OnEnd != nil {
		t.Errorf("Instrument(nil) by a nil Telemetry: got %+v, want a zero Policy", p)
	}
}

// TestInstrumentCopies checks that Instrument returns a new Policy, leaves its
// argument untouched, and reads a nil argument as the zero Policy.
func TestInstrumentCopies(t *testing.T) {
	tel, reader := newTelemetry(t)
	endsRun := 0
	in := &retry.Policy{Name: "x", OnEnd: retry.HookFunc(func(retry.Attempt) { endsRun++ })}
	p := tel.Instrument(in)
	if p == in {
		t.Fatal("Instrument returned its argument, want a new Policy")
	}
	if in.Before != nil || in.BeforeSleep != nil || in.Name != "x" {
		t.Errorf("Instrument changed its argument: %+v", in)
	}
	// The argument's OnEnd is its own still: a call of it records nothing.
	_ = in.Run(context.Background(), failing(0))
	if got := points(t, reader); len(got) != 0 {
		t.Errorf("a call of the argument recorded %v, want nothing", got)
	}
	_ = p.Run(context.Background(), failing(0))
	if endsRun != 2 {
		t.Errorf("the Policy's own OnEnd ran %d times, want 2", endsRun)
	}
	want := ends("x", "success", 1, 1, "0")
	if diff := cmp.Diff(want, points(t, reader)); diff != "" {
		t.Errorf("data points (-want +got):\n%s", diff)
	}

	// A nil Policy is the zero Policy, instrumented.
	z := tel.Instrument(nil)
	if z == nil || z.Name != "" || z.OnEnd == nil || z.Stop != nil {
		t.Fatalf("Instrument(nil): got %+v, want the zero Policy with hooks", z)
	}
	_ = z.Run(context.Background(), failing(0))
	want = with(want, "tenacious.calls{tenacious.ending=success,tenacious.outcome=success}", "1",
		"tenacious.call.attempts{tenacious.ending=success,tenacious.outcome=success}", "count=1 sum=1",
		"tenacious.call.pause_time{tenacious.ending=success,tenacious.outcome=success}", "count=1 sum=0")
	if diff := cmp.Diff(want, points(t, reader)); diff != "" {
		t.Errorf("after a call of Instrument(nil), data points (-want +got):\n%s", diff)
	}
}

// TestRefusedEndings checks that each ending of a retry refused is recorded under
// its own tenacious.ending, as a failure, and adds a give-up event to the span.
func TestRefusedEndings(t *testing.T) {
	for _, r := range []retry.Reason{retry.ReasonNotIdempotent, retry.ReasonNotReplayable, retry.ReasonLayerBelow, retry.ReasonBudget, retry.ReasonGate} {
		t.Run(r.String(), func(t *testing.T) {
			tel, reader := newTelemetry(t)
			tracer, sr, _ := newTracer(t)
			ctx, span := tracer.Start(context.Background(), "caller")
			p := tel.Instrument(&retry.Policy{Name: "POST x"})
			p.OnEnd.Run(retry.Attempt{Context: ctx, Name: "POST x", Number: 1, Err: errFlaky, Reason: r})
			span.End()
			want := ends("POST x", r.String(), 1, 1, "0")
			if diff := cmp.Diff(want, points(t, reader)); diff != "" {
				t.Errorf("data points (-want +got):\n%s", diff)
			}
			wantEvents := []string{"tenacious.give_up error.type=*errors.errorString,tenacious.attempts=1,tenacious.ending=" + r.String() + ",tenacious.operation=POST x"}
			if diff := cmp.Diff(wantEvents, events(sr.Ended()[0])); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

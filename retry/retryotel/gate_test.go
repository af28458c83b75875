package retryotel_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tenacious-go/tenacious/hedge"
	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

// errGateShut is the error of scriptGate's refusals.
var errGateShut = errors.New("gate shut")

// scriptGate is a retry.Gate that refuses the attempts refuse says, and
// counts the attempts it admitted and the outcomes it heard. It is safe for
// concurrent use.
type scriptGate struct {
	refuse func(c retry.Class) bool

	mu              sync.Mutex
	admitted, heard int
}

func (g *scriptGate) Admit(_ context.Context, c retry.Class) (func(retry.Class), error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.refuse(c) {
		return nil, errGateShut
	}
	g.admitted++
	return func(retry.Class) {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.heard++
	}, nil
}

// TestGateEndings checks the metrics and the span events of calls that the
// Policy's Gate (retry.Gate) refused: under tenacious.ending "gate", a
// failure, with the attempts that ran (none when it refused the first), no
// retry counted for a retry it refused nor a hedge for a hedge it refused, and
// a give-up event; a refused hedge leaves a success as it was.
func TestGateEndings(t *testing.T) {
	ms := time.Millisecond
	fixed := wait.Fixed(100 * ms)
	for _, tt := range []struct {
		name   string
		refuse func(retry.Class) bool
		hedger retry.Hedger
		run    func(ctx context.Context, p *retry.Policy) error
		points map[string]string
		events []string
	}{
		{
			name:   "first attempt",
			refuse: func(retry.Class) bool { return true },
			run:    func(ctx context.Context, p *retry.Policy) error { return p.Run(ctx, failing(0)) },
			points: ends(op, "gate", 1, 0, "0"),
			events: []string{"tenacious.give_up tenacious.attempts=0,tenacious.ending=gate,tenacious.operation=" + op},
		},
		{
			name:   "retry",
			refuse: func(c retry.Class) bool { return c != 0 },
			run:    func(ctx context.Context, p *retry.Policy) error { return p.Run(ctx, failing(5)) },
			// Refused before its pause, as a Budget refuses: no retry event,
			// no pause taken, and the give-up names the pause refused.
			points: ends(op, "gate", 1, 1, "0"),
			events: []string{
				"tenacious.give_up error.type=*errors.errorString,tenacious.attempts=1,tenacious.ending=gate,tenacious.operation=" + op + ",tenacious.pause=0.1",
			},
		},
		{
			name:   "hedge",
			refuse: func(c retry.Class) bool { return c == retry.ClassExtra },
			hedger: hedge.Fixed(10*ms, 1),
			run: func(ctx context.Context, p *retry.Policy) error {
				r := retry.Retrier[int]{Policy: p}
				_, err := r.Hedge(ctx, func(context.Context) (int, error) {
					time.Sleep(15 * ms)
					return 1, nil
				})
				return err
			},
			points: ends(op, "success", 1, 1, "0"),
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tel, reader := newTelemetry(t)
				tracer, sr, _ := newTracer(t)
				g := &scriptGate{refuse: tt.refuse}
				p := tel.Instrument(&retry.Policy{Name: op, Wait: fixed, Gate: g, Hedger: tt.hedger})
				ctx, span := tracer.Start(t.Context(), "caller")
				err := tt.run(ctx, p)
				span.End()
				if tt.name != "hedge" && !errors.Is(err, errGateShut) {
					t.Errorf("err = %v, want the gate's refusal", err)
				}
				if diff := cmp.Diff(tt.points, points(t, reader)); diff != "" {
					t.Errorf("data points (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.events, events(sr.Ended()[0])); diff != "" {
					t.Errorf("events (-want +got):\n%s", diff)
				}
				if g.admitted != g.heard {
					t.Errorf("the gate admitted %d attempts and heard of %d, want every one", g.admitted, g.heard)
				}
			})
		})
	}
}

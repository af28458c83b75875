package wait_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/tenacious-go/tenacious/retry"
	"github.com/tenacious-go/tenacious/wait"
)

// pauses prints w's pause after each of the first n attempts.
func pauses(w retry.Wait, n int) {
	var ds []string
	for i := 1; i <= n; i++ {
		ds = append(ds, w.Wait(retry.Attempt{Number: i}).String())
	}
	fmt.Println(strings.Join(ds, " "))
}

// A Policy that backs off exponentially, from a millisecond, between attempts.
func Example() {
	p := retry.Policy{
		Wait: wait.Exponential(time.Millisecond, 10*time.Millisecond, 2),
		BeforeSleep: retry.HookFunc(func(a retry.Attempt) {
			fmt.Println("attempt", a.Number, "failed, pausing", a.Delay)
		}),
	}
	errs := []error{errors.New("timeout"), errors.New("timeout"), nil}
	err := p.Run(context.Background(), func(context.Context) error {
		err := errs[0]
		errs = errs[1:]
		return err
	})
	fmt.Println("done:", err)
	// Output:
	// attempt 1 failed, pausing 1ms
	// attempt 2 failed, pausing 2ms
	// done: <nil>
}

func ExampleNone() {
	pauses(wait.None(), 3)
	// Output: 0s 0s 0s
}

func ExampleFixed() {
	pauses(wait.Fixed(2*time.Second), 3)
	// Output: 2s 2s 2s
}

func ExampleRandom() {
	w := wait.Random(time.Second, 2*time.Second, wait.WithSource(rand.NewPCG(1, 2)))
	pauses(w, 3)
	// Output: 1.76937327s 1.616436224s 1.784428002s
}

func ExampleIncrementing() {
	pauses(wait.Incrementing(time.Second, 6*time.Second, 2*time.Second), 5)
	pauses(wait.Incrementing(5*time.Second, time.Minute, -2*time.Second), 5)
	// Output:
	// 1s 3s 5s 6s 6s
	// 5s 3s 1s 0s 0s
}

func ExampleExponential() {
	pauses(wait.Exponential(time.Second, 30*time.Second, 2), 7)
	pauses(wait.Exponential(100*time.Millisecond, time.Second, 1.5), 7)
	// Output:
	// 1s 2s 4s 8s 16s 30s 30s
	// 100ms 150ms 225ms 337.5ms 506.25ms 759.375ms 1s
}

func ExampleExponentialJitter() {
	w := wait.ExponentialJitter(time.Second, time.Minute, 2, time.Second, wait.WithSource(rand.NewPCG(1, 2)))
	pauses(w, 7)
	// Output:
	// 1.76937327s 2.616436224s 4.784428002s 8.796596579s 16.23427627s 32.041205257s 1m0s
}

func ExampleFullJitter() {
	// A seeded source makes the pauses reproducible; leave it out in real use.
	w := wait.FullJitter(time.Second, 30*time.Second, wait.WithSource(rand.NewPCG(1, 2)))
	pauses(w, 6)
	// Output: 769.37327ms 1.232872448s 3.137712007s 6.372772628s 3.748420331s 1.236157712s
}

func ExampleFullJitterFloor() {
	// tenacity's wait_random_exponential(multiplier=1, max=30, min=2): no pause
	// below 2s, and the pauses spread evenly above it. The window tops out at
	// max(2s, 1s·2^(n-1)), so the first two pauses are exactly 2s.
	w := wait.FullJitterFloor(time.Second, 30*time.Second, 2*time.Second, wait.WithSource(rand.NewPCG(1, 2)))
	pauses(w, 7)

	// Clamp around FullJitter clamps instead: every draw below 2s becomes 2s.
	jitter := wait.FullJitter(time.Second, 30*time.Second, wait.WithSource(rand.NewPCG(1, 2)))
	w = wait.Clamp(jitter, 2*time.Second, 30*time.Second)
	pauses(w, 7)
	// Output:
	// 2s 2s 3.538746539s 5.698617343s 12.981992024s 24.304704198s 8.559735579s
	// 2s 2s 3.137712007s 6.372772628s 3.748420331s 2s 14.997352662s
}

func ExampleEqualJitter() {
	w := wait.EqualJitter(time.Second, 30*time.Second, wait.WithSource(rand.NewPCG(1, 2)))
	pauses(w, 6)
	// Output: 884.686635ms 1.616436224s 3.568856004s 7.186386314s 9.874210165s 15.618078856s
}

func ExampleDecorrelated() {
	// Decorrelated grows from the previous pause, which a call passes in
	// Attempt.PrevDelay.
	w := wait.Decorrelated(time.Second, 30*time.Second, wait.WithSource(rand.NewPCG(1, 2)))
	var prev time.Duration
	for n := 1; n <= 6; n++ {
		prev = w.Wait(retry.Attempt{Number: n, PrevDelay: prev})
		fmt.Println(prev)
	}
	// Output:
	// 2.538746539s
	// 5.078489765s
	// 12.166700732s
	// 29.279259946s
	// 21.344031214s
	// 3.597253622s
}

func ExampleChain() {
	// One second after each of the first two attempts, five seconds thereafter.
	w := wait.Chain(wait.Fixed(time.Second), wait.Fixed(time.Second), wait.Fixed(5*time.Second))
	pauses(w, 5)
	// Output: 1s 1s 5s 5s 5s
}

func ExampleSum() {
	// A fixed second plus up to half a second of jitter, as tenacity's
	// wait_fixed(1) + wait_random(0, 0.5).
	w := wait.Sum(wait.Fixed(time.Second), wait.Random(0, 500*time.Millisecond, wait.WithSource(rand.NewPCG(1, 2))))
	pauses(w, 3)
	// Output: 1.384686635s 1.308218112s 1.392214001s
}

func ExampleClamp() {
	// tenacity's wait_exponential(multiplier=0.1, max=1, exp_base=1.5, min=0.2):
	// the floor lifts the first pauses.
	pauses(wait.Clamp(wait.Exponential(100*time.Millisecond, time.Second, 1.5), 200*time.Millisecond, time.Second), 7)

	// Clamp clamps: full jitter drawn below the 2s floor lands on exactly 2s, so
	// clients that fail together line up there.
	w := wait.FullJitter(time.Second, 30*time.Second, wait.WithSource(rand.NewPCG(1, 2)))
	pauses(wait.Clamp(w, 2*time.Second, 10*time.Second), 6)

	// To keep the spread above a floor, add the floor instead.
	w = wait.FullJitter(time.Second, 8*time.Second, wait.WithSource(rand.NewPCG(1, 2)))
	pauses(wait.Sum(wait.Fixed(2*time.Second), w), 6)
	// Output:
	// 200ms 200ms 225ms 337.5ms 506.25ms 759.375ms 1s
	// 2s 2s 3.137712007s 6.372772628s 3.748420331s 2s
	// 2.76937327s 3.232872448s 5.137712007s 8.372772628s 3.874210165s 2.329642056s
}

func ExampleWithSource() {
	// Two Waits seeded alike pause alike: for tests and simulations on one goroutine.
	a := wait.FullJitter(time.Second, time.Minute, wait.WithSource(rand.NewPCG(7, 7)))
	b := wait.FullJitter(time.Second, time.Minute, wait.WithSource(rand.NewPCG(7, 7)))
	for n := 1; n <= 3; n++ {
		at := retry.Attempt{Number: n}
		fmt.Println(a.Wait(at) == b.Wait(at))
	}
	// Output:
	// true
	// true
	// true
}

package budget_test

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/retry"
)

func TestRatioArithmetic(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := budget.NewRatio(0.2, 0, 10*time.Second)
		if b.Allow(retry.ClassTransient) {
			t.Fatal("no calls and no reserve: a retry must be refused")
		}
		for range 10 {
			b.Attempted(retry.ClassSuccess, 0) // 10 calls deposit 2 retries
		}
		b.Attempted(retry.ClassTransient, retry.ClassTransient) // later attempts deposit nothing
		if got := allowed(b, 3); got != 2 {
			t.Errorf("10 calls at ratio 0.2 allowed %d retries, want exactly 2", got)
		}
		time.Sleep(5 * time.Second)
		for range 5 {
			b.Attempted(retry.ClassSuccess, 0) // one more retry's worth
		}
		if !b.Allow(retry.ClassTransient) || b.Allow(retry.ClassTransient) {
			t.Error("5 more calls must allow exactly 1 more retry")
		}
		time.Sleep(5*time.Second + time.Millisecond) // the first 10 calls and 2 retries expire
		if b.Allow(retry.ClassTransient) {
			t.Error("after expiry, 5 calls and 1 retry in the window leave nothing")
		}
		time.Sleep(10 * time.Second) // everything expires
		for range 10 {
			b.Attempted(retry.ClassSuccess, 0)
		}
		if got := allowed(b, 3); got != 2 {
			t.Errorf("a fresh window allowed %d retries, want 2 again", got)
		}
	})
}

// allowed asks b for n retries and counts the ones it allows.
func allowed(b retry.Budget, n int) int {
	got := 0
	for range n {
		if b.Allow(retry.ClassTransient) {
			got++
		}
	}
	return got
}

func TestRatioReserve(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := budget.NewRatio(0, 0.5, 10*time.Second) // 0.5/s over 10s: 5 retries
		for i := range 6 {
			if got, want := b.Allow(retry.ClassTransient), i < 5; got != want {
				t.Errorf("retry %d: AllowRetry = %v, want %v", i, got, want)
			}
		}
		time.Sleep(10 * time.Second)
		if !b.Allow(retry.ClassTransient) {
			t.Error("time must restore the reserve")
		}
	})
}

func BenchmarkRatio(b *testing.B) {
	rb := budget.NewRatio(0.2, 10, 10*time.Second)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			spent := retry.ClassTransient
			if i%4 == 0 {
				spent = 0 // a first attempt
			}
			rb.Attempted(retry.ClassSuccess, spent)
			_ = rb.Allow(retry.ClassTransient)
		}
	})
}

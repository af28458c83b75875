package budget_test

import (
	"testing"

	"github.com/tenacious-go/tenacious/budget"
	"github.com/tenacious-go/tenacious/retry"
)

func TestTokenBucketArithmetic(t *testing.T) {
	type step struct {
		result, spent retry.Class
		wantTokens    float64
		wantAllow     bool
	}
	fail := func(tokens float64, allow bool) step {
		return step{retry.ClassTransient, retry.ClassTransient, tokens, allow}
	}
	ok := func(tokens float64, allow bool) step {
		return step{retry.ClassSuccess, retry.ClassTransient, tokens, allow}
	}
	tests := []struct {
		name       string
		max, ratio float64
		steps      []step
	}{
		{"gRPC example: 10 tokens, 0.1 per success", 10, 0.1, []step{
			fail(9, true), fail(8, true), fail(7, true), fail(6, true),
			fail(5, false), // at half: no more retries
			ok(5.1, true),  // just above half again
			fail(4.1, false), fail(3.1, false), fail(2.1, false), fail(1.1, false), fail(0.1, false),
			fail(0, false), // never below zero
			ok(0.1, false),
		}},
		{"successes never overfill", 3, 1, []step{
			ok(3, true), ok(3, true), fail(2, true), ok(3, true),
			fail(2, true), fail(1, false), ok(2, true), ok(3, true),
		}},
		{"first attempts count like any other", 2, 0.5, []step{
			{retry.ClassTransient, 0, 1, false}, {retry.ClassSuccess, 0, 1.5, true}, {retry.ClassSuccess, 0, 2, true},
		}},
		{"throttled failures cost like any other", 2, 0.5, []step{
			{retry.ClassThrottled, 0, 1, false}, {retry.ClassSuccess, retry.ClassThrottled, 1.5, true},
		}},
		{"an answer that is not a success changes nothing (gRFC A6)", 2, 0.5, []step{
			{retry.ClassTransient, 0, 1, false}, {retry.ClassAnswered, 0, 1, false}, {retry.ClassAnswered, retry.ClassTransient, 1, false},
		}},
		{"an attempt the caller's context ended changes nothing", 2, 0.5, []step{
			{0, 0, 2, true}, {0, retry.ClassTransient, 2, true},
		}},
		{"a thousandth is the smallest ratio", 1, 0.0001, []step{
			fail(0, false), ok(0.001, false),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := budget.NewTokenBucket(tt.max, tt.ratio)
			if b.Tokens() != tt.max || !b.Allow(retry.ClassTransient) || !b.Allow(retry.ClassExtra) {
				t.Fatalf("a new bucket holds %v tokens, want %v and retries allowed", b.Tokens(), tt.max)
			}
			for i, s := range tt.steps {
				b.Attempted(s.result, s.spent)
				if got := b.Tokens(); got != s.wantTokens {
					t.Errorf("step %d: tokens = %v, want %v", i, got, s.wantTokens)
				}
				if got := b.Allow(retry.ClassTransient); got != s.wantAllow {
					t.Errorf("step %d: Allow = %v, want %v", i, got, s.wantAllow)
				}
			}
		})
	}
}

func BenchmarkTokenBucket(b *testing.B) {
	tb := budget.NewTokenBucket(10, 0.2)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			result := retry.ClassSuccess
			if i%3 == 0 {
				result = retry.ClassTransient
			}
			tb.Attempted(result, 0)
			_ = tb.Allow(retry.ClassTransient)
		}
	})
}

// BenchmarkTokenBucketHealthy is the steady state of a healthy service: the bucket is
// full, so successes only read the shared word and never contend for it.
func BenchmarkTokenBucketHealthy(b *testing.B) {
	tb := budget.NewTokenBucket(10, 0.2)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			tb.Attempted(retry.ClassSuccess, 0)
		}
	})
}

// Package benchmarks compares the cost of retrying a call with tenacious and with
// the other Go retry libraries: github.com/cenkalti/backoff/v5,
// github.com/avast/retry-go/v4, github.com/sethvargo/go-retry,
// github.com/failsafe-go/failsafe-go and, for HTTP,
// github.com/hashicorp/go-retryablehttp.
//
// It is a module of its own, so that none of them enters the library's go.mod.
// Every library gets the same policy, written as its own documentation writes it
// (see [Adapters]); semantics_test.go checks that they all behave alike before the
// benchmarks compare them. run.sh runs the benchmarks and writes RESULTS.md:
//
//	./run.sh                                     # -count 6: about four minutes
//	go test -run . -bench . -benchtime=1x ./...  # every benchmark once, for CI
//	go test -run TestLimiter -v .                # scenario 8 alone: issue 12's rate limiter
package benchmarks

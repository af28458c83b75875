package predicate_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"regexp"
	"syscall"
	"time"

	"github.com/tenacious-go/tenacious/predicate"
	"github.com/tenacious-go/tenacious/retry"
)

// HTTPError is an error with a status code, as an API client might return.
type HTTPError struct{ Code int }

func (e *HTTPError) Error() string   { return fmt.Sprintf("http status %d", e.Code) }
func (e *HTTPError) StatusCode() int { return e.Code }

// QuotaError is an error type of an imaginary API.
type QuotaError struct{ Resource string }

func (e *QuotaError) Error() string { return "quota exceeded for " + e.Resource }

// decide shows what a predicate says about err.
func decide(p retry.Predicate, err error) bool { return p.Match(retry.Attempt{Number: 1, Err: err}) }

func ExampleTransient() {
	transient := predicate.Transient()
	for _, err := range []error{
		&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)},
		fmt.Errorf("read body: %w", io.ErrUnexpectedEOF),
		&net.DNSError{Err: "no such host", Name: "api.example", IsNotFound: true},
		fmt.Errorf("get user: %w", &HTTPError{503}),
		fmt.Errorf("get user: %w", &HTTPError{404}),
		retry.Permanent(&HTTPError{503}),
		fmt.Errorf("query: %w", context.DeadlineExceeded), // the driver's own timeout
		context.Canceled,
	} {
		fmt.Printf("%-5v %v\n", decide(transient, err), err)
	}
	// Output:
	// true  dial tcp: connect: connection refused
	// true  read body: unexpected EOF
	// false lookup api.example: no such host
	// true  get user: http status 503
	// false get user: http status 404
	// false http status 503
	// true  query: context deadline exceeded
	// false context canceled
}

// A Policy that retries what Transient accepts: here, two 503s and then success.
func ExampleTransient_policy() {
	p := retry.Policy{
		Retry: predicate.Transient(),
		Wait:  retry.WaitFunc(func(retry.Attempt) time.Duration { return time.Millisecond }),
	}
	calls := 0
	err := p.Run(context.Background(), func(context.Context) error {
		calls++
		if calls < 3 {
			return &HTTPError{503}
		}
		return nil
	})
	fmt.Println(calls, err)
	// Output: 3 <nil>
}

func ExampleStatus() {
	conflict := predicate.Status(409, 423)
	fmt.Println(decide(conflict, fmt.Errorf("update: %w", &HTTPError{409})))
	fmt.Println(decide(conflict, &HTTPError{503}))
	// Output:
	// true
	// false
}

func ExampleErrorIs() {
	errBusy := errors.New("resource busy")
	busy := predicate.ErrorIs(errBusy, fs.ErrNotExist)
	fmt.Println(decide(busy, fmt.Errorf("lock: %w", errBusy)))
	fmt.Println(decide(busy, io.EOF))
	// Output:
	// true
	// false
}

func ExampleErrorAs() {
	quota := predicate.ErrorAs[*QuotaError]()
	fmt.Println(decide(quota, fmt.Errorf("create: %w", &QuotaError{"disks"})))
	fmt.Println(decide(quota, &HTTPError{429}))
	// Output:
	// true
	// false
}

// Predicates combine with Any, All and Not.
func Example_combine() {
	errStale := errors.New("stale read")
	// Transient errors and errStale, but not 429: the caller handles rate limits.
	retryIf := predicate.All(
		predicate.Any(predicate.Transient(), predicate.ErrorIs(errStale)),
		predicate.Not(predicate.Status(429)),
	)
	fmt.Println(decide(retryIf, errStale))
	fmt.Println(decide(retryIf, &HTTPError{502}))
	fmt.Println(decide(retryIf, &HTTPError{429}))
	fmt.Println(decide(retryIf, &HTTPError{404}))
	// Output:
	// true
	// true
	// false
	// false
}

func ExampleError() {
	isTemporary := predicate.Error(func(err error) bool {
		var t interface{ Temporary() bool }
		return errors.As(err, &t) && t.Temporary()
	})
	fmt.Println(isTemporary.Match(retry.Attempt{Err: errors.New("plain")}))
	// Output: false
}

func ExampleMessage() {
	p := predicate.Message("deadlock")
	fmt.Println(p.Match(retry.Attempt{Err: errors.New("pq: deadlock detected")}), p.Match(retry.Attempt{Err: errors.New("syntax error")}))
	// Output: true false
}

func ExampleMessageMatches() {
	p := predicate.MessageMatches(regexp.MustCompile(`^(?i)lock wait timeout`))
	fmt.Println(p.Match(retry.Attempt{Err: errors.New("Lock wait timeout exceeded; try restarting transaction")}))
	// Output: true
}

func ExampleNot() {
	errInvalid := errors.New("invalid input")
	p := predicate.Not(predicate.ErrorIs(errInvalid)) // retry everything but invalid input
	fmt.Println(p.Match(retry.Attempt{Err: errInvalid}), p.Match(retry.Attempt{Err: errors.New("timeout")}))
	// Output: false true
}

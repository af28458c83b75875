package main

import "testing"

// TestExampleRetriesUnavailable runs the program, whose health check must succeed
// after the server's two UNAVAILABLE answers, which the interceptor retries because
// the method is marked idempotent: main exits through log.Fatal, failing the test,
// if it does not.
func TestExampleRetriesUnavailable(t *testing.T) {
	main()
}

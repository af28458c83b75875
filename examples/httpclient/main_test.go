package main

import "testing"

// TestHTTPClientRetriesUntilOK runs the program, whose GET must end with a 200 after
// the server's 503 and 429: main exits through log.Fatal, failing the test, if not.
func TestHTTPClientRetriesUntilOK(t *testing.T) {
	main()
}

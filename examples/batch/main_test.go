package main

import "testing"

// TestBatchFetchesEveryItem runs the program, which must fetch every item, those the
// server fails at first after a retry: main exits through log.Fatal, failing the
// test, if any item fails.
func TestBatchFetchesEveryItem(t *testing.T) {
	main()
}

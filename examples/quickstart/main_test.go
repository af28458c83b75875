package main

import "testing"

// TestQuickstartRetriesThenGivesUp runs the program, whose first call must succeed
// on its third attempt and whose second must give up with a *retry.Error that wraps
// errBusy: main exits through log.Fatal, failing the test, if either does not.
func TestQuickstartRetriesThenGivesUp(t *testing.T) {
	main()
}

package retry

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestBatchErrorMessageIsBounded(t *testing.T) {
	for _, tt := range []struct {
		failures  int
		wantLines int    // in the message
		wantLast  string // its last line
	}{
		{1, 2, "task 0: bad 0"},
		{10, 11, "task 9: bad 9"},
		{11, 12, "and 1 more"},
		{300, 12, "and 290 more"},
	} {
		t.Run(strconv.Itoa(tt.failures), func(t *testing.T) {
			var p Policy
			inputs := make([]int, tt.failures)
			for i := range inputs {
				inputs[i] = i
			}
			_, err := MapAll(context.Background(), &p, inputs, 4, func(_ context.Context, i int) (int, error) {
				return 0, Permanent(errors.New("bad " + strconv.Itoa(i)))
			})
			var be *BatchError
			if !errors.As(err, &be) || len(be.Failures) != tt.failures {
				t.Fatalf("err = %v, want a *BatchError with %d failures", err, tt.failures)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != tt.wantLines || lines[len(lines)-1] != tt.wantLast {
				t.Errorf("message has %d lines ending %q, want %d ending %q", len(lines), lines[len(lines)-1], tt.wantLines, tt.wantLast)
			}
			if len(be.Unwrap()) != tt.failures {
				t.Errorf("Unwrap gave %d errors, want every one of the %d", len(be.Unwrap()), tt.failures)
			}
		})
	}
}

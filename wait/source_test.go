package wait_test

import (
	"testing"
	"time"

	"github.com/tenacious-go/tenacious/wait"
)

func TestOptions(t *testing.T) {
	s := time.Second
	tests := []struct {
		name string
		opts []wait.Option
		want time.Duration
	}{
		{"lowest", []wait.Option{lowest}, 0},
		{"highest", []wait.Option{highest}, s},
		{"last wins", []wait.Option{lowest, highest}, s},
		{"zero Option changes nothing", []wait.Option{highest, {}}, s},
	}
	for _, tt := range tests {
		if got := wait.FullJitter(s, s, tt.opts...).Wait(at(1)); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

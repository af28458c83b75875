package hooks_test

import (
	"slices"
	"strconv"
	"testing"

	"github.com/tenacious-go/tenacious/hooks"
	"github.com/tenacious-go/tenacious/retry"
)

func TestAll(t *testing.T) {
	var got []string
	mark := func(name string) retry.Hook {
		return retry.HookFunc(func(a retry.Attempt) { got = append(got, name+strconv.Itoa(a.Number)) })
	}
	a, b, c := mark("a"), mark("b"), mark("c")
	tests := []struct {
		name    string
		hooks   []retry.Hook
		wantNil bool
		want    []string
	}{
		{name: "none", hooks: nil, wantNil: true},
		{name: "empty", hooks: []retry.Hook{}, wantNil: true},
		{name: "only nil", hooks: []retry.Hook{nil, nil}, wantNil: true},
		{name: "one", hooks: []retry.Hook{a}, want: []string{"a7"}},
		{name: "one among nils", hooks: []retry.Hook{nil, b, nil}, want: []string{"b7"}},
		{name: "in order", hooks: []retry.Hook{c, a, b}, want: []string{"c7", "a7", "b7"}},
		{name: "nils skipped", hooks: []retry.Hook{a, nil, c, nil}, want: []string{"a7", "c7"}},
		{name: "repeated", hooks: []retry.Hook{a, a}, want: []string{"a7", "a7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := hooks.All(tt.hooks...)
			if (h == nil) != tt.wantNil {
				t.Fatalf("All(...) == nil: got %v, want %v", h == nil, tt.wantNil)
			}
			if h == nil {
				return
			}
			got = nil
			h.Run(retry.Attempt{Number: 7})
			if !slices.Equal(got, tt.want) {
				t.Errorf("got calls %q, want %q", got, tt.want)
			}
		})
	}
}

// TestAllCopy checks that All keeps its own copy of the slice.
func TestAllCopy(t *testing.T) {
	calls := 0
	count := retry.HookFunc(func(retry.Attempt) { calls++ })
	hs := []retry.Hook{count, count}
	h := hooks.All(hs...)
	hs[0], hs[1] = nil, nil
	h.Run(retry.Attempt{Number: 1})
	if calls != 2 {
		t.Errorf("got %d calls, want 2", calls)
	}
}

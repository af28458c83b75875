package sim

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestQueue checks that events pop by time, and in push order at equal times.
func TestQueue(t *testing.T) {
	var q Queue[string]
	q.Grow(8)
	q.Push(3*time.Second, "c")
	q.Push(time.Second, "a1")
	q.Push(2*time.Second, "b")
	q.Push(time.Second, "a2")
	q.Push(0, "z")
	q.Push(time.Second, "a3")
	if got := q.Peek(); got.At != 0 || got.Value != "z" {
		t.Errorf("Peek() = %v, want z at 0", got)
	}
	var got []string
	last := time.Duration(-1)
	for q.Len() > 0 {
		e := q.Pop()
		if e.At < last {
			t.Errorf("popped %q at %v after %v", e.Value, e.At, last)
		}
		last = e.At
		got = append(got, e.Value)
	}
	if want := []string{"z", "a1", "a2", "a3", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("popped %q, want %q", got, want)
	}
}

// TestMarkdown checks the padding and alignment of a table.
func TestMarkdown(t *testing.T) {
	var b strings.Builder
	Markdown(&b, []string{"name", "n"}, [][]string{{"a", "10"}, {"bcdef", "2"}})
	want := "| name  |  n |\n|-------|---:|\n| a     | 10 |\n| bcdef |  2 |\n"
	if got := b.String(); got != want {
		t.Errorf("Markdown wrote\n%s\nwant\n%s", got, want)
	}
}

// TestLinearTicks checks round bounds and steps.
func TestLinearTicks(t *testing.T) {
	for _, c := range []struct {
		hi    float64
		n     int
		top   float64
		ticks []float64
	}{
		{hi: 9, n: 5, top: 10, ticks: []float64{0, 2, 4, 6, 8, 10}},
		{hi: 430, n: 6, top: 500, ticks: []float64{0, 100, 200, 300, 400, 500}},
		{hi: 0.7, n: 5, top: 0.8, ticks: []float64{0, 0.2, 0.4, 0.6000000000000001, 0.8}},
	} {
		top, ticks := LinearTicks(c.hi, c.n)
		if top != c.top || !slices.Equal(ticks, c.ticks) {
			t.Errorf("LinearTicks(%v, %d) = %v, %v; want %v, %v", c.hi, c.n, top, ticks, c.top, c.ticks)
		}
	}
}

// TestText checks the formatting and escaping of chart text.
func TestText(t *testing.T) {
	if got := Tick(2.50); got != "2.5" {
		t.Errorf("Tick(2.5) = %q", got)
	}
	if got := Esc("a < b & c > d"); got != "a &lt; b &amp; c &gt; d" {
		t.Errorf("Esc = %q", got)
	}
	var b strings.Builder
	Line(&b, []Point{{1, 2}, {3.25, 4}}, "#000", 2, "")
	if want := `<path d="M1.0 2.0L3.2 4.0" fill="none" stroke="#000" stroke-width="2.0" stroke-linejoin="round" stroke-dasharray=""/>` + "\n"; b.String() != want {
		t.Errorf("Line wrote %q, want %q", b.String(), want)
	}
}

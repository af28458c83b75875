package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/tenacious-go/tenacious/examples/internal/sim"
)

// Geometry of the chart, in SVG user units.
const (
	chartW, chartH = 960, 480
	panelW, panelH = 370, 280 // plot area of each panel
	panelTop       = 130
)

// panel is one plot area: where it lies, its y scale, and how to read a value of a
// row.
type panel struct {
	left       float64
	title      string
	yLabel     string
	logY       bool
	yMin, yMax float64
	yTicks     []float64
	value      func(r jitterRow, s int) float64
}

// writeChart draws two panels side by side, the calls and the completion time of
// every strategy against the number of clients, with a shared legend, as SVG.
func writeChart(w io.Writer, rows []jitterRow, trials int) error {
	calls := func(r jitterRow, s int) float64 { return r.calls[s] }
	secs := func(r jitterRow, s int) float64 { return r.completion[s].Seconds() }
	work := panel{left: 80, title: "Work: conditional writes per run", yLabel: "calls", value: calls}
	work.yMax, work.yTicks = sim.LinearTicks(maxOf(rows, calls), 5)
	spent := panel{left: 560, title: "Time until the last client succeeds", yLabel: "seconds (log scale)", logY: true, value: secs}
	spent.yMin, spent.yMax, spent.yTicks = logTicks(minOf(rows, secs), maxOf(rows, secs))

	var b strings.Builder
	sim.Begin(&b, chartW, chartH, "N clients racing to update one row (optimistic concurrency), tenacious/wait strategies",
		fmt.Sprintf("mean of %d runs per point · network hop ~ N(10ms, 2ms) · base %v, cap %v · after Brooker (AWS, 2015)", trials, waitBase, waitCap))
	legend(&b)
	for _, p := range []panel{work, spent} {
		p.draw(&b, rows)
	}
	return sim.End(w, &b)
}

// legend writes one entry per strategy in a row under the subtitle.
func legend(b *strings.Builder) {
	const entryW = 150
	x := float64(chartW)/2 - float64(len(strategies))*entryW/2
	for _, s := range strategies {
		fmt.Fprintf(b, `<line x1="%.1f" y1="80" x2="%.1f" y2="80" stroke="%s" stroke-width="3" stroke-dasharray="%s"/>`, x, x+28, s.color, s.dash)
		fmt.Fprintf(b, `<circle cx="%.1f" cy="80" r="3.5" fill="%s"/>`, x+14, s.color)
		fmt.Fprintf(b, `<text x="%.1f" y="84.5" font-size="13" fill="#333">%s</text>`+"\n", x+36, sim.Esc(s.name))
		x += entryW
	}
}

// draw writes the panel: grid, axes, labels and one line per strategy.
func (p panel) draw(b *strings.Builder, rows []jitterRow) {
	f := sim.Frame{Left: p.left, Top: panelTop, W: panelW, H: panelH}
	f.Title(b, p.title)
	for _, v := range p.yTicks {
		f.YTick(b, p.y(v), v)
	}
	for _, r := range rows {
		f.XTick(b, p.x(rows, r.clients), fmt.Sprint(r.clients))
	}
	f.Axes(b, "clients", p.yLabel)
	for s, st := range strategies {
		points := make([]sim.Point, len(rows))
		for i, r := range rows {
			points[i] = sim.Point{X: p.x(rows, r.clients), Y: p.y(p.value(r, s))}
		}
		sim.Line(b, points, st.color, 2.5, st.dash)
		for _, pt := range points {
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, pt.X, pt.Y, st.color)
		}
		b.WriteString("\n")
	}
}

// x maps a number of clients to the panel's horizontal coordinate.
func (p panel) x(rows []jitterRow, clients int) float64 {
	lo, hi := float64(rows[0].clients), float64(rows[len(rows)-1].clients)
	if hi == lo {
		return p.left + panelW/2
	}
	return p.left + 10 + (float64(clients)-lo)/(hi-lo)*(panelW-20)
}

// y maps a value to the panel's vertical coordinate.
func (p panel) y(v float64) float64 {
	f := (v - p.yMin) / (p.yMax - p.yMin)
	if p.logY {
		f = math.Log(v/p.yMin) / math.Log(p.yMax/p.yMin)
	}
	return float64(panelTop+panelH) - f*panelH
}

// logTicks returns bounds at 1, 2 or 5 times a power of ten around [lo, hi] and the
// ticks at those steps between them; lo must be positive.
func logTicks(lo, hi float64) (bottom, top float64, ticks []float64) {
	for e := math.Floor(math.Log10(lo)); ; e++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, e)
			if v <= lo {
				ticks = ticks[:0] // a closer bottom
			}
			ticks = append(ticks, v)
			if v >= hi {
				return ticks[0], v, ticks
			}
		}
	}
}

// maxOf returns the largest value over every row and strategy.
func maxOf(rows []jitterRow, value func(jitterRow, int) float64) float64 {
	m := math.Inf(-1)
	for _, r := range rows {
		for s := range strategies {
			m = max(m, value(r, s))
		}
	}
	return m
}

// minOf returns the smallest value over every row and strategy.
func minOf(rows []jitterRow, value func(jitterRow, int) float64) float64 {
	m := math.Inf(1)
	for _, r := range rows {
		for s := range strategies {
			m = min(m, value(r, s))
		}
	}
	return m
}

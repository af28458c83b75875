package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/tenacious-go/tenacious/examples/internal/sim"
)

// Geometry of the chart, in SVG user units.
const (
	chartW, chartH = 960, 540
	panelW, panelH = 370, 280 // plot area of each panel
	panelTop       = 190
)

// panel is one plot area: where it lies, its scales, and which series of a result
// it draws.
type panel struct {
	left    float64
	title   string
	yLabel  string
	horizon float64 // seconds on the x axis
	yMax    float64
	yTicks  []float64
	series  func(r result) []int
}

// writeChart draws two panels side by side, over the seconds of the first run
// with fleetSizes[n] client processes: on the left the goodput of every strategy
// of the chart, with the calls offered; on the right the attempts they sent to
// the server, with its capacity. The dip is shaded in both.
func writeChart(w io.Writer, f *fleet, n int) error {
	sc := f.sc
	var runs []result
	for s := range strategies {
		runs = append(runs, f.first[s][n])
	}
	clients := "one client process"
	if fleetSizes[n] > 1 {
		clients = processes(fleetSizes[n]) + ", each with its own budget"
	}
	good := func(r result) []int { return r.good }
	sent := func(r result) []int { return r.sent }
	secs := sc.horizon.Seconds()
	gp := panel{left: 80, title: "Goodput: calls that succeed per second", yLabel: "calls per second", horizon: secs, series: good}
	gp.yMax, gp.yTicks = sim.LinearTicks(max(sc.capacity(), maxOf(runs, good)), 6)
	lp := panel{left: 560, title: "Load: attempts sent to the server per second", yLabel: "attempts per second", horizon: secs, series: sent}
	lp.yMax, lp.yTicks = sim.LinearTicks(max(sc.capacity(), maxOf(runs, sent)), 6)

	var b strings.Builder
	sim.Begin(&b, chartW, chartH, "Metastable failure: the server's capacity halves for 10 s, then comes back",
		fmt.Sprintf("%.0f calls/s (Poisson) · %d workers, mean service %v (%.0f attempts/s), FIFO queue, timed-out attempts still served",
			sc.rate(), sc.workers, sc.service, sc.capacity()),
		fmt.Sprintf("%v attempt timeout · at most %d attempts, full jitter %v..%v · %s · virtual time, seed %d",
			sc.timeout, maxAttempts, backoffBase, backoffCeiling, clients, f.seed))
	legend(&b, sc)
	for _, p := range []panel{gp, lp} {
		p.draw(&b, sc, runs)
	}
	return sim.End(w, &b)
}

// swatch is an entry of the legend: a short line (or, if fill is set, a box)
// and its label.
type swatch struct {
	label              string
	stroke, dash, fill string
	width              float64
}

// legend writes one entry per strategy of the chart in a row under the subtitle,
// and a row for the references.
func legend(b *strings.Builder, sc scenario) {
	var lines []swatch
	for _, s := range strategies {
		if s.chart {
			lines = append(lines, swatch{label: s.name, stroke: s.color, dash: s.dash, width: s.width()})
		}
	}
	legendRow(b, 100, lines)
	legendRow(b, 126, []swatch{
		{label: fmt.Sprintf("calls offered (%.0f/s)", sc.rate()), stroke: "#555", dash: "5 4", width: 1.2},
		{label: fmt.Sprintf("server capacity (%.0f/s)", sc.capacity()), stroke: "#222", width: 1.2},
		{label: "capacity halved", fill: dipFill},
	})
}

// legendRow writes entries centred on a row at height y. Labels are measured
// roughly, at 7.2 units a character.
func legendRow(b *strings.Builder, y float64, entries []swatch) {
	const swatchW, gap, charW = 28.0, 26.0, 7.2
	width := func(e swatch) float64 { return swatchW + 8 + charW*float64(len([]rune(e.label))) }
	total := -gap
	for _, e := range entries {
		total += width(e) + gap
	}
	x := (chartW - total) / 2
	for _, e := range entries {
		if e.fill != "" {
			fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.0f" height="14" fill="%s"/>`, x, y-7, swatchW, e.fill)
		} else {
			fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%.1f" stroke-dasharray="%s"/>`,
				x, y, x+swatchW, y, e.stroke, e.width, e.dash)
		}
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="13" fill="#333">%s</text>`+"\n", x+swatchW+8, y+4.5, sim.Esc(e.label))
		x += width(e) + gap
	}
}

// dipFill is the colour that shades the dip.
const dipFill = "#f3e3c3"

// width returns the stroke width of the strategy's line: no retries is drawn
// first and wide, so that the lines that follow it closely stay visible on it.
func (s strategy) width() float64 {
	if s.attempts == 1 {
		return 5
	}
	return 2
}

// draw writes the panel: the dip, grid, axes, labels, the reference line and one
// line per strategy of the chart, from runs, by strategy.
func (p panel) draw(b *strings.Builder, sc scenario, runs []result) {
	f := sim.Frame{Left: p.left, Top: panelTop, W: panelW, H: panelH}
	right := p.left + panelW
	f.Title(b, p.title)
	x0, x1 := p.x(sc.dipStart.Seconds()), p.x(sc.dipEnd.Seconds())
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", x0, float64(panelTop), x1-x0, float64(panelH), dipFill)
	for _, v := range p.yTicks {
		f.YTick(b, p.y(v), v)
	}
	for s := 0.0; s <= p.horizon; s += 20 {
		f.XTick(b, p.x(s), sim.Tick(s))
	}
	f.Axes(b, "seconds", p.yLabel)
	if p.left < chartW/2 { // the goodput panel: the calls offered
		y := p.y(sc.rate())
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#555" stroke-width="1.2" stroke-dasharray="5 4"/>`+"\n", p.left, y, right, y)
	} else { // the load panel: the server's capacity
		full, half := p.y(sc.capacity()), p.y(float64(sc.workers/2)/sc.service.Seconds())
		fmt.Fprintf(b, `<path d="M%.1f %.1fH%.1fV%.1fH%.1fV%.1fH%.1f" fill="none" stroke="#222" stroke-width="1.2"/>`+"\n",
			p.left, full, x0, half, x1, full, right)
	}
	for s, st := range strategies {
		if !st.chart {
			continue
		}
		series := p.series(runs[s])
		points := make([]sim.Point, len(series))
		for i, v := range series {
			points[i] = sim.Point{X: p.x(float64(i) + 0.5), Y: p.y(float64(v))}
		}
		sim.Line(b, points, st.color, st.width(), st.dash)
	}
}

// x maps a time in seconds to the panel's horizontal coordinate.
func (p panel) x(s float64) float64 { return p.left + s/p.horizon*panelW }

// y maps a value to the panel's vertical coordinate.
func (p panel) y(v float64) float64 { return float64(panelTop+panelH) - v/p.yMax*panelH }

// maxOf returns the largest value of a series over the results.
func maxOf(rs []result, series func(result) []int) float64 {
	m := 0
	for _, r := range rs {
		for _, v := range series(r) {
			m = max(m, v)
		}
	}
	return float64(m)
}

package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Geometry of the chart, in SVG user units.
const (
	chartW, chartH = 960, 540
	panelW, panelH = 370, 280 // plot area of each panel
	panelTop       = 190
	fontFamily     = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"
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
	gp.yMax, gp.yTicks = linearTicks(max(sc.capacity(), maxOf(runs, good)))
	lp := panel{left: 560, title: "Load: attempts sent to the server per second", yLabel: "attempts per second", horizon: secs, series: sent}
	lp.yMax, lp.yTicks = linearTicks(max(sc.capacity(), maxOf(runs, sent)))

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s">`+"\n",
		chartW, chartH, chartW, chartH, fontFamily)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#ffffff"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="30" text-anchor="middle" font-size="18" font-weight="600" fill="#222">%s</text>`+"\n",
		chartW/2, "Metastable failure: the server's capacity halves for 10 s, then comes back")
	fmt.Fprintf(&b, `<text x="%d" y="52" text-anchor="middle" font-size="13" fill="#555">%s</text>`+"\n",
		chartW/2, esc(fmt.Sprintf("%.0f calls/s (Poisson) · %d workers, mean service %v (%.0f attempts/s), FIFO queue, timed-out attempts still served",
			sc.rate(), sc.workers, sc.service, sc.capacity())))
	fmt.Fprintf(&b, `<text x="%d" y="70" text-anchor="middle" font-size="13" fill="#555">%s</text>`+"\n",
		chartW/2, esc(fmt.Sprintf("%v attempt timeout · at most %d attempts, full jitter %v..%v · %s · virtual time, seed %d",
			sc.timeout, maxAttempts, backoffBase, backoffCeiling, clients, f.seed)))
	legend(&b, sc)
	for _, p := range []panel{gp, lp} {
		p.draw(&b, sc, runs)
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
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
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="13" fill="#333">%s</text>`+"\n", x+swatchW+8, y+4.5, esc(e.label))
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
	top, bottom, right := float64(panelTop), float64(panelTop+panelH), p.left+panelW
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="15" font-weight="600" fill="#222">%s</text>`+"\n",
		p.left+panelW/2, top-16, esc(p.title))
	x0, x1 := p.x(sc.dipStart.Seconds()), p.x(sc.dipEnd.Seconds())
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", x0, top, x1-x0, float64(panelH), dipFill)
	for _, v := range p.yTicks {
		y := p.y(v)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e6e6e6"/>`, p.left, y, right, y)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end" font-size="12" fill="#555">%s</text>`+"\n", p.left-8, y+4, tick(v))
	}
	for s := 0.0; s <= p.horizon; s += 20 {
		x := p.x(s)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#999"/>`, x, bottom, x, bottom+5)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="12" fill="#555">%s</text>`+"\n", x, bottom+19, tick(s))
	}
	fmt.Fprintf(b, `<path d="M%.1f %.1fV%.1fH%.1f" fill="none" stroke="#999"/>`+"\n", p.left, top, bottom, right)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="13" fill="#333">seconds</text>`+"\n", p.left+panelW/2, bottom+40)
	fmt.Fprintf(b, `<text transform="translate(%.1f %.1f) rotate(-90)" text-anchor="middle" font-size="13" fill="#333">%s</text>`+"\n",
		p.left-52, top+panelH/2, esc(p.yLabel))
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
		r := runs[s]
		var d strings.Builder
		for i, v := range p.series(r) {
			fmt.Fprintf(&d, "%c%.1f %.1f", "ML"[min(i, 1)], p.x(float64(i)+0.5), p.y(float64(v)))
		}
		fmt.Fprintf(b, `<path d="%s" fill="none" stroke="%s" stroke-width="%.1f" stroke-linejoin="round" stroke-dasharray="%s"/>`+"\n",
			d.String(), st.color, st.width(), st.dash)
	}
}

// x maps a time in seconds to the panel's horizontal coordinate.
func (p panel) x(s float64) float64 { return p.left + s/p.horizon*panelW }

// y maps a value to the panel's vertical coordinate.
func (p panel) y(v float64) float64 { return float64(panelTop+panelH) - v/p.yMax*panelH }

// linearTicks returns a round upper bound at or above hi and ticks from 0 to it.
func linearTicks(hi float64) (top float64, ticks []float64) {
	step := niceStep(hi / 6)
	top = math.Ceil(hi/step) * step
	for v := 0.0; v <= top+step/2; v += step {
		ticks = append(ticks, v)
	}
	return top, ticks
}

// niceStep returns the smallest of 1, 2 and 5 times a power of ten that is at least x.
func niceStep(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}

// tick formats a tick value without trailing zeros.
func tick(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// esc escapes text for SVG.
func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

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

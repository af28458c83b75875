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
	chartW, chartH = 960, 480
	panelW, panelH = 370, 280 // plot area of each panel
	panelTop       = 130
	fontFamily     = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"
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
	work.yMax, work.yTicks = linearTicks(maxOf(rows, calls))
	spent := panel{left: 560, title: "Time until the last client succeeds", yLabel: "seconds (log scale)", logY: true, value: secs}
	spent.yMin, spent.yMax, spent.yTicks = logTicks(minOf(rows, secs), maxOf(rows, secs))

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s">`+"\n",
		chartW, chartH, chartW, chartH, fontFamily)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#ffffff"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="30" text-anchor="middle" font-size="18" font-weight="600" fill="#222">%s</text>`+"\n",
		chartW/2, "N clients racing to update one row (optimistic concurrency), tenacious/wait strategies")
	fmt.Fprintf(&b, `<text x="%d" y="52" text-anchor="middle" font-size="13" fill="#555">%s</text>`+"\n",
		chartW/2, esc(fmt.Sprintf("mean of %d runs per point · network hop ~ N(10ms, 2ms) · base %v, cap %v · after Brooker (AWS, 2015)", trials, waitBase, waitCap)))
	legend(&b)
	for _, p := range []panel{work, spent} {
		p.draw(&b, rows)
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// legend writes one entry per strategy in a row under the subtitle.
func legend(b *strings.Builder) {
	const entryW = 150
	x := float64(chartW)/2 - float64(len(strategies))*entryW/2
	for _, s := range strategies {
		fmt.Fprintf(b, `<line x1="%.1f" y1="80" x2="%.1f" y2="80" stroke="%s" stroke-width="3" stroke-dasharray="%s"/>`, x, x+28, s.color, s.dash)
		fmt.Fprintf(b, `<circle cx="%.1f" cy="80" r="3.5" fill="%s"/>`, x+14, s.color)
		fmt.Fprintf(b, `<text x="%.1f" y="84.5" font-size="13" fill="#333">%s</text>`+"\n", x+36, esc(s.name))
		x += entryW
	}
}

// draw writes the panel: grid, axes, labels and one line per strategy.
func (p panel) draw(b *strings.Builder, rows []jitterRow) {
	top, bottom, right := float64(panelTop), float64(panelTop+panelH), p.left+panelW
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="15" font-weight="600" fill="#222">%s</text>`+"\n",
		p.left+panelW/2, top-16, esc(p.title))
	for _, v := range p.yTicks {
		y := p.y(v)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e6e6e6"/>`, p.left, y, right, y)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end" font-size="12" fill="#555">%s</text>`+"\n", p.left-8, y+4, tick(v))
	}
	for _, r := range rows {
		x := p.x(rows, r.clients)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#999"/>`, x, bottom, x, bottom+5)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="12" fill="#555">%d</text>`+"\n", x, bottom+19, r.clients)
	}
	fmt.Fprintf(b, `<path d="M%.1f %.1fV%.1fH%.1f" fill="none" stroke="#999"/>`+"\n", p.left, top, bottom, right)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="13" fill="#333">clients</text>`+"\n", p.left+panelW/2, bottom+40)
	fmt.Fprintf(b, `<text transform="translate(%.1f %.1f) rotate(-90)" text-anchor="middle" font-size="13" fill="#333">%s</text>`+"\n",
		p.left-52, top+panelH/2, esc(p.yLabel))
	for s, st := range strategies {
		var d strings.Builder
		for i, r := range rows {
			fmt.Fprintf(&d, "%c%.1f %.1f", "ML"[min(i, 1)], p.x(rows, r.clients), p.y(p.value(r, s)))
		}
		fmt.Fprintf(b, `<path d="%s" fill="none" stroke="%s" stroke-width="2.5" stroke-linejoin="round" stroke-dasharray="%s"/>`+"\n",
			d.String(), st.color, st.dash)
		for _, r := range rows {
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, p.x(rows, r.clients), p.y(p.value(r, s)), st.color)
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

// linearTicks returns a round upper bound at or above hi and ticks from 0 to it.
func linearTicks(hi float64) (top float64, ticks []float64) {
	step := niceStep(hi / 5)
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

// tick formats a tick value without trailing zeros.
func tick(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// esc escapes text for SVG.
func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
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

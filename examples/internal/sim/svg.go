package sim

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// fontFamily is the font stack of every chart.
const fontFamily = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"

// Begin starts an SVG document of width by height user units on a white
// background, with a title centred at the top and each subtitle on a line
// under it.
func Begin(b *strings.Builder, width, height int, title string, subtitles ...string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s">`+"\n",
		width, height, width, height, fontFamily)
	fmt.Fprintf(b, `<rect width="100%%" height="100%%" fill="#ffffff"/>`+"\n")
	fmt.Fprintf(b, `<text x="%d" y="30" text-anchor="middle" font-size="18" font-weight="600" fill="#222">%s</text>`+"\n",
		width/2, Esc(title))
	for i, s := range subtitles {
		fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle" font-size="13" fill="#555">%s</text>`+"\n",
			width/2, 52+18*i, Esc(s))
	}
}

// End closes the SVG document in b and writes it to w.
func End(w io.Writer, b *strings.Builder) error {
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// Frame is the plot area of a panel, in SVG user units.
type Frame struct {
	Left, Top, W, H float64
}

// Title writes the panel's title, centred above it.
func (f Frame) Title(b *strings.Builder, title string) {
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="15" font-weight="600" fill="#222">%s</text>`+"\n",
		f.Left+f.W/2, f.Top-16, Esc(title))
}

// YTick writes a grid line across the panel at height y and the tick value v
// left of it.
func (f Frame) YTick(b *strings.Builder, y, v float64) {
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e6e6e6"/>`, f.Left, y, f.Left+f.W, y)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end" font-size="12" fill="#555">%s</text>`+"\n", f.Left-8, y+4, Tick(v))
}

// XTick writes a tick mark under the panel at x, with its label.
func (f Frame) XTick(b *strings.Builder, x float64, label string) {
	bottom := f.Top + f.H
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#999"/>`, x, bottom, x, bottom+5)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="12" fill="#555">%s</text>`+"\n", x, bottom+19, Esc(label))
}

// Axes writes the panel's left and bottom axes and their labels.
func (f Frame) Axes(b *strings.Builder, xLabel, yLabel string) {
	top, bottom := f.Top, f.Top+f.H
	fmt.Fprintf(b, `<path d="M%.1f %.1fV%.1fH%.1f" fill="none" stroke="#999"/>`+"\n", f.Left, top, bottom, f.Left+f.W)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="13" fill="#333">%s</text>`+"\n", f.Left+f.W/2, bottom+40, Esc(xLabel))
	fmt.Fprintf(b, `<text transform="translate(%.1f %.1f) rotate(-90)" text-anchor="middle" font-size="13" fill="#333">%s</text>`+"\n",
		f.Left-52, top+f.H/2, Esc(yLabel))
}

// Point is a position in SVG user units.
type Point struct{ X, Y float64 }

// Line writes a line through points, of the given colour, width and dash
// pattern (empty for solid).
func Line(b *strings.Builder, points []Point, stroke string, width float64, dash string) {
	var d strings.Builder
	for i, p := range points {
		fmt.Fprintf(&d, "%c%.1f %.1f", "ML"[min(i, 1)], p.X, p.Y)
	}
	fmt.Fprintf(b, `<path d="%s" fill="none" stroke="%s" stroke-width="%.1f" stroke-linejoin="round" stroke-dasharray="%s"/>`+"\n",
		d.String(), stroke, width, dash)
}

// LinearTicks returns a round upper bound at or above hi and the ticks from 0
// to it, about n intervals apart.
func LinearTicks(hi float64, n int) (top float64, ticks []float64) {
	step := niceStep(hi / float64(n))
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

// Tick formats a tick value without trailing zeros.
func Tick(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// Esc escapes text for SVG.
func Esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

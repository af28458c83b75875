package sim

import (
	"fmt"
	"io"
	"strings"
)

// Markdown writes a Markdown table with its columns padded to line up, the first
// left-aligned and the others right-aligned.
func Markdown(w io.Writer, header []string, rows [][]string) {
	width := make([]int, len(header))
	for _, line := range append([][]string{header}, rows...) {
		for i, c := range line {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	line := func(cells []string) {
		for i, c := range cells {
			pad := strings.Repeat(" ", width[i]-len([]rune(c)))
			if i == 0 {
				fmt.Fprintf(w, "| %s%s ", c, pad)
			} else {
				fmt.Fprintf(w, "| %s%s ", pad, c)
			}
		}
		fmt.Fprintln(w, "|")
	}
	line(header)
	rule := make([]string, len(header))
	for i := range rule {
		rule[i] = strings.Repeat("-", width[i]+2)
		if i > 0 {
			rule[i] = rule[i][1:] + ":"
		}
	}
	fmt.Fprintln(w, "|"+strings.Join(rule, "|")+"|")
	for _, r := range rows {
		line(r)
	}
}

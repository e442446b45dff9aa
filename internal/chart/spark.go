package chart

import (
	"fmt"
	"html/template"
	"strings"
)

// Spark draws values as a 120×24 column sparkline for a table cell, oldest
// first, scaled to its largest value. label is its accessible name and
// tooltip: "NATO, articles per week".
//
// Unlike the larger charts it is named by aria-label rather than by ids: a
// table may hold dozens of them, and ids derived from content would collide
// between two rows with the same label and values.
func Spark(values []float64, label string) template.HTML {
	const W, H, baseline, tallest = 120.0, 24.0, 23.0, 22.0
	label = orDefault(clean(label), "Sparkline")

	drawn := make([]float64, len(values))
	hi, total, bad := 0.0, 0.0, 0
	for i, v := range values {
		d, ok := value(v)
		if !ok {
			bad++
		}
		drawn[i] = d
		hi = max(hi, d)
		total += d
	}
	var desc string
	switch n := len(drawn); {
	case n == 0:
		desc = "No data."
	case hi == 0:
		desc = plural(n, "value", "values") + ", all zero."
	default:
		desc = fmt.Sprintf("%s; latest %s, highest %s, total %s.", plural(n, "value", "values"), exact(drawn[n-1]), exact(hi), exact(total))
	}
	if bad > 0 {
		desc += " " + badNote(bad)
	}

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart-spark" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="%s"><title>%s</title><desc>%s</desc>`,
		num(W), num(H), num(W), num(H), esc(label), esc(label), esc(desc))
	fmt.Fprintf(&b, `<path d="M0 %sH%s" stroke="currentColor" stroke-opacity=".35" fill="none"/>`, num(baseline+0.5), num(W))
	if hi > 0 {
		pitch := W / float64(len(drawn))
		bw := min(pitch, 10)
		if pitch >= 4 {
			bw = min(pitch*0.8, 10)
		}
		var d strings.Builder
		for i, v := range drawn {
			if v == 0 {
				continue
			}
			h := max(v/hi*tallest, 1) // a small value still shows
			x := float64(i)*pitch + (pitch-bw)/2
			d.WriteString("M" + num(x) + " " + num(baseline-h) + "h" + num(bw) + "v" + num(h) + "h" + num(-bw) + "z")
		}
		fmt.Fprintf(&b, `<path class="chart-seg" d="%s" fill="%s"/>`, d.String(), palette[0].fill)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

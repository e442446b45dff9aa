package chart

import (
	"fmt"
	"html/template"
	"strings"
)

// Bar is one labelled value of a horizontal bar chart: "Portugal", 42.
type Bar struct {
	Label string
	Value float64
}

// HBarChart is a horizontal bar chart, one bar per row, in the order given
// (sort before, and cut to the top few: every bar takes a row).
type HBarChart struct {
	// ID, Title and Desc are as in ColumnChart.
	ID, Title, Desc string
	Bars            []Bar
	// Width is the width in SVG units (default 480); the height follows
	// from the number of bars.
	Width float64
}

// maxListed is how many bars the summary reads out one by one.
const maxListed = 30

// HBars draws c as an <svg> element: labels on the left, truncated with an
// ellipsis when long (the full label is in the row's tooltip), the value at
// the end of each bar. It never fails: with no bars it says "No data".
func HBars(c HBarChart) template.HTML {
	const rowH, barH, pad = 22.0, 14.0, 4.0
	W := size(c.Width, 480)
	parts := []any{c.Title, c.Desc, W}
	for _, bar := range c.Bars {
		parts = append(parts, bar.Label, []float64{bar.Value})
	}
	prefix := chartID(c.ID, "hbars", parts...)
	title := orDefault(clean(c.Title), "Bar chart")

	var b strings.Builder
	if len(c.Bars) == 0 {
		openSVG(&b, prefix, "chart chart-hbars", W, 40, title, join(c.Desc, "No data."))
		noData(&b, W, 40)
		return template.HTML(b.String())
	}

	n := len(c.Bars)
	labels := make([]string, n)
	values := make([]float64, n)
	shown := make([]string, n) // the value at the bar's end
	bad := 0
	hi, lw, vw := 0.0, 0.0, 0.0
	var list []string
	for i, bar := range c.Bars {
		labels[i] = clean(bar.Label)
		v, ok := value(bar.Value)
		if !ok {
			bad++
		}
		values[i] = v
		hi = max(hi, v)
		// Exact while it is short; 12,345,678 becomes 12M.
		if shown[i] = exact(v); len(shown[i]) > 7 {
			shown[i] = compact(v)
		}
		lw = max(lw, textWidth(labels[i], fontSize))
		vw = max(vw, textWidth(shown[i], fontSize))
		if i < maxListed {
			list = append(list, orDefault(labels[i], "(no label)")+" "+exact(v))
		}
	}
	lw = min(lw, W*0.38)
	x0 := lw + 14
	room := max(W-x0-vw-8, 1)
	H := float64(n)*rowH + 2*pad

	sum := plural(n, "bar", "bars") + ": " + strings.Join(list, "; ")
	if n > maxListed {
		sum += fmt.Sprintf(" and %d more", n-maxListed)
	}
	sum += "."
	if bad > 0 {
		sum += " " + badNote(bad)
	}
	openSVG(&b, prefix, "chart chart-hbars", W, H, title, join(c.Desc, sum))

	b.WriteString(`<g fill="currentColor">`)
	for i := range n {
		y := pad + float64(i)*rowH
		text, _ := truncate(labels[i], lw, fontSize)
		w := 0.0
		if values[i] > 0 {
			w = max(values[i]/hi*room, 1) // a small value still shows
		}
		// The row's title gives the full label, which the text may cut.
		fmt.Fprintf(&b, `<g class="chart-row"><title>%s</title><rect class="chart-hit" x="0" y="%s" width="%s" height="%s" fill-opacity="0"/>`,
			esc(orDefault(labels[i], "(no label)")+": "+exact(values[i])), num(y), num(W), num(rowH))
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end">%s</text>`, num(x0-6), num(y+15), esc(text))
		if w > 0 {
			fmt.Fprintf(&b, `<rect class="chart-bar" x="%s" y="%s" width="%s" height="%s" fill="%s"/>`,
				num(x0), num(y+(rowH-barH)/2), num(w), num(barH), palette[0].fill)
		}
		fmt.Fprintf(&b, `<text class="chart-value" x="%s" y="%s">%s</text></g>`, num(x0+w+4), num(y+15), esc(shown[i]))
	}
	b.WriteString(`</g>`)
	fmt.Fprintf(&b, `<path class="chart-axis" d="M%s %sV%s" stroke="currentColor" stroke-opacity=".6" fill="none"/>`, num(x0), num(pad), num(H-pad))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

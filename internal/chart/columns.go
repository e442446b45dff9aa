package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// ColumnChart is a column chart over time: one column per period, the
// series stacked in each, first series at the bottom.
type ColumnChart struct {
	// ID makes the chart's element ids unique on the page: "sources-weekly".
	// Letters, digits, '-' and '_'. Empty derives one from the content, which
	// is enough unless the same chart appears twice on one page.
	ID string
	// Title is the chart's accessible name: "Articles per source per week".
	// The page shows its own heading; the SVG draws no title.
	Title string
	// Desc, optional, is said before the generated summary.
	Desc string
	// Labels name the columns on the X axis, short: "7 Oct" or "2024-W41".
	// They are thinned out when they would overlap; the last is always shown.
	Labels []string
	// LongLabels, optional, name the columns in tooltips and the summary:
	// "week of 7 Oct 2024". Missing or empty ones fall back to Labels.
	LongLabels []string
	// Series are stacked in order. The chart has as many columns as the
	// longest of Labels and the series' Values; a missing value is 0.
	Series []Series
	// Width and Height are the size in SVG units (default 640×260); one unit
	// is one CSS pixel until the chart has to shrink to fit (see CSS).
	Width, Height float64
}

// stack is a series as drawn.
type stack struct {
	name   string
	values []float64
	total  float64
}

// Columns draws c as an <svg> element. It never fails: with nothing to draw
// it says "No data".
func Columns(c ColumnChart) template.HTML {
	W, H := size(c.Width, 640), size(c.Height, 260)
	n := len(c.Labels)
	parts := []any{c.Title, c.Desc, c.Labels, c.LongLabels, W, H}
	for _, s := range c.Series {
		n = max(n, len(s.Values))
		parts = append(parts, s.Name, s.Values)
	}
	prefix := chartID(c.ID, "columns", parts...)

	short := make([]string, n)
	long := make([]string, n)
	for i := range n {
		if i < len(c.Labels) {
			short[i] = clean(c.Labels[i])
		}
		long[i] = short[i]
		if i < len(c.LongLabels) && clean(c.LongLabels[i]) != "" {
			long[i] = clean(c.LongLabels[i])
		}
	}

	stacks, named, bad, whole := stackSeries(c.Series, n)
	totals := make([]float64, n)
	hi, hiAt := 0.0, 0
	for i := range n {
		for _, s := range stacks {
			totals[i] += s.values[i]
		}
		if totals[i] > hi {
			hi, hiAt = totals[i], i
		}
	}

	var b strings.Builder
	if n == 0 || len(stacks) == 0 {
		openSVG(&b, prefix, "chart chart-columns", W, H, orDefault(clean(c.Title), "Column chart"), join(c.Desc, "No data."))
		noData(&b, W, H)
		return template.HTML(b.String())
	}

	// The summary a screen reader gives instead of the picture.
	var sum []string
	if n == 1 && long[0] != "" {
		sum = append(sum, "1 column: "+long[0]+".")
	} else if n == 1 {
		sum = append(sum, "1 column.")
	} else if long[0] != "" || long[n-1] != "" {
		sum = append(sum, fmt.Sprintf("%d columns, %s to %s.", n, orDefault(long[0], "first"), orDefault(long[n-1], "last")))
	} else {
		sum = append(sum, fmt.Sprintf("%d columns.", n))
	}
	if len(stacks) > 1 || named {
		var ts []string
		for _, s := range stacks {
			ts = append(ts, s.name+" "+exact(s.total))
		}
		sum = append(sum, "Totals: "+strings.Join(ts, "; ")+".")
	}
	if hi == 0 {
		sum = append(sum, "All values are zero.")
	} else {
		sum = append(sum, fmt.Sprintf("Highest: %s, %s.", orDefault(long[hiAt], "column "+strconv.Itoa(hiAt+1)), exact(hi)))
	}
	if bad > 0 {
		sum = append(sum, badNote(bad))
	}

	// Value axis: its labels' width sets the left margin.
	ticks, step := niceTicks(hi, whole)
	top := ticks[len(ticks)-1]
	tickText := make([]string, len(ticks))
	yw := 0.0
	for i, t := range ticks {
		tickText[i] = tickLabel(t, step)
		yw = max(yw, textWidth(tickText[i], fontSize))
	}

	// Category axis: as many labels as fit without overlapping, counted back
	// from the last column, the latest period being the one people look for.
	// A label is meant to be short; a long one is cut (its tooltip has the
	// long label) so that one cannot squeeze the plot away.
	lw := 0.0
	for i, s := range short {
		short[i], _ = truncate(s, max(40, min(120, W/5)), fontSize)
		lw = max(lw, textWidth(short[i], fontSize))
	}
	left, right := min(yw+10, W/3), 10.0
	plotW := func() float64 { return max(W-left-right, 1) }
	pitch := plotW() / float64(n)
	right = min(max(right, lw/2-pitch/2+2), W/4) // the last column's label is centred under it
	every := 1
	for range 2 { // a wider margin narrows the columns: settle in two rounds
		pitch = plotW() / float64(n)
		every = max(1, int(math.Ceil((lw+8)/pitch)))
		if (n-1)%every == 0 {
			left = min(max(left, lw/2-pitch/2+2), W/3)
		}
	}
	pitch = plotW() / float64(n)

	// Legend on top, wrapped to the plot's width.
	const rowH = 18.0
	plotTop := 8.0
	var legend strings.Builder
	if len(stacks) > 1 || named {
		b := &legend
		b.WriteString(`<g class="chart-legend" fill="currentColor">`)
		x, y := left, 0.0
		for i, s := range stacks {
			text, cut := truncate(s.name, min(240, W-left-right-28), fontSize)
			w := 14 + textWidth(text, fontSize) + 14
			if x+w > W-right+14 && x > left {
				x, y = left, y+rowH
			}
			b.WriteString(`<g class="chart-key">`)
			if cut {
				fmt.Fprintf(b, `<title>%s</title>`, esc(s.name))
			}
			fmt.Fprintf(b, `<rect x="%s" y="%s" width="10" height="10" fill="%s"/><text x="%s" y="%s">%s</text></g>`,
				num(x), num(y+3), fill(prefix, i), num(x+14), num(y+12), esc(text))
			x += w
		}
		b.WriteString(`</g>`)
		plotTop = y + rowH + 8
	}
	if H-20-plotTop < 80 {
		H = plotTop + 80 + 20 // many legend rows: grow rather than squash the plot
	}
	openSVG(&b, prefix, "chart chart-columns", W, H, orDefault(clean(c.Title), "Column chart"), join(c.Desc, strings.Join(sum, " ")))
	patternDefs(&b, prefix, len(stacks))
	b.WriteString(legend.String())
	plotBottom := H - 20
	plotH := plotBottom - plotTop
	yOf := func(v float64) float64 { return plotBottom - v/top*plotH }

	// Gridlines and value labels.
	var grid strings.Builder
	for _, t := range ticks[1:] {
		fmt.Fprintf(&grid, "M%s %sH%s", num(left), num(yOf(t)), num(W-right))
	}
	fmt.Fprintf(&b, `<path class="chart-grid" d="%s" stroke="currentColor" stroke-opacity=".15" fill="none"/>`, grid.String())
	b.WriteString(`<g class="chart-axis chart-y" fill="currentColor" text-anchor="end">`)
	for i, t := range ticks {
		fmt.Fprintf(&b, `<text x="%s" y="%s">%s</text>`, num(left-6), num(yOf(t)+4), tickText[i])
	}
	b.WriteString(`</g>`)

	// Columns: each a group whose title sums it up, over a transparent
	// rectangle the height of the plot so that even an empty column has a
	// tooltip, with one rectangle per non-zero series value.
	gap := pitch * 0.1
	if pitch >= 6 {
		gap = pitch * 0.25
	}
	bw := min(pitch-gap, 48)
	for i := range n {
		x := left + float64(i)*pitch
		what := long[i]
		if what == "" {
			what = "Column " + strconv.Itoa(i+1)
		}
		b.WriteString(`<g class="chart-col"><title>`)
		b.WriteString(esc(what + ": " + exact(totals[i]) + breakdown(stacks, i)))
		fmt.Fprintf(&b, `</title><rect class="chart-hit" x="%s" y="%s" width="%s" height="%s" fill="currentColor" fill-opacity="0"/>`,
			num(x), num(plotTop), num(pitch), num(plotH))
		base := 0.0
		for j, s := range stacks {
			v := s.values[i]
			if v == 0 {
				continue
			}
			y0, y1 := yOf(base), yOf(base+v)
			base += v
			tip := what + ": " + exact(v)
			if len(stacks) > 1 || named {
				tip = s.name + ", " + tip
			}
			fmt.Fprintf(&b, `<rect class="chart-seg" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`,
				num(x+(pitch-bw)/2), num(y1), num(bw), num(y0-y1), fill(prefix, j), esc(tip))
		}
		b.WriteString(`</g>`)
	}

	// Baseline, then the category labels and their tick marks.
	fmt.Fprintf(&b, `<path class="chart-axis" d="M%s %sH%s" stroke="currentColor" stroke-opacity=".6" fill="none"/>`, num(left), num(plotBottom), num(W-right))
	var marks strings.Builder
	b.WriteString(`<g class="chart-axis chart-x" fill="currentColor" text-anchor="middle">`)
	for i := (n - 1) % every; i < n; i += every {
		cx := left + (float64(i)+0.5)*pitch
		fmt.Fprintf(&marks, "M%s %sv4", num(cx), num(plotBottom))
		if short[i] != "" {
			fmt.Fprintf(&b, `<text x="%s" y="%s">%s</text>`, num(cx), num(plotBottom+15), esc(short[i]))
		}
	}
	b.WriteString(`</g>`)
	fmt.Fprintf(&b, `<path class="chart-axis" d="%s" stroke="currentColor" stroke-opacity=".6" fill="none"/>`, marks.String())
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// stackSeries returns the series as drawn, each with n values: bad values
// zeroed (and counted in bad), series past what the palette can tell apart
// summed into "Other". named is whether the caller named any series; whole
// is whether every value is a whole number.
func stackSeries(in []Series, n int) (out []stack, named bool, bad int, whole bool) {
	whole = true
	keep := len(in)
	if keep > fills {
		keep = fills - 1
	}
	for i, s := range in {
		j := min(i, keep)
		if j == len(out) {
			name := clean(s.Name)
			named = named || name != ""
			switch {
			case i >= keep:
				name = fmt.Sprintf("Other (%d series)", len(in)-keep)
			case name == "":
				name = "Series " + strconv.Itoa(i+1)
			}
			out = append(out, stack{name: name, values: make([]float64, n)})
		}
		for k, v := range s.Values {
			d, ok := value(v)
			if !ok {
				bad++
			}
			whole = whole && d == math.Trunc(d)
			out[j].values[k] += d
			out[j].total += d
		}
	}
	return out, named, bad, whole
}

// breakdown lists the non-zero parts of column i, when there is more than
// one series: " (NATO 12, Europol 3)".
func breakdown(stacks []stack, i int) string {
	if len(stacks) < 2 {
		return ""
	}
	var parts []string
	for _, s := range stacks {
		if s.values[i] != 0 {
			parts = append(parts, s.name+" "+exact(s.values[i]))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

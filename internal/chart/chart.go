// Package chart draws charts on the server as inline SVG, so that sitrep's
// pages can show figures without JavaScript, without loading anything and
// without inline style attributes (they are served under a strict
// Content-Security-Policy).
//
// Its one job is to turn labels and numbers into a self-contained <svg>
// fragment, returned as template.HTML, that is safe to embed in a page:
//
//   - [Columns]: a stacked column chart over time (articles per source per week);
//   - [HBars]: horizontal bars of labelled values (mentions per country);
//   - [Spark]: a 120×24 sparkline for a table cell.
//
// Every string that comes from data is escaped, so a label such as
// <script>alert(1)</script> is drawn as text. Negative, NaN and infinite
// values are drawn as 0, never rejected: a chart is a view of the data, and a
// bad value must not take a page down. The output depends only on the input
// (no maps, clocks or randomness), which keeps golden files stable.
//
// The SVG carries its own sizes and colours as presentation attributes, so it
// reads correctly with no stylesheet at all; text, axes and gridlines use
// currentColor, so the chart follows the page's text colour in light and dark
// themes. [CSS] holds the few rules a page adds for sizing and hover.
//
// Accessibility: every chart is role="img" with a <title> (the caller's Title)
// and a <desc> (the caller's Desc followed by a generated summary). Screen
// readers do not enter an image, so the per-column tooltips are for pointer
// users only; a page that needs every number read out should also offer the
// numbers as a table.
package chart

import (
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"strings"
)

// Series is one named row of values, one value per column.
type Series struct {
	Name   string
	Values []float64
}

// CSS is what a page adds to its stylesheet for the charts. A chart is
// drawn at its natural size, one SVG unit to a CSS pixel, so that text is
// the same size in every chart of a page; on a narrower screen it shrinks to
// the container's width, text with it. It takes the page's font, and the
// column or row under the pointer is highlighted. Without these rules a chart
// still reads correctly, at its natural size.
const CSS = `.chart { display: block; max-width: 100%; height: auto; font-family: inherit; }
.chart-spark { display: inline-block; vertical-align: middle; }
.chart .chart-hit { transition: fill-opacity .1s; }
.chart .chart-col:hover .chart-hit, .chart .chart-row:hover .chart-hit { fill-opacity: .08; }
`

// fontSize is the size of all chart text, in SVG units.
const fontSize = 12

// fontFamily is set on the <svg> so that a chart rendered on its own (a
// golden file, an image viewer) has a sans-serif face; CSS restores the
// page's own font.
const fontFamily = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"

// maxValue caps values so that sums of many series stay finite; nothing
// sitrep counts comes near it.
const maxValue = 1e100

// swatch is one entry of the Okabe-Ito palette (Okabe & Ito, "Color
// Universal Design", 2008), which stays distinguishable with the common
// forms of colour blindness. ink is the colour of the hatching or dots drawn
// over the fill when the palette has to be reused.
type swatch struct {
	fill, ink string
}

// palette is ordered so that neighbours in a stack differ in hue and
// lightness, and so that yellow, the faintest on a white page (1.3:1), is
// used last. Orange and sky blue are below 3:1 on white too, which is why
// no text is ever drawn in or on a series colour and every segment has a
// tooltip. Its black is currentColor, so that it turns light on a dark page.
var palette = [...]swatch{
	{"#0072B2", "#fff"},         // blue
	{"#E69F00", "#000"},         // orange
	{"#009E73", "#fff"},         // bluish green
	{"#D55E00", "#fff"},         // vermillion
	{"#56B4E9", "#000"},         // sky blue
	{"#CC79A7", "#000"},         // reddish purple
	{"currentColor", "#808080"}, // black, or the page's text colour
	{"#F0E442", "#000"},         // yellow
}

// fills is how many series can be told apart: each colour plain, hatched and
// dotted. Series past that are summed into one "Other" series rather than
// reusing a look, which would make two series indistinguishable.
const fills = 3 * len(palette)

// fill returns the fill attribute of series i, with prefix naming its
// pattern when it has one.
func fill(prefix string, i int) string {
	if i < len(palette) {
		return palette[i].fill
	}
	return "url(#" + prefix + "-p" + strconv.Itoa(i) + ")"
}

// patternDefs defines the patterns of series len(palette) to n-1.
func patternDefs(b *strings.Builder, prefix string, n int) {
	if n <= len(palette) {
		return
	}
	b.WriteString("<defs>")
	for i := len(palette); i < n; i++ {
		sw := palette[i%len(palette)]
		id := prefix + "-p" + strconv.Itoa(i)
		if i/len(palette) == 1 {
			// Diagonal hatching.
			fmt.Fprintf(b, `<pattern id="%s" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="%s"/><rect width="2" height="6" fill="%s" fill-opacity=".6"/></pattern>`, id, sw.fill, sw.ink)
		} else {
			// Dots.
			fmt.Fprintf(b, `<pattern id="%s" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="%s"/><circle cx="2.5" cy="2.5" r="1.3" fill="%s" fill-opacity=".7"/></pattern>`, id, sw.fill, sw.ink)
		}
	}
	b.WriteString("</defs>")
}

// openSVG writes the <svg> start tag and its <title> and <desc>, which the
// aria-labelledby attribute names so that the chart is announced as one
// image with a name and a summary.
func openSVG(b *strings.Builder, prefix, class string, w, h float64, title, desc string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" id="%s" class="%s" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-title %s-desc" font-family="%s" font-size="%d">`,
		prefix, class, num(w), num(h), num(w), num(h), prefix, prefix, fontFamily, fontSize)
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, prefix, esc(title), prefix, esc(desc))
}

// noData writes the body of a chart that has nothing to draw.
func noData(b *strings.Builder, w, h float64) {
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" fill="currentColor">No data</text></svg>`, num(w/2), num(h/2+4))
}

// chartID returns the prefix of every id in a chart: from the caller's id
// when there is one, otherwise from a hash of the content, so that two
// different charts on one page never share an id and the same chart always
// gets the same one. Characters that are not safe in an id or a url(#…)
// reference are replaced, and a hash of the original keeps ids that differed
// only in those characters apart.
func chartID(id, kind string, parts ...any) string {
	h := fnv.New64a()
	if id != "" {
		safe := strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
				return r
			}
			return '-'
		}, id)
		if safe == id {
			return "chart-" + id
		}
		h.Write([]byte(id))
		return fmt.Sprintf("chart-%s-%08x", safe, h.Sum64()&0xffffffff)
	}
	fmt.Fprint(h, kind)
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			fmt.Fprintf(h, "\x00%q", v)
		case []string:
			for _, s := range v {
				fmt.Fprintf(h, "\x01%q", s)
			}
		case []float64:
			for _, f := range v {
				fmt.Fprintf(h, "\x02%x", math.Float64bits(f))
			}
		default:
			fmt.Fprintf(h, "\x03%v", v)
		}
	}
	return fmt.Sprintf("chart-%s-%012x", kind, h.Sum64()&0xffffffffffff)
}

// value is v as drawn: negative, NaN and infinite values become 0 (ok is
// false for them), and huge ones are capped so that sums stay finite.
func value(v float64) (drawn float64, ok bool) {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0) || v < 0:
		return 0, false
	case v > maxValue:
		return maxValue, true
	}
	return v, true
}

// clean makes a label one line of printable text: runs of whitespace and
// control characters become one space, since SVG text does not wrap.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// esc escapes s for use as XML text or a quoted attribute value, which is
// also safe in HTML. Characters that XML forbids, and invalid UTF-8, become
// U+FFFD so that the output always parses.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&#39;")
		default:
			if !(r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
				r = '\uFFFD'
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// num formats a coordinate to two decimals at most, which is finer than any
// screen and keeps the output short.
func num(x float64) string {
	x = math.Round(x*100) / 100
	if x == 0 {
		return "0" // and not "-0"
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// exact formats a value in full for tooltips and summaries: 12, 1,234,567,
// 0.25. Values too large to write out get an exponent.
func exact(v float64) string {
	if math.Abs(v) >= 1e15 {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	b.WriteString(sign)
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return b.String()
}

// units are the suffixes of compact numbers.
var units = []struct {
	size   float64
	suffix string
}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""}}

// compact formats a value in four characters or so: 7, 0.25, 1.2k, 34k,
// 3.4M. Used where space is short; tooltips use exact.
func compact(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e15 || a > 0 && a < 1:
		return strconv.FormatFloat(v, 'g', 2, 64)
	case a < 1000 && v == math.Trunc(v):
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	i := len(units) - 1
	for j, u := range units {
		if a >= u.size {
			i = j
			break
		}
	}
	for {
		x := v / units[i].size
		dec := 0
		if math.Abs(x) < 10 {
			dec = 1
		}
		s := trimZeros(strconv.FormatFloat(x, 'f', dec, 64))
		// 999,960 rounds to "1000k": step up to "1M".
		if r, _ := strconv.ParseFloat(s, 64); i > 0 && math.Abs(r) >= 1000 {
			i--
			continue
		}
		return s + units[i].suffix
	}
}

// tickLabel formats an axis tick compactly, with as many decimals as the
// step between ticks needs, so that 1.05M is not shown as 1.1M.
func tickLabel(v, step float64) string {
	if v == 0 {
		return "0"
	}
	for _, u := range units {
		if v < u.size && u.size > 1 {
			continue
		}
		dec := 0
		if r := step / u.size; r < 1 {
			dec = int(math.Ceil(-math.Log10(r) - 1e-9))
		}
		return trimZeros(strconv.FormatFloat(v/u.size, 'f', dec, 64)) + u.suffix
	}
	return "0"
}

// trimZeros drops the trailing zeros of a decimal fraction: 1.50 → 1.5, 2.0 → 2.
func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// niceTicks returns the ticks of a value axis from 0 to at least hi: about
// five steps of 1, 2 or 5 × 10ⁿ, which people read at a glance. When whole is
// true (the data are counts) the step is never below 1, so that no tick
// reads 0.5 articles.
func niceTicks(hi float64, whole bool) (ticks []float64, step float64) {
	if !(hi > 0) || math.IsInf(hi, 0) {
		hi = 1
	}
	const target = 5
	raw := hi / target
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw*(1-1e-9) {
			step = m * mag
			break
		}
	}
	if whole && step < 1 {
		step = 1
	}
	if !(step > 0) || math.IsInf(step, 0) {
		// Subnormal or overflowing ranges: two ticks, honest if not round.
		return []float64{0, hi}, hi
	}
	n := int(math.Ceil(hi/step - 1e-9))
	n = min(max(n, 1), 20)
	for i := 0; i <= n; i++ {
		ticks = append(ticks, float64(i)*step)
	}
	return ticks, step
}

// textWidth estimates how wide s is drawn at size fs in a proportional sans
// serif face. The server has no font metrics; this errs on the wide side so
// that labels laid out with it do not collide.
func textWidth(s string, fs float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case strings.ContainsRune("iIjl.,:;'|!() ", r):
			w += 0.32
		case r == 'm' || r == 'w' || r == 'M' || r == 'W':
			w += 0.85
		case r >= 'A' && r <= 'Z':
			w += 0.68
		case r >= 0x1100 && (r <= 0x115F || r >= 0x2E80 && r <= 0xA4CF || r >= 0xAC00 && r <= 0xD7A3 || r >= 0xF900 && r <= 0xFAFF || r >= 0xFE30 && r <= 0xFE4F || r >= 0xFF00 && r <= 0xFF60 || r >= 0x1F300 && r <= 0x1FAFF || r >= 0x20000):
			w += 1.0 // East Asian wide characters and emoji
		default:
			w += 0.6
		}
	}
	return w * fs
}

// truncate shortens s to fit in width, ending it with an ellipsis; cut
// reports whether it did, so that the caller can add the full text as a
// tooltip.
func truncate(s string, width, fs float64) (short string, cut bool) {
	if textWidth(s, fs) <= width {
		return s, false
	}
	room := width - textWidth("…", fs)
	var b strings.Builder
	w := 0.0
	for _, r := range s {
		cw := textWidth(string(r), fs)
		if w+cw > room {
			break
		}
		w += cw
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), " ") + "…", true
}

// size is v, or def when v is not a usable size.
func size(v, def float64) float64 {
	if !(v >= 16) || v > 1e5 {
		return def
	}
	return v
}

// orDefault is s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// join puts the caller's description before the generated one.
func join(desc, summary string) string {
	desc = clean(desc)
	if desc == "" {
		return summary
	}
	if !strings.HasSuffix(desc, ".") {
		desc += "."
	}
	return desc + " " + summary
}

// badNote says how many values were drawn as 0 for being negative, NaN or
// infinite, so that a listener is not misled by the picture.
func badNote(bad int) string {
	return "Drawn as 0: " + plural(bad, "value that was", "values that were") + " negative or not a number."
}

// plural is "1 value that was" or "3 values that were".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

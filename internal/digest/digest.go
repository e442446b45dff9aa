// Package digest writes and reads sitrep's plain-text digest format: for each
// article its title line, a blank line, "Source: NAME", a blank line and the
// body (see model.RenderText); articles separated by one blank line; no
// trailing newline at the end of the file. With facts, a "Facts:" block
// follows the body: a blank line, "Facts:", and indented lines.
package digest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/model"
)

// Entry is one article as a digest shows it.
type Entry struct {
	Title  string
	Source string
	Body   string
	Facts  string // the "Facts:" block's lines, without the heading; "" for none
}

// FromArticle is the digest view of a stored article.
func FromArticle(a model.Article) Entry {
	return Entry{Title: a.Title, Source: a.Source, Body: a.Body()}
}

// WithFacts is the digest view of a stored article with its facts.
func WithFacts(a model.Article) Entry {
	e := FromArticle(a)
	if a.Facts != nil {
		e.Facts = FormatFacts(*a.Facts)
	}
	return e
}

// Write writes entries in the digest format.
func Write(w io.Writer, entries []Entry) error {
	bw := bufio.NewWriter(w)
	for i, e := range entries {
		if i > 0 {
			bw.WriteString("\n\n")
		}
		// A title or source name cannot hold a line break in this format.
		bw.WriteString(oneLine(e.Title))
		bw.WriteString("\n\nSource: ")
		bw.WriteString(oneLine(e.Source))
		if e.Body != "" {
			bw.WriteString("\n\n")
			bw.WriteString(e.Body)
		}
		if e.Facts != "" {
			bw.WriteString("\n\n" + factsHeading + "\n")
			bw.WriteString(e.Facts)
		}
	}
	return bw.Flush()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// ErrFormat reports text that is not a digest.
var ErrFormat = errors.New("not in digest format")

// Parse reads a digest. An article starts where a line is followed by a
// blank line and a "Source: NAME" line and another blank line (or the end),
// at the start of the text or after a blank line; everything up to the next
// such start is its body.
func Parse(text string) ([]Entry, error) {
	text = strings.TrimPrefix(text, "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	isStart := func(i int) bool {
		if i+2 >= len(lines) || strings.TrimSpace(lines[i]) == "" || lines[i+1] != "" || !strings.HasPrefix(lines[i+2], "Source: ") {
			return false
		}
		if i+3 < len(lines) && lines[i+3] != "" {
			return false
		}
		return i == 0 || lines[i-1] == ""
	}
	var starts []int
	for i := range lines {
		if isStart(i) {
			starts = append(starts, i)
		}
	}
	if len(starts) == 0 || starts[0] != 0 {
		if strings.TrimSpace(text) == "" {
			return nil, nil
		}
		return nil, fmt.Errorf("%w: line 1 should be a title followed by a blank line and \"Source: NAME\"", ErrFormat)
	}
	entries := make([]Entry, 0, len(starts))
	for k, s := range starts {
		end := len(lines)
		if k+1 < len(starts) {
			end = starts[k+1] - 1 // the blank line between articles
		}
		e := Entry{Title: lines[s], Source: strings.TrimPrefix(lines[s+2], "Source: ")}
		// A trailing "Facts:" block is sitrep's, not the article's.
		for i := end - 1; i > s+3; i-- {
			if !strings.HasPrefix(lines[i], factsIndent) {
				if lines[i] == factsHeading && lines[i-1] == "" && i+1 < end {
					e.Facts = strings.Join(lines[i+1:end], "\n")
					end = i - 1
				}
				break
			}
		}
		if s+4 <= end {
			e.Body = strings.Join(lines[s+4:end], "\n")
		}
		entries = append(entries, e)
	}
	return entries, nil
}

const (
	factsHeading = "Facts:"
	factsIndent  = "  "
)

// maxListed bounds each line of a Facts block: the reader skims.
const maxListed = 8

// FormatFacts is the compact Facts block of an article: its subject
// countries, operations and figures, one indented line each.
func FormatFacts(f model.Facts) string {
	var lines []string
	var countries []string
	for _, c := range f.Countries {
		if c.Subject {
			name := c.Name
			if name == "" {
				name = c.Code
			}
			countries = append(countries, name)
		}
	}
	if len(countries) > 0 {
		lines = append(lines, "Countries: "+capped(countries))
	}
	var ops []string
	for _, o := range f.Operations {
		var detail []string
		if o.Agency != "" {
			detail = append(detail, o.Agency)
		}
		if o.Period != "" {
			detail = append(detail, o.Period)
		}
		if len(detail) > 0 {
			ops = append(ops, o.Name+" ("+strings.Join(detail, ", ")+")")
		} else {
			ops = append(ops, o.Name)
		}
	}
	if len(ops) > 0 {
		label := "Operation: "
		if len(ops) > 1 {
			label = "Operations: "
		}
		lines = append(lines, label+capped(ops))
	}
	var figs []string
	for _, x := range f.Figures {
		figs = append(figs, FormatFigure(x))
	}
	if len(figs) > 0 {
		lines = append(lines, "Figures: "+strings.Join(figs[:min(len(figs), maxListed)], "; ")+more(len(figs)))
	}
	for i := range lines {
		lines[i] = factsIndent + oneLine(lines[i])
	}
	return strings.Join(lines, "\n")
}

func capped(items []string) string {
	return strings.Join(items[:min(len(items), maxListed)], ", ") + more(len(items))
}

func more(n int) string {
	if n <= maxListed {
		return ""
	}
	return fmt.Sprintf(" (+%d more)", n-maxListed)
}

// FormatFigure writes one figure as a reader says it: "more than 200 bank
// accounts blocked", "EUR 2,150,000 seized (Operation Jackal)".
func FormatFigure(x model.Figure) string {
	n := FormatNumber(x.Value)
	var s string
	switch x.Kind {
	case model.FigMoneySeized:
		s = x.Unit + " " + n + " seized"
	case model.FigGoodsSeized:
		if len(x.Unit) == 3 && strings.ToUpper(x.Unit) == x.Unit {
			s = x.Unit + " " + n + " of goods seized"
		} else {
			s = strings.TrimSpace(n+" "+x.Unit) + " seized"
		}
	case model.FigArrests:
		s = n + " arrests"
	case model.FigSuspectsIdentified:
		s = n + " suspects identified"
	case model.FigVictimsIdentified:
		s = n + " victims identified"
	case model.FigAccountsBlocked:
		s = n + " bank accounts blocked"
	case model.FigTakedowns:
		s = n + " taken down"
	case model.FigCountries:
		s = n + " countries"
	case model.FigInjured:
		s = n + " injured"
	case model.FigKilled:
		s = n + " killed"
	default:
		s = n + " " + x.Kind
	}
	if x.Qualifier != "" {
		s = x.Qualifier + " " + s
	}
	if x.About != "" {
		s += " (" + x.About + ")"
	}
	return s
}

// FormatNumber writes 2150000 as "2,150,000" and 5.744 as "5.74": a figure
// as the digest and the web pages show it.
func FormatNumber(v float64) string {
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	sign := ""
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		sign, s = "-", rest
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}

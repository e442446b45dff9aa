package query

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// String returns the query in a canonical form, which Parse reads back to
// an equal Query (Fact.Pos aside): one space between tokens, no AND, "-"
// for NOT, lower-case field names, parentheses only where they are needed,
// the text first and then the filters (source:, -source:, since:, until:,
// facts), dates in their shortest form (since:2023-01-01 is since:2023).
// Equal queries give equal strings, so it can key caches and ETags.
//
// The canonical form of a parsed query is seldom longer than what was
// typed, but it can be: a query at the length limit written without
// spaces between quotes ("a""b") gets one space more per phrase. When the
// canonical form is too long to parse, String leaves out every space that
// Parse does not need.
func (q Query) String() string {
	s := q.format(false)
	if utf8.RuneCountInString(s) > MaxLength {
		s = q.format(true)
	}
	return s
}

func (q Query) format(compact bool) string {
	w := &writer{compact: compact}
	if q.Text != nil {
		_, or := q.Text.(*Or)
		if or && (len(q.Sources) > 0 || len(q.NotSources) > 0 || !q.Since.IsZero() || !q.Until.IsZero() || len(q.Facts) > 0) {
			// A filter next to an OR would be read as one of its
			// alternatives.
			w.group(q.Text)
		} else {
			w.node(q.Text)
		}
	}
	for _, s := range q.Sources {
		w.token("source:" + quoteValue(s))
	}
	for _, s := range q.NotSources {
		w.token("-source:" + quoteValue(s))
	}
	if !q.Since.IsZero() {
		w.token("since:" + formatSince(q.Since))
	}
	if !q.Until.IsZero() {
		w.token("until:" + formatUntil(q.Until))
	}
	for _, f := range q.Facts {
		not := ""
		if f.Not {
			not = "-"
		}
		w.token(not + f.Field + ":" + quoteValue(f.Value))
	}
	return w.b.String()
}

// writer joins tokens with the spaces that Parse needs (compact) or with
// one space everywhere but inside parentheses and after a '-'.
type writer struct {
	b       strings.Builder
	compact bool
	glue    bool // no space before the next token: it follows a '-'
	quote   bool // the last token ended with a quote (and maybe stars)
}

func (w *writer) token(s string) {
	if w.b.Len() > 0 && !w.glue && w.space(s) {
		w.b.WriteByte(' ')
	}
	w.glue = false
	w.quote = strings.HasSuffix(strings.TrimRight(s, "*"), `"`)
	w.b.WriteString(s)
}

// space reports whether s needs a space before it.
func (w *writer) space(s string) bool {
	prev := w.b.String()
	last := prev[len(prev)-1]
	if last == '(' || s[0] == ')' {
		return false
	}
	if !w.compact {
		return true
	}
	// A word runs up to a space, a parenthesis or a quote, and a phrase
	// ends at its quote (and stars, but no token starts with a star).
	// Only a word ending in a colon must keep its space before a quote
	// or "(": `note:"x"` would be a field.
	if w.quote || last == ')' {
		return false
	}
	return last == ':' || s[0] != '"' && s[0] != '('
}

func (w *writer) group(n Node) {
	w.token("(")
	w.node(n)
	w.token(")")
}

func (w *writer) node(n Node) {
	switch n := n.(type) {
	case *Term:
		w.token(field(n.Field) + n.Word + star(n.Prefix))
	case *Phrase:
		w.token(field(n.Field) + `"` + strings.Join(n.Words, " ") + `"` + star(n.Prefix))
	case *Not:
		w.token("-")
		w.glue = true
		switch n.Node.(type) {
		case *And, *Or, *Not:
			w.group(n.Node)
		default:
			w.node(n.Node)
		}
	case *And:
		for _, m := range n.Nodes {
			if _, ok := m.(*Or); ok {
				w.group(m)
			} else {
				w.node(m)
			}
		}
	case *Or:
		for i, m := range n.Nodes {
			if i > 0 {
				w.token("OR")
			}
			w.node(m)
		}
	}
}

func field(f string) string {
	if f == "" {
		return ""
	}
	return f + ":"
}

func star(prefix bool) string {
	if prefix {
		return "*"
	}
	return ""
}

// quoteValue quotes a filter value when Parse would not read it back
// whole without quotes.
func quoteValue(v string) string {
	if v == "" || strings.IndexFunc(v, isDelim) >= 0 || strings.HasSuffix(v, "*") {
		return `"` + v + `"`
	}
	return v
}

// formatSince writes the shortest date whose start is t (t's day if t is
// not at midnight UTC).
func formatSince(t time.Time) string {
	t = t.UTC()
	y, m, d := t.Date()
	switch {
	case !midnight(t) || d != 1:
		return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	case m != time.January:
		return fmt.Sprintf("%04d-%02d", y, m)
	}
	return fmt.Sprintf("%04d", y)
}

// formatUntil writes the shortest date whose end (exclusive) is t: until:
// names the last day, month or year included. If t is not at midnight UTC
// it names t's day, which includes t.
func formatUntil(t time.Time) string {
	t = t.UTC()
	if !midnight(t) {
		return t.Format(time.DateOnly)
	}
	last := t.AddDate(0, 0, -1)
	y, m, d := last.Date()
	switch {
	case t.Day() != 1:
		return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	case t.Month() != time.January:
		return fmt.Sprintf("%04d-%02d", y, m)
	}
	return fmt.Sprintf("%04d", y)
}

func midnight(t time.Time) bool {
	h, mi, s := t.Clock()
	return h == 0 && mi == 0 && s == 0 && t.Nanosecond() == 0
}

package query

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Parse parses a search query (see the package documentation for the
// language). A malformed query gives an *Error that says where and what is
// wrong; Parse never panics, whatever the input.
//
// Choices the language leaves open, made here:
//   - Something without a letter or digit ("&", "--", "...", "*", "",
//     a lone "-") is an operand that matches nothing and is dropped: "a OR &"
//     is a, "(&)" is nothing. Only literally empty parentheses "()" are an
//     error, since they are a typo, not text.
//   - A word with a colon is a field only when the part before the first
//     colon is letters only and something other than a space or ")" follows
//     it: "10:30" and "covid-19:x" are words, and so is "Note:" before a
//     space; "foo:bar" is an unknown-field error that says how to quote it.
//     A URL ("https://europol.europa.eu") is a word, not an unknown field
//     (but "http:x", without the "//", is one).
//   - A filter anywhere in a query whose top level is an OR is an error:
//     "source:X a OR b" could mean (source:X a) OR b, which a filter on the
//     whole query cannot express, or source:X (a OR b), which the error
//     suggests.
//   - Excluding an exclusion ("-(-a)", "--a", "NOT -a", "-(-a -b)") is an
//     error rather than a double negative quietly resolved, since it is
//     far more often a slip than meant.
//   - "a**" is the prefix a*, like "a*"; "*a" and "a*b" are errors (no
//     suffix or infix search), with a hint to quote them.
//   - Filter values are names: source:Euro* is an error, not a prefix;
//     a quoted value's inner spaces are collapsed. Repeating a source: or
//     a fact filter keeps one (sources compare without case).
//   - title: takes the word, prefix or phrase after it; title:-x is an
//     error that suggests -title:x.
//   - Typographic quotes (“ ” „) are quotes.
//   - Positions count runes, an invalid UTF-8 byte being one (it becomes
//     U+FFFD).
func Parse(s string) (Query, error) {
	if n := utf8.RuneCountInString(s); n > MaxLength {
		return Query{}, errorf(MaxLength+1, "the query is too long: %d characters, at most %d", n, MaxLength)
	}
	p := &parser{lex: lexer{rs: normalize(s)}}
	q, err := p.parse()
	if err != nil {
		return Query{}, err
	}
	return q, nil
}

func errorf(pos int, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

type parser struct {
	lex   lexer
	tok   token // the next token, not yet consumed
	q     Query
	terms int // terms and phrases so far, for MaxTerms

	// The first filter at the top level, to reject it if the top level
	// turns out to be an OR.
	filterPos  int
	filterText string

	since, until dateFilter
}

// dateFilter remembers a since: or until: as typed, for messages.
type dateFilter struct {
	pos  int // 0: not given
	text string
}

func (p *parser) advance() error {
	t, err := p.lex.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) parse() (Query, error) {
	if err := p.advance(); err != nil {
		return Query{}, err
	}
	text, err := p.or(0)
	if err != nil {
		return Query{}, err
	}
	if p.tok.kind == tRParen {
		return Query{}, errorf(p.tok.pos, "this ) has no ( to close; remove it or add a ( before it")
	}
	p.q.Text = text
	if p.since.pos > 0 && p.until.pos > 0 && !p.q.Since.Before(p.q.Until) {
		return Query{}, errorf(p.since.pos, "%s is after %s, so nothing can match; swap the dates or widen the range", p.since.text, p.until.text)
	}
	return p.q, nil
}

// or parses OR-separated alternatives up to a ")" or the end.
func (p *parser) or(depth int) (Node, error) {
	var branches []Node
	ors, lastOr, negPos := 0, 0, 0
	for {
		start := p.tok.pos
		n, operands, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		if operands == 0 {
			if ors > 0 {
				return nil, errorf(lastOr, "OR needs a search term on both sides, and there is none after this OR")
			}
			if p.tok.kind == tOr {
				return nil, errorf(p.tok.pos, "OR needs a search term on both sides, and there is none before this OR")
			}
			return nil, nil // an empty query or group
		}
		if n != nil {
			if negPos == 0 && negative(n) {
				negPos = start
			}
			if o, ok := n.(*Or); ok {
				branches = append(branches, o.Nodes...)
			} else {
				branches = append(branches, n)
			}
		}
		if p.tok.kind != tOr {
			break
		}
		ors, lastOr = ors+1, p.tok.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
	if ors > 0 {
		// Checked even when the other side was dropped ("-a OR &"):
		// what was typed is a negated alternative.
		if negPos > 0 {
			return nil, errorf(negPos, "a negated term cannot be an OR alternative; to exclude it from every result, put it outside the OR, as in (a OR b) -c")
		}
		if depth == 0 && p.filterPos > 0 {
			return nil, errorf(p.filterPos, "%s filters the whole query, so it cannot be part of an OR; put the OR in parentheses, as in %s (a OR b)", p.filterText, p.filterText)
		}
	}
	switch len(branches) {
	case 0:
		return nil, nil
	case 1:
		return branches[0], nil
	}
	return &Or{Nodes: branches}, nil
}

// and parses operands up to an OR, a ")" or the end. It returns how many
// operands there were, dropped ones and filters included, so that the
// caller can tell "a OR &" (something, dropped) from "a OR" (nothing).
func (p *parser) and(depth int) (Node, int, error) {
	var nodes []Node
	operands := 0
	for {
		switch p.tok.kind {
		case tEOF, tRParen, tOr:
			switch len(nodes) {
			case 0:
				return nil, operands, nil
			case 1:
				return nodes[0], operands, nil
			}
			return &And{Nodes: nodes}, operands, nil
		case tAnd:
			pos := p.tok.pos
			if operands == 0 {
				return nil, 0, errorf(pos, "AND needs a search term on both sides, and there is none before this AND")
			}
			if err := p.advance(); err != nil {
				return nil, 0, err
			}
			switch p.tok.kind {
			case tEOF, tRParen, tOr, tAnd:
				return nil, 0, errorf(pos, "AND needs a search term on both sides, and there is none after this AND")
			}
			continue
		}
		n, err := p.unary(depth)
		if err != nil {
			return nil, 0, err
		}
		operands++
		// A group's And joins this one: a (b c) is a b c, and a
		// (-b -c) is a -b -c, which keeps every Not next to a
		// positive node (see Not).
		if a, ok := n.(*And); ok {
			nodes = append(nodes, a.Nodes...)
		} else if n != nil {
			nodes = append(nodes, n)
		}
	}
}

// unary parses an operand with its '-' or NOT, if any.
func (p *parser) unary(depth int) (Node, error) {
	if k := p.tok.kind; k != tNeg && k != tNot {
		return p.primary(depth)
	}
	neg := p.tok
	if err := p.advance(); err != nil {
		return nil, err
	}
	switch p.tok.kind {
	case tEOF, tRParen, tOr, tAnd:
		// Only after NOT: the lexer makes a '-' a tNeg only when
		// something follows it.
		return nil, errorf(neg.pos, "NOT needs a search term after it, as in NOT ransomware")
	case tNeg, tNot:
		return nil, errorf(neg.pos, "%s", doubleNegation)
	case tField:
		if p.tok.name != "title" {
			t := p.tok
			if err := p.advance(); err != nil {
				return nil, err
			}
			return nil, p.filter(t, depth, neg.pos, true)
		}
	}
	n, err := p.primary(depth)
	if err != nil || n == nil {
		return nil, err
	}
	if negative(n) {
		return nil, errorf(neg.pos, "%s", doubleNegation)
	}
	return &Not{Node: n}, nil
}

const doubleNegation = "this excludes what is already excluded; remove both minus signs (or NOTs) to search for it"

// negative reports whether n matches only by excluding: a Not, or an And
// of Nots. Such a node may only be the whole Text or part of an And.
func negative(n Node) bool {
	switch n := n.(type) {
	case *Not:
		return true
	case *And:
		for _, m := range n.Nodes {
			if _, ok := m.(*Not); !ok {
				return false
			}
		}
		return true
	}
	return false
}

// primary parses a group, a word, a phrase or a field. A nil Node with a
// nil error is an operand that was dropped or a filter (which goes to
// p.q, not to the text).
func (p *parser) primary(depth int) (Node, error) {
	t := p.tok
	if err := p.advance(); err != nil {
		return nil, err
	}
	switch t.kind {
	case tLParen:
		if depth >= MaxDepth {
			return nil, errorf(t.pos, "too many parentheses inside one another (at most %d)", MaxDepth)
		}
		if p.tok.kind == tRParen {
			return nil, errorf(t.pos, "empty parentheses; put search terms in them or remove them")
		}
		n, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tRParen {
			return nil, errorf(t.pos, "this ( is never closed; add a ) after what it groups")
		}
		return n, p.advance()
	case tWord:
		return p.term(t.text, t.pos, "")
	case tPhrase:
		return p.phrase(t.text, t.pos, t.prefix, "")
	case tField:
		if t.name != "title" {
			return nil, p.filter(t, depth, t.pos, false)
		}
		if t.quoted {
			return p.phrase(t.text, t.valuePos, t.prefix, "title")
		}
		return p.term(t.text, t.valuePos, "title")
	}
	// The callers handle every other token before calling primary.
	return nil, errorf(t.pos, "unexpected %s", t.describe())
}

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of query"
	case tRParen:
		return ")"
	case tAnd:
		return "AND"
	case tOr:
		return "OR"
	case tNot:
		return "NOT"
	case tNeg:
		return "-"
	}
	return "text"
}

func (p *parser) count(pos int) error {
	p.terms++
	if p.terms > MaxTerms {
		return errorf(pos, "too many search terms: at most %d words and phrases", MaxTerms)
	}
	return nil
}

// term makes a Term of a word typed at pos (in a title: field if field is
// "title").
func (p *parser) term(w string, pos int, field string) (Node, error) {
	if !hasAlnum(w) {
		return nil, nil // nothing a store could search for: "&", "...", "*"
	}
	if field != "" && strings.HasPrefix(w, "-") {
		return nil, errorf(pos, "to exclude a word from titles, put the minus sign before the field: -title:%s", w[1:])
	}
	word := strings.TrimRight(w, "*")
	if i := strings.IndexByte(word, '*'); i >= 0 {
		return nil, errorf(pos+utf8.RuneCountInString(word[:i]), `* marks a prefix and goes only at the end of a word, as in cyber*; to search for the text, put it in quotes: "%s"`, w)
	}
	if err := p.count(pos); err != nil {
		return nil, err
	}
	return &Term{Word: word, Prefix: len(word) < len(w), Field: field}, nil
}

// phrase makes a Phrase of the text between quotes that start at pos.
func (p *parser) phrase(text string, pos int, prefix bool, field string) (Node, error) {
	words := strings.Fields(text)
	if !hasAlnum(text) {
		return nil, nil // "" or "--": nothing a store could search for
	}
	if err := p.count(pos); err != nil {
		return nil, err
	}
	return &Phrase{Words: words, Field: field, Prefix: prefix}, nil
}

// filter adds a source:, since:, until: or fact filter that starts at pos
// (at its '-' or NOT if not) to p.q.
func (p *parser) filter(t token, depth, pos int, not bool) error {
	value := t.text
	if t.quoted {
		value = strings.Join(strings.Fields(value), " ")
	}
	text := t.name + ":" + value
	if t.quoted {
		text = t.name + `:"` + value + `"`
	}
	if not {
		text = "-" + text
	}
	if depth > 0 {
		return errorf(pos, "%s filters the whole query, so it cannot be inside parentheses; move it out of them", text)
	}
	if p.filterPos == 0 {
		p.filterPos, p.filterText = pos, text
	}
	if value == "" {
		return errorf(pos, "%s: needs a value, as in %s", t.name, fieldExample[t.name])
	}
	if t.prefix {
		return errorf(t.starPos, "%s: takes a whole value, not a prefix; remove the *", t.name)
	}
	if !t.quoted && strings.HasSuffix(value, "*") {
		return errorf(t.valuePos+utf8.RuneCountInString(value)-1, "%s: takes a whole value, not a prefix; remove the * (or quote the value if the * is part of it)", t.name)
	}
	switch t.name {
	case "source":
		list := &p.q.Sources
		if not {
			list = &p.q.NotSources
		}
		for _, s := range *list {
			if strings.EqualFold(s, value) {
				return nil
			}
		}
		*list = append(*list, value)
	case "since", "until":
		return p.date(t.name, value, t.valuePos, pos, not)
	default:
		f := Fact{Field: t.name, Value: value, Not: not, Pos: pos}
		for _, g := range p.q.Facts {
			if g.Field == f.Field && g.Value == f.Value && g.Not == f.Not {
				return nil
			}
		}
		p.q.Facts = append(p.q.Facts, f)
	}
	return nil
}

func (p *parser) date(name, value string, valuePos, pos int, not bool) error {
	start, end, ok := parseDate(value)
	if !ok {
		return errorf(valuePos, "%s:%s: want a date like 2023-09-01, 2023-09 or 2023", name, value)
	}
	if not {
		// Say what to write instead: "not since D" is "until the day
		// before D", and "not until D" is "since the day after D".
		if name == "since" {
			return errorf(pos, "since: cannot be excluded; for what was published before %s, write until:%s",
				start.Format(time.DateOnly), formatUntil(start))
		}
		return errorf(pos, "until: cannot be excluded; for what was published after %s, write since:%s",
			end.AddDate(0, 0, -1).Format(time.DateOnly), formatSince(end))
	}
	f, t := &p.since, &p.q.Since
	if name == "until" {
		f, t = &p.until, &p.q.Until
		start = end
	}
	if f.pos > 0 {
		return errorf(pos, "%s: is given twice (first at character %d); keep one", name, f.pos)
	}
	*f = dateFilter{pos: pos, text: name + ":" + value}
	*t = start
	return nil
}

// parseDate reads 2023-09-01, 2023-09 or 2023 and returns when that day,
// month or year starts and when the next one does, in UTC.
func parseDate(s string) (start, end time.Time, ok bool) {
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	y, m, d := 0, 1, 1
	var okY, okM, okD bool
	switch len(s) {
	case 4:
		y, okY = num(s)
		okM, okD = true, true
	case 7:
		y, okY = num(s[:4])
		m, okM = num(s[5:])
		okD = s[4] == '-'
	case 10:
		y, okY = num(s[:4])
		m, okM = num(s[5:7])
		d, okD = num(s[8:])
		okD = okD && s[4] == '-' && s[7] == '-'
	}
	// Year 0 is out: until:0000 would end at the zero time, which
	// Query.Until takes for "unbounded".
	if !okY || !okM || !okD || y < 1 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, time.Time{}, false
	}
	start = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if start.Day() != d { // 2023-02-30 became March 2
		return time.Time{}, time.Time{}, false
	}
	switch len(s) {
	case 4:
		end = start.AddDate(1, 0, 0)
	case 7:
		end = start.AddDate(0, 1, 0)
	default:
		end = start.AddDate(0, 0, 1)
	}
	return start, end, true
}

package query

import (
	"strings"
	"unicode"
)

// The lexer turns the query's runes into tokens one at a time, so that an
// error early in the query is reported before one further on.

type tokenKind uint8

const (
	tEOF    tokenKind = iota
	tWord             // a word as typed, trailing stars included
	tPhrase           // "...": text is what is between the quotes
	tField            // name:value
	tLParen           // (
	tRParen           // )
	tNeg              // a '-' in front of a word, a "phrase" or a (group)
	tAnd              // AND
	tOr               // OR
	tNot              // NOT
)

type token struct {
	kind tokenKind
	pos  int // 1-based rune position of the token's first character

	// text is the word (tWord), the phrase between its quotes (tPhrase) or
	// the value, unquoted (tField).
	text string
	// prefix: a '*' followed the closing quote of a phrase or quoted value.
	prefix bool

	// tField only.
	name     string // the field name, lower case
	quoted   bool   // the value was in quotes
	valuePos int    // where the value (or its opening quote) starts
	starPos  int    // where the '*' after a quoted value is, if prefix
}

type lexer struct {
	rs []rune
	i  int // index in rs of the next rune to read
	// literal: the previous token was a '-', so the next word is searched
	// for even if it is AND, OR or NOT (-OR excludes the word "OR").
	literal bool
}

// normalize turns the query into runes the lexer can work on without
// special cases: an invalid UTF-8 byte becomes U+FFFD (ranging over a
// string does that, one per byte), a control character becomes a space
// (a tab or newline pasted into a search box separates words; a NUL or an
// escape means nothing), and typographic double quotes become '"', because
// phones and word processors type “operation jackal” for "operation jackal".
func normalize(s string) []rune {
	rs := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case unicode.IsControl(r):
			r = ' '
		case r == '“' || r == '”' || r == '„' || r == '‟':
			r = '"'
		}
		rs = append(rs, r)
	}
	return rs
}

func isSpace(r rune) bool { return unicode.IsSpace(r) }

// isDelim reports whether r ends a word: a word runs up to a space, a
// parenthesis or a quote, so "a(b)" and `a"b c"` need no spaces.
func isDelim(r rune) bool { return isSpace(r) || r == '(' || r == ')' || r == '"' }

// isAlnum is what makes a term searchable: stores index letters and
// numbers and skip the rest.
func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

func hasAlnum(s string) bool { return strings.IndexFunc(s, isAlnum) >= 0 }

func hasAlnumRunes(rs []rune) bool {
	for _, r := range rs {
		if isAlnum(r) {
			return true
		}
	}
	return false
}

// wordEnd returns the index just past the word that starts at i.
func (l *lexer) wordEnd(i int) int {
	for i < len(l.rs) && !isDelim(l.rs[i]) {
		i++
	}
	return i
}

// closingQuote returns the index of the quote that closes the one at i,
// or -1.
func (l *lexer) closingQuote(i int) int {
	for j := i + 1; j < len(l.rs); j++ {
		if l.rs[j] == '"' {
			return j
		}
	}
	return -1
}

// stars skips the stars at l.i and reports whether there were any.
func (l *lexer) stars() bool {
	start := l.i
	for l.i < len(l.rs) && l.rs[l.i] == '*' {
		l.i++
	}
	return l.i > start
}

func (l *lexer) next() (token, error) {
	rs := l.rs
	for l.i < len(rs) && isSpace(rs[l.i]) {
		l.i++
	}
	literal := l.literal
	l.literal = false
	start := l.i
	pos := start + 1
	if start >= len(rs) {
		return token{kind: tEOF, pos: pos}, nil
	}
	switch rs[start] {
	case '(':
		l.i++
		return token{kind: tLParen, pos: pos}, nil
	case ')':
		l.i++
		return token{kind: tRParen, pos: pos}, nil
	case '"':
		end := l.closingQuote(start)
		if end < 0 {
			return token{}, errorf(pos, `this quote is never closed; add a " at the end of the phrase`)
		}
		l.i = end + 1
		prefix := l.stars()
		return token{kind: tPhrase, pos: pos, text: string(rs[start+1 : end]), prefix: prefix}, nil
	case '-':
		// A '-' negates what follows it, unless nothing searchable
		// follows: then "-", "--" or "-&" is a word without letters,
		// which the parser drops.
		if start+1 < len(rs) && (rs[start+1] == '(' || rs[start+1] == '"') ||
			hasAlnumRunes(rs[start+1:l.wordEnd(start)]) {
			l.i++
			l.literal = true
			return token{kind: tNeg, pos: pos}, nil
		}
	}
	return l.word(start, literal)
}

// word lexes the word, field or operator that starts at start.
func (l *lexer) word(start int, literal bool) (token, error) {
	rs := l.rs
	end := l.wordEnd(start)
	for j := start; j < end; j++ {
		if rs[j] != ':' {
			continue
		}
		// Only the first colon can make a field: the name before it
		// must be letters only, and a later colon has one before it.
		if tok, ok, err := l.field(start, j); ok || err != nil {
			return tok, err
		}
		break
	}
	l.i = end
	w := string(rs[start:end])
	if !literal {
		switch w {
		case "AND":
			return token{kind: tAnd, pos: start + 1}, nil
		case "OR":
			return token{kind: tOr, pos: start + 1}, nil
		case "NOT":
			return token{kind: tNot, pos: start + 1}, nil
		}
	}
	return token{kind: tWord, pos: start + 1, text: w}, nil
}

// field lexes name:value where the colon is at colon, if that is a field.
// It reports false (and consumes nothing) for words that merely hold a
// colon: "10:30", "covid-19:", "Note:" before a space, "https://...".
func (l *lexer) field(start, colon int) (token, bool, error) {
	rs := l.rs
	name := rs[start:colon]
	if len(name) == 0 {
		return token{}, false, nil
	}
	for _, r := range name {
		if !unicode.IsLetter(r) {
			return token{}, false, nil
		}
	}
	after := colon + 1
	next := rune(-1) // none: end of query
	if after < len(rs) {
		next = rs[after]
	}
	lname := fieldName(name)
	pos := start + 1
	if !isField(lname) {
		if next < 0 || isSpace(next) || next == ')' {
			// A word that ends in a colon, as in pasted text
			// ("Warning: ..."); stores ignore the colon.
			return token{}, false, nil
		}
		if next == '/' && after+1 < len(rs) && rs[after+1] == '/' {
			// A URL: search for it as a word (stores split it into
			// its parts) rather than reject it as an unknown field.
			return token{}, false, nil
		}
		return token{}, false, errorf(pos, "%s", l.unknownField(start, colon))
	}
	switch {
	case next < 0 || isSpace(next) || next == ')':
		return token{}, false, errorf(pos, "%s: needs a value right after the colon, as in %s", lname, fieldExample[lname])
	case next == '(':
		if lname == "title" {
			return token{}, false, errorf(pos, `title: applies to one word, prefix or "phrase", not to parentheses; write title:a title:b to want both words in the title`)
		}
		return token{}, false, errorf(pos, "%s: takes one value, not parentheses, as in %s", lname, fieldExample[lname])
	case next == '"':
		end := l.closingQuote(after)
		if end < 0 {
			return token{}, false, errorf(after+1, `this quote is never closed; add a " at the end of the %s: value`, lname)
		}
		l.i = end + 1
		starPos := l.i + 1
		prefix := l.stars()
		return token{kind: tField, pos: pos, name: lname, text: string(rs[after+1 : end]), quoted: true,
			valuePos: after + 1, prefix: prefix, starPos: starPos}, true, nil
	}
	end := l.wordEnd(after)
	l.i = end
	return token{kind: tField, pos: pos, name: lname, text: string(rs[after:end]), valuePos: after + 1}, true, nil
}

// fieldName folds an ASCII name to lower case (field names are
// case-insensitive) and leaves any other name as it is, unknown: folding
// arbitrary letters would let "ſource:" (long s) be source:.
func fieldName(name []rune) string {
	b := make([]byte, 0, len(name))
	for _, r := range name {
		if r >= 0x80 {
			return string(name)
		}
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		b = append(b, byte(r))
	}
	return string(b)
}

func isField(name string) bool {
	switch name {
	case "title", "source", "since", "until":
		return true
	}
	return isFactField(name)
}

func isFactField(name string) bool {
	for _, f := range FactFields() {
		if name == f {
			return true
		}
	}
	return false
}

// fieldExample shows each field's value in "needs a value" messages.
var fieldExample = map[string]string{
	"title":     "title:jackal",
	"source":    "source:Europol",
	"since":     "since:2023-09-01",
	"until":     "until:2023-09-30",
	"country":   "country:PT",
	"org":       "org:Europol",
	"person":    `person:"Jürgen Stock"`,
	"operation": `operation:"Operation Jackal"`,
	"topic":     "topic:cybercrime",
	"story":     "story:12",
}

// fieldSynonyms are names people try for the fields sitrep has (from other
// search engines' languages), for a "did you mean" hint.
var fieldSynonyms = map[string]string{
	"after":        "since",
	"from":         "since",
	"before":       "until",
	"intitle":      "title",
	"site":         "source",
	"feed":         "source",
	"organization": "org",
	"organisation": "org",
	"tag":          "topic",
}

func fieldList() string {
	var b strings.Builder
	b.WriteString("title:, source:, since:, until:")
	for _, f := range FactFields() {
		b.WriteString(", ")
		b.WriteString(f)
		b.WriteByte(':')
	}
	return b.String()
}

// unknownField is the message for name:value with an unknown name: it
// names the fields, and says how to search for the text itself, since
// what looked like a field may just be text with a colon in it.
func (l *lexer) unknownField(start, colon int) string {
	rs := l.rs
	name := string(rs[start:colon])
	value := string(rs[colon+1 : l.wordEnd(colon+1)])
	if rs[colon+1] == '"' {
		if end := l.closingQuote(colon + 1); end > 0 {
			value = string(rs[colon+2 : end])
		} else {
			value = strings.TrimSpace(string(rs[colon+2:]))
		}
	}
	var hint string
	if f := suggestField(fieldName(rs[start:colon])); f != "" {
		hint = " (did you mean " + f + ":?)"
	}
	return `unknown field "` + name + `:"` + hint + "; fields are " + fieldList() +
		` — to search for the text, put it in quotes: "` + name + ":" + value + `"`
}

// suggestField returns the field that name is probably meant to be: a
// synonym, or a field one typo away.
func suggestField(name string) string {
	if f, ok := fieldSynonyms[name]; ok {
		return f
	}
	fields := append([]string{"title", "source", "since", "until"}, FactFields()...)
	for _, f := range fields {
		// A three-letter name is one edit away from too many words
		// ("or:", "on:") for the guess to help.
		if len(f) > 3 && oneEditApart(name, f) {
			return f
		}
	}
	return ""
}

// oneEditApart reports whether a becomes b by one insertion, deletion,
// substitution or swap of two neighbouring letters.
func oneEditApart(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		if i == len(a) {
			return false // equal
		}
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		return a[i:] == b[i+1:]
	}
	return false
}

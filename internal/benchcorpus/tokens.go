package benchcorpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The guarantees about planted phrases are stated in terms of the tokens a
// full-text index sees, not of the characters written: SQLite FTS5's
// unicode61 tokenizer splits at every character that is not a letter or a
// digit ("NATO’s" is "nato" "s", "EU-facilitated" is "eu" "facilitated"),
// folds case and removes diacritics. Tokens does the same for the letters
// this package writes, so that New can check its word lists and the tests can
// count phrases as an index would.

// foldTable maps the accented Latin letters (lower case) that the word lists
// and name generators use to their base letters.
var foldTable = func() map[rune]rune {
	m := map[rune]rune{}
	for _, g := range []string{
		"aàáâãäåāăą", "cçćĉċč", "dďđ", "eèéêëēĕėęě", "gĝğġģ", "hĥħ", "iìíîïĩīĭįı",
		"jĵ", "kķ", "lĺļľŀł", "nñńņňŉ", "oòóôõöøōŏő", "rŕŗř", "sśŝşšș", "tţťŧț",
		"uùúûüũūŭůűų", "wŵ", "yýÿŷ", "zźżž",
	} {
		base, _ := utf8.DecodeRuneInString(g)
		for _, r := range g {
			m[r] = base
		}
	}
	return m
}()

// foldRune lower-cases r and removes its diacritics.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	r = unicode.ToLower(r)
	if b, ok := foldTable[r]; ok {
		return b
	}
	return r
}

func isTokenRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// Tokens splits s as SQLite FTS5's unicode61 tokenizer does (runs of letters
// and digits; case and diacritics folded) and calls f with each token. The
// tests use it to count planted phrases and distinct tokens the way an index
// would see them.
func Tokens(s string, f func(tok string)) {
	var b strings.Builder
	start, plain := -1, true // the current token's start; whether it is already folded
	for i, r := range s {
		if isTokenRune(r) {
			if start < 0 {
				start, plain = i, true
			}
			if plain && (r >= utf8.RuneSelf || 'A' <= r && r <= 'Z') {
				plain = false
			}
			continue
		}
		if start >= 0 {
			f(token(&b, s[start:i], plain))
			start = -1
		}
	}
	if start >= 0 {
		f(token(&b, s[start:], plain))
	}
}

// token folds one token; most need nothing and are passed as they are.
func token(b *strings.Builder, t string, plain bool) string {
	if plain {
		return t
	}
	b.Reset()
	for _, r := range t {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// tokenList is Tokens collected into a slice, for New's checks.
func tokenList(s string) []string {
	var out []string
	Tokens(s, func(t string) { out = append(out, t) })
	return out
}

// foldedIs reports whether a token of w (a name the generators made up)
// folds to a token in set. It is the per-name check on
// the generated long tail, so it avoids allocating: the folded form is built
// in a stack buffer and the map lookup does not copy it.
func foldedIs(w []byte, set map[string]bool) bool {
	var a [64]byte
	b := a[:0]
	for _, r := range string(w) {
		if !isTokenRune(r) {
			if len(b) > 0 && set[string(b)] {
				return true
			}
			b = b[:0]
			continue
		}
		b = utf8.AppendRune(b, foldRune(r))
	}
	return len(b) > 0 && set[string(b)]
}

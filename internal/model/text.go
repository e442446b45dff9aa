package model

import (
	"strings"
	"unicode/utf8"
)

// CleanText is the one sanitiser of third-party text on its way into the
// store (titles, block text, names): everything sitrep keeps is plain text,
// escaped when rendered, so cleaning is about bytes no reader wants, not
// markup. Invalid UTF-8 becomes U+FFFD; NUL, the other C0 and C1 controls
// (tab and newline excepted), DEL, the bidirectional overrides that can
// disguise a title (U+202A–U+202E, U+2066–U+2069), and the noncharacters
// U+FFFE and U+FFFF are removed. It never adds a character, so it cannot
// add markup, and CleanText(CleanText(s)) == CleanText(s).
func CleanText(s string) string {
	clean := true
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && w == 1) || dropRune(r) {
			clean = false
			break
		}
		i += w
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		switch {
		case r == utf8.RuneError && w == 1:
			b.WriteRune(utf8.RuneError)
		case dropRune(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CleanLine is CleanText for one-line text (a title, a name): every run of
// ASCII whitespace, line breaks included, becomes one space, and the ends
// are trimmed. A non-breaking space is the publisher's choice and is kept.
func CleanLine(s string) string {
	s = CleanText(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\f', '\v', '\u2028', '\u2029':
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func dropRune(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0xfffe || r == 0xffff:
		return true
	}
	return false
}

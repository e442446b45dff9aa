package enrich

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/model"
)

// sentence is one sentence of the article: the title, a sentence of a
// paragraph, or a list item.
type sentence struct {
	text  string
	para  int // block index; -1 for the title
	toks  []token
	title bool
}

// token is a word, a number or one punctuation mark. Apostrophes are
// normalised to ' so "d’Ivoire" and "d'Ivoire" match alike.
type token struct {
	s     string
	start int // byte offset in the sentence
	end   int
	word  bool // letters or digits
}

func (t token) upper() bool {
	r, _ := utf8.DecodeRuneInString(t.s)
	return t.word && unicode.IsUpper(r)
}

func (t token) digit() bool {
	r, _ := utf8.DecodeRuneInString(t.s)
	return t.word && unicode.IsDigit(r)
}

func (t token) allCaps() bool {
	n := 0
	for _, r := range t.s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) {
			n++
		}
	}
	return n >= 2
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// tokenize splits s into tokens. An apostrophe between letters stays inside
// the word only for elisions such as "d'Ivoire" and "O'Brien"; a possessive
// "'s" becomes its own tokens so "Nigeria's" names Nigeria.
func tokenize(s string) []token {
	var toks []token
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += n
		case isWordRune(r):
			j := i + n
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if isWordRune(r2) {
					j += n2
					continue
				}
				// d'Ivoire, O'Brien: a one-letter word before the apostrophe
				// and a capital after it.
				if (r2 == '\'' || r2 == '’') && j-i == 1 {
					r3, n3 := utf8.DecodeRuneInString(s[j+n2:])
					if unicode.IsUpper(r3) {
						j += n2 + n3
						continue
					}
				}
				break
			}
			toks = append(toks, token{s: normApos(s[i:j]), start: i, end: j, word: true})
			i = j
		default:
			t := string(r)
			if r == '’' || r == '‘' {
				t = "'"
			}
			toks = append(toks, token{s: t, start: i, end: i + n})
			i += n
		}
	}
	return toks
}

func normApos(s string) string {
	if strings.ContainsRune(s, '’') {
		return strings.ReplaceAll(s, "’", "'")
	}
	return s
}

// abbreviations end with a full stop that does not end a sentence.
var abbreviations = map[string]bool{
	"Mr": true, "Ms": true, "Mrs": true, "Dr": true, "Prof": true, "Gen": true, "Col": true,
	"Lt": true, "Maj": true, "Capt": true, "Cpt": true, "Sgt": true, "Adm": true, "Cmdr": true,
	"Brig": true, "Gov": true, "Sen": true, "Rep": true, "Amb": true, "St": true, "No": true,
	"Nos": true, "Inc": true, "Ltd": true, "Co": true, "Corp": true, "vs": true, "etc": true,
	"e.g": true, "i.e": true, "approx": true, "Jan": true, "Feb": true, "Mar": true, "Apr": true,
	"Jun": true, "Jul": true, "Aug": true, "Sep": true, "Sept": true, "Oct": true, "Nov": true,
	"Dec": true, "Jr": true, "Sr": true, "Supt": true, "Insp": true, "Det": true, "Cpl": true,
	"Pvt": true, "Hon": true, "Rt": true, "Gen.": true, "Art": true, "para": true, "ca": true,
}

// splitSentences splits a paragraph into sentences: at . ! ? (and a closing
// quote or bracket after them) followed by a space and something that can
// start a sentence, unless the full stop ends an abbreviation or an initial.
func splitSentences(p string) []string {
	var out []string
	start := 0
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		if r != '.' && r != '!' && r != '?' {
			i += n
			continue
		}
		end := i + n
		for end < len(p) {
			r2, n2 := utf8.DecodeRuneInString(p[end:])
			if r2 == '"' || r2 == '”' || r2 == '’' || r2 == ')' || r2 == '\'' || r2 == '.' {
				end += n2
				continue
			}
			break
		}
		if end >= len(p) {
			break
		}
		r2, _ := utf8.DecodeRuneInString(p[end:])
		if !unicode.IsSpace(r2) {
			i = end
			continue
		}
		next := strings.TrimLeftFunc(p[end:], unicode.IsSpace)
		rn, _ := utf8.DecodeRuneInString(next)
		if !(unicode.IsUpper(rn) || unicode.IsDigit(rn) || strings.ContainsRune("\"“‘'(€$£–-•", rn)) {
			i = end
			continue
		}
		if r == '.' {
			w := lastWord(p[start:i])
			if abbreviations[w] || (utf8.RuneCountInString(w) == 1 && unicode.IsUpper([]rune(w)[0])) || strings.Count(w, ".") > 0 && len(w) <= 5 {
				i = end
				continue
			}
		}
		if s := strings.TrimSpace(p[start:end]); s != "" {
			out = append(out, s)
		}
		start = end
		i = end
	}
	if s := strings.TrimSpace(p[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// lastWord is the word before a full stop, with inner full stops kept
// ("U.S" of "U.S.", "e.g").
func lastWord(s string) string {
	j := len(s)
	i := j
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if isWordRune(r) || r == '.' {
			i -= n
			continue
		}
		break
	}
	return s[i:j]
}

// sentences splits an article into sentences, the title first.
func sentences(title string, blocks []model.Block) []sentence {
	var out []sentence
	if t := strings.TrimSpace(title); t != "" {
		out = append(out, sentence{text: t, para: -1, title: true, toks: tokenize(t)})
	}
	for bi, b := range blocks {
		for _, line := range strings.Split(b.Text, "\n") {
			for _, s := range splitSentences(line) {
				for _, part := range chunks(s, maxSentence) {
					out = append(out, sentence{text: part, para: bi, toks: tokenize(part)})
				}
			}
		}
	}
	return out
}

// maxSentence bounds a sentence, so that no rule's work grows with the
// square of a run-on text (a table flattened into one line, a text in a
// script without full stops).
const maxSentence = 1200

// chunks cuts s into pieces of at most max bytes, at spaces where it can.
func chunks(s string, max int) []string {
	var out []string
	for len(s) > max {
		cut := strings.LastIndexByte(s[:max], ' ')
		if cut <= 0 {
			cut = max
			for cut > 0 && !isRuneStart(s[cut]) {
				cut--
			}
			if cut == 0 {
				cut = max
			}
		}
		out = append(out, s[:cut])
		s = strings.TrimLeft(s[cut:], " ")
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

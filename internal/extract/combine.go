package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/model"
)

// Merging the two extractors. go-trafilatura is the more precise one (it
// removes more in-article boilerplate), go-readability the one that more
// rarely misses part of the body. So readability's blocks are the
// candidates, and trafilatura votes on each of them when the two broadly
// agree on where the article is; when they do not, one of them has failed
// and readability, the one that fails less badly, is kept whole.

// combine merges the two extractors' views of the article body: tb from
// trafilatura, rb from readability.
func combine(tb, rb []model.Block) []model.Block {
	if len(rb) == 0 {
		return tb
	}
	if len(tb) == 0 {
		return rb
	}
	rw := blockWords(rb)
	ti := newTextIndex(blockWords(tb))
	ri := newTextIndex(rw)
	covRT := ti.coverage(ri) // share of readability's text trafilatura has too
	if covRT < agreeMin {
		return rb
	}
	keep := make([]bool, len(rb))
	for i := range rb {
		keep[i] = ti.support(rw[i]) >= supportMin
	}
	// Trafilatura leaves figures out by design, not as boilerplate: a
	// caption readability places inside the kept text stays.
	first, last := -1, -1
	for i := range rb {
		if keep[i] {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	var out []model.Block
	for i, b := range rb {
		if keep[i] || (b.Kind == model.Caption && i > first && i < last) {
			out = append(out, b)
		}
	}
	return out
}

const (
	agreeMin   = 0.5
	supportMin = 0.5
)

// textIndex holds the word 4-grams of a text, to tell how much of another
// text it contains.
type textIndex struct {
	grams  map[uint64]int
	joined string // " w1 w2 ... wn ": for texts too short to have 4-grams
	n      int
}

func blockWords(blocks []model.Block) [][]string {
	out := make([][]string, len(blocks))
	for i, b := range blocks {
		out[i] = words(b.Text)
	}
	return out
}

func newTextIndex(blocks [][]string) *textIndex {
	ix := &textIndex{grams: map[uint64]int{}}
	var all []string
	for _, ws := range blocks {
		all = append(all, ws...)
	}
	for i := 0; i+4 <= len(all); i++ {
		ix.grams[ix.hash(all[i:i+4])]++
	}
	ix.n = len(all)
	ix.joined = " " + strings.Join(all, " ") + " "
	return ix
}

// hash is FNV-1a over the words: fixed, so indexes can be compared.
func (ix *textIndex) hash(ws []string) uint64 {
	h := uint64(14695981039346656037)
	for _, w := range ws {
		for i := 0; i < len(w); i++ {
			h ^= uint64(w[i])
			h *= 1099511628211
		}
		h ^= 0xff
		h *= 1099511628211
	}
	return h
}

// support is the share of a text's word 4-grams found in the index (for
// texts under four words: 1 if they occur in it as a phrase).
func (ix *textIndex) support(ws []string) float64 {
	if len(ws) == 0 {
		return 1
	}
	if len(ws) < 4 {
		if strings.Contains(ix.joined, " "+strings.Join(ws, " ")+" ") {
			return 1
		}
		return 0
	}
	hit := 0
	for i := 0; i+4 <= len(ws); i++ {
		if ix.grams[ix.hash(ws[i:i+4])] > 0 {
			hit++
		}
	}
	return float64(hit) / float64(len(ws)-3)
}

// coverage is the share of other's 4-grams found in ix.
func (ix *textIndex) coverage(other *textIndex) float64 {
	total, hit := 0, 0
	for g, c := range other.grams {
		total += c
		if ix.grams[g] > 0 {
			hit += c
		}
	}
	if total == 0 {
		return 0
	}
	return float64(hit) / float64(total)
}

// words are the lower-cased word tokens (letters and digits) of s. It is
// on the hot path (every text node of the page goes through it), hence the
// ASCII fast path.
func words(s string) []string {
	var out []string
	start := -1
	lower := false // the current word has upper-case letters
	emit := func(end int) {
		w := s[start:end]
		if lower {
			w = strings.ToLower(w)
		}
		out = append(out, w)
		start, lower = -1, false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			isWord := 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
			isUpper := 'A' <= c && c <= 'Z'
			if isWord || isUpper {
				if start < 0 {
					start = i
				}
				lower = lower || isUpper
			} else if start >= 0 {
				emit(i)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			if start < 0 {
				start = i
			}
			lower = lower || !unicode.IsLower(r)
		} else if start >= 0 {
			emit(i)
		}
		i += n
	}
	if start >= 0 {
		emit(len(s))
	}
	return out
}

// headerSpan is how many blocks at the start of a body can still be the
// page's header (title, date line, byline) rather than the article.
const headerSpan = 3

// dropHeader removes the title, the date line and the byline where the body
// repeats them at its start.
func dropHeader(blocks []model.Block, title string) []model.Block {
	t := normText(title)
	out := blocks[:0:0]
	for i, b := range blocks {
		if i < headerSpan && (normText(b.Text) == t || isDateLine(b.Text) || isByline(b.Text)) {
			continue
		}
		out = append(out, b)
	}
	return out
}

var (
	// dateRe matches a written date: "6 Sep. 2023", "September 6, 2023",
	// "2023-09-06", "06/09/2023", and a clock time "16:30".
	dateRe = regexp.MustCompile(`(?i)\b(\d{1,2}(st|nd|rd|th)?\.? (jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,? \d{4}|(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(st|nd|rd|th)?,? \d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{1,2}:\d{2}( ?[ap]\.?m\.?)?)\b`)
	// dateLabelRe matches the words that go with a date in a date line.
	dateLabelRe = regexp.MustCompile(`(?i)\b(published|posted|updated|last|modified|on|at|am|pm|utc|gmt|[a-z]{2,4}t|mon|tue|wed|thu|fri|sat|sun)[a-z]*\b`)
)

// isDateLine reports whether s is a date line: short, with a date, and
// hardly anything else.
func isDateLine(s string) bool {
	if len(strings.Fields(s)) > 15 || !dateRe.MatchString(s) {
		return false
	}
	rest := dateLabelRe.ReplaceAllString(dateRe.ReplaceAllString(s, " "), " ")
	return len(words(rest)) <= 4 && !strings.ContainsAny(strings.TrimSpace(rest), ".!?")
}

// isByline reports whether s is a short "By Name" line.
func isByline(s string) bool {
	f := strings.Fields(s)
	return len(f) >= 2 && len(f) <= 8 && strings.EqualFold(f[0], "by")
}

// normText is s lower-cased with whitespace folded, for comparisons.
func normText(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

package enrich

import (
	"hash/fnv"
	"math/bits"
	"strings"
	"time"
	"unicode"

	"github.com/sitrep/sitrep/internal/model"
)

// StoryKey is what story grouping compares of an article.
type StoryKey struct {
	Title      string
	Date       time.Time // published, else fetched
	Operations []string
	Signature  uint64 // Signature of its text; 0 when unknown
}

// Story grouping windows: copies and articles about one event appear
// within days of each other; an operation's coverage (results, then
// follow-ups) within weeks.
const (
	StoryWindow     = 3 * 24 * time.Hour
	OperationWindow = 14 * 24 * time.Hour
)

// SameStory reports whether two articles cover the same event: near-copies
// of one text (a release republished by another source) or titles that say
// the same thing within three days, or the same named operation within two
// weeks.
func SameStory(a, b StoryKey) bool { return sameStory(a, b, nil) }

func sameStory(a, b StoryKey, aWords map[string]bool) bool {
	gap := a.Date.Sub(b.Date)
	if gap < 0 {
		gap = -gap
	}
	if gap > OperationWindow {
		return false
	}
	// Copies of one release differ in 0–5 of the 64 bits (a corrected
	// figure, a credit line); different releases, even one publisher's,
	// in 20 or more (measured on the test releases). Copies appear within
	// days of each other.
	if a.Signature != 0 && b.Signature != 0 && bits.OnesCount64(a.Signature^b.Signature) <= 8 && gap <= StoryWindow {
		return true
	}
	for _, x := range a.Operations {
		for _, y := range b.Operations {
			if strings.EqualFold(x, y) {
				return true
			}
		}
	}
	if gap > StoryWindow {
		return false
	}
	if aWords == nil {
		aWords = contentWords(a.Title)
	}
	return similarity(aWords, b.Title) >= 0.5
}

// StoryMatcher compares one article with many: what SameStory does, with
// the article's title words read once.
type StoryMatcher struct {
	key   StoryKey
	words map[string]bool
}

// NewStoryMatcher returns a matcher for the article of key.
func NewStoryMatcher(key StoryKey) *StoryMatcher {
	return &StoryMatcher{key: key, words: contentWords(key.Title)}
}

// Match reports SameStory(m's article, b).
func (m *StoryMatcher) Match(b StoryKey) bool { return sameStory(m.key, b, m.words) }

// similarity is the Jaccard similarity of a title's content words (wa) and
// another title's, read without building a set.
func similarity(wa map[string]bool, b string) float64 {
	if len(wa) < 3 {
		return 0 // too short to tell
	}
	inter, nb := 0, 0
	var seen [64]string // b's distinct words; titles are short
	words := strings.FieldsFunc(strings.ToLower(b), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
next:
	for _, w := range words {
		if titleStopwords[w] || len(w) < 2 {
			continue
		}
		w = strings.TrimSuffix(w, "s")
		for _, x := range seen[:min(nb, len(seen))] {
			if x == w {
				continue next
			}
		}
		if nb < len(seen) {
			seen[nb] = w
		}
		nb++
		if wa[w] {
			inter++
		}
	}
	if nb < 3 {
		return 0
	}
	return float64(inter) / float64(len(wa)+nb-inter)
}

var titleStopwords = map[string]bool{"the": true, "a": true, "an": true, "of": true, "in": true, "on": true,
	"and": true, "for": true, "to": true, "with": true, "at": true, "by": true, "from": true, "as": true,
	"is": true, "are": true, "was": true, "were": true, "its": true, "their": true, "after": true, "over": true,
	"into": true, "new": true, "more": true, "than": true}

func contentWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if titleStopwords[w] || len(w) < 2 {
			continue
		}
		out[strings.TrimSuffix(w, "s")] = true
	}
	return out
}

// Signature is a SimHash of an article's text (its words in threes): two
// copies of one release differ in a few bits at most, unrelated texts in
// about half. 0 for a text too short to sign.
func Signature(blocks []model.Block) uint64 {
	var words []string
	for _, b := range blocks {
		words = append(words, strings.FieldsFunc(strings.ToLower(b.Text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })...)
	}
	if len(words) < 20 {
		return 0
	}
	// The opening thousand words tell copies apart as well as the whole.
	words = words[:min(len(words), 1000)]
	var v [64]int
	h := fnv.New64a()
	for i := 0; i+3 <= len(words); i++ {
		h.Reset()
		h.Write([]byte(words[i]))
		h.Write([]byte{' '})
		h.Write([]byte(words[i+1]))
		h.Write([]byte{' '})
		h.Write([]byte(words[i+2]))
		x := h.Sum64()
		for b := range 64 {
			if x&(1<<b) != 0 {
				v[b]++
			} else {
				v[b]--
			}
		}
	}
	var sig uint64
	for b := range 64 {
		if v[b] > 0 {
			sig |= 1 << b
		}
	}
	if sig == 0 {
		sig = 1 // 0 means "unsigned"
	}
	return sig
}

package enrich

import (
	"regexp"
	"slices"
	"strings"

	"github.com/sitrep/sitrep/internal/model"
)

// placeHit is one mention of a country in one sentence.
type placeHit struct {
	code     string
	as       string
	sent     int
	tok      int // first token of the mention
	end      int
	dateline bool
	kind     string
}

// findPlaces lists every country mention, sentence by sentence, with the
// flags of ambiguous phrases resolved: a phrase that is also a person's name
// followed by another name is a person ("Jordan Smith"), a language after
// "in" is a language ("in French"), and an ambiguous phrase counts only when
// the article names the same country unambiguously too.
func (r *Rules) findPlaces(ss []sentence) []placeHit {
	var hits, maybe []placeHit
	for si, s := range ss {
		dl := datelineEnd(s)
		for _, m := range r.places.find(s.toks) {
			p := m.val
			h := placeHit{code: p.code, as: s.text[s.toks[m.start].start:s.toks[m.end-1].end], sent: si, tok: m.start, end: m.end, dateline: m.end <= dl, kind: p.kind}
			if strings.Contains(p.flags, "person") {
				if m.end < len(s.toks) && s.toks[m.end].upper() && !r.places.has(s.toks[m.end].s) {
					continue
				}
				if m.start > 0 && s.toks[m.start-1].upper() && isNameWord(s.toks[m.start-1].s) && m.start-1 > 0 {
					continue
				}
			}
			if strings.Contains(p.flags, "language") {
				prev := ""
				if m.start > 0 {
					prev = strings.ToLower(s.toks[m.start-1].s)
				}
				next := ""
				if m.end < len(s.toks) {
					next = strings.ToLower(s.toks[m.end].s)
				}
				if prev == "in" || prev == "into" || prev == "speak" || prev == "speaks" || prev == "speaking" ||
					next == "-" || next == "language" || next == "languages" || next == "speakers" || next == "translation" {
					continue
				}
			}
			if strings.Contains(p.flags, "ambiguous") {
				maybe = append(maybe, h)
				continue
			}
			hits = append(hits, h)
		}
	}
	sure := map[string]bool{}
	perSent := map[int]int{}
	for _, h := range hits {
		sure[h.code] = true
		perSent[h.sent]++
	}
	// An ambiguous name counts when the article also names the country
	// unambiguously, or in a list of countries: "Armenia, Georgia,
	// Germany".
	for _, h := range maybe {
		if sure[h.code] || perSent[h.sent] >= 2 && listed(ss[h.sent].toks, h) {
			hits = append(hits, h)
		}
	}
	// In text order again: the first mention names the country.
	slices.SortStableFunc(hits, func(a, b placeHit) int {
		if a.sent != b.sent {
			return a.sent - b.sent
		}
		return a.tok - b.tok
	})
	return hits
}

// listed reports a place between commas or before "and": an item of a list.
func listed(toks []token, h placeHit) bool {
	before := h.tok > 0 && (toks[h.tok-1].s == "," || toks[h.tok-1].s == "and")
	after := h.end < len(toks) && (toks[h.end].s == "," || toks[h.end].s == "and")
	return before || after
}

func isNameWord(s string) bool {
	switch s {
	case "The", "In", "On", "At", "From", "To", "For", "Of", "And", "By", "With", "As":
		return false
	}
	return true
}

// datelineEnd is the token index after a dateline ("LYON, France –",
// "DAR ES SALAM, Tanzania –"), 0 when the sentence has none.
func datelineEnd(s sentence) int {
	if s.title || len(s.toks) < 3 || !s.toks[0].allCaps() {
		return 0
	}
	for i, t := range s.toks {
		if i > 8 {
			return 0
		}
		if t.s == "–" || t.s == "—" || (t.s == "-" && i > 0 && !s.toks[i-1].word) {
			return i + 1
		}
		if t.s == "-" && i > 1 {
			return i + 1
		}
	}
	return 0
}

// countries turns mentions into the article's countries, in order of first
// mention, each marked subject or passing. A country is a subject when the
// title names it, when it is named outside a dateline more than once, when
// the lead paragraph names it, or when it is listed with two or more other
// countries (participants of an operation).
func (r *Rules) countries(ss []sentence, hits []placeHit) []model.Country {
	type agg struct {
		c       model.Country
		subject bool
		outside int
	}
	byCode := map[string]*agg{}
	var order []string
	perSent := map[int]map[string]bool{}
	for _, h := range hits {
		if perSent[h.sent] == nil {
			perSent[h.sent] = map[string]bool{}
		}
		perSent[h.sent][h.code] = true
	}
	lead := -2
	for _, s := range ss {
		if !s.title {
			lead = s.para
			break
		}
	}
	for _, h := range hits {
		a := byCode[h.code]
		if a == nil {
			a = &agg{c: model.Country{Code: h.code, Name: r.countryName[h.code], As: h.as, Sentence: clip(ss[h.sent].text)}}
			byCode[h.code] = a
			order = append(order, h.code)
		}
		a.c.Mentions++
		if h.dateline {
			continue
		}
		a.outside++
		s := ss[h.sent]
		switch {
		case s.title:
			a.subject = true
		case s.para == lead:
			a.subject = true
		case len(perSent[h.sent]) >= 3 && listContext.MatchString(s.text):
			a.subject = true
		}
	}
	out := make([]model.Country, 0, len(order))
	for _, code := range order {
		a := byCode[code]
		a.c.Subject = a.subject || a.outside >= 2
		out = append(out, a.c)
	}
	return out
}

// listContext marks a list of countries as the participants of an action,
// not a route or a list of past places.
var listContext = regexp.MustCompile(`(?i)\b(participat|took part|taking part|involv|operations?\b|cooperat|joined|support|coordinat|across|countries|authorities|police|law enforcement|investigations?\b)`)

// clip shortens a sentence kept as evidence.
func clip(s string) string {
	const max = 400
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

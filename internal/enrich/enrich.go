// Package enrich finds the facts of an article: the countries, organisations,
// people, named operations, figures and topics its text names, each with the
// sentence that says so. It is a pure function of the text and the rules: no
// I/O, no clock, so re-running it on the same article gives the same facts.
package enrich

import (
	"regexp"

	"github.com/biter777/countries"
	"slices"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/model"
)

// Input is what enrichment reads of an article.
type Input struct {
	Title     string
	Blocks    []model.Block
	Published time.Time // dates without a year take the article's year
}

// Enrich returns the facts of one article.
func (r *Rules) Enrich(in Input) model.Facts {
	ss := sentences(in.Title, in.Blocks)
	places := r.findPlaces(ss)
	orgHits := r.findOrgs(ss, places)
	opHits := r.findOperations(ss, orgHits, places)
	facts := model.Facts{
		Rules:      r.version,
		Countries:  r.countries(ss, places),
		Orgs:       r.orgList(ss, orgHits),
		People:     r.findPeople(ss, places, orgHits, opHits),
		Operations: r.operations(ss, opHits, orgHits, in.Published),
	}
	facts.Figures = r.attribute(ss, r.findFigures(ss), opHits, places, facts.Countries)
	// Topics read the text without organisations' names.
	skip := make([][]bool, len(ss))
	for i, s := range ss {
		skip[i] = make([]bool, len(s.toks))
	}
	for _, h := range orgHits {
		for k := h.start; k < h.end; k++ {
			skip[h.sent][k] = true
		}
	}
	facts.Topics = r.findTopics(ss, skip)
	// Empty lists rather than null keep the JSON outputs uniform.
	if facts.Countries == nil {
		facts.Countries = []model.Country{}
	}
	if facts.Orgs == nil {
		facts.Orgs = []model.Org{}
	}
	if facts.People == nil {
		facts.People = []model.Person{}
	}
	if facts.Operations == nil {
		facts.Operations = []model.Operation{}
	}
	if facts.Figures == nil {
		facts.Figures = []model.Figure{}
	}
	if facts.Topics == nil {
		facts.Topics = []model.Topic{}
	}
	return facts
}

// notCurrent marks a sentence about a wider or earlier record than this
// article's operation: "to date", "since its launch", "in 2022".
var notCurrent = regexp.MustCompile(`(?i)\b(to date|since its launch|since (19|20)\d\d|so far|in total since|over the (past|last) \d+ years|has (helped|assisted|enabled)|have been (identified|tracked)|currently|launched \d+ years ago|previous|last year|every year|each year|annually|for (more than |over |almost |nearly )?\d+ years)\b`)

// attribute sets what each figure is about: the operation its sentence
// names (the most specific one: "Operation Jackal 2022" over "Operation
// Jackal"), else the article's main operation for a figure of this
// article's event, else the country the figure is tied to ("In Portugal,
// …", "EUR 77 000 in France"), else "".
func (r *Rules) attribute(ss []sentence, hits []figHit, opHits []opHit, places []placeHit, cs []model.Country) []model.Figure {
	// The article's one subject country, and its main one: a subject
	// named at least twice as often as any other.
	subject, mainCountry := "", ""
	first, second := 0, 0
	for _, c := range cs {
		if !c.Subject {
			continue
		}
		if subject == "" {
			subject = c.Code
		} else {
			subject = "-"
		}
		switch {
		case c.Mentions > first:
			mainCountry, first, second = c.Code, c.Mentions, first
		case c.Mentions > second:
			second = c.Mentions
		}
	}
	if subject == "-" {
		subject = ""
	}
	if first < 2*second {
		mainCountry = ""
	}
	opsIn := map[int][]string{}
	for _, h := range opHits {
		opsIn[h.sent] = append(opsIn[h.sent], h.name)
	}
	placesIn := map[int][]placeHit{}
	for _, h := range places {
		if !h.dateline {
			placesIn[h.sent] = append(placesIn[h.sent], h)
		}
	}
	// The main operation is the first operation the title or the lead
	// paragraph names, else the only operation the article names.
	main := ""
	lead := -2
	for _, s := range ss {
		if !s.title {
			lead = s.para
			break
		}
	}
	var opNames []string
	for _, h := range opHits {
		s := ss[h.sent]
		if isOperationName(h, s) {
			if main == "" && (s.title || s.para == lead) {
				main = h.name
			}
			if !slices.Contains(opNames, h.name) {
				opNames = append(opNames, h.name)
			}
		}
	}
	if main == "" && len(opNames) == 1 {
		main = opNames[0]
	}
	figs := make([]model.Figure, 0, len(hits))
	for _, h := range hits {
		f := h.Figure
		s := ss[h.sent]
		best := ""
		for _, n := range opsIn[h.sent] {
			if len(n) > len(best) {
				best = n
			}
		}
		switch {
		case best != "":
			f.About = best
		case main != "" && !notCurrent.MatchString(s.text):
			f.About = main
		case f.Kind != model.FigCountries:
			f.About = tiedCountry(s, h, placesIn[h.sent])
			// In an article about one country, its figures are that
			// country's, unless the sentence looks beyond this event.
			if f.About == "" && subject != "" && !notCurrent.MatchString(s.text) {
				f.About = subject
			}
		}
		// A bare "$" in an article about New Zealand is New Zealand's.
		if h.dollar && mainCountry != "" {
			if c := dollarOf(mainCountry); c != "" {
				f.Unit = c
			}
		}
		figs = append(figs, f)
	}
	return figs
}

// dollarOf is the ISO 4217 code of a country's currency when it is a
// dollar ("NZD" for NZ), "" otherwise.
func dollarOf(code string) string {
	c := countries.ByName(code)
	cur := c.Currency()
	if strings.Contains(strings.ToLower(cur.String()), "dollar") {
		return cur.Alpha()
	}
	return ""
}

// tiedCountry is the country a figure is tied to in its sentence: one
// named right after it ("EUR 77 000 in France"), else the only one named
// before it ("In Portugal, …", "Colombia police have safeguarded …").
func tiedCountry(s sentence, h figHit, places []placeHit) string {
	for _, p := range places {
		st := s.toks[p.tok].start
		if st >= h.end && st < h.clauseEnd && strings.Contains(" "+s.text[h.end:st], " in ") {
			return p.code
		}
	}
	code := ""
	for _, p := range places {
		if s.toks[p.tok].start < h.start {
			if code != "" && code != p.code {
				return ""
			}
			code = p.code
		}
	}
	return code
}

// isOperationName tells an operation ("Operation Jackal", "the Africa
// Cyber Surge II operation") from a programme or a task force.
func isOperationName(h opHit, s sentence) bool {
	if strings.HasPrefix(h.name, "Operation ") {
		return true
	}
	if h.end < len(s.toks) {
		switch s.toks[h.end].s {
		case "operation", "operations":
			return true
		}
	}
	if h.start > 0 && (s.toks[h.start-1].s == "operation" || s.toks[h.start-1].s == "codenamed" || s.toks[h.start-1].s == "dubbed") {
		return true
	}
	return false
}

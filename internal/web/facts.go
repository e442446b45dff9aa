package web

import (
	"html"
	"html/template"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/sitrep/sitrep/internal/digest"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/query"
	"github.com/sitrep/sitrep/internal/store"
)

// What enrichment found, as the pages show it: the article page's Facts
// section with each figure's sentence marked in the body, and the links
// that filter a search on one fact.

// factFilterValue is how a facet value is written as a filter: a country by
// its upper-case code (country:PT), a topic by its id (topic:cybercrime),
// anything else by its display name, which the store matches ignoring case.
func factFilterValue(field string, f store.FacetCount, label string) string {
	switch field {
	case store.FieldCountry:
		return strings.ToUpper(f.Value)
	case store.FieldTopic:
		return f.Value
	}
	if label != "" {
		return label
	}
	return f.Value
}

// factQuery is the query that finds the articles with one fact.
func factQuery(field, value string) string {
	return query.Query{Facts: []query.Fact{{Field: field, Value: value}}}.String()
}

// factURL is the search for the articles with one fact, newest first.
func factURL(field, value string) string {
	return searchURL(factQuery(field, value), "newest")
}

// withFact is q narrowed to one more fact, and whether q already had it.
func withFact(q query.Query, field, value string, names ...string) (query.Query, bool) {
	for _, f := range q.Facts {
		if f.Field != field || f.Not {
			continue
		}
		if strings.EqualFold(f.Value, value) {
			return q, true
		}
		for _, n := range names {
			if n != "" && strings.EqualFold(f.Value, n) {
				return q, true
			}
		}
	}
	q.Facts = append(slices.Clip(q.Facts), query.Fact{Field: field, Value: value})
	return q, false
}

// factNames are the display names of fact values as a search's hits write
// them, per field and lower-cased value: the store labels a topic by its
// id and another fact by one of its spellings, where the hits' facts have
// the topic's name and the spelling most of them use.
type factNames map[string]map[string]string

func hitFactNames(hits []store.Hit) factNames {
	type key struct{ field, value string }
	counts := map[key]map[string]int{} // articles per spelling
	names := map[key][]string{}        // spellings in the order first seen
	var keys []key
	add := func(field, value, name string) {
		k := key{field, strings.ToLower(strings.TrimSpace(value))}
		name = strings.TrimSpace(name)
		if k.value == "" || name == "" {
			return
		}
		if counts[k] == nil {
			counts[k] = map[string]int{}
			keys = append(keys, k)
		}
		if counts[k][name] == 0 {
			names[k] = append(names[k], name)
		}
		counts[k][name]++
	}
	for _, h := range hits {
		f := h.Article.Facts
		if f == nil {
			continue
		}
		for _, o := range f.Orgs {
			add(store.FieldOrg, o.Name, o.Name)
		}
		for _, p := range f.People {
			add(store.FieldPerson, p.Name, p.Name)
		}
		for _, o := range f.Operations {
			add(store.FieldOperation, o.Name, o.Name)
		}
		for _, t := range f.Topics {
			add(store.FieldTopic, t.ID, t.Name)
		}
	}
	out := factNames{}
	for _, k := range keys {
		best := ""
		for _, n := range names[k] {
			if best == "" || counts[k][n] > counts[k][best] {
				best = n
			}
		}
		if out[k.field] == nil {
			out[k.field] = map[string]string{}
		}
		out[k.field][k.value] = best
	}
	return out
}

// label is how a facet value is shown.
func (names factNames) label(field string, c store.FacetCount) string {
	if n := names[field][strings.ToLower(c.Value)]; n != "" {
		return n
	}
	if field == store.FieldTopic && (c.Label == "" || c.Label == c.Value) {
		// An id: "organised-crime" reads "Organised crime".
		h := strings.ReplaceAll(c.Value, "-", " ")
		if h != "" {
			h = strings.ToUpper(h[:1]) + h[1:]
		}
		return h
	}
	if c.Label != "" {
		return c.Label
	}
	return c.Value
}

// factFacet is one fact field's facet on a page.
type factFacet struct {
	Field   string
	Heading string
	Links   []facetLink
}

// factHeadings name each fact field's facet, in store.FactFields order.
var factHeadings = map[string]string{
	store.FieldCountry:   "By country",
	store.FieldOrg:       "By organisation",
	store.FieldPerson:    "By person",
	store.FieldOperation: "By operation",
	store.FieldTopic:     "By topic",
}

// factFacets are the fact facets of a search, each value linking to q
// narrowed to it (order kept); fields lists which ones, in order.
func factFacets(res store.SearchResult, q query.Query, order string, fields ...string) []factFacet {
	names := hitFactNames(res.Hits)
	var out []factFacet
	for _, field := range fields {
		counts := res.Facts[field]
		if len(counts) == 0 {
			continue
		}
		ff := factFacet{Field: field, Heading: factHeadings[field]}
		for _, c := range counts {
			label := names.label(field, c)
			value := factFilterValue(field, c, label)
			nq, has := withFact(q, field, value, c.Value, c.Label)
			l := facetLink{Value: value, Label: label, N: c.N, Active: has}
			if !has {
				l.URL = searchURL(nq.String(), order)
			}
			ff.Links = append(ff.Links, l)
		}
		out = append(out, ff)
	}
	return out
}

// factsView is an article's facts as article.html shows them.
type factsView struct {
	Countries  []countryFact
	Orgs       []linkFact
	People     []personFact
	Operations []operationFact
	Figures    []figureFact
	Topics     []topicFact
	Empty      bool
}

type countryFact struct {
	Name, Code, As, URL string
	Subject             bool
}

type linkFact struct{ Name, URL string }

type personFact struct{ Name, Role, Org, URL string }

type operationFact struct{ Name, Agency, Period, URL string }

type figureFact struct {
	Text   string
	Anchor string // the id of its sentence in the body; "" when not found there
}

type topicFact struct {
	Name, URL string
	Evidence  string
}

// storyView is the article's story when it groups several articles.
type storyView struct {
	Articles int
	Title    string
	URL      string
}

// newFactsView builds the Facts section; anchored says which figures have
// their sentence marked in the body.
func newFactsView(f *model.Facts, anchored []bool) *factsView {
	if f == nil {
		return nil
	}
	v := &factsView{}
	cs := slices.Clone(f.Countries)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Subject && !cs[j].Subject })
	for _, c := range cs {
		name := c.Name
		if name == "" {
			name = c.Code
		}
		as := ""
		if c.As != "" && !strings.EqualFold(c.As, name) {
			as = c.As
		}
		v.Countries = append(v.Countries, countryFact{Name: name, Code: c.Code, As: as, Subject: c.Subject,
			URL: factURL(store.FieldCountry, strings.ToUpper(c.Code))})
	}
	for _, o := range f.Orgs {
		v.Orgs = append(v.Orgs, linkFact{Name: o.Name, URL: factURL(store.FieldOrg, o.Name)})
	}
	for _, p := range f.People {
		v.People = append(v.People, personFact{Name: p.Name, Role: p.Role, Org: p.Org, URL: factURL(store.FieldPerson, p.Name)})
	}
	for _, o := range f.Operations {
		v.Operations = append(v.Operations, operationFact{Name: o.Name, Agency: o.Agency, Period: formatPeriod(o.Period),
			URL: factURL(store.FieldOperation, o.Name)})
	}
	for i, x := range f.Figures {
		ff := figureFact{Text: digest.FormatFigure(x)}
		if i < len(anchored) && anchored[i] {
			ff.Anchor = figAnchor(i)
		}
		v.Figures = append(v.Figures, ff)
	}
	for _, t := range f.Topics {
		name := t.Name
		if name == "" {
			name = t.ID
		}
		v.Topics = append(v.Topics, topicFact{Name: name, URL: factURL(store.FieldTopic, t.ID), Evidence: strings.Join(t.Evidence, ", ")})
	}
	v.Empty = len(v.Countries)+len(v.Orgs)+len(v.People)+len(v.Operations)+len(v.Figures)+len(v.Topics) == 0
	return v
}

// newStoryView is the article's story line, nil unless the story groups
// more than this article.
func newStoryView(st model.StoryRef) *storyView {
	if st.ID == 0 || st.Articles < 2 {
		return nil
	}
	return &storyView{Articles: st.Articles, Title: st.Title,
		URL: searchURL("story:"+strconv.FormatInt(st.ID, 10), "oldest")}
}

// formatPeriod writes an operation's ISO period for reading:
// "2023-05-15/2023-05-29" as "2023-05-15 to 2023-05-29", "2023-05/" as
// "from 2023-05".
func formatPeriod(p string) string {
	from, to, ok := strings.Cut(p, "/")
	switch {
	case !ok:
		return p
	case from == "" && to == "":
		return ""
	case to == "":
		return "from " + from
	case from == "":
		return "until " + to
	}
	return from + " to " + to
}

// figAnchor is the id of figure i's sentence in the article body: fig-1 for
// the first figure.
func figAnchor(i int) string { return "fig-" + strconv.Itoa(i+1) }

// figMark is one marked sentence in a block: the bytes [start, end) of its
// text, with the anchors of every figure that comes from it.
type figMark struct {
	start, end int
	ids        []string
}

// figureMarks finds each figure's sentence in the blocks (the first
// occurrence that does not overlap a sentence already marked; a sentence
// that enrichment clipped is looked for without its ellipsis). It returns
// the marks per block, in text order, and which figures were found.
func figureMarks(blocks []model.Block, figs []model.Figure) (map[int][]figMark, []bool) {
	marks := map[int][]figMark{}
	found := make([]bool, len(figs))
	for i, f := range figs {
		s := strings.TrimSpace(f.Sentence)
		if c, ok := strings.CutSuffix(s, "…"); ok {
			s = strings.TrimSpace(c)
		}
		if s == "" {
			continue
		}
	blocks:
		for bi, b := range blocks {
			for from := 0; from < len(b.Text); {
				at := strings.Index(b.Text[from:], s)
				if at < 0 {
					break
				}
				start, end := from+at, from+at+len(s)
				ms := marks[bi]
				clash := false
				for k, m := range ms {
					if m.start == start && m.end == end {
						ms[k].ids = append(ms[k].ids, figAnchor(i))
						found[i] = true
						break blocks
					}
					if start < m.end && m.start < end {
						clash = true
					}
				}
				if !clash {
					marks[bi] = append(ms, figMark{start: start, end: end, ids: []string{figAnchor(i)}})
					found[i] = true
					break blocks
				}
				from = start + 1
			}
		}
	}
	for _, ms := range marks {
		sort.Slice(ms, func(i, j int) bool { return ms[i].start < ms[j].start })
	}
	return marks, found
}

// bodyHTML renders blocks as model.RenderHTML does, with the marked
// sentences in <mark class="fig" id="fig-N">; a sentence that several
// figures come from carries the further anchors as empty spans.
func bodyHTML(blocks []model.Block, marks map[int][]figMark) template.HTML {
	esc := func(s string) string { return strings.ReplaceAll(html.EscapeString(s), "\n", "<br>") }
	var b strings.Builder
	inList := false
	for bi, bl := range blocks {
		if inList && bl.Kind != model.ListItem {
			b.WriteString("</ul>\n")
			inList = false
		}
		var t strings.Builder
		pos := 0
		for _, m := range marks[bi] {
			t.WriteString(esc(bl.Text[pos:m.start]))
			t.WriteString(`<mark class="fig" id="` + m.ids[0] + `">`)
			for _, id := range m.ids[1:] {
				t.WriteString(`<span id="` + id + `"></span>`)
			}
			t.WriteString(esc(bl.Text[m.start:m.end]))
			t.WriteString("</mark>")
			pos = m.end
		}
		t.WriteString(esc(bl.Text[pos:]))
		text := t.String()
		switch bl.Kind {
		case model.ListItem:
			if !inList {
				b.WriteString("<ul>\n")
				inList = true
			}
			b.WriteString("<li>" + text + "</li>\n")
		case model.Heading:
			b.WriteString("<h3>" + text + "</h3>\n")
		case model.Caption:
			b.WriteString(`<p class="caption">` + text + "</p>\n")
		case model.Quote:
			b.WriteString("<blockquote><p>" + text + "</p></blockquote>\n")
		default:
			b.WriteString("<p>" + text + "</p>\n")
		}
	}
	if inList {
		b.WriteString("</ul>\n")
	}
	return template.HTML(b.String())
}

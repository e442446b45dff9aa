package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/query"
	"github.com/sitrep/sitrep/internal/store"
)

// searchCorpus stores a few articles whose words the search tests count on.
// Titles are their keys in the tests.
func searchCorpus(t *testing.T, s store.Store) {
	t.Helper()
	mustSync(t, s, sources("Europol", "Interpol", "US Defense"))
	docs := []struct {
		title, body, feed string
		at                time.Time
	}{
		{"Operation Jackal strikes again", "Police arrested 72 suspects in Operation Jackal, led by Interpol.", "Interpol", day(2024, 9, 10)},
		{"Jackals of the savannah", "A report on animals; the operation was not about crime. Jackal sightings rose.", "Europol", day(2024, 8, 1)},
		{"Cybercrime ring dismantled", "Europol supported the cyber investigation into ransomware in Gürak.", "Europol", day(2023, 9, 15)},
		{"Ransomware affiliates arrested", "The cybercriminals used ransomware; money laundering charges followed.", "Europol", day(2023, 10, 2)},
		{"Defense secretary visits Lisbon", "The secretary met Portuguese counterparts on covid-19 recovery.", "US Defense", day(2024, 1, 20)},
		{"Undated note", "Nothing happened in Gurak today.", "Interpol", time.Time{}},
	}
	for i, d := range docs {
		a := model.Article{URL: fmt.Sprintf("https://example.org/%d", i), Title: d.title, Published: d.at,
			Blocks: []model.Block{{Kind: model.Paragraph, Text: d.body}, {Kind: model.ListItem, Text: "item " + d.title}}}
		mustSave(t, s, store.Save{Article: a, Feed: d.feed})
	}
	// Listed by a second source too.
	mustSave(t, s, store.Save{Article: model.Article{URL: "https://example.org/0", Title: docs[0].title, Published: docs[0].at,
		Blocks: []model.Block{{Kind: model.Paragraph, Text: docs[0].body}, {Kind: model.ListItem, Text: "item " + docs[0].title}}}, Feed: "Europol"})
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

func mustParse(t *testing.T, q string) query.Query {
	t.Helper()
	pq, err := query.Parse(q)
	if err != nil {
		t.Fatalf("query.Parse(%q): %v", q, err)
	}
	return pq
}

func search(t *testing.T, s store.Store, r store.SearchRequest) store.SearchResult {
	t.Helper()
	res, err := s.Search(t.Context(), r)
	if err != nil {
		t.Fatalf("Search(%q): %v", r.Query.String(), err)
	}
	return res
}

func hitTitles(res store.SearchResult) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.Article.Title)
	}
	return out
}

func testSearchLanguage(t *testing.T, s store.Store) {
	searchCorpus(t, s)
	const (
		jackal   = "Operation Jackal strikes again"
		savannah = "Jackals of the savannah"
		cyber    = "Cybercrime ring dismantled"
		ransom   = "Ransomware affiliates arrested"
		defense  = "Defense secretary visits Lisbon"
		undated  = "Undated note"
	)
	tests := []struct {
		q    string
		want []string // in date order, newest first (undated by fetch time: newest)
	}{
		{`jackal`, []string{jackal, savannah}},
		{`JACKAL police`, []string{jackal}},
		{`"operation jackal"`, []string{jackal}},
		{`"jackal operation"`, nil},
		{`jackal*`, []string{jackal, savannah}},
		{`cyber*`, []string{ransom, cyber}},
		{`ransomware OR lisbon`, []string{defense, ransom, cyber}},
		{`ransomware -laundering`, []string{cyber}},
		{`NOT jackal -ransomware`, []string{undated, defense}},
		{`title:jackal`, []string{jackal}},
		{`title:"jackal strikes"`, []string{jackal}},
		{`gurak`, []string{undated, cyber}},
		{`Gürak`, []string{undated, cyber}},
		{`covid-19`, []string{defense}},
		{`source:europol`, []string{jackal, savannah, ransom, cyber}},
		{`source:Interpol -source:Europol`, []string{undated}},
		{`since:2024-01 until:2024-08-31 `, []string{savannah, defense}},
		{`since:2024-08-01 until:2024-08-01`, []string{savannah}},
		{`jackal since:2024-09`, []string{jackal}},
		{`(ransomware OR jackal) source:Europol until:2023`, []string{ransom, cyber}},
		{`item`, []string{undated, jackal, savannah, defense, ransom, cyber}},
		{``, []string{undated, jackal, savannah, defense, ransom, cyber}},
	}
	for _, tt := range tests {
		pq, err := query.Parse(tt.q)
		if err != nil {
			continue // the parser's own tests cover malformed queries
		}
		res := search(t, s, store.SearchRequest{Query: pq, Order: store.Newest, Limit: 50})
		if got := hitTitles(res); !slices.Equal(got, tt.want) {
			t.Errorf("%q:\n got %q\nwant %q", tt.q, got, tt.want)
		}
		if res.Total != len(tt.want) {
			t.Errorf("%q: total %d, want %d", tt.q, res.Total, len(tt.want))
		}
	}
}

func testSearchRelevance(t *testing.T, s store.Store) {
	searchCorpus(t, s)
	res := search(t, s, store.SearchRequest{Query: mustParse(t, `"operation jackal"`), Order: store.Relevance})
	if len(res.Hits) == 0 || res.Hits[0].Article.Title != "Operation Jackal strikes again" {
		t.Fatalf(`"operation jackal" by relevance: %q; want the Operation Jackal article first`, hitTitles(res))
	}
	h := res.Hits[0]
	if !strings.Contains(h.Title, store.MarkStart+"Operation Jackal"+store.MarkEnd) {
		t.Errorf("highlighted title %q lacks marks around the phrase", h.Title)
	}
	if !strings.Contains(h.Snippet, store.MarkStart) || !strings.Contains(strings.ToLower(h.Snippet), "jackal") {
		t.Errorf("snippet %q has no marked match", h.Snippet)
	}
	if h.Article.URL == "" || h.Article.Source != "Europol" || !slices.Equal(h.Article.Feeds, []string{"Europol", "Interpol"}) || h.Article.Published.IsZero() {
		t.Errorf("hit article %+v lacks its URL, source, feeds or date", h.Article)
	}
	// A title match outranks a body-only match.
	res = search(t, s, store.SearchRequest{Query: mustParse(t, `ransomware`), Order: store.Relevance})
	if got := hitTitles(res); len(got) != 2 || got[0] != "Ransomware affiliates arrested" {
		t.Errorf("ransomware by relevance: %q; want the title match first", got)
	}
	// Diacritics are folded in snippets' matches too.
	res = search(t, s, store.SearchRequest{Query: mustParse(t, `gurak`), Order: store.Relevance})
	for _, h := range res.Hits {
		if !strings.Contains(h.Snippet, store.MarkStart) {
			t.Errorf("gurak: snippet %q not marked", h.Snippet)
		}
	}
	// Without search words: a teaser, no marks, newest first.
	res = search(t, s, store.SearchRequest{Query: mustParse(t, `source:"US Defense"`), Order: store.Relevance})
	if len(res.Hits) != 1 || !strings.HasPrefix(res.Hits[0].Snippet, "The secretary met") || strings.Contains(res.Hits[0].Title, store.MarkStart) {
		t.Errorf("filter-only query: %+v; want the article with its teaser", res.Hits)
	}
}

func testSearchPaging(t *testing.T, s store.Store) {
	searchCorpus(t, s)
	for _, order := range []store.SearchOrder{store.Relevance, store.Newest, store.Oldest} {
		for _, q := range []string{`item`, ``} {
			var all []string
			cur := ""
			for page := 0; ; page++ {
				if page > 10 {
					t.Fatalf("order %d %q: paging does not end", order, q)
				}
				res := search(t, s, store.SearchRequest{Query: mustParse(t, q), Order: order, Limit: 2, Cursor: cur})
				if res.Total != 6 {
					t.Errorf("order %d %q page %d: total %d, want 6", order, q, page, res.Total)
				}
				all = append(all, hitTitles(res)...)
				if res.Next == "" {
					break
				}
				cur = res.Next
			}
			if len(all) != 6 || len(slices.Compact(sorted(all))) != 6 {
				t.Errorf("order %d %q: pages gave %q; want all 6 articles once", order, q, all)
			}
		}
	}
	res := search(t, s, store.SearchRequest{Query: mustParse(t, ``), Order: store.Oldest, Limit: 6})
	if got := hitTitles(res); got[0] != "Cybercrime ring dismantled" {
		t.Errorf("oldest first: %q", got)
	}
	if _, err := s.Search(t.Context(), store.SearchRequest{Cursor: "not a cursor"}); !errors.Is(err, store.ErrBadCursor) {
		t.Errorf("a made-up cursor: %v, want ErrBadCursor", err)
	}
	rel := search(t, s, store.SearchRequest{Query: mustParse(t, `item`), Order: store.Relevance, Limit: 2})
	if _, err := s.Search(t.Context(), store.SearchRequest{Query: mustParse(t, `item`), Order: store.Newest, Cursor: rel.Next}); !errors.Is(err, store.ErrBadCursor) {
		t.Errorf("a relevance cursor used for date order: %v, want ErrBadCursor", err)
	}
}

func testSearchFacets(t *testing.T, s store.Store) {
	searchCorpus(t, s)
	res := search(t, s, store.SearchRequest{Query: mustParse(t, `jackal OR ransomware`), Facets: true})
	wantSources := []store.FacetCount{{Value: "Europol", N: 4}, {Value: "Interpol", N: 1}}
	if !slices.Equal(res.Sources, wantSources) {
		t.Errorf("source facet %v, want %v", res.Sources, wantSources)
	}
	wantMonths := []store.FacetCount{{Value: "2024-09", N: 1}, {Value: "2024-08", N: 1}, {Value: "2023-10", N: 1}, {Value: "2023-09", N: 1}}
	if !slices.Equal(res.Months, wantMonths) {
		t.Errorf("month facet %v, want %v", res.Months, wantMonths)
	}
	if res := search(t, s, store.SearchRequest{Query: mustParse(t, `jackal`)}); res.Sources != nil || res.Months != nil {
		t.Errorf("facets computed though not asked: %v %v", res.Sources, res.Months)
	}
}

func testSearchNotes(t *testing.T, s store.Store) {
	searchCorpus(t, s)
	res := search(t, s, store.SearchRequest{Query: mustParse(t, `source:Europl`)})
	if len(res.Hits) != 0 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "Europl") {
		t.Errorf("unknown source: hits %q notes %q; want none and a note naming it", hitTitles(res), res.Notes)
	}
	_, err := s.Search(t.Context(), store.SearchRequest{Query: mustParse(t, `jackal country:PT`)})
	var qe *query.Error
	if !errors.As(err, &qe) && err != nil {
		t.Errorf("an enrichment filter the store cannot search: %v, want nil or a *query.Error", err)
	}
}

func testSearchFollowsUpdates(t *testing.T, s store.Store) {
	searchCorpus(t, s)
	mustSave(t, s, store.Save{Article: model.Article{URL: "https://example.org/1", Title: "Jackals renamed to hyenas", Published: day(2024, 8, 1),
		Blocks: []model.Block{{Kind: model.Paragraph, Text: "Hyenas everywhere."}}}, Feed: "Europol"})
	if got := hitTitles(search(t, s, store.SearchRequest{Query: mustParse(t, `savannah`)})); len(got) != 0 {
		t.Errorf("old words still found after an update: %q", got)
	}
	if got := hitTitles(search(t, s, store.SearchRequest{Query: mustParse(t, `hyenas`)})); !slices.Equal(got, []string{"Jackals renamed to hyenas"}) {
		t.Errorf("new words not found after an update: %q", got)
	}
}

package postgres_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/query"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/postgres"
)

// FuzzSearch: whatever the parser accepts, the store searches without an
// error of its own: the tsquery compiled from a query is always valid,
// however odd the words (punctuation, scripts, emoji, quotes).
func FuzzSearch(f *testing.F) {
	for _, seed := range []string{
		`jackal`, `"operation jackal"`, `a OR b -c`, `cyber* title:x`, `"a""b"`, `½ ⅓`, `😀 x`, `'`, `x-`, `-x`,
		`NOT a`, `(a OR b) (c OR d) -e`, `title:"x y"*`, `source:"US Defense" since:2020 until:2021`, `ǅ ǈ`,
		`a\u0301`, `e\u0301te`, `中文 検索`, `x OR (y -z)`, `"-"`, `AND`, `OR`, `"OR"`, `"NOT" "AND"`, `near`, `NEAR(a b)`,
		`^a`, `a:b`, `10:30`, `http://x.org/a`, `x*y`, `a\b`, `'a':*`, `a & b | !c`, `x <-> y`, `title:'x'`,
		`covid-19*`, `½*`, `-½`, `title:½`, "\x00", `"a" -"" b`,
	} {
		f.Add(seed)
	}
	s := open(f)
	ctx := context.Background()
	if err := s.SyncSources(ctx, []model.Source{{Name: "A", URL: "https://a.example/", Type: model.SourceFeed}}); err != nil {
		f.Fatal(err)
	}
	for i, text := range []string{"Operation Jackal arrests", "½ of 中文 検索 😀 e\u0301te", "covid-19 and e-mail"} {
		if _, _, err := s.SaveArticle(ctx, store.Save{Feed: "A", Article: model.Article{
			URL: "https://a.example/" + string(rune('a'+i)), Title: text, Published: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
			Blocks: []model.Block{{Kind: model.Paragraph, Text: text}}}}); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, in string) {
		q, err := query.Parse(in)
		if err != nil {
			return
		}
		for _, order := range []store.SearchOrder{store.Relevance, store.Newest} {
			_, err := s.Search(ctx, store.SearchRequest{Query: q, Order: order, Facets: true})
			var qe *query.Error
			if err != nil && !errors.As(err, &qe) {
				t.Fatalf("Search(%q → %q): %v", in, q.String(), err)
			}
		}
	})
}

// TestSearchBounds: a query matching more than the scope is ranked and
// faceted among its newest matches, counted up to the cap, and still paged
// through completely by date.
func TestSearchBounds(t *testing.T) {
	ctx := t.Context()
	s := open(t, postgres.WithSearchBounds(8, 5))
	if err := s.SyncSources(ctx, []model.Source{{Name: "A", URL: "https://a.example/", Type: model.SourceFeed}}); err != nil {
		t.Fatal(err)
	}
	// 12 articles about jackals, one a month through 2024; the oldest has
	// "jackal" in its title, so it would rank first if ranking saw it.
	for i := range 12 {
		title := "Report"
		if i == 0 {
			title = "Jackal jackal jackal"
		}
		a := model.Article{URL: "https://a.example/" + string(rune('a'+i)), Title: title,
			Published: time.Date(2024, time.Month(i+1), 10, 0, 0, 0, 0, time.UTC),
			Blocks:    []model.Block{{Kind: model.Paragraph, Text: "A jackal was seen."}}}
		if _, _, err := s.SaveArticle(ctx, store.Save{Article: a, Feed: "A"}); err != nil {
			t.Fatal(err)
		}
	}
	q, _ := query.Parse("jackal")
	res, err := s.Search(ctx, store.SearchRequest{Query: q, Facets: true, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 8 || !res.TotalCapped || res.Scope != 8 || res.RankScope != 5 {
		t.Errorf("total %d capped %v scope %d rank scope %d; want 8, true, 8, 5", res.Total, res.TotalCapped, res.Scope, res.RankScope)
	}
	if got := res.Hits[0].Article.Published.Month(); got < time.August {
		t.Errorf("relevance ranked an article from month %v, outside the newest 5", got)
	}
	var months []string
	for _, f := range res.Months {
		months = append(months, f.Value)
	}
	if want := "2024-12 2024-11 2024-10 2024-09 2024-08 2024-07 2024-06 2024-05"; strings.Join(months, " ") != want {
		t.Errorf("month facet %v, want the newest eight months", months)
	}
	if len(res.Sources) != 1 || res.Sources[0].N != 8 {
		t.Errorf("source facet %v, want A 8", res.Sources)
	}
	// By date, every match is reachable, either way, with or without
	// search words.
	for _, tc := range []struct {
		q     string
		order store.SearchOrder
	}{{"jackal", store.Oldest}, {"jackal", store.Newest}, {"", store.Newest}, {"source:A", store.Newest}, {"-nothing", store.Newest}} {
		q, _ := query.Parse(tc.q)
		seen, cur := 0, ""
		for {
			res, err := s.Search(ctx, store.SearchRequest{Query: q, Order: tc.order, Limit: 5, Cursor: cur})
			if err != nil {
				t.Fatal(err)
			}
			seen += len(res.Hits)
			if res.Next == "" {
				break
			}
			cur = res.Next
		}
		if seen != 12 {
			t.Errorf("%q order %d: paging reached %d articles, want 12", tc.q, tc.order, seen)
		}
	}
	// since/until narrow before the scope is taken.
	q, _ = query.Parse("jackal until:2024-03")
	res, _ = s.Search(ctx, store.SearchRequest{Query: q})
	if res.Total != 3 || res.Scope != 0 || res.RankScope != 0 || res.Hits[0].Article.Title != "Jackal jackal jackal" {
		t.Errorf("until:2024-03: total %d scope %d first %q", res.Total, res.Scope, res.Hits[0].Article.Title)
	}
}

// TestSearchWords: words are split as SQLite's unicode61 splits them, at
// every character that is not a letter or digit, in articles and queries
// alike; case and diacritics fold; there is no stemming.
func TestSearchWords(t *testing.T) {
	ctx := t.Context()
	s := open(t)
	docs := []string{
		"Covid-19 cases fell; see https://europol.europa.eu/news/2024 or write to press@europol.example.",
		"The décret n°2023-1145 of 12.5.2023 applies to C++ and .NET users.",
		"L’Europe et “les” États-Unis: ÉTÉ, Ελληνικά ΕΛΛΗΝΙΚΆ, Москва, 中文.",
		"Jackals were seen, one jackal's den too; operations_2024 went on.",
	}
	for i, text := range docs {
		a := model.Article{URL: "https://x.example/" + string(rune('a'+i)), Title: "Doc " + string(rune('A'+i)),
			Published: time.Date(2024, 1, 1+i, 0, 0, 0, 0, time.UTC), Blocks: []model.Block{{Kind: model.Paragraph, Text: text}}}
		if _, _, err := s.SaveArticle(ctx, store.Save{Article: a, Feed: "X"}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		q    string
		want []string
	}{
		{`covid-19`, []string{"Doc A"}},
		{`covid 19`, []string{"Doc A"}},
		{`19`, []string{"Doc A"}},
		{`"19 cases"`, []string{"Doc A"}},
		{`europol`, []string{"Doc A"}},
		{`europa.eu`, []string{"Doc A"}},
		{`"https://europol.europa.eu/news"`, []string{"Doc A"}},
		{`press@europol.example`, []string{"Doc A"}},
		{`2023`, []string{"Doc B"}},
		{`1145`, []string{"Doc B"}},
		{`12.5.2023`, []string{"Doc B"}},
		{`decret`, []string{"Doc B"}},
		{`net`, []string{"Doc B"}},
		{`europe`, []string{"Doc C"}},
		{`etats-unis`, []string{"Doc C"}},
		{`"états unis"`, []string{"Doc C"}},
		{`ete`, []string{"Doc C"}},
		{`ελληνικα`, []string{"Doc C"}},
		{`москва`, []string{"Doc C"}},
		{`中文`, []string{"Doc C"}},
		{`jackal`, []string{"Doc D"}}, // "jackal's" is jackal, s
		{`jackals`, []string{"Doc D"}},
		{`jack*`, []string{"Doc D"}},
		{`operation`, nil}, // no stemming, and operations_2024 is operations, 2024
		{`operations`, []string{"Doc D"}},
		{`"operations 2024"`, []string{"Doc D"}},
	}
	for _, tt := range tests {
		q, err := query.Parse(tt.q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.q, err)
		}
		res, err := s.Search(ctx, store.SearchRequest{Query: q, Order: store.Newest})
		if err != nil {
			t.Fatalf("Search(%q): %v", tt.q, err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.Article.Title)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.q, got, tt.want)
		}
	}
}

// TestSearchHighlights: marks fall on the original text's words, whatever
// punctuation surrounds them; a phrase is marked as one run; snippets say
// where they were cut.
func TestSearchHighlights(t *testing.T) {
	ctx := t.Context()
	s := open(t)
	long := strings.Repeat("Filler words here. ", 40)
	docs := []struct{ title, body string }{
		{"“Operation Jackal”: 72 arrests (Gürak)", long + "Police arrested 72 suspects in Operation Jackal, led by INTERPOL. " + long},
		{"Short", "Operation jackal, in Gürak."},
	}
	for i, d := range docs {
		a := model.Article{URL: "https://x.example/" + string(rune('a'+i)), Title: d.title,
			Published: time.Date(2024, 1, 1+i, 0, 0, 0, 0, time.UTC), Blocks: []model.Block{{Kind: model.Paragraph, Text: d.body}}}
		if _, _, err := s.SaveArticle(ctx, store.Save{Article: a, Feed: "X"}); err != nil {
			t.Fatal(err)
		}
	}
	const m0, m1 = store.MarkStart, store.MarkEnd
	search := func(q string) map[string]store.Hit {
		t.Helper()
		pq, err := query.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Search(ctx, store.SearchRequest{Query: pq})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]store.Hit{}
		for _, h := range res.Hits {
			out[h.Article.URL] = h
		}
		return out
	}
	hits := search(`"operation jackal" gurak`)
	a, b := hits["https://x.example/a"], hits["https://x.example/b"]
	if want := "“" + m0 + "Operation Jackal" + m1 + "”: 72 arrests (" + m0 + "Gürak" + m1 + ")"; a.Title != want {
		t.Errorf("title %q, want %q", a.Title, want)
	}
	if !strings.HasPrefix(a.Snippet, "…") || !strings.HasSuffix(a.Snippet, "…") ||
		!strings.Contains(a.Snippet, m0+"Operation Jackal"+m1+", led by INTERPOL.") {
		t.Errorf("snippet %q: want the passage with the phrase marked, cut at both ends", a.Snippet)
	}
	if want := m0 + "Operation jackal" + m1 + ", in " + m0 + "Gürak" + m1 + "."; b.Snippet != want {
		t.Errorf("whole-body snippet %q, want %q", b.Snippet, want)
	}
	if b.Title != "Short" {
		t.Errorf("title without a match %q, want it unmarked", b.Title)
	}
	// Two words next to each other that are not a phrase are marked
	// together too; a title: search marks the title only.
	hits = search(`title:arrests 72`)
	if a := hits["https://x.example/a"]; a.Title != "“Operation Jackal”: "+m0+"72 arrests"+m1+" (Gürak)" {
		t.Errorf("title %q", a.Title)
	}
}

// TestSearchFollowsDates: an article whose date changes is found under
// its new date, and its search row is not left behind.
func TestSearchFollowsDates(t *testing.T) {
	ctx := t.Context()
	s := open(t)
	a := model.Article{URL: "https://x.example/a", Title: "Jackal", Published: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		Blocks: []model.Block{{Kind: model.Paragraph, Text: "A jackal."}}}
	for _, at := range []time.Time{a.Published, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), {}} {
		a.Published = at
		if _, _, err := s.SaveArticle(ctx, store.Save{Article: a, Feed: "X"}); err != nil {
			t.Fatal(err)
		}
	}
	a.Published = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	if _, _, err := s.SaveArticle(ctx, store.Save{Article: a, Feed: "X"}); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{`jackal since:2025-06`: 1, `jackal until:2025-05`: 0, `jackal`: 1, `-nothing since:2025`: 1} {
		pq, _ := query.Parse(q)
		for _, order := range []store.SearchOrder{store.Relevance, store.Newest, store.Oldest} {
			res, err := s.Search(ctx, store.SearchRequest{Query: pq, Order: order, Facets: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != want || len(res.Hits) != want || (want > 0 && res.Months[0].Value != "2025-06") {
				t.Errorf("%s order %d: total %d, %d hits, months %v; want %d in 2025-06", q, order, res.Total, len(res.Hits), res.Months, want)
			}
		}
	}
}

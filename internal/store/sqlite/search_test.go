package sqlite

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/query"
	"github.com/sitrep/sitrep/internal/store"
)

// FuzzSearch: whatever the parser accepts, the store searches without an
// error of its own: the FTS5 expression compiled from a query is always
// valid, however odd the words (punctuation, scripts, emoji, quotes).
func FuzzSearch(f *testing.F) {
	for _, seed := range []string{
		`jackal`, `"operation jackal"`, `a OR b -c`, `cyber* title:x`, `"a""b"`, `½ ⅓`, `😀 x`, `'`, `x-`, `-x`,
		`NOT a`, `(a OR b) (c OR d) -e`, `title:"x y"*`, `source:"US Defense" since:2020 until:2021`, `ǅ ǈ`,
		`a\u0301`, `e\u0301te`, `中文 検索`, `x OR (y -z)`, `"-"`, `AND`, `OR`, `"OR"`, `"NOT" "AND"`, `near`, `NEAR(a b)`,
		`^a`, `a:b`, `10:30`, `http://x.org/a`, `x*y`,
	} {
		f.Add(seed)
	}
	ctx := context.Background()
	s, err := Open(ctx, ":memory:")
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
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
	s, err := Open(ctx, ":memory:", WithSearchBounds(8, 5))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
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

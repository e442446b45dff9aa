package sqlite

import (
	"context"
	"errors"
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

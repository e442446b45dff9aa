package pipeline

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/fetch"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/sqlite"
)

// TestPreview: a test fetch reads the feed and builds its first articles as
// a poll would, says which are stored already, and stores nothing.
func TestPreview(t *testing.T) {
	page := func(title, text string) string {
		return fmt.Sprintf(`<html><head><title>%s</title></head><body><main><article><h1>%s</h1>%s</article></main></body></html>`,
			title, title, strings.Repeat("<p>"+text+" The investigation involved police forces of several countries and lasted many months.</p>", 4))
	}
	mux := http.NewServeMux()
	var base string
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>T</title>
<item><title>One</title><link>%[1]s/one</link></item>
<item><title>Two</title><link>%[1]s/two</link></item>
<item><title>Gone</title><link>%[1]s/gone</link></item>
<item><title>Three</title><link>%[1]s/three</link></item></channel></rss>`, base)
	})
	for _, p := range []string{"one", "two", "three"} {
		mux.HandleFunc("/"+p, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, page("Article "+p, "Article "+p+" says what happened."))
		})
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	base = srv.URL

	ctx := t.Context()
	st, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.SyncSources(ctx, []model.Source{{Name: "Old", URL: srv.URL + "/other", Type: model.SourceFeed}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.SaveArticle(ctx, store.Save{Article: model.Article{URL: srv.URL + "/two", Title: "Two",
		Blocks: []model.Block{{Kind: model.Paragraph, Text: "x"}}}, Feed: "Old"}); err != nil {
		t.Fatal(err)
	}
	p := New(Config{}, st, fetch.New(fetch.Config{UserAgent: "sitrep-test"}))
	pv, err := p.Preview(ctx, model.Source{Name: "New", URL: srv.URL + "/feed", Type: model.SourceFeed}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(pv.Entries) != 4 || len(pv.Articles) != 3 {
		t.Fatalf("preview: %d entries, %d articles; want 4 and 3", len(pv.Entries), len(pv.Articles))
	}
	got := []string{}
	for _, a := range pv.Articles {
		got = append(got, fmt.Sprintf("%s stored=%v err=%v text=%v", a.Article.Title, a.Stored, a.Err != nil, strings.Contains(a.Article.Body(), "says what happened")))
	}
	want := []string{"One stored=false err=false text=true", "Two stored=true err=false text=true", "Gone stored=false err=true text=false"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("preview articles:\n got %q\nwant %q", got, want)
	}
	arts, err := st.Articles(ctx, store.Filter{})
	if err != nil || len(arts) != 1 {
		t.Errorf("the store holds %d articles after a preview, want the 1 it had (%v)", len(arts), err)
	}
	if _, err := st.Source(ctx, "New"); err == nil {
		t.Error("a preview stored its source")
	}
	if _, err := p.Preview(ctx, model.Source{Name: "Bad", URL: srv.URL + "/missing", Type: model.SourceFeed}, 3); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("preview of a missing feed: %v; want the 404", err)
	}
}

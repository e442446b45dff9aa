package pipeline

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/enrich"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/sqlite"
)

// TestStoriesStable: three reports of one event on one day, stored in the
// reverse of their times (as a feed lists them, newest first), make one
// story, the same after every `sitrep enrich --all`; a fourth, unrelated,
// makes its own.
func TestStoriesStable(t *testing.T) {
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.SyncSources(ctx, []model.Source{{Name: "A", URL: "https://a.example/feed", Type: model.SourceFeed}}); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2024, 6, 3, 0, 0, 0, 0, time.UTC)
	docs := []struct {
		title string
		hour  int
	}{
		{"Europol supports Serbia in arresting contract killer disguised as an elderly man", 20},
		{"Serbia: contract killer disguised as elderly man arrested with Europol support", 15},
		{"Contract killer disguised as an elderly man arrested in Serbia with Europol's support", 9},
		{"NATO Secretary General visits Latvia", 12},
	}
	var ids []int64
	for i, d := range docs {
		id, _, err := st.SaveArticle(ctx, store.Save{Feed: "A", Article: model.Article{URL: "https://a.example/" + string(rune('a'+i)),
			Title: d.title, Published: day.Add(time.Duration(d.hour) * time.Hour),
			Blocks: []model.Block{{Kind: model.Paragraph, Text: d.title + "."}}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rules, err := enrich.Load(enrich.Files{})
	if err != nil {
		t.Fatal(err)
	}
	e := NewEnricher(rules, st)
	stories := func() []int64 {
		var out []int64
		for _, id := range ids {
			a, err := st.Article(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, a.Story.ID)
		}
		return out
	}
	want := []int64{ids[0], ids[0], ids[0], ids[3]}
	for run := range 3 {
		if _, err := e.Stored(ctx, run > 0, nil); err != nil {
			t.Fatal(err)
		}
		got := stories()
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("run %d: stories %v, want %v", run, got, want)
			}
		}
	}
	if a, _ := st.Article(ctx, ids[1]); a.Story.Articles != 3 {
		t.Errorf("story of %d articles, want 3", a.Story.Articles)
	}
}

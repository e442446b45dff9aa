package pipeline

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/enrich"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/sqlite"
)

// BenchmarkEnrichStored runs `sitrep enrich --all` over 10,000 stored
// articles (the annotated press releases of internal/enrich/testdata,
// cycled, 30 a day over a year): facts, story grouping and the writes, as
// the pipeline does them for each new article. It reports articles/s.
func BenchmarkEnrichStored(b *testing.B) {
	var texts []struct{ Title, Body string }
	for _, dir := range []string{"dev*", "heldout"} {
		files, _ := filepath.Glob(filepath.Join("..", "enrich", "testdata", dir, "[0-9][0-9][0-9].json"))
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			var t struct{ Title, Body string }
			if err := json.Unmarshal(raw, &t); err != nil {
				b.Fatal(err)
			}
			texts = append(texts, t)
		}
	}
	if len(texts) == 0 {
		b.Fatal("no press releases in internal/enrich/testdata")
	}
	ctx := b.Context()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.SyncSources(ctx, []model.Source{{Name: "Bench", URL: "https://bench.example/feed", Type: model.SourceFeed}}); err != nil {
		b.Fatal(err)
	}
	n := 10_000
	if v := os.Getenv("SITREP_BENCH_ARTICLES"); v != "" {
		if _, err := fmt.Sscan(v, &n); err != nil {
			b.Fatalf("SITREP_BENCH_ARTICLES=%q: %v", v, err)
		}
	}
	t0 := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		t := texts[i%len(texts)]
		a := model.Article{URL: fmt.Sprintf("https://bench.example/%d", i), Title: t.Title,
			Published: t0.Add(time.Duration(i) * 24 * time.Hour / 30), Blocks: model.ParseText(t.Body)}
		if _, _, err := st.SaveArticle(ctx, store.Save{Article: a, Feed: "Bench"}); err != nil {
			b.Fatal(err)
		}
	}
	rules, err := enrich.Load(enrich.Files{})
	if err != nil {
		b.Fatal(err)
	}
	e := NewEnricher(rules, st)
	b.ResetTimer()
	for b.Loop() {
		rep, err := e.Stored(ctx, true, nil)
		if err != nil || rep.Articles != n || rep.Failed != 0 {
			b.Fatalf("enriched %d of %d (%d failed): %v", rep.Articles, n, rep.Failed, err)
		}
	}
	perRun := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(n)/perRun, "articles/s")
	b.ReportMetric(perRun/float64(n)*1e3, "ms/article")
}

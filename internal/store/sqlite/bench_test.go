package sqlite

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// benchArticle is a typical article: about 4 KB of text in 12 blocks.
func benchArticle(i int) store.Save {
	blocks := []model.Block{{Kind: model.Heading, Text: "Operation results"}}
	for j := range 10 {
		blocks = append(blocks, model.Block{Kind: model.Paragraph,
			Text: fmt.Sprintf("Paragraph %d of article %d. ", j, i) + strings.Repeat("Investigators seized\u00a0assets worth millions. ", 8)})
	}
	blocks = append(blocks, model.Block{Kind: model.Caption, Text: "Photo: Europol"})
	url := fmt.Sprintf("https://www.europol.example/media-press/newsroom/news/article-%d", i)
	return store.Save{
		Article: model.Article{URL: url, Title: fmt.Sprint("Article ", i),
			Published: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute), Blocks: blocks},
		Feed: "Europol",
		Keys: []string{url + "?utm_source=rss", fmt.Sprint("urn:europol:", i), fmt.Sprintf("fp:Europol:%016x", i)},
	}
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSaveArticle saves new articles one transaction each; cpu-ns/op
// is the CPU the whole process spent per save (the pipeline's budget is
// well under 1 ms).
func BenchmarkSaveArticle(b *testing.B) {
	for _, bm := range []struct {
		name   string
		resave bool
	}{{"new", false}, {"unchanged", true}} {
		b.Run(bm.name, func(b *testing.B) {
			s := openTemp(b)
			ctx := context.Background()
			if err := s.SyncSources(ctx, []model.Source{{Name: "Europol", URL: "https://europol.example/rss", Type: model.SourceFeed}}); err != nil {
				b.Fatal(err)
			}
			saves := make([]store.Save, 1000)
			for i := range saves {
				saves[i] = benchArticle(i)
				if bm.resave {
					if _, _, err := s.SaveArticle(ctx, saves[i]); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportAllocs()
			cpu := cpuTime()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				sv := saves[i%len(saves)]
				if !bm.resave {
					sv = benchArticle(len(saves) + i)
				}
				if _, _, err := s.SaveArticle(ctx, sv); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkQueries100k measures the reads a digest and the pipeline make on
// a database of 100,000 articles.
func BenchmarkQueries100k(b *testing.B) {
	s := openTemp(b)
	ctx := context.Background()
	if err := s.SyncSources(ctx, []model.Source{
		{Name: "Europol", URL: "https://europol.example/rss", Type: model.SourceFeed, Position: 0},
		{Name: "NATO", URL: "https://nato.example/rss", Type: model.SourceFeed, Position: 1},
	}); err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	// Bulk load in one transaction: the benchmark is about reads.
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	body, _ := encodeBlocks(benchArticle(0).Article.Blocks)
	for i := range n {
		url := fmt.Sprintf("https://example.org/a/%d", i)
		var published any
		if i%10 != 0 {
			published = base.Add(time.Duration(i*7919%n) * time.Minute).UnixMilli()
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO articles (url, title, published, fetched, updated, blocks) VALUES (?, ?, ?, ?, ?, ?)`,
			url, "T", published, base.Add(time.Duration(i)*time.Second).UnixMilli(), 0, body)
		if err != nil {
			b.Fatal(err)
		}
		id, _ := res.LastInsertId()
		feed := []string{"Europol", "NATO"}[i%2]
		if _, err := tx.ExecContext(ctx, "INSERT INTO article_keys (key, article_id) VALUES (?, ?), (?, ?)", url, id, fmt.Sprint("guid-", i), id); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO article_feeds (article_id, feed, first_seen) VALUES (?, ?, 0)", id, feed); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := s.write.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	since := base.Add(time.Duration(n-500) * time.Minute)
	for _, q := range []struct {
		name string
		run  func() error
	}{
		{"FindArticle", func() error { _, err := s.FindArticle(ctx, "nope", "guid-4242"); return err }},
		{"Article", func() error { _, err := s.Article(ctx, 4242); return err }},
		{"Sources", func() error { _, err := s.Sources(ctx); return err }},
		{"Articles/ByPublished/50", func() error { return articles(ctx, s, store.Filter{Limit: 50}, 50) }},
		{"Articles/ByFetched/50", func() error { return articles(ctx, s, store.Filter{Order: store.ByFetched, Limit: 50}, 50) }},
		{"Articles/Source/50", func() error { return articles(ctx, s, store.Filter{Sources: []string{"NATO"}, Limit: 50}, 50) }},
		{"Articles/Since", func() error { return articles(ctx, s, store.Filter{Since: since}, -1) }},
		{"Articles/Since+Source", func() error { return articles(ctx, s, store.Filter{Since: since, Sources: []string{"NATO"}}, -1) }},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				if err := q.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func articles(ctx context.Context, s *Store, f store.Filter, want int) error {
	got, err := s.Articles(ctx, f)
	if err != nil {
		return err
	}
	if want >= 0 && len(got) != want {
		return fmt.Errorf("Articles(%+v) = %d articles, want %d", f, len(got), want)
	}
	return nil
}

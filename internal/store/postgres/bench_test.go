package postgres_test

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

// benchArticle is a typical article: about 4 KB of text in 12 blocks (the
// SQLite store's benchmark article).
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

// cpuTime is the process's user+system CPU time so far (the client's
// share; the server's is its own processes').
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSaveArticle saves new articles one transaction each, and
// unchanged ones again, on the test cluster (fsync off: the figures are
// the round trips' and the server's work, not a disk's).
func BenchmarkSaveArticle(b *testing.B) {
	for _, bm := range []struct {
		name   string
		resave bool
	}{{"new", false}, {"unchanged", true}} {
		b.Run(bm.name, func(b *testing.B) {
			s := open(b)
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

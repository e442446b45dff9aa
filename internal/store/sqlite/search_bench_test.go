package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/benchcorpus"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/query"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/testweb"
)

// BenchmarkSearch measures search latency over a generated corpus of
// realistic articles (internal/benchcorpus): SITREP_BENCH_ARTICLES of them
// (default 100,000; the README's figures are for 1,000,000). The database
// is built once and kept in SITREP_BENCH_DIR (default the OS temp dir), so
// later runs measure the searches only:
//
//	SITREP_BENCH_ARTICLES=1000000 go test ./internal/store/sqlite -run '^$' -bench Search -benchtime 1x -timeout 2h -v
//
// Each query kind runs each of its queries several times; the report gives
// p50/p95/p99 per kind, the database and index sizes, and the build rate.
func BenchmarkSearch(b *testing.B) {
	n := 100_000
	if v := os.Getenv("SITREP_BENCH_ARTICLES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			b.Fatalf("SITREP_BENCH_ARTICLES=%q: want a number of at least 1000", v)
		}
	}
	dir := os.Getenv("SITREP_BENCH_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	web, err := testweb.Dir()
	if err != nil {
		testweb.Missing(b, "the shared directory: %v", err)
	}
	shared := filepath.Dir(web)
	corpus, err := benchcorpus.New(1, shared)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("sitrep-search-bench-%d.db", n))
	ctx := context.Background()
	s, built, err := benchDB(ctx, b, path, corpus, n)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if built > 0 {
		b.Logf("built %d articles in %v: %.0f articles/s (indexing included)", n, built.Round(time.Second), float64(n)/built.Seconds())
	}
	sizes(b, s, path)

	kinds := []struct {
		name    string
		queries []string
		order   store.SearchOrder
		facets  bool
	}{
		{"phrase", []string{`"operation jackal"`, `"black axe"`, `"operation kestrel"`, `"money laundering"`, `"Želimir Ostrogović"`, `"organised crime"`, `"member states"`}, store.Relevance, false},
		{"words", []string{`ransomware`, `cocaine seized`, `police arrested suspects`, `cyber fraud victims`, `drug trafficking network`, `child abuse`, `nato summit`, `europol support investigation`}, store.Relevance, false},
		{"filtered", []string{`"money laundering" source:Europol since:2024`, `arrests source:Interpol until:2019`, `cryptojacking since:2022-06 until:2022-12`, `kestrel -source:Europol`, `title:kestrel since:2020`, `ransomware source:Europol`, `"black axe" since:2023`}, store.Newest, false},
		{"facets", []string{`"operation jackal"`, `"black axe"`, `cryptojacking`, `"operation kestrel" since:2021`, `police arrested suspects`, `ransomware`, `cocaine seized`}, store.Relevance, true},
		{"prefix", []string{`cryptojack*`, `kestr*`, `ostrogov*`, `launder*`}, store.Relevance, false},
		{"latest", []string{``, `source:NATO`, `since:2025-01 until:2025-03`, `source:Europol since:2024`}, store.Newest, false},
	}
	const runs = 7 // per query; the first is a warm-up and not counted
	b.ResetTimer()
	for range b.N {
		for _, k := range kinds {
			var lat []time.Duration
			var totals []int
			for _, qs := range k.queries {
				q, err := query.Parse(qs)
				if err != nil {
					b.Fatalf("%s: %v", qs, err)
				}
				for r := range runs {
					t0 := time.Now()
					res, err := s.Search(ctx, store.SearchRequest{Query: q, Order: k.order, Limit: 25, Facets: k.facets})
					d := time.Since(t0)
					if err != nil {
						b.Fatalf("%s: %v", qs, err)
					}
					if r > 0 {
						lat = append(lat, d)
					} else {
						totals = append(totals, res.Total)
					}
				}
			}
			slices.Sort(lat)
			p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
			b.Logf("%-8s p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  (matches per query: %v)", k.name,
				ms(p(.50)), ms(p(.95)), ms(p(.99)), totals)
			b.ReportMetric(ms(p(.95)), k.name+"-p95-ms")
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchDB opens the benchmark database at path, building it first when it
// does not hold n articles. It returns how long building took (0 when the
// database was there already).
func benchDB(ctx context.Context, b *testing.B, path string, corpus *benchcorpus.Corpus, n int) (*Store, time.Duration, error) {
	if s, err := Open(ctx, path); err == nil {
		var have int
		if err := s.write.QueryRowContext(ctx, "SELECT count(*) FROM articles").Scan(&have); err == nil && have == n {
			return s, 0, nil
		}
		s.Close()
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	b.Logf("building %s with %d articles (once; later runs reuse it)", path, n)
	s, err := Open(ctx, path, WithClock(func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }))
	if err != nil {
		return nil, 0, err
	}
	var srcs []model.Source
	for i, name := range corpus.Sources() {
		srcs = append(srcs, model.Source{Name: name, URL: "https://example.org/" + strconv.Itoa(i), Type: model.SourceFeed, Position: i})
	}
	if err := s.SyncSources(ctx, srcs); err != nil {
		return nil, 0, err
	}
	t0 := time.Now()
	// Articles are generated on every core while the one writer stores
	// them in batches: the same inserts (and index triggers) SaveArticle
	// runs, without one transaction per article.
	const batch = 2000
	batches := make(chan []model.Article, 4)
	go func() {
		defer close(batches)
		for start := 0; start < n; start += batch {
			arts := make([]model.Article, min(batch, n-start))
			var wg sync.WaitGroup
			workers := runtime.GOMAXPROCS(0)
			for w := range workers {
				wg.Go(func() {
					for i := w; i < len(arts); i += workers {
						arts[i] = corpus.Article(start + i)
					}
				})
			}
			wg.Wait()
			batches <- arts
		}
	}()
	done := 0
	for arts := range batches {
		if err := bulkInsert(ctx, s, arts); err != nil {
			return nil, 0, err
		}
		done += len(arts)
		if done%100_000 == 0 {
			b.Logf("  %d stored (%.0f/s)", done, float64(done)/time.Since(t0).Seconds())
		}
	}
	took := time.Since(t0)
	// What a long-running server ends up with: the index merged, the
	// planner's statistics fresh.
	if _, err := s.write.ExecContext(ctx, "INSERT INTO article_fts (article_fts) VALUES ('optimize')"); err != nil {
		return nil, 0, err
	}
	if _, err := s.write.ExecContext(ctx, "PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return nil, 0, err
	}
	return s, took, nil
}

// bulkInsert stores articles in one transaction with the statements
// SaveArticle uses.
func bulkInsert(ctx context.Context, s *Store, arts []model.Article) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		ins := tx.StmtContext(ctx, s.stmts.insert)
		key := tx.StmtContext(ctx, s.stmts.addKey)
		feed := tx.StmtContext(ctx, s.stmts.addFeed)
		for _, a := range arts {
			blocks, err := encodeBlocks(a.Blocks)
			if err != nil {
				return err
			}
			res, err := ins.ExecContext(ctx, a.URL, a.URL, a.Title, nullMs(a.Published), a.Fetched.UnixMilli(), a.Updated.UnixMilli(),
				boolInt(a.SummaryOnly), blocks, 0)
			if err != nil {
				return err
			}
			id, err := res.LastInsertId()
			if err != nil {
				return err
			}
			if _, err := key.ExecContext(ctx, a.URL, id); err != nil {
				return err
			}
			for _, f := range a.Feeds {
				if _, err := feed.ExecContext(ctx, id, f, a.Fetched.UnixMilli()); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// sizes logs the database's size on disk and the search index's share.
func sizes(b *testing.B, s *Store, path string) {
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	var index, text int64
	rows, err := s.read.Query(`SELECT name, sum(pgsize) FROM dbstat GROUP BY name`)
	if err != nil {
		b.Logf("database %.0f MiB (dbstat unavailable: %v)", float64(fi.Size())/(1<<20), err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var size int64
		rows.Scan(&name, &size)
		switch {
		case len(name) >= 11 && name[:11] == "article_fts":
			index += size
		case name == "articles":
			text += size
		}
	}
	b.Logf("database %.0f MiB: articles table %.0f MiB, full-text index %.0f MiB", float64(fi.Size())/(1<<20), float64(text)/(1<<20), float64(index)/(1<<20))
	b.ReportMetric(float64(fi.Size())/(1<<20), "db-MiB")
	b.ReportMetric(float64(index)/(1<<20), "index-MiB")
}

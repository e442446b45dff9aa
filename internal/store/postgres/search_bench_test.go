package postgres_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sitrep/sitrep/internal/benchcorpus"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/query"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/postgres"
	"github.com/sitrep/sitrep/internal/store/postgres/pgtest"
	"github.com/sitrep/sitrep/internal/testweb"
)

// BenchmarkSearch measures search latency over a generated corpus of
// realistic articles (internal/benchcorpus), the SQLite store's benchmark
// queries: SITREP_BENCH_ARTICLES of them (default 20,000), stored by
// SaveArticle from 4 goroutines into a new database, which the benchmark
// drops at its end; or into the database SITREP_BENCH_POSTGRES names
// (migrated, and empty or built by an earlier run with as many articles),
// which is kept, so that later runs measure the searches only:
//
//	SITREP_BENCH_ARTICLES=100000 go test ./internal/store/postgres -run '^$' -bench Search -benchtime 1x -timeout 1h -v
//
// The report gives p50/p95/p99 per query kind, the table and index sizes,
// and the build rate.
func BenchmarkSearch(b *testing.B) {
	n := 20_000
	if v := os.Getenv("SITREP_BENCH_ARTICLES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			b.Fatalf("SITREP_BENCH_ARTICLES=%q: want a number of at least 1000", v)
		}
	}
	web, err := testweb.Dir()
	if err != nil {
		testweb.Missing(b, "the shared directory: %v", err)
	}
	corpus, err := benchcorpus.New(1, filepath.Dir(web))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	dsn := os.Getenv("SITREP_BENCH_POSTGRES")
	if dsn == "" {
		dsn = pgtest.DSN(b)
	}
	s := openDSN(b, dsn, postgres.WithClock(func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }), postgres.WithMaxConns(8))
	if have, err := s.Articles(ctx, store.Filter{Order: store.ByImported, Limit: n + 1}); err != nil {
		b.Fatal(err)
	} else if len(have) == n {
		b.Logf("%s holds the %d articles already", dsn, n)
	} else if len(have) != 0 {
		b.Fatalf("%s holds %d articles, not 0 or %d", dsn, len(have), n)
	} else {
		build(b, dsn, s, corpus, n)
	}
	report(ctx, b, s)
}

// build stores n articles of the corpus.
func build(b *testing.B, dsn string, s *postgres.Store, corpus *benchcorpus.Corpus, n int) {
	ctx := context.Background()
	var srcs []model.Source
	for i, name := range corpus.Sources() {
		srcs = append(srcs, model.Source{Name: name, URL: "https://example.org/" + strconv.Itoa(i), Type: model.SourceFeed, Position: i})
	}
	if err := s.SyncSources(ctx, srcs); err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		errc = make(chan error, 4)
	)
	for range 4 {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				a := corpus.Article(i)
				for _, f := range a.Feeds {
					if _, _, err := s.SaveArticle(ctx, store.Save{Article: a, Feed: f}); err != nil {
						errc <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	took := time.Since(t0)
	b.Logf("built %d articles in %v: %.0f articles/s (4 writers, indexing included); %+v", n, took.Round(time.Second),
		float64(n)/took.Seconds(), s.Stats())
	exec(b, dsn, "VACUUM ANALYZE")
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close(ctx)
	var db, articles, search, index int64
	if err := c.QueryRow(ctx, `SELECT pg_database_size(current_database()), pg_total_relation_size('articles'),
		pg_relation_size('article_search'), pg_relation_size('article_search_tsv')`).Scan(&db, &articles, &search, &index); err == nil {
		b.Logf("database %.0f MiB: articles (text, with indexes) %.0f MiB, search vectors %.0f MiB, their GIN index %.0f MiB",
			mib(db), mib(articles), mib(search), mib(index))
	}
}

// report runs the benchmark's queries.
func report(ctx context.Context, b *testing.B, s *postgres.Store) {

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

func mib(n int64) float64 { return float64(n) / (1 << 20) }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

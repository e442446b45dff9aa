package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/query"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/postgres"
	"github.com/sitrep/sitrep/internal/store/postgres/pgtest"
	"github.com/sitrep/sitrep/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// open opens a store on a new database, closed when t ends.
func open(t testing.TB, opts ...postgres.Option) *postgres.Store {
	t.Helper()
	return openDSN(t, pgtest.DSN(t), opts...)
}

func openDSN(t testing.TB, dsn string, opts ...postgres.Option) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dsn, append([]postgres.Option{postgres.WithMigrate()}, opts...)...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
}

// TestOpenUnmigrated: a database without the schema is refused, with a
// message that says what to do, unless Open migrates it.
func TestOpenUnmigrated(t *testing.T) {
	dsn := pgtest.UnmigratedDSN(t)
	_, err := postgres.Open(t.Context(), dsn)
	if !errors.Is(err, postgres.ErrNotMigrated) {
		t.Fatalf("Open(unmigrated) = %v, want ErrNotMigrated", err)
	}
	want := fmt.Sprintf("database schema is at version 0, this sitrep needs %d: run sitrep migrate", postgres.Version())
	if !strings.Contains(err.Error(), want) {
		t.Errorf("Open(unmigrated) error %q does not say %q", err, want)
	}
	var ve *postgres.VersionError
	if !errors.As(err, &ve) || ve.Have != 0 || ve.Want != postgres.Version() {
		t.Errorf("Open(unmigrated) error %#v, want a VersionError 0 → %d", err, postgres.Version())
	}
	s := openDSN(t, dsn) // WithMigrate
	if err := s.SyncSources(t.Context(), []model.Source{{Name: "A", URL: "https://a.example/", Type: model.SourceFeed}}); err != nil {
		t.Fatal(err)
	}
	// Migrated now: a plain Open accepts it.
	s2, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open(migrated): %v", err)
	}
	s2.Close()
}

// TestMigrateIdempotent: migrating a migrated database changes nothing.
func TestMigrateIdempotent(t *testing.T) {
	ctx := t.Context()
	dsn := pgtest.UnmigratedDSN(t)
	for i := range 3 {
		if err := postgres.Migrate(ctx, dsn); err != nil {
			t.Fatalf("Migrate #%d: %v", i+1, err)
		}
	}
	s := openDSN(t, dsn)
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Store.Migrate: %v", err)
	}
	if n := count(t, dsn, "SELECT count(*) FROM schema_migrations"); n != postgres.Version() {
		t.Errorf("schema_migrations has %d rows, want %d", n, postgres.Version())
	}
}

// TestMigrateConcurrent: processes that start at once migrate one after
// the other; none fails.
func TestMigrateConcurrent(t *testing.T) {
	dsn := pgtest.UnmigratedDSN(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = postgres.Migrate(context.Background(), dsn) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate #%d: %v", i, err)
		}
	}
	if n := count(t, dsn, "SELECT count(*) FROM schema_migrations"); n != postgres.Version() {
		t.Errorf("schema_migrations has %d rows, want %d", n, postgres.Version())
	}
	s, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open after concurrent migrations: %v", err)
	}
	s.Close()
}

// TestSchemaTooNew: a database migrated by a newer sitrep is refused.
func TestSchemaTooNew(t *testing.T) {
	dsn := pgtest.DSN(t)
	exec(t, dsn, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', now())")
	for _, opts := range [][]postgres.Option{nil, {postgres.WithMigrate()}} {
		_, err := postgres.Open(t.Context(), dsn, opts...)
		if !errors.Is(err, postgres.ErrSchemaTooNew) {
			t.Errorf("Open(newer schema, %d options) = %v, want ErrSchemaTooNew", len(opts), err)
		}
	}
}

// TestUnsuitable: a database whose encoding or character classification
// would break search is refused before anything is created in it.
func TestUnsuitable(t *testing.T) {
	for _, with := range []string{
		"TEMPLATE template0 ENCODING 'SQL_ASCII' LOCALE 'C'",
		"TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'",
	} {
		dsn := pgtest.Database(t, with)
		err := postgres.Migrate(t.Context(), dsn)
		if !errors.Is(err, postgres.ErrUnsuitable) || !strings.Contains(err.Error(), "CREATE DATABASE") {
			t.Errorf("Migrate(%s) = %v, want ErrUnsuitable saying how to create one", with, err)
		}
		if n := count(t, dsn, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"); n != 0 {
			t.Errorf("Migrate(%s) refused but created %d tables", with, n)
		}
	}
}

// TestClosed: after Close every call fails with ErrClosed.
func TestClosed(t *testing.T) {
	s, err := postgres.Open(t.Context(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := s.Sources(t.Context()); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Sources after Close: %v, want ErrClosed", err)
	}
	if _, _, err := s.SaveArticle(t.Context(), store.Save{Article: model.Article{URL: "https://x.example/"}}); !errors.Is(err, store.ErrClosed) {
		t.Errorf("SaveArticle after Close: %v, want ErrClosed", err)
	}
	if _, err := s.Search(t.Context(), store.SearchRequest{}); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Search after Close: %v, want ErrClosed", err)
	}
}

// TestStats: the pool keeps its connections, however many calls.
func TestStats(t *testing.T) {
	s := open(t, postgres.WithMaxConns(3))
	ctx := t.Context()
	for i := range 50 {
		a := model.Article{URL: fmt.Sprintf("https://x.example/%d", i), Title: "T"}
		if _, _, err := s.SaveArticle(ctx, store.Save{Article: a, Feed: "X"}); err != nil {
			t.Fatal(err)
		}
	}
	st := s.Stats()
	if st.MaxConns != 3 || st.ConnsOpened < 1 || st.ConnsOpened > 3 || st.Acquires < 50 {
		t.Errorf("Stats after 50 saves = %+v; want max 3, 1 to 3 opened, 50 or more acquires", st)
	}
}

// TestProcessesSaveOneArticle: stores on one database (as processes are)
// saving the same article at once make one article, listed by every feed.
func TestProcessesSaveOneArticle(t *testing.T) {
	dsn := pgtest.DSN(t)
	const procs, rounds = 4, 10
	stores := make([]*postgres.Store, procs)
	for i := range stores {
		stores[i] = openDSN(t, dsn)
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		outcomes = map[store.Outcome]int{}
	)
	for p, s := range stores {
		wg.Go(func() {
			for r := range rounds {
				a := model.Article{URL: fmt.Sprintf("https://x.example/%d", r), Title: "Same",
					Blocks: []model.Block{{Kind: model.Paragraph, Text: "Same text."}}}
				// The same GUID, by another URL for half of them.
				if p%2 == 1 {
					a.URL += "?utm_source=feed"
				}
				_, out, err := s.SaveArticle(context.Background(), store.Save{Article: a, Feed: fmt.Sprintf("feed %d", p),
					Keys: []string{fmt.Sprintf("guid:%d", r)}})
				mu.Lock()
				if err != nil {
					t.Errorf("process %d: %v", p, err)
				}
				outcomes[out]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if outcomes[store.Created] != rounds || outcomes[store.Unchanged] != (procs-1)*rounds {
		t.Errorf("outcomes %v; want %d created, %d unchanged", outcomes, rounds, (procs-1)*rounds)
	}
	all, err := stores[0].Articles(t.Context(), store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != rounds {
		t.Fatalf("%d articles, want %d", len(all), rounds)
	}
	for _, a := range all {
		if len(a.Feeds) != procs {
			t.Errorf("%s: feeds %q, want %d", a.URL, a.Feeds, procs)
		}
	}
}

// TestProcessesClaim: stores on one database claiming due sources at once
// never claim one source twice.
func TestProcessesClaim(t *testing.T) {
	dsn := pgtest.DSN(t)
	var srcs []model.Source
	for i := range 40 {
		srcs = append(srcs, model.Source{Name: fmt.Sprintf("S%02d", i), URL: "https://x.example/", Type: model.SourceFeed, Position: i})
	}
	first := openDSN(t, dsn)
	if err := first.SyncSources(t.Context(), srcs); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		claimed = map[string]int{}
	)
	for range 4 {
		s := openDSN(t, dsn)
		wg.Go(func() {
			for {
				got, err := s.ClaimDue(context.Background(), now, 3, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, st := range got {
					claimed[st.Name]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimed) != len(srcs) {
		t.Errorf("%d sources claimed, want %d", len(claimed), len(srcs))
	}
	for name, n := range claimed {
		if n != 1 {
			t.Errorf("%s claimed %d times", name, n)
		}
	}
}

// TestHostileText: text PostgreSQL cannot hold (NUL, invalid UTF-8) is
// stored with U+FFFD instead, and saving it again finds it unchanged.
func TestHostileText(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	a := model.Article{URL: "https://x.example/\x00", Title: "Null\x00 and \xff bytes",
		Blocks: []model.Block{{Kind: model.Paragraph, Text: "Body\x00 with \x08 controls \xfe."}}}
	facts := &store.Enrichment{Facts: model.Facts{Rules: "1", People: []model.Person{{Name: "Nul\x00l", Sentence: "x\x00"}}}}
	id, out, err := s.SaveArticle(ctx, store.Save{Article: a, Feed: "X", Keys: []string{"guid\x00"}, Facts: facts})
	if err != nil || out != store.Created {
		t.Fatalf("SaveArticle(hostile) = %v, %v", out, err)
	}
	got, err := s.Article(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Null\uFFFD and \uFFFD bytes" || got.Blocks[0].Text != "Body\uFFFD with \x08 controls \uFFFD." ||
		got.Facts.People[0].Name != "Nul\uFFFDl" {
		t.Errorf("stored %q %q %+v", got.Title, got.Blocks, got.Facts.People)
	}
	if _, out, err := s.SaveArticle(ctx, store.Save{Article: a, Feed: "X", Keys: []string{"guid\x00"}}); err != nil || out != store.Unchanged {
		t.Errorf("saving it again = %v, %v; want Unchanged", out, err)
	}
	if ref, err := s.FindArticle(ctx, "guid\x00"); err != nil || ref.ID != id {
		t.Errorf("FindArticle(hostile key) = %+v, %v", ref, err)
	}
	if err := s.ReportPoll(ctx, "nope", store.PollResult{Err: "bad\x00"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ReportPoll with a NUL error: %v, want ErrNotFound", err)
	}
}

// TestLongText: keys, URLs, titles and bodies longer than PostgreSQL's
// index entries and search vectors can hold are stored, found and
// searched all the same.
func TestLongText(t *testing.T) {
	s := open(t)
	ctx := t.Context()
	long := "https://x.example/?q=" + strings.Repeat("é", 3000)
	a := model.Article{URL: long, Title: strings.Repeat("Title words ", 1000),
		Blocks: []model.Block{{Kind: model.Paragraph, Text: strings.Repeat("word ", 300_000) + "needle"}}}
	guid := "guid:" + strings.Repeat("g", 5000)
	id, out, err := s.SaveArticle(ctx, store.Save{Article: a, Feed: "X", Keys: []string{guid}})
	if err != nil || out != store.Created {
		t.Fatalf("SaveArticle(long) = %v, %v", out, err)
	}
	for _, k := range []string{long, guid} {
		if ref, err := s.FindArticle(ctx, k); err != nil || ref.ID != id || ref.URL != long {
			t.Errorf("FindArticle(long key) = %+v, %v", ref, err)
		}
	}
	if _, out, err := s.SaveArticle(ctx, store.Save{Article: a, Feed: "Y", Keys: []string{guid}}); err != nil || out != store.Unchanged {
		t.Errorf("saving it again = %v, %v; want Unchanged", out, err)
	}
	for q, want := range map[string]int{"title": 1, "word": 1, "needle": 0} { // the body is indexed up to 500,000 characters
		pq, _ := query.Parse(q)
		res, err := s.Search(ctx, store.SearchRequest{Query: pq})
		if err != nil || res.Total != want {
			t.Errorf("Search(%q) = %d, %v; want %d", q, res.Total, err, want)
		}
	}
}

func count(t testing.TB, dsn, q string) int {
	t.Helper()
	c, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	var n int
	if err := c.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func exec(t testing.TB, dsn, q string) {
	t.Helper()
	c, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	if _, err := c.Exec(context.Background(), q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the driver the store uses, for the tests' own look at the file

	"github.com/sitrep/sitrep/internal/benchweb"
)

// serveChild is `sitrep serve` running as its own process (the test binary
// with SITREP_TEST_MAIN=1), so that it can be killed like the real thing.
type serveChild struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	start  time.Time
	done   chan struct{} // closed when the process has exited
	err    error         // Wait's result, once done is closed
	base   string        // http://127.0.0.1:PORT, once serving
}

// startServeChild starts `sitrep serve --addr 127.0.0.1:0` with args. The
// process is killed when the test ends, if it still runs.
func startServeChild(tb testing.TB, args ...string) *serveChild {
	tb.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "SITREP_TEST_MAIN=1", "SITREP_ALLOW_NETWORKS="+testAllowNetworks)
	c := &serveChild{cmd: cmd, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = c.stderr, c.stderr
	c.start = time.Now()
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { c.err = cmd.Wait(); close(c.done) }()
	tb.Cleanup(func() {
		select {
		case <-c.done:
		default:
			cmd.Process.Kill()
			<-c.done
		}
	})
	return c
}

var servingRE = regexp.MustCompile(`msg="sitrep serving" addr=(http://[0-9.:]+)`)

// waitServing waits until the process listens and returns how long after
// its start that was.
func (c *serveChild) waitServing(tb testing.TB, timeout time.Duration) time.Duration {
	tb.Helper()
	deadline := time.After(timeout)
	for {
		if m := servingRE.FindStringSubmatch(c.stderr.String()); m != nil {
			c.base = m[1]
			return time.Since(c.start)
		}
		select {
		case <-c.done:
			tb.Fatalf("sitrep serve exited before serving: %v\n%s", c.err, c.stderr.String())
		case <-deadline:
			tb.Fatalf("sitrep serve did not start within %v:\n%s", timeout, c.stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// exited tells whether the process has ended.
func (c *serveChild) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (c *serveChild) kill() {
	c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
}

// benchSources writes a sources file naming every feed of a benchweb.
func benchSources(tb testing.TB, web *benchweb.Web) string {
	tb.Helper()
	var y strings.Builder
	y.WriteString("sources:\n")
	for i, u := range web.FeedURLs() {
		fmt.Fprintf(&y, "  - name: feed %d\n    url: %s\n", i, u)
	}
	path := filepath.Join(tb.TempDir(), "sources.yaml")
	if err := os.WriteFile(path, []byte(y.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// benchArticleURLs lists the article pages of a benchweb (its feeds link
// http://HOST/news/F/A.html for each of their articles).
func benchArticleURLs(web *benchweb.Web, cfg benchweb.Config) []string {
	feedRE := regexp.MustCompile(`^(http://[^/]+)/feeds/\d+-(\d+)\.xml$`)
	var out []string
	for _, u := range web.FeedURLs() {
		m := feedRE.FindStringSubmatch(u)
		for a := range cfg.ArticlesPerFeed {
			out = append(out, fmt.Sprintf("%s/news/%s/%d.html", m[1], m[2], a))
		}
	}
	return out
}

// dbState is what a test reads of a database file, through a read-only
// connection of its own.
type dbState struct {
	integrity string
	urls      map[string]int // article URL → rows with it
	titles    map[string]int
	summary   int // articles stored with their teaser only
	// sources' polling state: name → lease_until and next_due (Unix ms)
	lease, due map[string]int64
	migrated   bool // the articles table exists
}

// openRO opens the database read-only: the test's look changes nothing in
// the files (a read-only connection neither checkpoints nor truncates the
// WAL a killed process left).
func openRO(tb testing.TB, db string) *sql.DB {
	tb.Helper()
	h, err := sql.Open("sqlite", "file:"+db+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		tb.Fatal(err)
	}
	h.SetMaxOpenConns(1)
	return h
}

// readDB reads a database's integrity, articles and sources.
func readDB(tb testing.TB, db string) dbState {
	tb.Helper()
	if _, err := os.Stat(db); os.IsNotExist(err) {
		// Killed before it made the file: nothing to check.
		return dbState{integrity: "ok", urls: map[string]int{}, titles: map[string]int{}}
	}
	h := openRO(tb, db)
	defer h.Close()
	return readDBWith(tb, h)
}

func readDBWith(tb testing.TB, h *sql.DB) dbState {
	tb.Helper()
	s := dbState{urls: map[string]int{}, titles: map[string]int{}, lease: map[string]int64{}, due: map[string]int64{}}
	// integrity_check lists up to 100 problems, one a row; "ok" alone is
	// a sound file.
	rows, err := h.Query("PRAGMA integrity_check")
	if err != nil {
		tb.Fatalf("integrity_check: %v", err)
	}
	var problems []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			tb.Fatal(err)
		}
		problems = append(problems, p)
	}
	rows.Close()
	s.integrity = strings.Join(problems, "; ")
	var n int
	if err := h.QueryRow("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('articles', 'sources')").Scan(&n); err != nil {
		tb.Fatal(err)
	}
	if n < 2 {
		return s // killed before the schema was made
	}
	s.migrated = true
	rows, err = h.Query("SELECT url, title, summary_only FROM articles")
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		var u, title string
		var so bool
		if err := rows.Scan(&u, &title, &so); err != nil {
			tb.Fatal(err)
		}
		s.urls[u]++
		s.titles[title]++
		if so {
			s.summary++
		}
	}
	rows.Close()
	rows, err = h.Query("SELECT name, lease_until, next_due FROM sources")
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		var name string
		var lease, due int64
		if err := rows.Scan(&name, &lease, &due); err != nil {
			tb.Fatal(err)
		}
		s.lease[name], s.due[name] = lease, due
	}
	rows.Close()
	return s
}

// checkStored reports a database that is not sound or stores an article
// twice.
func checkStored(t *testing.T, what string, s dbState) {
	t.Helper()
	if s.integrity != "ok" {
		t.Errorf("%s: integrity_check: %s", what, s.integrity)
	}
	for u, n := range s.urls {
		if n != 1 {
			t.Errorf("%s: %s stored %d times", what, u, n)
		}
	}
	for title, n := range s.titles {
		if n != 1 {
			t.Errorf("%s: title %q stored %d times", what, title, n)
		}
	}
}

// ftsIntegrity checks the search index on a copy of the database and its
// WAL, leaving the original as the crash left it: FTS5's own
// integrity-check (the index is internally sound), then that the index the
// triggers kept finds, for every word of the stored titles, the same
// articles as a new index built from the stored text. (FTS5's 'rebuild'
// cannot serve: it fails on the article_text view with "no such table:
// main.json_each".)
func ftsIntegrity(tb testing.TB, db string) error {
	tb.Helper()
	if _, err := os.Stat(db); os.IsNotExist(err) {
		return nil
	}
	cp := filepath.Join(tb.TempDir(), "copy.db")
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(db + suffix)
		if os.IsNotExist(err) && suffix != "" {
			continue
		}
		if err != nil {
			return err
		}
		if err := os.WriteFile(cp+suffix, b, 0o600); err != nil {
			return err
		}
	}
	h, err := sql.Open("sqlite", "file:"+cp)
	if err != nil {
		return err
	}
	defer h.Close()
	h.SetMaxOpenConns(1)
	var n int
	if err := h.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name = 'article_fts'").Scan(&n); err != nil || n == 0 {
		return err // killed before the schema was made
	}
	if _, err := h.Exec("INSERT INTO article_fts (article_fts) VALUES ('integrity-check')"); err != nil {
		return fmt.Errorf("integrity-check: %w", err)
	}
	rows, err := h.Query("SELECT title FROM articles")
	if err != nil {
		return err
	}
	words := map[string]bool{}
	for rows.Next() {
		var title string
		if err := rows.Scan(&title); err != nil {
			rows.Close()
			return err
		}
		for _, w := range wordRE.FindAllString(strings.ToLower(title), -1) {
			words[w] = true
		}
	}
	rows.Close()
	matches := func(table string) (map[string]string, error) {
		m := map[string]string{}
		for w := range words {
			rows, err := h.Query("SELECT rowid FROM "+table+" WHERE "+table+" MATCH ? ORDER BY rowid", `"`+w+`"`)
			if err != nil {
				return nil, err
			}
			var ids []string
			for rows.Next() {
				var id string
				rows.Scan(&id)
				ids = append(ids, id)
			}
			rows.Close()
			m[w] = strings.Join(ids, ",")
		}
		return m, nil
	}
	kept, err := matches("article_fts")
	if err != nil {
		return err
	}
	if _, err := h.Exec(`CREATE VIRTUAL TABLE check_fts USING fts5 (title, body, tokenize = 'unicode61 remove_diacritics 2');
		INSERT INTO check_fts (rowid, title, body) SELECT dkey, title, body FROM article_text`); err != nil {
		return fmt.Errorf("building a new index: %w", err)
	}
	rebuilt, err := matches("check_fts")
	if err != nil {
		return err
	}
	for w := range words {
		if kept[w] != rebuilt[w] {
			return fmt.Errorf("the index finds %q in rows [%s], rebuilt from the text in [%s]", w, kept[w], rebuilt[w])
		}
	}
	return nil
}

// expireLeases ends the leases a killed process held, as two minutes
// (pipeline.Lease, unrenewed once the process is dead) would, without touching anything else: through a
// connection that neither checkpoints nor truncates the WAL (a read-only
// one stays open meanwhile, so the writer is not the last to close), so
// the next start still opens the file as the crash left it, plus this one
// update. It returns the names it released.
func expireLeases(tb testing.TB, db string, lease map[string]int64) []string {
	tb.Helper()
	var names []string
	for n, l := range lease {
		if l > time.Now().UnixMilli() {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	ro := openRO(tb, db)
	defer ro.Close()
	hold, err := ro.Conn(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	defer hold.Close()
	var one int
	if err := hold.QueryRowContext(context.Background(), "SELECT count(*) FROM sources").Scan(&one); err != nil {
		tb.Fatal(err)
	}
	rw, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(10000)&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		tb.Fatal(err)
	}
	defer rw.Close()
	rw.SetMaxOpenConns(1)
	for _, n := range names {
		if _, err := rw.Exec("UPDATE sources SET lease_until = 0 WHERE name = ? AND lease_until = ?", n, lease[n]); err != nil {
			tb.Fatalf("expiring the lease of %s: %v", n, err)
		}
	}
	return names
}

// waitStored waits until the database holds n articles, reading it as
// serve writes it.
func waitStored(t *testing.T, c *serveChild, db string, n int, timeout time.Duration) {
	t.Helper()
	h := openRO(t, db)
	defer h.Close()
	for deadline := time.Now().Add(timeout); ; time.Sleep(2 * time.Millisecond) {
		var got int
		if err := h.QueryRow("SELECT count(*) FROM articles").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got >= n {
			return
		}
		if c.exited() || time.Now().After(deadline) {
			t.Fatalf("serve stored %d articles in %v, want %d (exited: %v):\n%s", got, timeout, n, c.exited(), tail(c.stderr.String(), 40))
		}
	}
}

// TestKillServe kills `sitrep serve` with SIGKILL at random points of its
// ingest, 20 times in a row on one database, restarting it each time.
// After each kill the file must be sound (integrity_check, FTS5's own
// check), no stored article may be lost or stored twice; at the end a last
// serve must complete the web with every article stored exactly once.
//
// The kills are placed by a seeded math/rand; SITREP_KILL_SEED=N repeats a
// run. Between a kill and the next start the dead process's leases are
// expired, as two minutes (pipeline.Lease) would, so that the next serve
// takes up the interrupted sources at once.
func TestKillServe(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("SITREP_KILL_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("SITREP_KILL_SEED: %v", err)
		}
		seed = v
	}
	t.Logf("seed %d (SITREP_KILL_SEED=%d repeats these kills)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))

	// 400 articles over 2 hosts: one run of serve stores at most 15 or so
	// before it is killed, so the 20 kills land in the ingest and the last
	// serve has much of it left to do.
	cfg := benchweb.Config{Hosts: 2, FeedsPerHost: 8, ArticlesPerFeed: 25, PageBytes: 20_000}
	web, err := benchweb.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(web.Close)
	src := benchSources(t, web)
	db := filepath.Join(t.TempDir(), "sitrep.db")
	all := benchArticleURLs(web, cfg)

	const kills = 20
	var prev dbState
	midIngest := 0
	for i := range kills {
		c := startServeChild(t, "--db", db, "--sources", src, "--host-delay", "0")
		var when string
		if rng.IntN(6) == 0 {
			// Now and then while it opens the database, migrates it and
			// syncs the sources.
			d := time.Duration(rng.Int64N(int64(200 * time.Millisecond)))
			time.Sleep(d)
			when = fmt.Sprintf("%v after start", d.Round(time.Millisecond))
		} else {
			// Else once this run has stored 1 to 15 articles, and up to
			// 20 ms later: among the writes, whatever the machine's pace.
			up := c.waitServing(t, 30*time.Second)
			k := 1 + rng.IntN(15)
			d := time.Duration(rng.Int64N(int64(20 * time.Millisecond)))
			waitStored(t, c, db, len(prev.urls)+k, 30*time.Second)
			time.Sleep(d)
			when = fmt.Sprintf("%2d stored + %4v (up in %v)", k, d.Round(100*time.Microsecond), up.Round(time.Millisecond))
		}
		if c.exited() {
			t.Fatalf("kill %d: serve exited by itself: %v\n%s", i+1, c.err, c.stderr.String())
		}
		c.kill()

		s := readDB(t, db)
		what := fmt.Sprintf("after kill %d", i+1)
		checkStored(t, what, s)
		if err := ftsIntegrity(t, db); err != nil {
			t.Errorf("%s: FTS5 integrity-check: %v", what, err)
		}
		for u := range prev.urls {
			if s.urls[u] == 0 {
				t.Errorf("%s: %s lost", what, u)
			}
		}
		if prev.migrated && !s.migrated {
			t.Errorf("%s: the schema is gone", what)
		}
		var wal int64
		if fi, err := os.Stat(db + "-wal"); err == nil {
			wal = fi.Size()
		}
		released := expireLeases(t, db, s.lease)
		if fi, err := os.Stat(db + "-wal"); wal > 0 && (err != nil || fi.Size() < wal) {
			t.Fatalf("%s: expiring the leases checkpointed the WAL the kill left (%d bytes before)", what, wal)
		}
		if len(s.urls) > len(prev.urls) {
			midIngest++
		}
		t.Logf("kill %2d %s: %3d articles (+%d), %d sources interrupted, WAL %d KiB",
			i+1, when, len(s.urls), len(s.urls)-len(prev.urls), len(released), wal>>10)
		if len(s.urls) == len(all) {
			t.Fatalf("%s: the whole web was stored before the last kill: make it bigger or slower", what)
		}
		prev = s
	}
	if midIngest < kills/2 {
		t.Errorf("only %d of %d kills interrupted ingest", midIngest, kills)
	}

	// A last serve, at full speed, completes the web; then a clean stop.
	c := startServeChild(t, "--db", db, "--sources", src, "--host-delay", "0")
	c.waitServing(t, 30*time.Second)
	lastStart := time.Now()
	waitStored(t, c, db, len(all), 60*time.Second)
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(15 * time.Second):
		t.Fatalf("the last serve did not stop within 15 s of SIGTERM:\n%s", c.stderr.String())
	}
	if c.err != nil {
		t.Errorf("the last serve: %v\n%s", c.err, c.stderr.String())
	}
	s := readDB(t, db)
	t.Logf("the last serve stored the other %d articles in %v", len(s.urls)-len(prev.urls), time.Since(lastStart).Round(time.Millisecond))
	checkStored(t, "at the end", s)
	if err := ftsIntegrity(t, db); err != nil {
		t.Errorf("at the end: FTS5 integrity-check: %v", err)
	}
	for _, u := range all {
		if s.urls[u] != 1 {
			t.Errorf("at the end: %s stored %d times, want once", u, s.urls[u])
		}
	}
	if len(s.urls) != len(all) || s.summary != 0 {
		t.Errorf("at the end: %d articles (%d teaser only), want the web's %d with their text", len(s.urls), s.summary, len(all))
	}
	if strings.Contains(c.stderr.String(), "level=ERROR") {
		t.Errorf("the last serve logged errors:\n%s", c.stderr.String())
	}
}

// slowWeb is a site of feeds whose article pages answer slowly, and tells
// how many of them are being answered.
type slowWeb struct {
	*httptest.Server
	delay            atomic.Int64 // of an article page, ns
	inFlight, served atomic.Int32
	mu               sync.Mutex
	requests         map[string]int // article path → requests that got the page
}

const slowArticles = 4 // per feed

func startSlowWeb(t *testing.T, delay time.Duration) *slowWeb {
	t.Helper()
	w := &slowWeb{requests: map[string]int{}}
	w.delay.Store(int64(delay))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feed.xml", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(rw, `<?xml version="1.0"?><rss version="2.0"><channel><title>Slow</title><link>%s/</link>`, w.URL)
		for i := range slowArticles {
			fmt.Fprintf(rw, `<item><title>Slow article %[2]s %[1]d</title><link>%[3]s/articles/%[1]d.html</link><description>Teaser %[1]d.</description><pubDate>Wed, 16 Oct 2024 09:%02[1]d:00 +0000</pubDate></item>`,
				i, strings.TrimPrefix(w.URL, "http://127.0.0.1:"), w.URL)
		}
		io.WriteString(rw, "</channel></rss>")
	})
	mux.HandleFunc("GET /articles/{n}", func(rw http.ResponseWriter, r *http.Request) {
		w.inFlight.Add(1)
		defer w.inFlight.Add(-1)
		select {
		case <-time.After(time.Duration(w.delay.Load())):
		case <-r.Context().Done():
			return
		}
		n := strings.TrimSuffix(r.PathValue("n"), ".html")
		title := fmt.Sprintf("Slow article %s %s", strings.TrimPrefix(w.URL, "http://127.0.0.1:"), n)
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(rw, `<!doctype html><html><head><title>%[1]s</title></head><body><main><article><h1>%[1]s</h1>`, title)
		for p := range 5 {
			fmt.Fprintf(rw, "<p>Paragraph %d of the full text of article %s: the customs officers of the joint operation seized the goods at the border and arrested the suspects after months of investigation.</p>", p, n)
		}
		io.WriteString(rw, "</article></main></body></html>")
		w.mu.Lock()
		w.requests[r.URL.Path]++
		w.mu.Unlock()
		w.served.Add(1)
	})
	w.Server = httptest.NewServer(mux)
	t.Cleanup(w.Close)
	return w
}

// TestSigtermServe sends SIGTERM to `sitrep serve` while article pages are
// being fetched: it must stop within 15 s with status 0, saying so, leave
// the database sound with no source claimed and the interrupted sources due
// at once, and a following `sitrep fetch` must store what was interrupted,
// every article once and with its text.
func TestSigtermServe(t *testing.T) {
	const pageDelay = 2500 * time.Millisecond
	// Two hosts, so that four pages are in flight (two per host).
	webs := []*slowWeb{startSlowWeb(t, pageDelay), startSlowWeb(t, pageDelay)}
	src := filepath.Join(t.TempDir(), "sources.yaml")
	y := "sources:\n"
	for i, w := range webs {
		y += fmt.Sprintf("  - name: Slow %d\n    url: %s/feed.xml\n", i, w.URL)
	}
	if err := os.WriteFile(src, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "sitrep.db")
	c := startServeChild(t, "--db", db, "--sources", src, "--host-delay", "0")
	c.waitServing(t, 30*time.Second)

	// Signal once a page of each host has come back (its article is
	// stored or on its way) and the next ones are in flight.
	inFlight := func() (n int32) {
		for _, w := range webs {
			n += w.inFlight.Load()
		}
		return n
	}
	ready := func() bool {
		for _, w := range webs {
			if w.served.Load() < 1 || w.inFlight.Load() < 1 {
				return false
			}
		}
		return inFlight() >= 3
	}
	for deadline := time.Now().Add(30 * time.Second); !ready(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) || c.exited() {
			t.Fatalf("no page in flight after 30 s (%d in flight):\n%s", inFlight(), c.stderr.String())
		}
	}
	// Give the pages that came back time to be stored, while the next
	// ones are still on their way (they take pageDelay).
	h := openRO(t, db)
	for deadline := time.Now().Add(pageDelay / 2); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		var n int
		if err := h.QueryRow("SELECT count(*) FROM articles").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n >= len(webs) {
			break
		}
	}
	h.Close()
	flying := inFlight()
	if flying == 0 {
		t.Fatal("no page in flight any more: the test web answers too fast for this machine")
	}
	sent := time.Now()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.done:
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not exit within 15 s of SIGTERM:\n%s", c.stderr.String())
	}
	took := time.Since(sent)
	log := c.stderr.String()
	t.Logf("SIGTERM with %d pages in flight: exited in %v with %v", flying, took.Round(time.Millisecond), c.err)
	if c.err != nil {
		t.Errorf("serve exited with %v, want status 0:\n%s", c.err, log)
	}
	for _, want := range []string{`msg="shutting down"`, "msg=stopped"} {
		if !strings.Contains(log, want) {
			t.Errorf("serve's log lacks %s:\n%s", want, log)
		}
	}
	if strings.Contains(log, "level=ERROR") {
		t.Errorf("serve logged errors while stopping:\n%s", log)
	}
	if n := inFlight(); n != 0 {
		t.Errorf("%d page requests still open after serve exited", n)
	}

	s := readDB(t, db)
	checkStored(t, "after SIGTERM", s)
	if s.summary != 0 {
		t.Errorf("after SIGTERM: %d articles stored with their teaser only: an interrupted page must not be taken for a page without text", s.summary)
	}
	before := len(s.urls)
	now := time.Now().UnixMilli()
	for name, lease := range s.lease {
		if lease != 0 {
			t.Errorf("after SIGTERM: source %s still claimed (lease_until %d)", name, lease)
		}
		// Every source was interrupted: none may wait for its next poll.
		if s.due[name] > now {
			t.Errorf("after SIGTERM: interrupted source %s is due only in %v", name, time.Duration(s.due[name]-now)*time.Millisecond)
		}
	}
	if len(s.lease) != len(webs) {
		t.Errorf("after SIGTERM: %d sources, want %d", len(s.lease), len(webs))
	}
	if before == 0 || before >= len(webs)*slowArticles {
		t.Errorf("after SIGTERM: %d articles stored, want some but not all %d (the signal must land mid-round)", before, len(webs)*slowArticles)
	}

	// The next round stores the rest, once each, with their text.
	for _, w := range webs {
		w.delay.Store(0)
	}
	out := mustSitrep(t, "fetch", "--db", db, "--sources", src, "--host-delay", "0")
	t.Logf("%d articles stored before SIGTERM; the next fetch:\n%s", before, out)
	s = readDB(t, db)
	checkStored(t, "after the next fetch", s)
	for _, w := range webs {
		for i := range slowArticles {
			u := fmt.Sprintf("%s/articles/%d.html", w.URL, i)
			if s.urls[u] != 1 {
				t.Errorf("after the next fetch: %s stored %d times, want once", u, s.urls[u])
			}
		}
	}
	if s.summary != 0 {
		t.Errorf("after the next fetch: %d articles with their teaser only", s.summary)
	}
	arts := export(t, db)
	for _, a := range arts {
		if !strings.Contains(a.Body, "Paragraph 4 of the full text") {
			t.Errorf("%s: body lacks its text:\n%s", a.URL, a.Body)
		}
	}
}

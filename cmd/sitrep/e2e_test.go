package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/store/postgres/pgtest"
	"github.com/sitrep/sitrep/internal/testweb"
)

// TestMain lets a test run the real program in a child process (for the
// kill -9 test): with SITREP_TEST_MAIN=1 the test binary is sitrep.
func TestMain(m *testing.M) {
	if os.Getenv("SITREP_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(pgtest.Run(m))
}

// sitrep runs the program in-process and returns what it printed.
func sitrep(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	return sitrepAt(t, time.Now, args...)
}

// sitrepAt runs the program with its clock set by now.
func sitrepAt(t *testing.T, now func() time.Time, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	e := env{getenv: testGetenv, stdin: strings.NewReader(""), stdout: &out, stderr: &errb, now: now}
	err = runEnv(context.Background(), e, args)
	return out.String(), errb.String(), err
}

func mustSitrep(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := sitrep(t, args...)
	if err != nil {
		t.Fatalf("sitrep %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

func startTestweb(t *testing.T) *testweb.Server {
	t.Helper()
	dir, err := testweb.Dir()
	if err != nil {
		t.Fatal(err)
	}
	s, err := testweb.Start(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// writeSources writes the testweb's sources.json as a sources.yaml, with
// or without the listing page's selector, plus any extra YAML entries.
func writeSources(t *testing.T, s *testweb.Server, selector bool, extra ...string) string {
	t.Helper()
	srcs, err := s.Sources()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("sources:\n")
	for _, src := range srcs {
		fmt.Fprintf(&b, "  - name: %q\n    url: %q\n", src.Name, src.URL)
		if src.Type == "html-list" {
			b.WriteString("    type: html\n")
			if selector {
				b.WriteString("    links: \"div.alist a.title\"\n")
			}
		}
	}
	for _, e := range extra {
		b.WriteString(e)
	}
	path := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

type expectedArticle struct {
	Title       string   `json:"title"`
	Source      string   `json:"source"`
	Feeds       []string `json:"feeds"`
	URL         string   `json:"url"`
	Published   string   `json:"published"`
	SummaryOnly bool     `json:"summary_only"`
	Digest      string   `json:"digest"`
	Body        string   `json:"body"`
}

func loadExpected(t *testing.T, s *testweb.Server) []expectedArticle {
	t.Helper()
	f, err := os.Open(filepath.Join(s.Dir, "expected", "articles.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []expectedArticle
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var a expectedArticle
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		a.URL = strings.ReplaceAll(a.URL, "{{BASE}}", s.URL)
		out = append(out, a)
	}
	return out
}

type exportedArticle struct {
	ID          int64    `json:"id"`
	URL         string   `json:"url"`
	Title       string   `json:"title"`
	Source      string   `json:"source"`
	Feeds       []string `json:"feeds"`
	Published   *string  `json:"published"`
	Fetched     string   `json:"fetched"`
	Updated     string   `json:"updated"`
	SummaryOnly bool     `json:"summary_only"`
	Body        string   `json:"body"`
}

func export(t *testing.T, db string, args ...string) []exportedArticle {
	t.Helper()
	out := mustSitrep(t, append([]string{"export", "--db", db}, args...)...)
	var arts []exportedArticle
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var a exportedArticle
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("export line %q: %v", line, err)
		}
		arts = append(arts, a)
	}
	return arts
}

var wordRE = regexp.MustCompile(`\w+`)

// tokenF1 is score.py's body measure: lower-cased \w+ tokens, multiset
// overlap.
func tokenF1(pred, gold string) float64 {
	count := func(s string) map[string]int {
		m := map[string]int{}
		for _, w := range wordRE.FindAllString(strings.ToLower(s), -1) {
			m[w]++
		}
		return m
	}
	p, g := count(pred), count(gold)
	np, ng, common := 0, 0, 0
	for w, n := range p {
		np += n
		common += min(n, g[w])
	}
	for _, n := range g {
		ng += n
	}
	if np == 0 || ng == 0 || common == 0 {
		return 0
	}
	prec, rec := float64(common)/float64(np), float64(common)/float64(ng)
	return 2 * prec * rec / (prec + rec)
}

// score checks an export against expected/articles.jsonl as score.py does.
func score(t *testing.T, s *testweb.Server, got []exportedArticle) {
	t.Helper()
	want := loadExpected(t, s)
	byURL := map[string][]exportedArticle{}
	for _, a := range got {
		byURL[a.URL] = append(byURL[a.URL], a)
	}
	sum, minF1 := 0.0, 1.0
	for _, w := range want {
		hits := byURL[w.URL]
		if len(hits) != 1 {
			t.Errorf("%q stored %d times, want once", w.Title, len(hits))
			if len(hits) == 0 {
				continue
			}
		}
		a := hits[0]
		if a.Title != w.Title {
			t.Errorf("title: got %q, want %q", a.Title, w.Title)
		}
		if a.Source != w.Source {
			t.Errorf("%q: source %q, want %q", w.Title, a.Source, w.Source)
		}
		if fmt.Sprint(a.Feeds) != fmt.Sprint(w.Feeds) {
			t.Errorf("%q: feeds %q, want %q", w.Title, a.Feeds, w.Feeds)
		}
		wp, _ := time.Parse(time.RFC3339, w.Published)
		if a.Published == nil {
			t.Errorf("%q: no published date, want %s", w.Title, w.Published)
		} else if ap, err := time.Parse(time.RFC3339, *a.Published); err != nil || !ap.Equal(wp) {
			t.Errorf("%q: published %s, want %s", w.Title, *a.Published, w.Published)
		}
		if a.SummaryOnly != w.SummaryOnly {
			t.Errorf("%q: summary_only %v, want %v", w.Title, a.SummaryOnly, w.SummaryOnly)
		}
		f := tokenF1(a.Body, w.Body)
		sum += f
		minF1 = min(minF1, f)
		if f < 0.95 {
			t.Errorf("%q: body F1 %.3f < 0.95\ngot:\n%s\nwant:\n%s", w.Title, f, a.Body, w.Body)
		}
	}
	if len(got) != len(want) {
		t.Errorf("exported %d articles, want %d", len(got), len(want))
	}
	t.Logf("%d expected, %d exported, mean body F1 %.3f, min %.3f", len(want), len(got), sum/float64(len(want)), minF1)
}

func TestFetchTestweb(t *testing.T) {
	for _, selector := range []bool{true, false} {
		t.Run(fmt.Sprintf("selector=%v", selector), func(t *testing.T) {
			s := startTestweb(t)
			src := writeSources(t, s, selector)
			db := filepath.Join(t.TempDir(), "sitrep.db")
			out := mustSitrep(t, "fetch", "--db", db, "--sources", src, "--host-delay", "0")
			t.Logf("first round:\n%s", out)
			if n := strings.Count(out, "\n"); n != 6 {
				t.Errorf("summary: got %d lines, want one per source (6)", n)
			}
			score(t, s, export(t, db))
			if n := s.Count("/jcs/private/draft-statement"); n != 0 {
				t.Errorf("the page robots.txt disallows was requested %d times", n)
			}
			// Each page once, even those two feeds list.
			for path, n := range s.Counts() {
				if n != 1 {
					t.Errorf("first round requested %s %d times, want once", path, n)
				}
			}

			// A second round downloads no article again and gets 304 for
			// every feed and listing page.
			s.ResetCounts()
			out = mustSitrep(t, "fetch", "--db", db, "--sources", src, "--host-delay", "0")
			t.Logf("second round:\n%s", out)
			for path, n := range s.Counts() {
				if path != "/robots.txt" {
					if strings.Contains(path, "/rss") || strings.HasSuffix(path, "/News/") {
						continue // feeds: checked below
					}
					t.Errorf("second round requested %s %d times", path, n)
				}
			}
			if got := strings.Count(out, "(not modified)"); got != 6 {
				t.Errorf("second round: %d sources not modified, want 6", got)
			}
			if regexp.MustCompile(`: [1-9][0-9]* (new|updated)`).MatchString(out) {
				t.Errorf("second round stored something new:\n%s", out)
			}
			if n := s.Count("/jcs/private/draft-statement"); n != 0 {
				t.Errorf("the page robots.txt disallows was requested %d times", n)
			}
			score(t, s, export(t, db))
		})
	}
}

func TestFetchProgressOnATerminal(t *testing.T) {
	s := startTestweb(t)
	var out, errb bytes.Buffer
	e := env{getenv: testGetenv, stdin: strings.NewReader(""), stdout: &out, stderr: &errb, now: time.Now, terminal: true}
	db := filepath.Join(t.TempDir(), "sitrep.db")
	if err := runEnv(t.Context(), e, []string{"fetch", "--db", db, "--sources", writeSources(t, s, true), "--host-delay", "0"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errb.String(), "\r\033[Ksources 6/6, articles 20 new, 0 updated") {
		t.Errorf("progress on the terminal: %q", errb.String())
	}
	if strings.Count(out.String(), "\n") != 6 || strings.Contains(out.String(), "\r") {
		t.Errorf("summary: %q", out.String())
	}
}

func TestDigest(t *testing.T) {
	s := startTestweb(t)
	db := filepath.Join(t.TempDir(), "sitrep.db")
	mustSitrep(t, "fetch", "--db", db, "--sources", writeSources(t, s, true), "--host-delay", "0")
	got := mustSitrep(t, "digest", "--db", db)
	for _, w := range loadExpected(t, s) {
		if header := w.Title + "\n\nSource: " + w.Source + "\n\n"; !strings.Contains(got, header) {
			t.Errorf("digest lacks the header %q", header)
		}
	}
	if strings.HasSuffix(got, "\n") {
		t.Error("digest ends with a newline")
	}
	// Filters.
	nato := mustSitrep(t, "digest", "--db", db, "--source", "NATO")
	if n := strings.Count(nato, "\n\nSource: NATO\n\n"); n != 4 || strings.Contains(nato, "Source: Europol") {
		t.Errorf("digest --source NATO: %d NATO articles, want 4 and no other source", n)
	}
	out := mustSitrep(t, "fetch", "--db", db, "--sources", writeSources(t, s, true), "--host-delay", "0", "--source", "Eurojust")
	if out != "Eurojust: 0 new, 0 updated, 0 unchanged, 0 failed (not modified)\n" {
		t.Errorf("fetch --source Eurojust: %q", out)
	}
	if _, _, err := sitrep(t, "fetch", "--db", db, "--sources", writeSources(t, s, true), "--source", "Nope"); err == nil {
		t.Error("fetch --source of an unknown source succeeded")
	}
	// export takes the documented flags too.
	jsonl := mustSitrep(t, "export", "--db", db, "--format", "jsonl", "--since", "2024-10-14", "--source", "NATO")
	if n := strings.Count(jsonl, "\n"); n != 1 || !strings.Contains(jsonl, `"title":"Secretary General praises Latvia for its contributions to NATO"`) {
		t.Errorf("export --format jsonl --since --source: %q", jsonl)
	}
	if _, _, err := sitrep(t, "export", "--db", db, "--format", "csv"); err == nil {
		t.Error("export --format csv succeeded")
	}
	recent := mustSitrep(t, "digest", "--db", db, "--since", "2024-10-14")
	if n := strings.Count(recent, "\n\nSource: "); n != 4 {
		t.Errorf("digest --since 2024-10-14: %d articles, want 4", n)
	}
}

func TestImportDigestRoundTrip(t *testing.T) {
	dir, err := testweb.Dir()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "expected", "*.txt"))
	if len(files) != 2 {
		t.Fatalf("got %d expected digests, want 2", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			db := filepath.Join(t.TempDir(), "sitrep.db")
			mustSitrep(t, "import", "--db", db, f)
			// Importing again changes nothing.
			if out := mustSitrep(t, "import", "--db", db, f); !strings.Contains(out, "0 new, 0 updated, 10 unchanged") {
				t.Errorf("second import: %s", out)
			}
			got := mustSitrep(t, "digest", "--db", db, "--order", "imported")
			if got != string(want) {
				t.Errorf("import→digest differs from %s:\n%s", filepath.Base(f), firstDiff(got, string(want)))
			}
		})
	}
}

func firstDiff(a, b string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			lo := max(0, i-60)
			return fmt.Sprintf("at byte %d:\ngot:  %q\nwant: %q", i, a[lo:min(len(a), i+60)], b[lo:min(len(b), i+60)])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(a), len(b))
}

// faultyWeb is a site whose sources fail in the ways a user meets.
func faultyWeb(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/broken/feed", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	mux.HandleFunc("/slow/feed", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/malformed/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>Half an item</titl`)
	})
	var srv *httptest.Server
	mux.HandleFunc("/shell/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Shell</title>
<item><title>An app shell article</title><link>%s/shell/article</link><description>The teaser is all there is.</description><pubDate>Wed, 16 Oct 2024 09:30:00 +0000</pubDate></item>
</channel></rss>`, srv.URL)
	})
	mux.HandleFunc("/shell/article", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, `<!doctype html><html><head><title>Newsroom</title><script src="/app.js"></script></head>
<body><div id="app"></div><noscript>You need to enable JavaScript to run this app.</noscript></body></html>`)
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestFaults(t *testing.T) {
	s := startTestweb(t)
	bad := faultyWeb(t)
	extra := fmt.Sprintf(`  - name: Broken
    url: %[1]s/broken/feed
  - name: Slow
    url: %[1]s/slow/feed
  - name: Malformed
    url: %[1]s/malformed/feed
  - name: Shell
    url: %[1]s/shell/feed
`, bad.URL)
	src := writeSources(t, s, true, extra)
	db := filepath.Join(t.TempDir(), "sitrep.db")
	out := mustSitrep(t, "fetch", "--db", db, "--sources", src, "--host-delay", "0", "--timeout", "500ms", "--retries", "0")
	t.Logf("round:\n%s", out)
	lines := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		name, _, _ := strings.Cut(l, ": ")
		lines[name] = l
	}
	for name, want := range map[string]string{
		"Broken":    "500",
		"Slow":      "deadline",
		"Malformed": "error: feed",
		"Shell":     "1 new, 0 updated, 0 unchanged, 0 failed; 1 teaser only",
		"NATO":      "4 new, 0 updated, 0 unchanged, 0 failed",
	} {
		if !strings.Contains(lines[name], want) {
			t.Errorf("summary of %s: %q, want it to contain %q", name, lines[name], want)
		}
	}
	arts := export(t, db)
	if len(arts) != 21 {
		t.Errorf("stored %d articles, want the 20 of the testweb and the app shell's teaser", len(arts))
	}

	// A source that breaks later loses nothing already stored.
	s.Override("/nato/cps/rss/en/natohq/rssFeed.xsl/rssFeed.xml", 500, "text/plain", []byte("down"))
	out = mustSitrep(t, "fetch", "--db", db, "--sources", src, "--host-delay", "0", "--timeout", "500ms", "--retries", "0")
	if !strings.Contains(out, "NATO: 0 new") || !strings.Contains(out, "500") {
		t.Errorf("second round:\n%s", out)
	}
	if got := len(export(t, db, "--source", "NATO")); got != 4 {
		t.Errorf("after NATO failed: %d NATO articles, want the 4 stored before", got)
	}
}

func TestFetchFailsWhenNothingCanBeFetched(t *testing.T) {
	bad := faultyWeb(t)
	src := filepath.Join(t.TempDir(), "sources.yaml")
	os.WriteFile(src, []byte("sources:\n  - name: Broken\n    url: "+bad.URL+"/broken/feed\n"), 0o644)
	out, _, err := sitrep(t, "fetch", "--db", filepath.Join(t.TempDir(), "x.db"), "--sources", src, "--host-delay", "0", "--timeout", "2s")
	if err == nil {
		t.Fatalf("fetch succeeded with every source failing:\n%s", out)
	}
	if !strings.Contains(out, "Broken: 0 new") {
		t.Errorf("no summary line for the failing source:\n%s", out)
	}
}

func TestMalformedSourcesFile(t *testing.T) {
	src := filepath.Join(t.TempDir(), "sources.yaml")
	os.WriteFile(src, []byte("sources:\n  - name: A\n    url: https://example.org/feed\n    intervall: 1h\n"), 0o644)
	_, _, err := sitrep(t, "fetch", "--db", filepath.Join(t.TempDir(), "x.db"), "--sources", src)
	if err == nil || !strings.Contains(err.Error(), "sources.yaml:4") {
		t.Fatalf("err = %v, want one naming sources.yaml:4", err)
	}
}

// TestKillMidRound kills `sitrep fetch` with SIGKILL at several points of a
// round; the next round must open the database cleanly and end with every
// article stored exactly once.
func TestKillMidRound(t *testing.T) {
	s := startTestweb(t)
	src := writeSources(t, s, true)
	db := filepath.Join(t.TempDir(), "sitrep.db")
	// Kill when the round has stored some articles, however slowly the
	// child runs (-race, a loaded machine): a kill in the middle of it.
	stored := func() int {
		if _, err := os.Stat(db); err != nil {
			return 0
		}
		out, _, err := sitrep(t, "export", "--db", db)
		if err != nil {
			return 0
		}
		return strings.Count(out, "\n")
	}
	for _, atLeast := range []int{1, 6, 12} {
		cmd := exec.Command(os.Args[0], "fetch", "--db", db, "--sources", src, "--host-delay", "50ms")
		cmd.Env = append(os.Environ(), "SITREP_TEST_MAIN=1", "SITREP_ALLOW_NETWORKS="+testAllowNetworks)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && stored() < atLeast; {
			time.Sleep(10 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		arts := export(t, db)
		t.Logf("killed with at least %d stored: %d articles", atLeast, len(arts))
		// Titles are unique in the testweb: a duplicate would repeat one
		// under another identity (entry link vs canonical URL).
		seen := map[string]bool{}
		for _, a := range arts {
			if seen[a.Title] {
				t.Errorf("%q stored twice", a.Title)
			}
			seen[a.Title] = true
		}
	}
	mustSitrep(t, "fetch", "--db", db, "--sources", src, "--host-delay", "0")
	score(t, s, export(t, db))
}

// TestChangedArticleUpdatedInPlace: when a feed entry changes, its page is
// read again and the stored article is updated, not duplicated.
func TestChangedArticleUpdatedInPlace(t *testing.T) {
	s := startTestweb(t)
	src := writeSources(t, s, true)
	db := filepath.Join(t.TempDir(), "sitrep.db")
	mustSitrep(t, "fetch", "--db", db, "--sources", src, "--host-delay", "0")

	feedPath := "/nato/cps/rss/en/natohq/rssFeed.xsl/rssFeed.xml"
	pagePath := "/nato/cps/en/natohq/news_218064.htm"
	feedBody, err := os.ReadFile(filepath.Join(s.Dir, "files", feedPath[1:]))
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(s.Dir, "files", pagePath[1:]))
	if err != nil {
		t.Fatal(err)
	}
	base := []byte(s.URL)
	feedBody = bytes.ReplaceAll(feedBody, []byte("{{BASE}}"), base)
	feedBody = bytes.Replace(feedBody, []byte("<pubDate>Wed, 06 Sep 2023 16:30:00 +0000</pubDate>"),
		[]byte("<pubDate>Wed, 06 Sep 2023 16:30:00 +0000</pubDate><atom:updated>2023-09-08T10:00:00Z</atom:updated>"), 1)
	feedBody = bytes.Replace(feedBody, []byte("the NATO Secretary General, Mr.</description>"), []byte("the NATO Secretary General, Mr. (corrected)</description>"), 1)
	page = bytes.ReplaceAll(page, []byte("{{BASE}}"), base)
	if !bytes.Contains(page, []byte("will receive the Minister")) {
		t.Fatal("fixture changed: no 'will receive the Minister' in the NATO page")
	}
	page = bytes.Replace(page, []byte("will receive the Minister"), []byte("will receive (correction: updated text) the Minister"), 1)
	s.Override(feedPath, 200, "application/rss+xml; charset=utf-8", feedBody)
	s.Override(pagePath, 200, "text/html", page)

	later := func() time.Time { return time.Now().Add(time.Hour) }
	out, _, err := sitrepAt(t, later, "fetch", "--db", db, "--sources", src, "--host-delay", "0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "NATO: 0 new, 1 updated, 3 unchanged, 0 failed") {
		t.Errorf("round after the change:\n%s", out)
	}
	arts := export(t, db)
	if len(arts) != 20 {
		t.Errorf("%d articles after the update, want 20", len(arts))
	}
	for _, a := range arts {
		if strings.HasSuffix(a.URL, pagePath) {
			if !strings.Contains(a.Body, "correction: updated text") {
				t.Errorf("body not updated:\n%s", a.Body)
			}
			if a.Updated == a.Fetched {
				t.Errorf("updated time %s not moved from fetched %s", a.Updated, a.Fetched)
			}
		}
	}
}

func TestImportSameTitleTwice(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "weekly.txt")
	text := "Weekly update\n\nSource: NATO\n\nFirst week.\n\nWeekly update\n\nSource: NATO\n\nSecond week."
	os.WriteFile(f, []byte(text), 0o644)
	db := filepath.Join(dir, "db")
	if out := mustSitrep(t, "import", "--db", db, f); !strings.Contains(out, "2 new, 0 updated, 0 unchanged") {
		t.Errorf("import: %s", out)
	}
	if out := mustSitrep(t, "import", "--db", db, f); !strings.Contains(out, "0 new, 0 updated, 2 unchanged") {
		t.Errorf("second import: %s", out)
	}
	if got := mustSitrep(t, "digest", "--db", db, "--order", "imported"); got != text {
		t.Errorf("digest = %q, want %q", got, text)
	}
}

func TestReadingCommandsNeedADatabase(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "typo.db")
	for _, cmd := range []string{"digest", "export"} {
		if _, _, err := sitrep(t, cmd, "--db", missing); err == nil || !strings.Contains(err.Error(), "typo.db") {
			t.Errorf("%s --db missing: err = %v, want one naming the file", cmd, err)
		}
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("a reading command created the database")
	}
}

// testGetenv is the environment the in-process program sees in tests: the
// test webs listen on loopback, which the fetcher refuses unless allowed.
func testGetenv(k string) string {
	if k == "SITREP_ALLOW_NETWORKS" {
		return testAllowNetworks
	}
	return ""
}

const testAllowNetworks = "127.0.0.0/8,::1/128"

// TestFetchRefusesLoopback: without an allow-list the fetcher connects to
// no loopback address, and says so per source; a malformed allow-list is a
// usage error naming what is wrong.
func TestFetchRefusesLoopback(t *testing.T) {
	s := startTestweb(t)
	db := filepath.Join(t.TempDir(), "sitrep.db")
	var out, errb bytes.Buffer
	e := env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: &out, stderr: &errb, now: time.Now}
	err := runEnv(t.Context(), e, []string{"fetch", "--db", db, "--sources", writeSources(t, s, true), "--host-delay", "0"})
	if err == nil {
		t.Errorf("fetch of a loopback web without an allow-list succeeded:\n%s", out.String())
	}
	if n := strings.Count(out.String(), "refused to connect to 127.0.0.1 (loopback address)"); n != 6 {
		t.Errorf("%d sources name the refused address, want 6:\n%s", n, out.String())
	}
	if len(s.Counts()) != 0 {
		t.Errorf("the test web was reached: %v", s.Counts())
	}
	_, _, err = sitrep(t, "fetch", "--db", db, "--sources", writeSources(t, s, true), "--allow-networks", "127.0.0.0/33")
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "127.0.0.0/33") {
		t.Errorf("a malformed --allow-networks: %v, want a usage error naming it", err)
	}
}

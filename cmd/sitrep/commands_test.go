package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExtractCommand(t *testing.T) {
	s := startTestweb(t)
	page := filepath.Join(s.Dir, "files", "jcs", "Media", "News", "News-Display", "Article", "3516847",
		"readout-of-chairman-of-the-joint-chiefs-of-staff-gen-mark-a-milleys-phone-call-with-chief-of-the")
	shell := filepath.Join(s.Dir, "files", "europol", "media-press", "newsroom", "news", "europol-net-works")

	out := mustSitrep(t, "extract", "--url", "https://www.jcs.mil/Media/News/News-Display/Article/3516847/", page)
	// The page is windows-1252: ü must come out as UTF-8.
	if !strings.Contains(out, "Gen. Metin Gürak today by phone.") || strings.Contains(out, "Joint Staff Public Affairs") {
		t.Errorf("extract text:\n%s", out)
	}

	out, errOut, err := sitrep(t, "extract", "--format", "jsonl", page, shell)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("jsonl: %d lines, want 2:\n%s", len(lines), out)
	}
	var got struct {
		File, Title, Body string
		Published         *string
	}
	if err := json.Unmarshal([]byte(lines[0]), &got); err != nil {
		t.Fatal(err)
	}
	if got.File != page || !strings.HasPrefix(got.Title, "Readout of Chairman") || got.Published == nil || *got.Published != "2023-09-06T21:10:00Z" {
		t.Errorf("jsonl line = %+v", got)
	}
	if !strings.Contains(errOut, "no article text") {
		t.Errorf("the app shell was not reported: %q", errOut)
	}

	// Standard input.
	raw, _ := os.ReadFile(page)
	var stdout strings.Builder
	e := env{getenv: testGetenv, stdin: strings.NewReader(string(raw)), stdout: &stdout, stderr: &strings.Builder{}}
	if err := runEnv(t.Context(), e, []string{"extract", "-"}); err != nil || !strings.Contains(stdout.String(), "Türkiye is a key NATO ally") {
		t.Errorf("extract -: %v\n%s", err, stdout.String())
	}

	if _, _, err := sitrep(t, "extract", filepath.Join(t.TempDir(), "missing.html")); err == nil {
		t.Error("extract of a missing file succeeded")
	}
}

func TestSourcesCommand(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	out := mustSitrep(t, "sources")
	for _, name := range []string{"NATO", "Europol", "Interpol (news and events)", "Eurojust", "US Department of Defense", "US Defense Joint Chiefs of Staff", "built-in defaults"} {
		if !strings.Contains(out, name) {
			t.Errorf("sources list lacks %q:\n%s", name, out)
		}
	}
	opml := mustSitrep(t, "sources", "export")
	if !strings.Contains(opml, "<opml") || !strings.Contains(opml, "https://www.europol.europa.eu/cms/api/rss/news") {
		t.Errorf("export:\n%s", opml)
	}
	other := filepath.Join(dir, "other.opml")
	os.WriteFile(other, []byte(`<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
<outline text="Security"><outline type="rss" text="UNODC" xmlUrl="https://www.unodc.org/feed.xml"/>
<outline type="rss" text="NATO again" xmlUrl="https://www.nato.int/cps/rss/en/natohq/rssFeed.xsl/rssFeed.xml"/></outline>
</body></opml>`), 0o644)
	out = mustSitrep(t, "sources", "import", other)
	if !strings.Contains(out, "database sitrep.db: 1 sources added, 1 already there; 7 in all") {
		t.Errorf("import: %s", out)
	}
	out = mustSitrep(t, "sources")
	if !strings.Contains(out, "UNODC") || !strings.Contains(out, "(database sitrep.db)") {
		t.Errorf("after import, the database should list UNODC:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "sources.yaml")); err == nil {
		t.Error("importing into the database wrote a sources file")
	}

	// With a sources file, the file is what import changes.
	os.WriteFile(filepath.Join(dir, "sources.yaml"), []byte("sources:\n  - name: NATO\n    url: https://www.nato.int/cps/rss/en/natohq/rssFeed.xsl/rssFeed.xml\n"), 0o644)
	out = mustSitrep(t, "sources", "import", other)
	if !strings.Contains(out, "sources.yaml: 1 sources added, 1 already there; 2 in all") {
		t.Errorf("import into the file: %s", out)
	}
	if out := mustSitrep(t, "sources"); !strings.Contains(out, "UNODC") || !strings.Contains(out, "(sources.yaml)") {
		t.Errorf("the file should list UNODC:\n%s", out)
	}
}

// TestGUIDOnlyItem: a feed item with a GUID and text but no link is stored
// from the feed's own text, known by its GUID, once.
func TestGUIDOnlyItem(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/feed" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Statement without a page</title><guid isPermaLink="false">stmt-42</guid><description>The whole statement is here.</description></item>
</channel></rss>`)
	}))
	defer srv.Close()
	src := filepath.Join(t.TempDir(), "sources.yaml")
	os.WriteFile(src, []byte("sources:\n  - name: Statements\n    url: "+srv.URL+"/feed\n"), 0o644)
	db := filepath.Join(t.TempDir(), "x.db")
	for range 2 {
		mustSitrep(t, "fetch", "--db", db, "--sources", src, "--host-delay", "0")
	}
	arts := export(t, db)
	if len(arts) != 1 || arts[0].Title != "Statement without a page" || arts[0].Body != "The whole statement is here." || !arts[0].SummaryOnly {
		t.Errorf("export = %+v", arts)
	}
}

// sitrepIn runs the program with stdin.
func sitrepIn(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	e := env{getenv: testGetenv, stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, now: time.Now}
	err := runEnv(context.Background(), e, args)
	return out.String(), errb.String(), err
}

func TestSearchCommand(t *testing.T) {
	s := startTestweb(t)
	db := filepath.Join(t.TempDir(), "sitrep.db")
	mustSitrep(t, "fetch", "--db", db, "--sources", writeSources(t, s, true), "--host-delay", "0")

	out := mustSitrep(t, "search", "--db", db, `"operation jackal"`)
	lines := strings.Split(out, "\n")
	if len(lines) < 3 || !strings.HasSuffix(lines[0], "result") && !strings.HasSuffix(lines[0], "results") || !strings.Contains(lines[2], "Jackal") {
		t.Errorf(`search "operation jackal": want a count, then the Operation Jackal article first:\n%s`, out)
	}
	if strings.Contains(out, "\uE000") {
		t.Error("highlight markers reached a non-terminal")
	}

	out = mustSitrep(t, "search", "--db", db, "--format", "jsonl", "--limit", "2", "--order", "newest", "source:Europol")
	var recs []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("jsonl line %q: %v", l, err)
		}
		recs = append(recs, m)
	}
	if len(recs) != 2 || recs[0]["source"] != "Europol" || recs[0]["body"] == "" {
		t.Errorf("jsonl: %v", recs)
	}

	out = mustSitrep(t, "search", "--db", db, "--facets", "arrested OR arrests")
	if !strings.Contains(out, "by source: ") || !strings.Contains(out, "by month: ") {
		t.Errorf("--facets:\n%s", out)
	}

	_, _, err := sitrep(t, "search", "--db", db, `jackal "unclosed`)
	if err == nil || !strings.Contains(err.Error(), "at character 8") || !strings.Contains(err.Error(), "       ^") {
		t.Errorf("a malformed query: %v; want the position and a caret under it", err)
	}
	if _, _, err := sitrep(t, "search", "--db", db, "--order", "up", "x"); err == nil {
		t.Error("--order up accepted")
	}
}

func TestTokenAndUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sitrep.db")
	out, errOut, err := sitrep(t, "token", "create", "--db", db, "feeds-bot")
	if err == nil {
		t.Fatalf("flags after the subcommand were accepted: %s %s", out, errOut)
	}
	out = mustSitrep(t, "token", "--db", db, "create", "feeds-bot")
	if !strings.HasPrefix(out, "sitrep_") || len(strings.TrimSpace(out)) < 40 {
		t.Errorf("token create printed %q", out)
	}
	if _, _, err := sitrep(t, "token", "--db", db, "create", "feeds-bot"); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("a second token of one name: %v", err)
	}
	if out := mustSitrep(t, "token", "--db", db, "list"); !strings.Contains(out, "feeds-bot") || !strings.Contains(out, "never") || strings.Contains(out, "sitrep_") {
		t.Errorf("token list:\n%s", out)
	}
	mustSitrep(t, "token", "--db", db, "revoke", "feeds-bot")
	if out := mustSitrep(t, "token", "--db", db, "list"); strings.Contains(out, "feeds-bot") {
		t.Errorf("revoked token still listed:\n%s", out)
	}

	if _, _, err := sitrepIn(t, "short\n", "user", "--db", db, "set-password", "ann"); err == nil || !strings.Contains(err.Error(), "at least 10") {
		t.Errorf("a short password: %v", err)
	}
	if _, errOut, err := sitrepIn(t, "correct horse battery\n", "user", "--db", db, "set-password", "ann"); err != nil || !strings.Contains(errOut, "password of \"ann\" set") {
		t.Errorf("set-password: %v %s", err, errOut)
	}
	if out := mustSitrep(t, "user", "--db", db, "list"); out != "ann\n" {
		t.Errorf("user list: %q", out)
	}
}

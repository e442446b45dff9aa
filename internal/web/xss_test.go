package web

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/sqlite"
)

// The XSS corpus tests: every payload of testdata/xss.txt is stored where
// third-party text goes (source names, URLs, errors, article titles, URLs,
// bodies, facts, feed listings), then every page, API route and feed is
// requested and read with a real parser. Nothing a payload says may come
// out as markup that runs: no script-like element, no event handler, no
// javascript:, vbscript: or data: URL, and every answer carries the
// security headers. cmd/sitrep's TestXSSBrowser runs the same corpus
// through fetch and serve in a real browser.

// xssCorpus reads testdata/xss.txt (its header says the format).
func xssCorpus(t testing.TB) []string {
	t.Helper()
	data, err := os.ReadFile("testdata/xss.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	seen := map[string]bool{}
	for n, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p, err := unescapePayload(line)
		if err != nil {
			t.Fatalf("testdata/xss.txt:%d: %v", n+1, err)
		}
		if seen[p] {
			t.Fatalf("testdata/xss.txt:%d: %q twice", n+1, p)
		}
		seen[p] = true
		out = append(out, p)
	}
	if len(out) < 50 {
		t.Fatalf("testdata/xss.txt holds %d payloads; it should hold the whole corpus", len(out))
	}
	return out
}

// unescapePayload undoes the corpus file's escapes: \t, \n, \xNN, \uNNNN
// and \\.
func unescapePayload(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return "", errors.New("a backslash at the end of the line (write \\\\)")
		}
		i++
		switch c := s[i]; c {
		case '\\':
			b.WriteByte('\\')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'x', 'u':
			n := 2
			if c == 'u' {
				n = 4
			}
			if i+1+n > len(s) {
				return "", fmt.Errorf("\\%c wants %d hex digits", c, n)
			}
			v, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
			if err != nil {
				return "", fmt.Errorf("\\%c%s: %v", c, s[i+1:i+1+n], err)
			}
			if c == 'x' {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(rune(v))
			}
			i += n
		default:
			return "", fmt.Errorf("unknown escape \\%c (write \\\\ for a backslash)", c)
		}
	}
	return b.String(), nil
}

func TestXSSCorpusFile(t *testing.T) {
	ps := xssCorpus(t)
	for _, want := range []string{"<script>alert(1)</script>", "\x01javascript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "\u2028alert(1)\u2029", "{{.}}", "${7*7}", "/\\evil.example/"} {
		found := false
		for _, p := range ps {
			found = found || p == want
		}
		if !found {
			t.Errorf("the corpus lacks %q", want)
		}
	}
	for _, bad := range []string{`\q`, `\x4`, `\u12`, `x\`} {
		if _, err := unescapePayload(bad); err == nil {
			t.Errorf("unescapePayload(%q) accepted it", bad)
		}
	}
}

// xssWord is in every corpus article's body, so that one search finds
// them all.
const xssWord = "xsscorpus"

// xssFixture is a server whose store holds the corpus everywhere.
type xssFixture struct {
	*fixture
	payloads []string
	// ids are each payload's two articles: one whose URL is the payload,
	// one whose https URL carries it in the query.
	ids   [][2]int64
	codes []string // the country code each payload's first article names
	// cookie is a signed-in session, to see the forms that change things.
	cookie string
}

// xssBlocks is an article body with the payload in every kind of block.
func xssBlocks(p string) []model.Block {
	return []model.Block{
		{Kind: model.Paragraph, Text: p},
		{Kind: model.Heading, Text: p},
		{Kind: model.Paragraph, Text: xssWord + " before\n" + p + "\nafter"},
		{Kind: model.ListItem, Text: p},
		{Kind: model.ListItem, Text: "item " + p},
		{Kind: model.Caption, Text: p},
		{Kind: model.Quote, Text: p},
	}
}

// xssFacts are facts made of the payload, naming the country code.
func xssFacts(p, code string) model.Facts {
	return model.Facts{Rules: p,
		Countries:  []model.Country{{Code: code, Name: p, Subject: true, Mentions: 1, As: "as " + p, Sentence: p}},
		Orgs:       []model.Org{{Name: p, Kind: p, Mentions: 1, As: p, Sentence: p}},
		People:     []model.Person{{Name: p, Role: p, Org: p, Sentence: p}},
		Operations: []model.Operation{{Name: p, Agency: p, Period: p, Sentence: p}},
		Figures: []model.Figure{
			{Kind: model.FigArrests, Value: 3, About: p, Sentence: p},
			{Kind: model.FigMoneySeized, Value: 1000, Unit: p, Qualifier: p, About: p, Sentence: "item " + p},
			{Kind: model.FigGoodsSeized, Value: 7, Unit: p, About: p, Sentence: "not in the body " + p},
		},
		Topics: []model.Topic{{ID: p, Name: p, Group: p, Evidence: []string{p, p}}},
	}
}

func newXSSFixture(t *testing.T) *xssFixture {
	t.Helper()
	payloads := xssCorpus(t)
	ctx := t.Context()
	st, err := sqlite.Open(ctx, ":memory:", sqlite.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	// A source per payload, named by it, its URL the payload or carrying
	// it, its last poll failing with it or its page advertising it.
	srcs := make([]model.Source, len(payloads))
	for i, p := range payloads {
		u := p
		if i%2 == 1 {
			u = "https://evil.example/feed?" + p
		}
		srcs[i] = model.Source{Name: p, URL: u, Type: model.SourceFeed, Links: p, Position: i}
	}
	if err := st.SyncSources(ctx, srcs); err != nil {
		t.Fatal(err)
	}
	for i, p := range payloads {
		r := store.PollResult{At: now.Add(-time.Hour), NextDue: now.Add(time.Hour), FeedURL: p}
		switch i % 4 {
		case 1:
			r = store.PollResult{At: now.Add(-time.Hour), NextDue: now.Add(time.Hour), Err: p}
		case 3:
			r = store.PollResult{At: now.Add(-time.Hour), NextDue: now.Add(time.Hour), Err: "GET " + p + ": 404 Not Found"}
		}
		if err := st.ReportPoll(ctx, p, r); err != nil {
			t.Fatal(err)
		}
	}

	x := &xssFixture{payloads: payloads}
	save := func(a model.Article, feed string) int64 {
		t.Helper()
		id, _, err := st.SaveArticle(ctx, store.Save{Article: a, Feed: feed})
		if err != nil {
			t.Fatalf("saving %q: %v", a.URL, err)
		}
		return id
	}
	for i, p := range payloads {
		pub := now.Add(-time.Duration(i+1) * time.Hour)
		a := model.Article{URL: p, Title: p, Published: pub, Blocks: xssBlocks(p)}
		idA := save(a, p)
		// Listed by the next payload's source too.
		if id := save(a, payloads[(i+1)%len(payloads)]); id != idA {
			t.Fatalf("saving %q again made article %d, want %d", p, id, idA)
		}
		b := model.Article{URL: "https://evil.example/" + strconv.Itoa(i) + "?" + p, Title: "B " + p, Published: pub.Add(-time.Minute),
			SummaryOnly: i%3 == 0, Blocks: xssBlocks(p)}
		idB := save(b, p)
		code := string(rune('A'+i/26)) + string(rune('A'+i%26))
		if err := st.SetFacts(ctx, idA, store.Enrichment{Facts: xssFacts(p, code)}); err != nil {
			t.Fatal(err)
		}
		// The second article names the payload as a country code, and is
		// in the first one's story.
		if err := st.SetFacts(ctx, idB, store.Enrichment{Facts: xssFacts(p, p), Story: idA}); err != nil {
			t.Fatal(err)
		}
		x.ids = append(x.ids, [2]int64{idA, idB})
		x.codes = append(x.codes, code)
	}
	secret, hash, err := auth.NewSecret(auth.TokenPrefix)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateToken(ctx, "tests", hash); err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Store: st, Now: func() time.Time { return now }, Version: "test", ReadOpen: true,
		// A test fetch shows the corpus as a source would send it, or fails
		// with it.
		Preview: func(ctx context.Context, src model.Source) (pipeline.Preview, error) {
			if strings.Contains(src.URL, "fail") {
				return pipeline.Preview{}, errors.New("GET " + src.Name + ": " + src.Links)
			}
			pv := pipeline.Preview{FeedURL: src.Name}
			for i, p := range payloads {
				pv.Entries = append(pv.Entries, model.Entry{URL: p, Title: p, Summary: p, Content: p})
				pa := pipeline.PreviewArticle{Article: model.Article{URL: p, Title: p, Published: now, SummaryOnly: i%2 == 0, Blocks: xssBlocks(p)}, Stored: i%3 == 0}
				if i%4 == 1 {
					pa.Err = errors.New(p)
				}
				pv.Articles = append(pv.Articles, pa)
			}
			return pv, nil
		},
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	x.fixture = &fixture{t: t, store: st, h: h, token: secret}
	x.cookie = quickSignIn(x.fixture, "ann")
	return x
}

// quickSignIn gives the user the tests' password, hashed at bcrypt's
// lowest cost so that the many sign-ins these tests make take no time, and
// signs in; it returns the session cookie.
func quickSignIn(f *fixture, name string) string {
	f.t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.store.SetPassword(f.t.Context(), name, string(hash)); err != nil {
		f.t.Fatal(err)
	}
	rec := f.form("/signin", "", url.Values{"name": {name}, "password": {password}, "next": {"/"}})
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie {
			return c.Name + "=" + c.Value
		}
	}
	f.t.Fatalf("sign-in: %d, no session cookie", rec.Code)
	return ""
}

// as is a request's credential: none, a session cookie or an API token.
type as map[string]string

func (x *xssFixture) signedIn() as { return as{"Cookie": x.cookie} }

// TestXSSPages requests every page, API route and feed over the corpus
// and checks each answer with a parser.
func TestXSSPages(t *testing.T) {
	t.Parallel()
	x := newXSSFixture(t)
	c := &xssChecker{t: t}
	anon, user := as(nil), x.signedIn()
	ps := x.payloads

	// Pages that show many payloads, anonymous and signed in.
	for _, who := range []as{anon, user} {
		for _, path := range []string{"/help/search", "/search", "/sources/new", "/digest", "/signin",
			"/countries?since=2024-01-01", "/operations?q=", "/static/", "/missing", "/articles/0"} {
			c.get(x, path, who)
		}
		latest := c.pages(x, "/", who)
		searched := c.pages(x, "/search?q="+xssWord+"&order=newest", who)
		for _, p := range ps {
			c.wantText(latest, p)
			c.wantText(searched, p)
			c.wantText(searched, "B "+p)
		}
		for _, path := range []string{"/sources", "/stats", "/digest?show=1", "/countries", "/operations"} {
			doc := c.get(x, path, who)
			for i, p := range ps {
				switch {
				case path == "/operations" && !uniqueFold(ps, p):
					// Operations are grouped by lower-cased name: the row
					// shows the first spelling seen.
				case path == "/digest?show=1":
					c.wantText(doc, p)
					c.wantText(doc, "B "+p)
				case path == "/countries":
					c.wantText(doc, p)
					c.wantText(doc, x.codes[i])
				default:
					c.wantText(doc, p)
				}
			}
		}
		// Every source's form shows as the signed-in user sees it.
		if who != nil {
			doc := c.get(x, "/sources", who)
			if n := len(c.find(doc, "form", "action", "")); n < 2*len(ps) {
				t.Errorf("signed in, /sources has %d forms; want the poll and pause forms of %d sources", n, len(ps))
			}
		}
	}

	// Pages of one payload.
	for i, p := range ps {
		name := url.PathEscape(p)
		c.wantText(c.get(x, "/?source="+url.QueryEscape(p), anon), p)
		for k, id := range x.ids[i] {
			doc := c.get(x, "/articles/"+strconv.FormatInt(id, 10), user)
			title := p
			if k == 1 {
				title = "B " + p
			}
			c.wantText(doc, title)
			if k == 0 {
				c.wantText(doc, ps[(i+1)%len(ps)]) // listed by
				if got := c.text(c.first(doc, "h1")); norm(got) != norm(p) {
					t.Errorf("article %q: its heading reads %q", p, got)
				}
				if got := c.text(c.first(doc, "title")); norm(got) != norm(p+" — sitrep") {
					t.Errorf("article %q: its <title> reads %q", p, got)
				}
			}
		}
		doc := c.get(x, "/search?q="+url.QueryEscape(p), anon)
		if got := c.attr(c.first(doc, "input", "id", "q"), "value"); norm(got) != norm(p) {
			t.Errorf("/search?q=%q: the search box holds %q", p, got)
		}
		c.get(x, "/search?q="+url.QueryEscape(p)+"&order="+url.QueryEscape(p), anon)
		c.get(x, "/search?q="+url.QueryEscape(xssWord)+"&cursor="+url.QueryEscape(p), anon)
		c.wantText(c.get(x, "/sources/"+name, user), p)
		c.wantText(c.get(x, "/sources/"+name, anon), p)
		c.wantText(c.get(x, "/sources/"+name+"/delete", user), p)
		c.wantText(c.get(x, "/digest?show=1&source="+url.QueryEscape(p), anon), p)
		c.wantText(c.get(x, "/operations?q="+url.QueryEscape(p), anon), p)
		c.wantText(c.get(x, "/countries/"+strings.ToLower(x.codes[i]), anon), p)
		c.get(x, "/countries?since="+url.QueryEscape(p), anon)
		c.get(x, "/countries/"+name, anon)
		c.get(x, "/articles/"+name, anon)
		c.get(x, "/?since="+url.QueryEscape(p), anon)
		c.get(x, "/"+name, anon)
	}

	// The API: every string comes back as it was stored.
	for _, id := range x.ids {
		c.get(x, "/api/v1/articles/"+strconv.FormatInt(id[1], 10), anon)
	}
	for i, p := range ps {
		v := c.get(x, "/api/v1/articles/"+strconv.FormatInt(x.ids[i][0], 10), anon)
		var rec struct {
			URL, Title string
			Source     string
			Feeds      []string
			Blocks     []model.Block
			People     []model.Person
		}
		c.decode(v, &rec)
		if rec.URL != p || rec.Title != p || rec.Source == "" || len(rec.Feeds) != 2 || len(rec.Blocks) == 0 || rec.Blocks[0].Text != p ||
			len(rec.People) != 1 || rec.People[0].Name != p {
			t.Errorf("/api/v1/articles/%d does not give %q back as it was stored: %+v", x.ids[i][0], p, rec)
		}
		c.get(x, "/api/v1/articles?q="+url.QueryEscape(p), anon)
		c.get(x, "/api/v1/search?q="+url.QueryEscape(p), anon)
		c.get(x, "/api/v1/search?q="+url.QueryEscape(xssWord)+"&order="+url.QueryEscape(p)+"&limit="+url.QueryEscape(p), anon)
		c.get(x, "/api/v1/operations?q="+url.QueryEscape(p), anon)
		c.get(x, "/api/v1/countries?since="+url.QueryEscape(p), anon)
		var src struct{ Name, URL, Links, LastError string }
		c.decode(c.get(x, "/api/v1/sources/"+url.PathEscape(p), anon), &src)
		if src.Name != p || src.Links != p {
			t.Errorf("/api/v1/sources/%s: %+v, want the payload back", url.PathEscape(p), src)
		}
		c.get(x, "/api/v1/"+url.PathEscape(p), anon)
		c.get(x, "/api/v1/articles/"+url.PathEscape(p), anon)
	}
	for _, path := range []string{"/api/v1/articles?limit=100", "/api/v1/search?q=" + xssWord + "&limit=100", "/api/v1/operations", "/api/v1/countries", "/api/v1/sources"} {
		strs := map[string]bool{}
		for next := path; next != ""; {
			v := c.get(x, next, anon)
			for s := range jsonStrings(v) {
				strs[s] = true
			}
			next = ""
			if m, ok := v.(map[string]any); ok {
				if cur, ok := m["next"].(string); ok && cur != "" {
					next = path + "&cursor=" + url.QueryEscape(cur)
				}
			}
		}
		for _, p := range ps {
			if path == "/api/v1/operations" && !uniqueFold(ps, p) {
				continue
			}
			if !strs[p] {
				t.Errorf("GET %s: no string is %q", path, p)
			}
		}
	}

	// Feeds and digests.
	for _, path := range []string{"/feeds/atom?limit=200", "/feeds/json?limit=200"} {
		titles := c.feedTitles(x, path)
		for _, p := range ps {
			if !titles[norm(p)] || !titles[norm("B "+p)] {
				t.Errorf("GET %s: no item is titled %q", path, p)
			}
		}
	}
	c.get(x, "/digest.txt", anon)
	c.get(x, "/sources.opml", anon)
	for _, p := range ps {
		q := url.QueryEscape(p)
		for _, path := range []string{"/feeds/atom?q=" + q, "/feeds/json?q=" + q, "/feeds/atom?source=" + q, "/feeds/json?source=" + q + "&limit=" + q,
			"/digest.txt?q=" + q, "/digest.txt?source=" + q + "&download=1"} {
			c.get(x, path, anon)
		}
	}
}

// TestXSSForms posts the corpus through every form and API write, and
// reads what comes back, redirects followed.
func TestXSSForms(t *testing.T) {
	t.Parallel()
	x := newXSSFixture(t)
	c := &xssChecker{t: t}
	user := x.signedIn()
	token := as{"Authorization": "Bearer " + x.token}
	ps := x.payloads
	hostile := func(p string) url.Values {
		return url.Values{"name": {p}, "url": {p}, "type": {p}, "links": {p}, "interval": {p}, "per_host": {p}, "host_delay": {p}, "orig": {p}}
	}

	// One test fetch shows the whole corpus as a feed would send it.
	doc := c.post(x, "/sources/test", user, url.Values{"name": {ps[0]}, "url": {"https://example.org/feed"}, "orig": {ps[0]}})
	for _, p := range ps {
		c.wantText(doc, p)
	}
	for i, p := range ps {
		name := url.PathEscape(p)
		// A failed test fetch says why, in the payload's words.
		c.wantText(c.post(x, "/sources/test", user, url.Values{"name": {p}, "url": {"https://example.org/fail"}, "type": {"html"}, "links": {"a"}}), p)
		c.post(x, "/sources/test", user, hostile(p))
		// A rejected form comes back as typed.
		for _, path := range []string{"/sources", "/sources/" + name} {
			doc := c.post(x, path, user, hostile(p))
			for _, id := range []string{"s-name", "s-url", "s-links", "s-interval", "s-perhost", "s-delay"} {
				if got := c.attr(c.first(doc, "input", "id", id), "value"); norm(got) != norm(p) {
					t.Errorf("POST %s with %q: #%s holds %q", path, p, id, got)
				}
			}
		}
		// Changes redirect to a page saying what was done.
		c.wantText(c.post(x, "/sources/"+name+"/poll", user, nil), p+" will be fetched in a moment.")
		if i%4 == 0 {
			c.wantText(c.post(x, "/sources/"+name+"/pause", user, nil), "Paused "+p+".")
		}
		c.check("POST resume", x.form("/sources/"+name+"/resume", x.cookie, nil))
		c.check("POST nope", x.form("/sources/"+name+"/nope", x.cookie, nil))

		// The API refuses the payload as a URL, and takes it as a name.
		c.send(x, "POST", "/api/v1/sources", token, "application/json", fmt.Sprintf(`{"name": %q, "url": %q, "links": %q}`, p, p, p))
		c.send(x, "POST", "/api/v1/sources", token, "application/json", fmt.Sprintf(`{"name": %q, "url": %q}`, p+" api", "https://evil.example/?"+p))
		c.send(x, "PUT", "/api/v1/sources/"+url.PathEscape(p+" api"), token, "application/json", fmt.Sprintf(`{"name": %q, "url": %q, "interval": %q}`, p, "https://evil.example/", p))
		c.send(x, "POST", "/api/v1/sources", token, "application/json", p)
		c.send(x, "POST", "/api/v1/sources", token, p, "{}")
		if i%2 == 0 {
			c.send(x, "DELETE", "/api/v1/sources/"+url.PathEscape(p+" api"), token, "", "")
		}
	}

	// An OPML import of the corpus, from a file named by a payload.
	var opml strings.Builder
	opml.WriteString(`<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>`)
	for _, p := range ps {
		fmt.Fprintf(&opml, `<outline type="rss" text="%s" title="%s" xmlUrl="https://evil.example/opml?%s"/>`, xmlAttr(p), xmlAttr(p+" opml"), xmlAttr(url.QueryEscape(p)))
	}
	opml.WriteString(`</body></opml>`)
	for _, filename := range []string{ps[0] + ".opml", `"><img src=x onerror=alert(1)>.opml`} {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, err := mw.CreateFormFile("opml", filename)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(fw, opml.String())
		mw.Close()
		c.send(x, "POST", "/sources/import", user, mw.FormDataContentType(), body.String())
	}
	doc, _ = c.get(x, "/sources", user).(*html.Node)
	for _, p := range ps {
		c.wantText(doc, p+" opml")
	}
	c.get(x, "/sources.opml", user)

	// Deleting says so by name.
	for _, p := range ps[:10] {
		c.wantText(c.post(x, "/sources/"+url.PathEscape(p)+"/delete", user, nil), "Deleted "+p+"; its articles stay.")
	}
}

// TestXSSSignInRedirects: wherever sign-in is told to go, it goes to a
// path on this site.
func TestXSSSignInRedirects(t *testing.T) {
	c := &xssChecker{t: t}
	nexts := append([]string{
		"//evil.example", "//evil.example/", "///evil.example", "/\\evil.example", "\\/evil.example", "/\\/evil.example",
		"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/ /evil.example", "/%2F/evil.example", "/%5Cevil.example",
		"/./\\evil.example", "/..//evil.example", "/.//evil.example", "/%09/evil.example",
		"https://evil.example", "https://evil.example/", "HTTPS://evil.example", "http:evil.example", "http:/evil.example",
		"javascript:alert(1)", " javascript:alert(1)", "/javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
		"evil.example", ".evil.example", "@evil.example", "/@evil.example", "/?//evil.example", "/#//evil.example", "",
	}, xssCorpus(t)...)
	wrong := 0
	for _, closed := range []bool{false, true} {
		f := newFixture(t, func(cfg *Config) { cfg.ReadOpen = !closed })
		x := &xssFixture{fixture: f}
		quickSignIn(f, "ann")
		for _, next := range nexts {
			// The form carries a safe next.
			doc := c.get(x, "/signin?next="+url.QueryEscape(next), nil)
			got := c.attr(c.first(doc, "input", "name", "next"), "value")
			if !sameSite(got) {
				t.Errorf("/signin?next=%q: the form's next is %q", next, got)
			}
			// Signing in goes to a path here.
			rec := f.form("/signin", "", url.Values{"name": {"ann"}, "password": {password}, "next": {next}})
			loc := rec.Header().Get("Location")
			c.response("POST /signin next="+strconv.Quote(next), rec)
			if rec.Code != http.StatusSeeOther || !sameSite(loc) {
				t.Errorf("signing in with next=%q: %d to %q", next, rec.Code, loc)
			}
			if !strings.HasPrefix(next, "/") && loc != "/" {
				t.Errorf("signing in with next=%q went to %q, want /", next, loc)
			}
			// A wrong password shows the form again with a safe next. Each
			// comes from its own address, which the failure limit counts.
			wrong++
			rec = formFrom(f, fmt.Sprintf("10.0.%d.%d:1234", wrong/250, wrong%250), "/signin", url.Values{"name": {"ann"}, "password": {"wrong"}, "next": {next}})
			doc = c.response("POST /signin (wrong) next="+strconv.Quote(next), rec)
			if got := c.attr(c.first(doc, "input", "name", "next"), "value"); rec.Code == http.StatusUnauthorized && !sameSite(got) {
				t.Errorf("a wrong password with next=%q: the form's next is %q", next, got)
			}
			if closed {
				// An anonymous page on a closed server sends to sign in,
				// and the next it passes on is a path here.
				rec := f.get("/search?q=" + url.QueryEscape(next))
				c.response("closed GET /search", rec)
				u, err := url.Parse(rec.Header().Get("Location"))
				if err != nil || u.Path != "/signin" || !sameSite(u.Query().Get("next")) {
					t.Errorf("closed server, /search?q=%q: redirected to %q", next, rec.Header().Get("Location"))
				}
			}
		}
		// Raw request targets a browser would not send, still answered
		// with a redirect that stays here.
		for _, target := range []string{"//evil.example/", "/\\evil.example", "/%2F%2Fevil.example", "/.//evil.example/"} {
			req := httptest.NewRequest("GET", "/", nil)
			req.RequestURI = target
			req.URL = &url.URL{Path: target}
			if u, err := url.ParseRequestURI(target); err == nil {
				req.URL = u
			}
			rec := httptest.NewRecorder()
			f.h.ServeHTTP(rec, req)
			c.response("GET "+target, rec)
		}
	}
}

// formFrom posts a form from a given client address.
func formFrom(f *fixture, remote, path string, v url.Values) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = remote
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

// sameSite reports whether a redirect target stays on this site, as a
// browser reads it: a path, never "//host", "/\host" or a scheme.
func sameSite(loc string) bool {
	if loc == "" || loc[0] != '/' || len(loc) > 1 && (loc[1] == '/' || loc[1] == '\\') {
		return false
	}
	if strings.ContainsFunc(loc, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return false
	}
	u, err := url.Parse(loc)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return false
	}
	base, _ := url.Parse("http://sitrep.test/a/b")
	return base.ResolveReference(u).Host == "sitrep.test"
}

// uniqueFold reports whether no other payload equals p ignoring case and
// surrounding space (the operations page groups those).
func uniqueFold(ps []string, p string) bool {
	n := 0
	for _, q := range ps {
		if strings.EqualFold(strings.TrimSpace(q), strings.TrimSpace(p)) {
			n++
		}
	}
	return n == 1
}

func xmlAttr(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), `"`, "&#34;")
}

// xssChecker sends requests and checks every answer.
type xssChecker struct {
	t     *testing.T
	texts map[*html.Node]string // normalised text of the documents seen
}

// get sends a GET and checks the answer; it returns the parsed document
// (*html.Node) or JSON value (any), or nil.
func (c *xssChecker) get(x *xssFixture, path string, who as) any {
	c.t.Helper()
	return c.send(x, "GET", path, who, "", "")
}

// post sends a form and follows a redirect to its page.
func (c *xssChecker) post(x *xssFixture, path string, who as, v url.Values) *html.Node {
	c.t.Helper()
	out := c.send(x, "POST", path, who, "application/x-www-form-urlencoded", v.Encode())
	doc, _ := out.(*html.Node)
	return doc
}

// send sends a request, checks the answer, and follows a redirect once.
func (c *xssChecker) send(x *xssFixture, method, path string, who as, ctype, body string) any {
	c.t.Helper()
	h := map[string]string{}
	for k, v := range who {
		h[k] = v
	}
	if ctype != "" {
		h["Content-Type"] = ctype
	}
	if method != "GET" {
		h["Sec-Fetch-Site"] = "same-origin"
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	name := method + " " + path
	rec := x.do(method, path, rd, h)
	out := c.check(name, rec)
	if rec.Code == http.StatusSeeOther || rec.Code == http.StatusFound {
		if loc := rec.Header().Get("Location"); sameSite(loc) {
			return c.send(x, "GET", loc, who, "", "")
		}
	}
	return out
}

// pages gets a paged list and every page after it; it returns their text.
func (c *xssChecker) pages(x *xssFixture, path string, who as) *html.Node {
	c.t.Helper()
	all := &html.Node{Type: html.DocumentNode}
	for n := 0; path != ""; n++ {
		doc, _ := c.get(x, path, who).(*html.Node)
		if doc == nil || n > 50 {
			c.t.Fatalf("GET %s: no page, or too many pages", path)
		}
		all.AppendChild(&html.Node{Type: html.TextNode, Data: c.text(doc)})
		path = ""
		if next := c.find(doc, "a", "rel", "next"); len(next) > 0 {
			path = c.attr(next[0], "href")
		}
	}
	return all
}

// response checks an answer the caller made; it returns the parsed
// document or JSON value, or nil.
func (c *xssChecker) response(name string, rec *httptest.ResponseRecorder) *html.Node {
	c.t.Helper()
	doc, _ := c.check(name, rec).(*html.Node)
	return doc
}

// check checks any answer: its headers, then its body by its type.
func (c *xssChecker) check(name string, rec *httptest.ResponseRecorder) any {
	c.t.Helper()
	t := c.t
	hd := rec.Header()
	checkSecurityHeaders(t, name, hd)
	if rec.Code >= 500 {
		t.Errorf("%s: %d\n%s", name, rec.Code, rec.Body)
	}
	if rec.Code >= 300 && rec.Code < 400 {
		if loc := hd.Get("Location"); !sameSite(loc) {
			t.Errorf("%s: redirects off the site, to %q", name, loc)
		}
	}
	if rec.Code == http.StatusNoContent || rec.Code == http.StatusNotModified || rec.Body.Len() == 0 {
		return nil
	}
	ct := hd.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		t.Errorf("%s: Content-Type %q: %v", name, ct, err)
		return nil
	}
	if cs := params["charset"]; mt != "application/json" && mt != "application/problem+json" && !strings.EqualFold(cs, "utf-8") {
		t.Errorf("%s: Content-Type %q names no UTF-8 charset", name, ct)
	}
	body := rec.Body.Bytes()
	switch mt {
	case "text/html":
		doc, err := html.Parse(bytes.NewReader(body))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return nil
		}
		for _, p := range checkHTML(doc) {
			t.Errorf("%s: %s", name, p)
		}
		return doc
	case "application/json", "application/problem+json":
		return checkAPIJSON(t, name, body)
	case "application/atom+xml":
		checkAtom(t, name, body)
	case "application/feed+json":
		checkJSONFeed(t, name, body)
	case "text/plain", "text/css":
	case "text/x-opml":
		if err := xmlWellFormed(body); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	default:
		t.Errorf("%s: unexpected Content-Type %q", name, ct)
	}
	return nil
}

// checkSecurityHeaders checks what every answer must carry: a content
// policy that runs no script and allows no framing, nosniff, no referrer.
func checkSecurityHeaders(t *testing.T, name string, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	dirs := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			dirs[strings.ToLower(f[0])] = strings.Join(f[1:], " ")
		}
	}
	if dirs["default-src"] != "'none'" {
		t.Errorf("%s: Content-Security-Policy %q: want default-src 'none'", name, csp)
	}
	for _, d := range []string{"script-src", "script-src-elem", "script-src-attr", "object-src", "frame-src", "child-src", "worker-src"} {
		if v, ok := dirs[d]; ok && v != "'none'" {
			t.Errorf("%s: Content-Security-Policy allows %s %s", name, d, v)
		}
	}
	if strings.Contains(csp, "unsafe-") {
		t.Errorf("%s: Content-Security-Policy %q allows something unsafe", name, csp)
	}
	if dirs["base-uri"] != "'none'" && dirs["base-uri"] != "'self'" {
		t.Errorf("%s: Content-Security-Policy %q does not restrict <base>", name, csp)
	}
	if dirs["form-action"] != "'self'" && dirs["form-action"] != "'none'" {
		t.Errorf("%s: Content-Security-Policy %q does not restrict form targets", name, csp)
	}
	if dirs["frame-ancestors"] != "'none'" && !strings.EqualFold(h.Get("X-Frame-Options"), "DENY") {
		t.Errorf("%s: the answer may be framed (frame-ancestors %q, X-Frame-Options %q)", name, dirs["frame-ancestors"], h.Get("X-Frame-Options"))
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q", name, got)
	}
	switch got := h.Get("Referrer-Policy"); got {
	case "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin":
	default:
		t.Errorf("%s: Referrer-Policy %q", name, got)
	}
}

// urlAttrs are the attributes whose value a browser may load, navigate to
// or run.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "data": true, "poster": true, "background": true,
	"cite": true, "longdesc": true, "srcset": true, "imagesrcset": true, "ping": true, "codebase": true, "archive": true,
	"manifest": true, "icon": true, "lowsrc": true, "dynsrc": true, "usemap": true, "profile": true, "classid": true,
	"itemtype": true, "base": true,
}

// forbiddenElements run, load or frame something, or change the document.
var forbiddenElements = map[string]bool{
	"script": true, "iframe": true, "frame": true, "frameset": true, "object": true, "embed": true, "applet": true,
	"base": true, "portal": true, "style": true, "param": true, "xml": true, "import": true, "fencedframe": true,
}

// svgElements are the elements internal/chart draws; a chart holds no
// other (no <a>, <script>, <foreignObject>, <use>, <animate>, <image>).
var svgElements = map[string]bool{
	"svg": true, "title": true, "desc": true, "defs": true, "pattern": true, "rect": true, "circle": true, "g": true, "text": true, "path": true,
}

var schemeRE = regexp.MustCompile(`^[a-z][a-z0-9+.\-]*:`)

// normURL is an attribute's URL as a browser reads its scheme: entities are
// decoded by the parser already; control characters and white space are
// dropped wherever they are, and case does not matter.
func normURL(v string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if r <= 0x20 || r == 0x7f || unicode.IsSpace(r) || unicode.IsControl(r) || r == '\ufeff' {
			return -1
		}
		return r
	}, v))
}

// checkHTML lists what is wrong with a parsed document or fragment: any
// element that runs or loads something, any event-handler or style
// attribute, any URL attribute with a scheme other than http(s) (the
// layout's empty data: icon aside), any form posting off the site.
func checkHTML(doc *html.Node) []string {
	var out []string
	bad := func(n *html.Node, format string, args ...any) {
		out = append(out, fmt.Sprintf(format, args...)+" in "+render(n))
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			tag := n.Data
			switch {
			case n.Namespace == "svg":
				if !svgElements[tag] {
					bad(n, "an <svg:%s> element", tag)
				}
			case n.Namespace != "":
				bad(n, "a <%s:%s> element", n.Namespace, tag)
			case forbiddenElements[tag]:
				bad(n, "a <%s> element", tag)
			case tag == "meta":
				if htmlAttr(n, "charset") == "" && htmlAttr(n, "name") != "viewport" {
					bad(n, "a <meta> that is not the charset or the viewport")
				}
			case tag == "link":
				rel, href := htmlAttr(n, "rel"), htmlAttr(n, "href")
				switch {
				case rel == "stylesheet" && href == "/static/style.css":
				case rel == "icon" && href == "data:,":
				case rel == "alternate" && sameSite(href):
				default:
					bad(n, "a <link rel=%q>", rel)
				}
			case tag == "form":
				if a := htmlAttr(n, "action"); !sameSite(a) {
					bad(n, "a form posting to %q", a)
				}
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if a.Namespace != "" {
					key = a.Namespace + ":" + key
				}
				local := key[strings.LastIndex(key, ":")+1:]
				switch {
				case strings.HasPrefix(local, "on"):
					bad(n, "an event handler %s=%q", key, a.Val)
				case local == "style" || local == "srcdoc" || local == "http-equiv" || local == "is":
					bad(n, "a %s attribute", key)
				case local == "formaction" && !sameSite(a.Val):
					bad(n, "a button posting to %q", a.Val)
				case urlAttrs[local]:
					v := normURL(a.Val)
					if tag == "link" && htmlAttr(n, "rel") == "icon" && a.Val == "data:," {
						continue
					}
					if m := schemeRE.FindString(v); m != "" && m != "http:" && m != "https:" {
						bad(n, "%s=%q (a %s URL)", key, a.Val, m)
					}
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(doc)
	return out
}

func htmlAttr(n *html.Node, key string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// render is n's start tag, for messages.
func render(n *html.Node) string {
	var b strings.Builder
	c := *n
	c.FirstChild, c.LastChild, c.Parent, c.PrevSibling, c.NextSibling = nil, nil, nil, nil, nil
	html.Render(&b, &c)
	s := b.String()
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// checkHTMLFragment checks HTML that a feed or the API carries for a reader
// to show.
func checkHTMLFragment(t *testing.T, name, s string) {
	t.Helper()
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	for _, n := range nodes {
		ctx.AppendChild(n)
	}
	for _, p := range checkHTML(ctx) {
		t.Errorf("%s: %s", name, p)
	}
}

// checkAPIJSON checks an API answer: valid JSON in which no character that
// could end a string in HTML or JavaScript is left unescaped, and any HTML
// it carries (highlighted titles and snippets) is safe.
func checkAPIJSON(t *testing.T, name string, body []byte) any {
	t.Helper()
	if !json.Valid(body) {
		t.Errorf("%s: not JSON:\n%s", name, body)
		return nil
	}
	if !strings.HasPrefix(name, "GET /api/v1/openapi.json") {
		for _, ch := range []string{"<", ">", "&", "\u2028", "\u2029"} {
			if bytes.Contains(body, []byte(ch)) {
				t.Errorf("%s: %q unescaped in JSON", name, ch)
			}
		}
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Errorf("%s: %v", name, err)
		return nil
	}
	walkJSON(v, func(key string, s string) {
		if strings.HasSuffix(key, "_html") {
			checkHTMLFragment(t, name+" "+key, s)
		}
	})
	return v
}

func walkJSON(v any, f func(key, s string)) {
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case string:
			f(key, v)
		case []any:
			for _, e := range v {
				walk(key, e)
			}
		case map[string]any:
			for k, e := range v {
				f("", k)
				walk(k, e)
			}
		}
	}
	walk("", v)
}

// jsonStrings is every string in a JSON value.
func jsonStrings(v any) map[string]bool {
	out := map[string]bool{}
	walkJSON(v, func(_, s string) { out[s] = true })
	return out
}

// decode re-reads a JSON value into a struct.
func (c *xssChecker) decode(v any, into any) {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(b, into)
	}
	if err != nil {
		c.t.Fatal(err)
	}
}

const atomNS = "http://www.w3.org/2005/Atom"

var atomElements = map[string]map[string]bool{
	"feed": {}, "id": {}, "title": {"type": true}, "updated": {}, "published": {}, "generator": {}, "entry": {}, "author": {}, "name": {},
	"link": {"rel": true, "type": true, "href": true}, "category": {"term": true}, "summary": {"type": true}, "content": {"type": true},
}

// checkAtom checks an Atom feed: well-formed, only Atom's elements and
// attributes, text as text, every link http(s), and its HTML content safe.
func checkAtom(t *testing.T, name string, body []byte) map[string]bool {
	t.Helper()
	titles := map[string]bool{}
	dec := xml.NewDecoder(bytes.NewReader(body))
	type open struct {
		name  string
		typ   string
		text  strings.Builder
		entry bool
	}
	var stack []*open
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return titles
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			allowed, ok := atomElements[tok.Name.Local]
			if tok.Name.Space != atomNS || !ok {
				t.Errorf("%s: element {%s}%s is not Atom's", name, tok.Name.Space, tok.Name.Local)
			}
			o := &open{name: tok.Name.Local}
			for _, a := range tok.Attr {
				if a.Name.Space == "" && a.Name.Local == "xmlns" {
					continue
				}
				if a.Name.Space != "" || !allowed[a.Name.Local] {
					t.Errorf("%s: <%s> has an attribute {%s}%s", name, tok.Name.Local, a.Name.Space, a.Name.Local)
				}
				switch a.Name.Local {
				case "type":
					o.typ = a.Value
					if a.Value != "text" && a.Value != "html" && a.Value != "application/atom+xml" && a.Value != "text/html" {
						t.Errorf("%s: <%s type=%q>", name, tok.Name.Local, a.Value)
					}
				case "href":
					if u, err := url.Parse(a.Value); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !strings.HasPrefix(a.Value, u.Scheme+"://") {
						t.Errorf("%s: a link to %q", name, a.Value)
					}
				}
			}
			if tok.Name.Local == "title" && o.typ != "" && o.typ != "text" {
				t.Errorf("%s: a title of type %q", name, o.typ)
			}
			if len(stack) > 0 && stack[len(stack)-1].name == "entry" {
				o.entry = true
			}
			stack = append(stack, o)
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(tok)
			}
		case xml.EndElement:
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			switch {
			case o.name == "content" && o.typ == "html":
				checkHTMLFragment(t, name+" content", o.text.String())
			case o.name == "title" && o.entry:
				titles[norm(o.text.String())] = true
			}
		case xml.ProcInst:
			if tok.Target != "xml" {
				t.Errorf("%s: a processing instruction <?%s", name, tok.Target)
			}
		case xml.Directive:
			t.Errorf("%s: a directive <!%s>", name, tok)
		}
	}
	return titles
}

// checkJSONFeed checks a JSON Feed: it parses, every URL is http(s) and
// the HTML content is safe.
func checkJSONFeed(t *testing.T, name string, body []byte) map[string]bool {
	t.Helper()
	var f struct {
		Version     string `json:"version"`
		HomePageURL string `json:"home_page_url"`
		FeedURL     string `json:"feed_url"`
		Icon        string `json:"icon"`
		Favicon     string `json:"favicon"`
		Items       []struct {
			ID          string `json:"id"`
			URL         string `json:"url"`
			ExternalURL string `json:"external_url"`
			Title       string `json:"title"`
			ContentHTML string `json:"content_html"`
			Image       string `json:"image"`
			BannerImage string `json:"banner_image"`
			Authors     []struct {
				URL    string `json:"url"`
				Avatar string `json:"avatar"`
			} `json:"authors"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &f); err != nil {
		t.Errorf("%s: %v", name, err)
		return nil
	}
	link := func(what, s string) {
		if s == "" {
			return
		}
		if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !strings.HasPrefix(s, u.Scheme+"://") {
			t.Errorf("%s: %s %q", name, what, s)
		}
	}
	link("home_page_url", f.HomePageURL)
	link("feed_url", f.FeedURL)
	link("icon", f.Icon)
	link("favicon", f.Favicon)
	titles := map[string]bool{}
	for _, it := range f.Items {
		link("url", it.URL)
		link("external_url", it.ExternalURL)
		link("image", it.Image)
		link("banner_image", it.BannerImage)
		for _, a := range it.Authors {
			link("author url", a.URL)
			link("avatar", a.Avatar)
		}
		checkHTMLFragment(t, name+" content_html", it.ContentHTML)
		titles[norm(it.Title)] = true
	}
	return titles
}

// feedTitles gets a feed and returns its items' titles, normalised.
func (c *xssChecker) feedTitles(x *xssFixture, path string) map[string]bool {
	c.t.Helper()
	rec := x.get(path)
	c.check("GET "+path, rec)
	if strings.HasPrefix(path, "/feeds/atom") {
		return checkAtom(c.t, path, rec.Body.Bytes())
	}
	return checkJSONFeed(c.t, path, rec.Body.Bytes())
}

func xmlWellFormed(b []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := dec.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// norm is text as the tests compare it: control characters, U+FFFD and
// NULs (which HTML parsing replaces or drops) left out, runs of white
// space one space.
func norm(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		if r < 0x20 || r == 0x7f || r == '\ufffd' || (r >= 0x80 && r <= 0x9f) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// text is a node's text, a line break for <br>.
func (c *xssChecker) text(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n == nil:
			return
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && n.Data == "br":
			b.WriteByte('\n')
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(n)
	return b.String()
}

// wantText fails unless the document's text shows s.
func (c *xssChecker) wantText(doc any, s string) {
	c.t.Helper()
	n, _ := doc.(*html.Node)
	if n == nil {
		c.t.Errorf("no page to find %q in", s)
		return
	}
	if c.texts == nil {
		c.texts = map[*html.Node]string{}
	}
	text, ok := c.texts[n]
	if !ok {
		text = norm(c.text(n))
		c.texts[n] = text
	}
	if !strings.Contains(text, norm(s)) {
		c.t.Errorf("the page does not show %q as text", s)
	}
}

// find is every element named tag whose attribute key is val ("" matches
// any value).
func (c *xssChecker) find(doc any, tag, key, val string) []*html.Node {
	var out []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			for _, a := range n.Attr {
				if a.Key == key && (val == "" || a.Val == val) {
					out = append(out, n)
					break
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	if n, _ := doc.(*html.Node); n != nil {
		walk(n)
	}
	return out
}

// first is the first element named tag, with attribute key=val when given.
func (c *xssChecker) first(doc any, tag string, kv ...string) *html.Node {
	c.t.Helper()
	if len(kv) == 2 {
		if ns := c.find(doc, tag, kv[0], kv[1]); len(ns) > 0 {
			return ns[0]
		}
		c.t.Errorf("no <%s %s=%q>", tag, kv[0], kv[1])
		return nil
	}
	var found *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if found != nil {
			return
		}
		if n.Type == html.ElementNode && n.Data == tag {
			found = n
			return
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	if n, _ := doc.(*html.Node); n != nil {
		walk(n)
	}
	if found == nil {
		c.t.Errorf("no <%s>", tag)
	}
	return found
}

func (c *xssChecker) attr(n *html.Node, key string) string { return htmlAttr(n, key) }

// TestXSSCheckerCatches makes sure the checks see what they look for: a
// quiet run must mean clean pages, not a blind checker.
func TestXSSCheckerCatches(t *testing.T) {
	bad := []string{
		`<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`, `<a href="jav&#x09;ascript:alert(1)">x</a>`,
		`<a href="&#x01;javascript:alert(1)">x</a>`, `<a href=" JaVaScRiPt:alert(1)">x</a>`, `<form action="https://evil.example/"></form>`,
		`<iframe srcdoc="x"></iframe>`, `<base href="//evil.example/">`, `<meta http-equiv="refresh" content="0">`,
		`<svg><a xlink:href="javascript:alert(1)">x</a></svg>`, `<svg onload=alert(1)></svg>`, `<math><mi>x</mi></math>`,
		`<object data="x"></object>`, `<embed src="x">`, `<video poster="javascript:alert(1)"></video>`, `<div style="x"></div>`,
		`<button formaction="javascript:alert(1)">x</button>`, `<img srcset="vbscript:x 1x">`, `<a href="data:text/html,x">x</a>`,
		`<link rel="stylesheet" href="//evil.example/x.css">`,
	}
	for _, b := range bad {
		doc, err := html.Parse(strings.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if len(checkHTML(doc)) == 0 {
			t.Errorf("checkHTML misses %s", b)
		}
	}
	good := `<!doctype html><html><head><link rel="icon" href="data:,"><link rel="stylesheet" href="/static/style.css"></head><body>` +
		`<a href="/search?q=javascript%3Aalert(1)">x</a><a href="https://evil.example/?javascript:alert(1)">x</a><a href="#ZgotmplZ">x</a>` +
		`<form action="/search"></form><p>&lt;script&gt;alert(1)&lt;/script&gt; javascript:alert(1)</p></body></html>`
	doc, _ := html.Parse(strings.NewReader(good))
	if p := checkHTML(doc); len(p) > 0 {
		t.Errorf("checkHTML flags a clean page: %q", p)
	}
	for _, loc := range []string{"//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)", "/\t/evil.example", ""} {
		if sameSite(loc) {
			t.Errorf("sameSite(%q)", loc)
		}
	}
	h := http.Header{}
	securityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range w.Header() {
			h[k] = v
		}
	})).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	checkSecurityHeaders(t, "securityHeaders", h)
}

// TestXSSHostHeader: the feeds' absolute links are built from the Host
// header, which is the client's to write. A host name that is odd but
// valid gives links to it (the client's own answer); one that is no host
// name at all is the client's mistake, answered 400, not a server error.
func TestXSSHostHeader(t *testing.T) {
	f := newFixture(t, nil)
	c := &xssChecker{t: t}
	for _, host := range []string{"evil.example", "evil.example:8080", "a'b()!$&*+,;=~", "[::1]:8080", "[", "x:y:z", "a%zz", "[::1", "", ":80"} {
		for _, path := range []string{"/feeds/atom", "/feeds/json"} {
			req := httptest.NewRequest("GET", path, nil)
			req.Host = host
			rec := httptest.NewRecorder()
			f.h.ServeHTTP(rec, req)
			name := fmt.Sprintf("GET %s with Host %q", path, host)
			c.check(name, rec)
			if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
				t.Errorf("%s: %d, want 200 or 400", name, rec.Code)
			}
		}
	}
}

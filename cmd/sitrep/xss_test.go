package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestXSSBrowser feeds the XSS corpus (internal/web/testdata/xss.txt)
// through the whole program: a loopback site serves RSS and Atom feeds whose
// channel titles, item titles, authors, categories, descriptions,
// content:encoded and links carry every payload, and article pages that
// carry them in titles, meta tags, canonical links, headings, lists,
// captions and raw markup; `sitrep fetch` stores it, `sitrep serve` shows
// it, and headless Chromium opens every page that shows it. Any JavaScript
// dialog, a window.__xss flag set, a console error, a CSP violation, or an
// element or attribute in the DOM that could run script fails the test.
// internal/web's TestXSS* tests hold the same corpus to the handlers with
// a parser; this one is the browser's word on it.
func TestXSSBrowser(t *testing.T) {
	start := time.Now()
	chromium := findChromium(t)
	payloads := readXSSCorpus(t)
	site := xssSite(t, payloads)
	now := browserClock()

	base, serveLog := startXSSServer(t, site, payloads, now)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve log:\n%s", serveLog.String())
		}
	})
	t.Logf("fetched and serving at %s after %v", base, time.Since(start).Round(time.Millisecond))

	b := startBrowser(t, chromium, base)
	x := &xssBrowser{browser: b}
	x.watchDialogs(t)
	t.Logf("browser ready after %v", time.Since(start).Round(time.Millisecond))

	// A quiet run must mean a clean site, not a deaf listener.
	x.probe(t)

	// What the program stored, by the API.
	arts := xssArticles(t, base)
	if len(arts) < len(payloads) {
		t.Errorf("%d articles stored from %d payloads", len(arts), len(payloads))
	}
	shown := 0
	var lost []string
	for _, p := range payloads {
		found := false
		for _, a := range arts {
			if strings.Contains(a.Title, strings.TrimSpace(p)) {
				found = true
				break
			}
		}
		if found {
			shown++
		} else {
			lost = append(lost, strconv.QuoteToASCII(p))
		}
	}
	if testing.Verbose() && len(lost) > 0 {
		t.Logf("payloads no title keeps verbatim (feed reading and extraction clean titles):\n%s", strings.Join(lost, "\n"))
	}
	t.Logf("%d articles; %d of %d payloads kept in a title", len(arts), shown, len(payloads))
	if shown < len(payloads)/2 {
		t.Errorf("only %d of %d payloads reached a title: the test would prove little", shown, len(payloads))
	}

	// Sign in from a link whose next is hostile: the form sends us home,
	// and the pages show the forms that change things.
	x.signIn(t, "javascript:alert(1)")

	// The pages that list them, every page of each.
	var text strings.Builder
	for _, start := range []string{"/", "/search?q=xsscorpus&order=newest", "/search?q=" + url.QueryEscape(`"<script>"`)} {
		for path, n := start, 0; path != "" && n < 20; n++ {
			x.visit(t, path, 200)
			text.WriteString(x.text(t))
			path = eval[string](t, b, `(() => { const a = document.querySelector("a[rel=next]"); return a ? a.getAttribute("href") : ""; })()`)
		}
	}
	if !strings.Contains(text.String(), "<script>alert(1)</script>") {
		t.Errorf("the lists never show <script>alert(1)</script> as text")
	}

	// Every article.
	for _, a := range arts {
		x.visit(t, "/articles/"+strconv.FormatInt(a.ID, 10), 200)
	}

	// Searching for a payload shows it back in the search box (a malformed
	// query answers 400 with the form).
	for i, p := range payloads {
		if i%5 != 0 {
			continue
		}
		path := "/search?q=" + url.QueryEscape(p)
		if status := x.loadStatus(t, path); status != 200 && status != 400 {
			t.Errorf("%s: %d", path, status)
		}
		x.check(t, path)
		// (A search box drops line breaks, and a NUL is U+FFFD in HTML.)
		if got := eval[string](t, b, `document.getElementById("q").value`); got != p && !strings.ContainsFunc(p, unicode.IsControl) {
			t.Errorf("%s: the search box holds %q, want %q", path, got, p)
		}
	}

	// The sources, each one's page, its delete page and a test fetch from
	// its form, which shows what the feed holds right now.
	x.visit(t, "/sources", 200)
	for _, name := range xssSourceNames(payloads) {
		esc := url.PathEscape(strings.TrimSpace(name))
		x.visit(t, "/sources/"+esc, 200)
		x.visit(t, "/sources/"+esc+"/delete", 200)
	}
	name := url.PathEscape(strings.TrimSpace(xssSourceNames(payloads)[0]))
	x.loadStatus(t, "/sources/"+name)
	x.load(t, "test fetch", 200, chromedp.Click(chromedp.CSS(`button[formaction="/sources/test"]`)))
	x.check(t, "test fetch of "+name)
	if txt := x.text(t); !strings.Contains(txt, "Test fetch:") {
		t.Errorf("the test fetch shows no preview:\n%s", txt)
	}

	// The pages made of facts and counts.
	for _, path := range []string{"/stats", "/digest?show=1", "/operations", "/countries", "/help/search"} {
		x.visit(t, path, 200)
	}
	for _, code := range xssCountryCodes(t, base) {
		x.visit(t, "/countries/"+strings.ToLower(code), 200)
	}
	// The plain-text and JSON answers, as a browser shows them.
	for _, path := range []string{"/digest.txt", "/api/v1/articles?limit=100"} {
		x.visit(t, path, 200)
	}
	t.Logf("%d pages in %v", x.pages, time.Since(start).Round(time.Millisecond))
}

// readXSSCorpus reads internal/web/testdata/xss.txt as internal/web's
// tests do (the file's header has the format).
func readXSSCorpus(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "internal", "web", "testdata", "xss.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for n, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p, err := unescapeXSS(line)
		if err != nil {
			t.Fatalf("xss.txt:%d: %v", n+1, err)
		}
		out = append(out, p)
	}
	return out
}

// unescapeXSS undoes the corpus file's escapes: \t, \n, \xNN, \uNNNN, \\.
func unescapeXSS(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return "", errors.New("a backslash at the end of the line")
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
				return "", err
			}
			if c == 'x' {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(rune(v))
			}
			i += n
		default:
			return "", fmt.Errorf("unknown escape \\%c", c)
		}
	}
	return b.String(), nil
}

// xssFeeds is how many RSS feeds the corpus is spread over; each is a
// source named by a payload.
const xssFeeds = 6

// xssSourceNames are the sources' names: a payload each, spread over the
// corpus, and one for the Atom feed.
func xssSourceNames(payloads []string) []string {
	var out []string
	for k := range xssFeeds {
		out = append(out, payloads[k*len(payloads)/xssFeeds])
	}
	return append(out, payloads[len(payloads)/2+1]+" (Atom)")
}

// xmlText escapes s as XML character data or a quoted attribute value;
// what XML cannot carry (NUL, most controls) becomes U+FFFD.
func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// xssSite serves the corpus as feeds and article pages.
func xssSite(t *testing.T, payloads []string) *httptest.Server {
	t.Helper()
	var base string
	published := func(i int) time.Time {
		return time.Date(2024, 10, 17, 12, 0, 0, 0, time.UTC).Add(-time.Duration(i) * 3 * time.Hour)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feed/{k}", func(w http.ResponseWriter, r *http.Request) {
		k, err := strconv.Atoi(r.PathValue("k"))
		if err != nil || k < 0 || k >= xssFeeds {
			http.NotFound(w, r)
			return
		}
		ch := payloads[k*len(payloads)/xssFeeds]
		var b strings.Builder
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>%s</title><link>%s</link><description>%s</description>
`, xmlText(ch), xmlText(base+"/?"+url.QueryEscape(ch)), xmlText(ch))
		for i := k; i < len(payloads); i += xssFeeds {
			p := payloads[i]
			content := "<p>" + html.EscapeString(p) + "</p>" + p + "<p>xsscorpus: the feed's own text of item " + strconv.Itoa(i) + ".</p>"
			fmt.Fprintf(&b, `<item><title>%s</title><link>%s</link><guid isPermaLink="false">xss-%d</guid>
<author>%s</author><dc:creator>%s</dc:creator><category>%s</category>
<description>%s</description><content:encoded>%s</content:encoded><pubDate>%s</pubDate></item>
`, xmlText(p), xmlText(fmt.Sprintf("%s/a/%d?p=%s", base, i, url.QueryEscape(p))), i, xmlText(p), xmlText(p), xmlText(p),
				xmlText(p), xmlText(content), published(i).Format(time.RFC1123Z))
		}
		// An item whose link is the payload itself: no page to fetch.
		fmt.Fprintf(&b, `<item><title>%s</title><link>%s</link><description>%s</description><pubDate>%s</pubDate></item>
`, xmlText("Linked to "+ch), xmlText(ch), xmlText(ch), published(k).Format(time.RFC1123Z))
		b.WriteString("</channel></rss>\n")
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write([]byte(b.String()))
	})
	// An Atom feed: titles of type html whose markup is the payload,
	// links and authors made of it.
	mux.HandleFunc("GET /atom", func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">%s</title><id>%s/atom</id><updated>2024-10-17T12:00:00Z</updated>
`, xmlText(payloads[0]), base)
		for i := 0; i < len(payloads); i += 7 {
			p := payloads[i]
			fmt.Fprintf(&b, `<entry><title type="html">%s</title><id>urn:xss:%d</id><link rel="alternate" href="%s"/><link rel="related" href="%s"/>
<updated>%s</updated><author><name>%s</name><uri>%s</uri></author><summary type="html">%s</summary><content type="html">%s</content></entry>
`, xmlText(p), i, xmlText(fmt.Sprintf("%s/a/%d?atom=1", base, i)), xmlText(p), published(i).Format(time.RFC3339), xmlText(p), xmlText(p),
				xmlText(p), xmlText("<p>"+html.EscapeString(p)+"</p>"+p))
		}
		b.WriteString("</feed>\n")
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		w.Write([]byte(b.String()))
	})
	mux.HandleFunc("GET /a/{i}", func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(r.PathValue("i"))
		if err != nil || i < 0 || i >= len(payloads) {
			http.NotFound(w, r)
			return
		}
		p := payloads[i]
		e, a := html.EscapeString(p), html.EscapeString(p)
		canonical := fmt.Sprintf("%s/a/%d", base, i)
		if i%4 == 0 {
			canonical = p // a canonical link that is the payload
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>%[1]s</title>
<meta property="og:title" content="%[2]s"><meta name="author" content="%[2]s"><meta name="description" content="%[2]s">
<meta property="article:published_time" content="%[3]s"><link rel="canonical" href="%[4]s"></head>
<body><header><nav><a href="/">Home</a></nav></header><main><article>
<h1>%[1]s</h1><p class="byline">By %[1]s</p>
<p>Police in Lisbon made 12 arrests on Tuesday in an operation against fraud, the ministry said in a statement about %[1]s. xsscorpus</p>
<p>%[1]s</p>
<p>The suspects were charged with fraud and money laundering, and investigators seized EUR 2 million in cash, cars and jewellery from %[1]s.</p>
<h2>%[1]s</h2>
<ul><li>%[1]s</li><li>A second point about the case, which Europol supported.</li></ul>
<blockquote><p>%[1]s</p></blockquote>
<figure><img src="/img/%[5]d.png" alt="%[2]s"><figcaption>%[1]s</figcaption></figure>
<p>As the page wrote it: %[6]s</p>
<p><a href="%[2]s">%[1]s</a> and more on the case from the prosecutors in Porto and Lisbon.</p>
</article></main></body></html>`, e, a, published(i).Format(time.RFC3339), html.EscapeString(canonical), i, p)
	})
	srv := httptest.NewServer(mux)
	base = srv.URL
	t.Cleanup(srv.Close)
	return srv
}

// startXSSServer fetches the site into a new database with the program,
// makes the browser tests' user and starts `sitrep serve` on it; it
// returns the base URL and serve's log.
func startXSSServer(t *testing.T, site *httptest.Server, payloads []string, now func() time.Time) (string, *syncBuffer) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "sitrep.db")
	var yaml strings.Builder
	yaml.WriteString("sources:\n")
	names := xssSourceNames(payloads)
	for k, name := range names {
		u := fmt.Sprintf("%s/feed/%d?x=%s", site.URL, k, url.QueryEscape(name))
		if k == len(names)-1 {
			u = site.URL + "/atom"
		}
		fmt.Fprintf(&yaml, "  - name: %s\n    url: %q\n", strconv.QuoteToASCII(name), u)
	}
	file := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(file, []byte(yaml.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// testGetenv allows the loopback site.
	out, errOut, err := sitrepAt(t, now, "fetch", "--db", db, "--sources", file, "--host-delay", "0", "--per-host", "8")
	if err != nil {
		t.Fatalf("sitrep fetch: %v\n%s%s", err, out, errOut)
	}
	t.Logf("fetch:\n%s", out)

	var uo, ue strings.Builder
	e := env{getenv: testGetenv, stdin: strings.NewReader(browserPassword + "\n"), stdout: &uo, stderr: &ue, now: now}
	if err := runEnv(context.Background(), e, []string{"user", "--db", db, "set-password", browserUser}); err != nil {
		t.Fatalf("sitrep user set-password: %v\n%s", err, ue.String())
	}

	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		e := env{getenv: testGetenv, stdin: strings.NewReader(""), stdout: &syncBuffer{}, stderr: &stderr, now: now}
		done <- runEnv(ctx, e, []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--host-delay", "0"})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v\n%s", err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop within 10 s of cancel")
		}
	})
	addrRE := regexp.MustCompile(`addr=(http://[0-9.:]+)`)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(stderr.String()); m != nil {
			return m[1], &stderr
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, stderr.String())
		default:
		}
	}
	t.Fatalf("serve did not start:\n%s", stderr.String())
	return "", nil
}

type xssArticle struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// xssArticles lists the stored articles through the API.
func xssArticles(t *testing.T, base string) []xssArticle {
	t.Helper()
	var out []xssArticle
	cursor := ""
	for range 20 {
		var page struct {
			Articles []xssArticle `json:"articles"`
			Next     string       `json:"next"`
		}
		xssGetJSON(t, base+"/api/v1/articles?limit=100&cursor="+url.QueryEscape(cursor), &page)
		out = append(out, page.Articles...)
		if cursor = page.Next; cursor == "" {
			return out
		}
	}
	t.Fatal("more than 20 pages of articles")
	return nil
}

// xssCountryCodes are the countries the stored articles name.
func xssCountryCodes(t *testing.T, base string) []string {
	t.Helper()
	var v struct {
		Countries []struct {
			Code string `json:"code"`
		} `json:"countries"`
	}
	xssGetJSON(t, base+"/api/v1/countries", &v)
	var out []string
	for _, c := range v.Countries {
		out = append(out, c.Code)
	}
	return out
}

func xssGetJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

// xssBrowser is the tab, with what JavaScript dialogs it has seen.
type xssBrowser struct {
	*browser
	mu      sync.Mutex
	dialogs []string
	pages   int
}

// watchDialogs dismisses every JavaScript dialog the tab opens (a page
// waits for its dialog, and so would the test) and notes it.
func (x *xssBrowser) watchDialogs(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(x.ctx)
	t.Cleanup(cancel)
	opening := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range opening {
			if err != nil {
				return
			}
			x.mu.Lock()
			x.dialogs = append(x.dialogs, fmt.Sprintf("a JavaScript %s dialog: %q", ev.Type, ev.Message))
			x.mu.Unlock()
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
}

// xssDOMJS lists what in the page could run script: elements that run,
// load or frame something, event handlers and inline styles, links and
// form targets that are not http(s) on this site or elsewhere, and the
// flags a payload that ran would have left.
const xssDOMJS = `(() => {
  const out = [];
  if (window.__xss) out.push("window.__xss is " + String(window.__xss));
  const short = el => el.outerHTML.slice(0, 160);
  const bad = "script, iframe, frame, frameset, object, embed, applet, base, portal, style, meta[http-equiv], " +
    "svg a, svg script, svg foreignObject, svg use, svg image, svg animate, svg set, svg handler, math, template, noscript";
  for (const el of document.querySelectorAll(bad)) out.push("a <" + el.tagName.toLowerCase() + ">: " + short(el));
  const urls = ["href", "src", "action", "formaction", "data", "poster", "srcset", "background", "ping", "xlink:href", "cite", "codebase"];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      const n = a.name.toLowerCase();
      // (Chromium shows a text/plain or JSON answer in a <pre style=...>
      // of its own.)
      const own = n === "style" && document.contentType !== "text/html";
      if ((n.startsWith("on") || n === "style" || n === "srcdoc") && !own) out.push("an attribute " + n + ": " + short(el));
      if (urls.includes(n)) {
        const v = a.value.replace(/[\u0000-\u0020\u007f-\u009f\s]/g, "").toLowerCase();
        const icon = el.tagName === "LINK" && el.getAttribute("rel") === "icon" && a.value === "data:,";
        if (/^(javascript|vbscript|data):/.test(v) && !icon) out.push(n + "=" + JSON.stringify(a.value) + ": " + short(el));
      }
    }
  }
  for (const a of document.querySelectorAll("a[href], area[href]")) {
    if (a.protocol !== "http:" && a.protocol !== "https:") out.push("a link to " + a.href + ": " + short(a));
  }
  for (const f of document.querySelectorAll("form")) {
    if (new URL(f.action, location.href).origin !== location.origin) out.push("a form posting to " + f.action);
  }
  for (const b of document.querySelectorAll("[formaction]")) {
    if (new URL(b.formAction, location.href).origin !== location.origin) out.push("a button posting to " + b.formAction);
  }
  return out;
})()`

// check fails the test with whatever the tab reported since the last
// check (console errors, CSP violations, failed requests), any dialog, and
// anything the DOM holds that could run.
func (x *xssBrowser) check(t *testing.T, name string) {
	t.Helper()
	x.pages++
	problems := eval[[]string](t, x.browser, xssDOMJS)
	loc, reported := x.collect(t)
	problems = append(problems, reported...)
	x.mu.Lock()
	problems = append(problems, x.dialogs...)
	x.dialogs = nil
	x.mu.Unlock()
	for _, p := range problems {
		t.Errorf("%s (%s): %s", name, loc, p)
	}
}

// loadStatus opens path, which may answer 200 or 400 (a malformed query
// answers 400 with the form), and returns its status. The status is asked
// first, so that the listener lets exactly that answer through.
func (x *xssBrowser) loadStatus(t *testing.T, path string) int {
	t.Helper()
	resp, err := http.Get(x.base + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return x.load(t, path, resp.StatusCode, chromedp.Navigate(x.base+path))
}

// visit opens a page that must answer status, and checks it.
func (x *xssBrowser) visit(t *testing.T, path string, status int) {
	t.Helper()
	if got := x.load(t, path, status, chromedp.Navigate(x.base+path)); got != status {
		t.Errorf("%s: status %d, want %d", path, got, status)
	}
	x.check(t, path)
}

// probe makes each kind of fault happen, as a payload that ran would (the
// test's own script, run through DevTools, which the page's CSP does not
// govern), and checks that every one is caught.
func (x *xssBrowser) probe(t *testing.T) {
	t.Helper()
	x.load(t, "help page", 200, chromedp.Navigate(x.base+"/help/search"))
	x.collect(t)
	eval[chromedp.Void](t, x.browser, `(() => {
	  setTimeout(() => alert("probe: alert"));
	  window.__xss = "probe";
	  const s = document.createElement("script"); s.textContent = "window.__xss = 2"; document.body.append(s);
	  const i = document.createElement("img"); i.alt = ""; i.setAttribute("onerror", "alert(2)"); i.src = "data:,"; document.body.append(i);
	  const a = document.createElement("a"); a.href = "javascript:alert(3)"; a.textContent = "x"; document.body.append(a);
	})()`)
	want := []string{"probe: alert", "window.__xss is probe", "a <script>", "an attribute onerror", "a link to javascript:", "Content Security Policy"}
	var seen []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		seen = append(seen, eval[[]string](t, x.browser, xssDOMJS)...)
		_, reported := x.collect(t)
		seen = append(seen, reported...)
		x.mu.Lock()
		seen = append(seen, x.dialogs...)
		x.dialogs = nil
		x.mu.Unlock()
		missing := 0
		for _, w := range want {
			if !strings.Contains(strings.Join(seen, "\n"), w) {
				missing++
			}
		}
		if missing == 0 {
			return
		}
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(seen, "\n"), w) {
			t.Errorf("the checks missed a fault the probe made (%q); they saw:\n%s", w, strings.Join(seen, "\n"))
		}
	}
}

// signIn opens the sign-in form with a hostile next, signs in, and checks
// it lands on this site's home page.
func (x *xssBrowser) signIn(t *testing.T, next string) {
	t.Helper()
	x.load(t, "sign-in page", 200, chromedp.Navigate(x.base+"/signin?next="+url.QueryEscape(next)))
	x.check(t, "signin with next="+next)
	x.run(t, "typing the credentials",
		chromedp.SendKeys(chromedp.ID("si-name"), browserUser),
		chromedp.SendKeys(chromedp.ID("si-pw"), browserPassword))
	x.load(t, "signing in", 200, chromedp.Click(chromedp.CSS(`form.signin button[type=submit]`)))
	if loc := eval[string](t, x.browser, `location.origin + location.pathname + location.search`); loc != x.base+"/" {
		t.Errorf("signing in with next=%q led to %s", next, loc)
	}
	x.check(t, "signed in")
	if who := eval[string](t, x.browser, `document.querySelector("header .who").innerText`); !strings.Contains(who, "Signed in as "+browserUser) {
		t.Fatalf("after signing in the header says %q", who)
	}
}

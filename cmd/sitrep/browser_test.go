package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/sitrep/sitrep/internal/testweb"
)

// The browser tests drive the web UI of `sitrep serve` in a real headless
// Chromium, on a server whose database the full program filled from the
// testweb. Every page must load without a console error, an uncaught
// exception, a browser log error (a CSP violation, a failed subresource) or a
// failed or 4xx/5xx request the test did not ask for; each page's screenshot
// is written under the test's temp dir (or SITREP_TEST_SCREENS, to keep them).

// browserClock is the time the browser tests' server lives at: a few days
// after the testweb's newest articles, so that the charts and sparklines,
// which look back from "now", have something to draw. It moves with the
// wall clock, so the scheduler still sees time pass.
func browserClock() func() time.Time {
	shift := time.Until(time.Date(2024, 10, 18, 12, 0, 0, 0, time.UTC))
	return func() time.Time { return time.Now().Add(shift) }
}

const (
	browserUser     = "ann"
	browserPassword = "correct horse battery staple"
	// addedSource is the testweb source the test adds through the form; the
	// others are in the database from the start.
	addedSource = "US Defense Joint Chiefs of Staff"
)

func TestBrowser(t *testing.T) {
	start := time.Now()
	chromium := findChromium(t)
	s := startTestweb(t)
	if _, err := os.Stat("sources.yaml"); err == nil {
		// serve would take it as the sources file, and a file-defined
		// server refuses to add sources through the UI.
		t.Fatal("a sources.yaml in cmd/sitrep would replace the database's sources; remove it")
	}
	now := browserClock()
	base, serveLog := startBrowserServer(t, s, now)
	t.Logf("server ready at %s after %v", base, time.Since(start).Round(time.Millisecond))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve log:\n%s", serveLog.String())
		}
	})

	b := startBrowser(t, chromium, base)
	t.Logf("browser ready after %v; screenshots in %s", time.Since(start).Round(time.Millisecond), b.screens)

	lap := time.Now()
	phase := func(what string) {
		t.Logf("%s: %v", what, time.Since(lap).Round(time.Millisecond))
		lap = time.Now()
	}

	// A quiet run must mean a clean site, not a deaf listener.
	b.detectorWorks(t)
	phase("fault probe")

	// Everything that writes needs a signed-in user.
	b.signIn(t)
	phase("sign in")

	// The search: the phrase finds its article first, highlighted.
	articleID := b.searchJackal(t, s)
	phase("search")

	// The add-a-source: the form, a test fetch, save, fetch now,
	// and its articles show.
	b.addSource(t, s)
	phase("add a source")

	// serve enriched the articles as it stored them: the Jackal article
	// shows its facts, its figures link to their sentences, and the
	// operations page links there too.
	b.facts(t, articleID)
	phase("facts")

	// Every page once, each with its screenshot and the same checks.
	name := url.PathEscape(addedSource)
	pages := []struct {
		name, path string
		status     int
		want       string // text the page must show
	}{
		{"latest", "/", 200, "20 articles"},
		{"latest-filtered", "/?source=Europol&since=2024-10-01", 200, "2 articles match"},
		{"article", "/articles/" + articleID, 200, "Operation Jackal"},
		{"search", "/search?q=" + url.QueryEscape("arrests OR seized") + "&order=newest", 200, "results"},
		// A malformed query answers 400 with the form and where it went
		// wrong; the 400 is the page's own status, not a failure.
		{"search-malformed", "/search?q=" + url.QueryEscape(`"Operation Jackal`), 400, "malformed at character"},
		{"search-empty", "/search", 200, "syntax help"},
		{"help-search", "/help/search", 200, "Query language"},
		{"sources", "/sources", 200, addedSource},
		{"source-edit", "/sources/NATO", 200, "Save changes"},
		{"source-edit-added", "/sources/" + name, 200, "Save changes"},
		{"source-new", "/sources/new", 200, "Add source"},
		{"source-delete", "/sources/" + name + "/delete", 200, "Delete " + addedSource},
		{"digest", "/digest?source=NATO&source=Eurojust&since=2024-10-01&show=1", 200, "3 articles, oldest first"},
		{"digest-form", "/digest", 200, "Show digest"},
		{"stats", "/stats", 200, "Articles per source per week"},
		{"operations", "/operations", 200, "Operation Jackal"},
		{"operations-filtered", "/operations?q=jackal", 200, "Operation Jackal"},
		{"countries", "/countries", 200, "Articles naming each country"},
		{"countries-90-days", "/countries?since=2024-07-20", 200, "Articles naming each country"},
		{"country", "/countries/fr", 200, "France"},
		{"country-not-found", "/countries/zz", 404, "Back to the latest articles"},
		{"search-facets", "/search?q=" + url.QueryEscape(`country:FR`) + "&order=newest", 200, "By organisation"},
		{"signin", "/signin", 200, "Sign in"},
		{"not-found", "/articles/999999", 404, "Back to the latest articles"},
	}
	for _, p := range pages {
		b.visit(t, p.name, p.path, p.status, p.want)
	}
	phase(fmt.Sprintf("%d pages", len(pages)))

	b.keyboard(t)
	phase("keyboard")
	b.phone(t, map[string]string{
		"latest":     "/",
		"search":     "/search?q=" + url.QueryEscape(`"Operation Jackal"`),
		"sources":    "/sources",
		"article":    "/articles/" + articleID,
		"source":     "/sources/new",
		"operations": "/operations",
		"countries":  "/countries",
		"country":    "/countries/fr",
	})
	phase("phone width")
	b.mu.Lock()
	if b.favicon != 0 {
		t.Logf("note: /favicon.ico answers %d; browsers ask for it on every page", b.favicon)
	}
	b.mu.Unlock()
	t.Logf("browser test took %v", time.Since(start).Round(time.Millisecond))
}

// findChromium is the browser to drive, or a skip (a failure under
// SITREP_TEST_STRICT=1) when none is installed.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testweb.Missing(t, "no Chromium on PATH (chromium, chromium-browser or google-chrome); apt-get install chromium")
	return ""
}

// startBrowserServer loads the testweb into a new database with the program
// itself, makes a user, and starts `sitrep serve` on it without a sources
// file, so the UI may add sources. It returns the base URL and serve's log.
func startBrowserServer(t *testing.T, s *testweb.Server, now func() time.Time) (string, *syncBuffer) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "sitrep.db")

	// Every testweb source but the one the test adds. writeSources writes
	// all of them, hence this short loop. Fetching with a sources file
	// syncs them into the database and marks it seeded, so serve without
	// one keeps them rather than seeding the built-in sources, which point
	// at the real internet.
	srcs, err := s.Sources()
	if err != nil {
		t.Fatal(err)
	}
	var yaml strings.Builder
	yaml.WriteString("sources:\n")
	for _, src := range srcs {
		if src.Name != addedSource {
			fmt.Fprintf(&yaml, "  - name: %q\n    url: %q\n", src.Name, src.URL)
		}
	}
	file := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(file, []byte(yaml.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, errOut, err := sitrepAt(t, now, "fetch", "--db", db, "--sources", file, "--host-delay", "0"); err != nil {
		t.Fatalf("sitrep fetch: %v\n%s%s", err, out, errOut)
	}

	// set-password reads the password from stdin's first line when stdin
	// is not a terminal.
	var out, errOut strings.Builder
	e := env{getenv: testGetenv, stdin: strings.NewReader(browserPassword + "\n"), stdout: &out, stderr: &errOut, now: now}
	if err := runEnv(context.Background(), e, []string{"user", "--db", db, "set-password", browserUser}); err != nil {
		t.Fatalf("sitrep user set-password: %v\n%s", err, errOut.String())
	}

	// serve runs in-process as in TestServe; its address comes from its log.
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

// browser is one headless Chromium with one tab, and what the tab reported
// since the last check.
type browser struct {
	ctx     context.Context // the tab
	base    string
	screens string

	mu       sync.Mutex
	problems []string
	urls     map[network.RequestID]string // to name a failed request
	wantDoc  int                          // the status the next document may answer with
	okDocs   map[network.RequestID]bool   // documents that answered as wanted
	favicon  int64                        // /favicon.ico's status, when it failed
}

func isFavicon(u string) bool {
	p, err := url.Parse(u)
	return err == nil && p.Path == "/favicon.ico"
}

func startBrowser(t *testing.T, chromium, base string) *browser {
	t.Helper()
	dir := t.TempDir()
	b := &browser{base: base, screens: filepath.Join(dir, "screens"), urls: map[network.RequestID]string{}, okDocs: map[network.RequestID]bool{}}
	if d := os.Getenv("SITREP_TEST_SCREENS"); d != "" {
		b.screens = d
	}
	if err := os.MkdirAll(b.screens, 0o755); err != nil {
		t.Fatal(err)
	}
	var chromeOut syncBuffer
	// The defaults are headless, no-first-run, disable-background-networking
	// and disable-sync among others. No internet here: without those and
	// the two below, Chromium keeps dialling Google services and refused
	// connections pile up.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox, // CI runs as root, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.CombinedOutput(&chromeOut),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(b.listen))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// The first run starts the browser; it must have no timeout of its own
	// (that would end the browser with it), so a watchdog stands in.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("starting %s: %v\n%s", chromium, err, chromeOut.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not start within 20 s\n%s", chromium, chromeOut.String())
	}
	b.ctx = ctx
	return b
}

// listen records what makes a page fail. It runs in the tab's event loop,
// in the order Chromium sent the events, so it only takes notes.
func (b *browser) listen(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		b.urls[ev.RequestID] = ev.Request.URL
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				var str string
				if json.Unmarshal(a.Value, &str) == nil {
					args = append(args, str)
				} else if len(a.Value) > 0 {
					args = append(args, string(a.Value))
				} else {
					args = append(args, a.Description)
				}
			}
			b.problems = append(b.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		b.problems = append(b.problems, fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *log.EventEntryAdded:
		e := ev.Entry
		// "Failed to load resource: ... status of 400" for a page the test
		// asked to answer 400 is that answer, not a fault.
		if e.Level == log.EntryLevelError && !b.okDocs[e.NetworkRequestID] && !isFavicon(e.URL) {
			b.problems = append(b.problems, fmt.Sprintf("browser log (%s): %s %s", e.Source, e.Text, e.URL))
		}
	case *network.EventLoadingFailed:
		b.problems = append(b.problems, fmt.Sprintf("request failed: %s %s: %s %s", ev.Type, b.urls[ev.RequestID], ev.ErrorText, ev.BlockedReason))
	case *network.EventResponseReceived:
		r := ev.Response
		switch {
		case r.Status < 400:
		case isFavicon(r.URL):
			// Chromium asks every site for /favicon.ico by itself; the site
			// has none, which is noted once rather than failing each page.
			b.favicon = r.Status
		case ev.Type == network.ResourceTypeDocument && int(r.Status) == b.wantDoc:
			b.okDocs[ev.RequestID] = true
		default:
			b.problems = append(b.problems, fmt.Sprintf("%s %s answered %d %s", ev.Type, r.URL, r.Status, r.StatusText))
		}
	}
}

// run runs actions on the tab with a deadline, so that nothing hangs.
func (b *browser) run(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates JavaScript in the page (the test's own; the site has none).
func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		if len(js) > 80 {
			js = js[:80] + "…"
		}
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// load runs an action that loads a document (a navigation, a click on a
// submit button) and returns the document's status; wantDoc is the status
// that the listener lets through for it.
func (b *browser) load(t *testing.T, what string, wantDoc int, action chromedp.Action[chromedp.Void]) int {
	t.Helper()
	b.mu.Lock()
	b.wantDoc = wantDoc
	b.mu.Unlock()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, action)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if resp == nil {
		t.Fatalf("%s: no document response", what)
	}
	return int(resp.Status)
}

// collect returns, and forgets, what the tab reported since the last call,
// with the page's location.
func (b *browser) collect(t *testing.T) (loc string, problems []string) {
	t.Helper()
	// A round trip: the listener runs in order, so every event sent
	// before this answer has been seen once it returns.
	loc = eval[string](t, b, `location.pathname + location.search`)
	b.mu.Lock()
	defer b.mu.Unlock()
	problems = b.problems
	b.problems = nil
	b.wantDoc = 0
	clear(b.okDocs)
	return loc, problems
}

// check fails the test with whatever the tab reported since the last check,
// naming the page, and runs the page checks every page must pass.
func (b *browser) check(t *testing.T, name string) {
	t.Helper()
	loc, problems := b.collect(t)
	for _, p := range problems {
		t.Errorf("%s (%s): %s", name, loc, p)
	}
	for _, p := range eval[[]string](t, b, pageChecksJS) {
		t.Errorf("%s (%s): %s", name, loc, p)
	}
}

// pageChecksJS finds what every page must have: a language, a title, the
// header, nav and main landmarks, one h1, a label for every form control,
// a name for every button and link, unique ids, alt text on images, and the
// skip link first.
const pageChecksJS = `(() => {
  const out = [];
  if (!document.documentElement.lang) out.push("<html> has no lang");
  if (!document.title.trim()) out.push("no <title>");
  for (const sel of ["header", "nav", "main", "footer"]) {
    if (document.querySelectorAll(sel).length < 1) out.push("no <" + sel + "> landmark");
  }
  if (document.querySelectorAll("main").length > 1) out.push("more than one <main>");
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) out.push(h1 + " <h1> elements, want 1");
  const short = el => el.outerHTML.slice(0, 120);
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    const named = (el.labels && el.labels.length > 0 && Array.from(el.labels).some(l => l.textContent.trim())) ||
      (el.getAttribute("aria-label") || "").trim() || el.getAttribute("aria-labelledby");
    if (!named) out.push("form control without a label: " + short(el));
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    const name = (el.textContent || "").trim() || (el.getAttribute("aria-label") || "").trim() ||
      Array.from(el.querySelectorAll("img[alt], svg[aria-label]")).length;
    if (!name) out.push("button or link without a name: " + short(el));
  }
  for (const img of document.querySelectorAll("img:not([alt])")) out.push("image without alt: " + short(img));
  const ids = new Map();
  for (const el of document.querySelectorAll("[id]")) ids.set(el.id, (ids.get(el.id) || 0) + 1);
  for (const [id, n] of ids) if (n > 1) out.push("id " + JSON.stringify(id) + " used " + n + " times");
  for (const el of document.querySelectorAll("[aria-describedby]")) {
    for (const id of el.getAttribute("aria-describedby").split(/\s+/)) {
      if (id && !document.getElementById(id)) out.push("aria-describedby names a missing id " + JSON.stringify(id));
    }
  }
  const first = document.querySelector("a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])");
  if (!first || !first.classList.contains("skip")) out.push("the first focusable element is not the skip link: " + (first ? short(first) : "none"));
  const css = Array.from(document.styleSheets).some(s => s.href && s.href.endsWith("/static/style.css") && s.cssRules.length > 0);
  if (!css) out.push("style.css is not applied");
  return out;
})()`

// detectorWorks makes each kind of fault the listener watches for happen
// in a page (the test's own script, run through DevTools, which the page's
// CSP does not govern) and checks that every one is caught.
func (b *browser) detectorWorks(t *testing.T) {
	t.Helper()
	b.load(t, "help page", 200, chromedp.Navigate(b.base+"/help/search"))
	b.collect(t)
	eval[chromedp.Void](t, b, `(() => {
	  console.error("probe: console.error");
	  setTimeout(() => { throw new Error("probe: uncaught"); });
	  const s = document.createElement("script"); s.textContent = "void 0"; document.body.append(s);
	  const i = document.createElement("img"); i.alt = ""; i.src = "/static/probe-missing.png"; document.body.append(i);
	})()`)
	want := map[string]bool{
		"console.error: probe: console.error": false,
		"probe: uncaught":                     false, // an uncaught exception
		"Content Security Policy":             false, // the inline script, refused
		"probe-missing.png answered 404":      false, // a failed subresource
		"Failed to load resource":             false, // the same, in the browser log
	}
	var seen []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		_, problems := b.collect(t)
		seen = append(seen, problems...)
		missing := 0
		for w := range want {
			for _, p := range problems {
				if strings.Contains(p, w) {
					want[w] = true
				}
			}
			if !want[w] {
				missing++
			}
		}
		if missing == 0 {
			return
		}
	}
	for w, ok := range want {
		if !ok {
			t.Errorf("the listener missed a fault the probe made (%q); it saw:\n%s", w, strings.Join(seen, "\n"))
		}
	}
}

// shot writes a full-page screenshot of the tab as NAME.png.
func (b *browser) shot(t *testing.T, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot of %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.screens, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// text is the visible text of the page's main region.
func (b *browser) text(t *testing.T) string {
	t.Helper()
	return eval[string](t, b, `document.querySelector("main") ? document.querySelector("main").innerText : document.body.innerText`)
}

// visit opens a page, checks its status and that it shows want, runs the
// checks and takes its screenshot.
func (b *browser) visit(t *testing.T, name, path string, status int, want string) {
	t.Helper()
	got := b.load(t, name, status, chromedp.Navigate(b.base+path))
	if got != status {
		t.Errorf("%s (%s): status %d, want %d", name, path, got, status)
	}
	if txt := b.text(t); !strings.Contains(txt, want) {
		t.Errorf("%s (%s): the page does not show %q:\n%s", name, path, want, txt)
	}
	b.check(t, name)
	b.shot(t, name)
}

// signIn signs in through the form: first with a wrong password (the form
// comes back, 401, with an alert), then right.
func (b *browser) signIn(t *testing.T) {
	t.Helper()
	b.load(t, "sign-in page", 200, chromedp.Navigate(b.base+"/signin"))
	b.check(t, "signin-form")
	submit := chromedp.Click(chromedp.CSS(`form.signin button[type=submit]`))
	b.run(t, "typing a wrong password",
		chromedp.SendKeys(chromedp.ID("si-name"), browserUser),
		chromedp.SendKeys(chromedp.ID("si-pw"), "not the password"))
	if got := b.load(t, "signing in wrongly", 401, submit); got != 401 {
		t.Errorf("a wrong password answered %d, want 401", got)
	}
	if txt := b.text(t); !strings.Contains(txt, "Wrong name or password") {
		t.Errorf("a wrong password does not say so:\n%s", txt)
	}
	b.check(t, "signin-failed")
	b.shot(t, "signin-failed")

	// The form comes back with the name as typed and the password empty.
	if v := eval[string](t, b, `document.getElementById("si-name").value + "|" + document.getElementById("si-pw").value`); v != browserUser+"|" {
		t.Errorf("after a wrong password the form holds name|password %q, want %q", v, browserUser+"|")
	}
	b.run(t, "typing the password", chromedp.SendKeys(chromedp.ID("si-pw"), browserPassword))
	b.load(t, "signing in", 200, submit)
	who := eval[string](t, b, `document.querySelector("header .who").innerText`)
	if !strings.Contains(who, "Signed in as "+browserUser) {
		t.Fatalf("after signing in the header says %q", who)
	}
	b.check(t, "signed-in")
}

// searchJackal types the query into the header's search box: the
// Operation Jackal article must come first with the phrase in <mark>. It
// opens that article by its link and returns its id.
func (b *browser) searchJackal(t *testing.T, s *testweb.Server) string {
	t.Helper()
	var want string
	for _, a := range loadExpected(t, s) {
		if strings.Contains(a.Title, "Operation Jackal") {
			want = a.Title
		}
	}
	if want == "" {
		t.Fatal("the testweb has no Operation Jackal article")
	}
	b.load(t, "latest", 200, chromedp.Navigate(b.base+"/"))
	b.run(t, "typing the query", chromedp.SendKeys(chromedp.ID("top-q"), `"Operation Jackal"`))
	b.load(t, "searching", 200, chromedp.Click(chromedp.CSS(`form.topsearch button[type=submit]`)))
	b.check(t, "search-jackal")
	b.shot(t, "search-jackal")
	type hit struct {
		Title string `json:"title"`
		HTML  string `json:"html"`
		Href  string `json:"href"`
	}
	hits := eval[[]hit](t, b, `Array.from(document.querySelectorAll(".hits article.hit h3 a")).map(a => ({title: a.innerText, html: a.innerHTML, href: a.getAttribute("href")}))`)
	if len(hits) == 0 {
		t.Fatalf("searching \"Operation Jackal\" found nothing:\n%s", b.text(t))
	}
	if hits[0].Title != want {
		t.Errorf("first hit %q, want %q", hits[0].Title, want)
	}
	if !strings.Contains(hits[0].HTML, "<mark>Operation Jackal</mark>") {
		t.Errorf("first hit's title does not mark the phrase: %s", hits[0].HTML)
	}
	q := eval[string](t, b, `document.getElementById("q").value`)
	if q != `"Operation Jackal"` {
		t.Errorf("the search form holds %q, want the query as typed", q)
	}

	// Follow the hit as a reader would.
	b.load(t, "opening the hit", 200, chromedp.Click(chromedp.CSS(`.hits article.hit h3 a`)))
	if h1 := eval[string](t, b, `document.querySelector("h1").innerText`); h1 != want {
		t.Errorf("the hit's link opened %q", h1)
	}
	b.check(t, "article-from-search")
	id, ok := strings.CutPrefix(hits[0].Href, "/articles/")
	if !ok {
		t.Fatalf("hit links to %q", hits[0].Href)
	}
	return id
}

// addSource adds the testweb's listing page through the form: a test fetch
// first (its preview shows the article and stores nothing), then save, then
// "Fetch now" on the sources page, then waits for its article to be listed.
func (b *browser) addSource(t *testing.T, s *testweb.Server) {
	t.Helper()
	var listing string
	srcs, err := s.Sources()
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range srcs {
		if src.Name == addedSource {
			listing = src.URL
		}
	}
	var titles []string
	for _, a := range loadExpected(t, s) {
		if a.Source == addedSource {
			titles = append(titles, a.Title)
		}
	}
	if listing == "" || len(titles) == 0 {
		t.Fatalf("the testweb has no %q or no article of it", addedSource)
	}

	b.load(t, "sources", 200, chromedp.Navigate(b.base+"/sources"))
	b.load(t, "add-a-source link", 200, chromedp.Click(chromedp.CSS(`a.button[href="/sources/new"]`)))
	b.check(t, "source-new")
	b.run(t, "filling the form",
		chromedp.SendKeys(chromedp.ID("s-name"), addedSource),
		chromedp.SendKeys(chromedp.ID("s-url"), listing),
		chromedp.SetValue(chromedp.ID("s-type"), "html"),
		chromedp.SendKeys(chromedp.ID("s-links"), "div.alist a.title"))

	b.load(t, "test fetch", 200, chromedp.Click(chromedp.CSS(`button[formaction="/sources/test"]`)))
	txt := b.text(t)
	if !strings.Contains(txt, "Test fetch:") || !strings.Contains(txt, titles[0]) || !strings.Contains(txt, "Nothing was stored") {
		t.Errorf("the test fetch does not preview %q:\n%s", titles[0], txt)
	}
	if v := eval[string](t, b, `document.getElementById("s-links").value + "|" + document.getElementById("s-type").value`); v != "div.alist a.title|html" {
		t.Errorf("after the test fetch the form holds %q", v)
	}
	b.check(t, "source-test-fetch")
	b.shot(t, "source-test-fetch")

	b.load(t, "saving", 200, chromedp.Click(chromedp.CSS(`form.source .actions button:not([formaction])`)))
	if loc := eval[string](t, b, `location.pathname`); loc != "/sources/"+url.PathEscape(addedSource) {
		t.Errorf("saving led to %s", loc)
	}
	if txt := b.text(t); !strings.Contains(txt, "Saved.") {
		t.Errorf("saving does not say so:\n%s", txt)
	}
	b.check(t, "source-saved")
	b.shot(t, "source-saved")

	b.load(t, "sources", 200, chromedp.Navigate(b.base+"/sources"))
	poll := fmt.Sprintf(`form[action="/sources/%s/poll"] button`, url.PathEscape(addedSource))
	b.load(t, "fetch now", 200, chromedp.Click(chromedp.CSS(poll)))
	if txt := b.text(t); !strings.Contains(txt, addedSource+" will be fetched in a moment.") {
		t.Errorf("fetch now does not say so:\n%s", txt)
	}
	b.check(t, "sources-fetch-now")
	b.shot(t, "sources-fetch-now")

	// The scheduler looks for due sources every second; poll the page.
	latest := "/?source=" + url.QueryEscape(addedSource)
	deadline := time.Now().Add(20 * time.Second)
	for {
		b.load(t, "latest of the added source", 200, chromedp.Navigate(b.base+latest))
		got := eval[[]string](t, b, `Array.from(document.querySelectorAll("article.hit h3 a")).map(a => a.innerText)`)
		if strings.Join(got, "\n") == strings.Join(titles, "\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s on the Latest page: %q, want %q", latest, got, titles)
		}
		time.Sleep(250 * time.Millisecond)
	}
	b.check(t, "latest-added-source")
	b.shot(t, "latest-added-source")

	// The sources page counts them, and the source is ok.
	b.load(t, "sources", 200, chromedp.Navigate(b.base+"/sources"))
	row := eval[[]string](t, b, fmt.Sprintf(`(() => {
	  const th = Array.from(document.querySelectorAll("table.sources tbody th")).find(th => th.querySelector("a").innerText === %q);
	  if (!th) return [];
	  const tr = th.parentElement;
	  return [tr.cells[1].innerText.trim(), tr.cells[4].innerText.trim()];
	})()`, addedSource))
	if want := []string{"ok", fmt.Sprint(len(titles))}; strings.Join(row, "|") != strings.Join(want, "|") {
		t.Errorf("sources page row of %s: state and count %q, want %q", addedSource, row, want)
	}
	b.check(t, "sources-after-fetch")
	b.shot(t, "sources")
}

// facts checks the enriched Jackal article: a Facts section whose figures
// link to their marked sentences in the body, and the operations page,
// whose Operation Jackal figures link to a marked sentence too.
func (b *browser) facts(t *testing.T, articleID string) {
	t.Helper()
	b.load(t, "article with facts", 200, chromedp.Navigate(b.base+"/articles/"+articleID))
	type found struct {
		Headings []string `json:"headings"`
		Links    []string `json:"links"`
		Missing  []string `json:"missing"`
		Marks    int      `json:"marks"`
	}
	got := eval[found](t, b, `(() => {
	  const sec = document.querySelector("section.found");
	  const links = sec ? Array.from(sec.querySelectorAll('a[href^="#fig-"]')).map(a => a.getAttribute("href")) : [];
	  return {
	    headings: sec ? Array.from(sec.querySelectorAll("dt")).map(dt => dt.innerText) : [],
	    links: links,
	    missing: links.filter(h => { const el = document.getElementById(h.slice(1)); return !el || !el.closest(".body mark.fig"); }),
	    marks: document.querySelectorAll(".body mark.fig").length,
	  };
	})()`)
	for _, want := range []string{"Countries", "Organisations", "People", "Operations", "Figures", "Topics"} {
		if !slices.Contains(got.Headings, want) {
			t.Errorf("the Jackal article's facts lack %s: %q", want, got.Headings)
		}
	}
	if len(got.Links) == 0 || got.Marks == 0 || len(got.Missing) > 0 {
		t.Errorf("the Jackal article's figures: links %q, %d marked sentences, links to nothing marked %q", got.Links, got.Marks, got.Missing)
	}
	b.check(t, "article-facts")
	if len(got.Links) > 0 {
		// Following a figure's link scrolls to its sentence.
		b.run(t, "following a figure", chromedp.Click(chromedp.CSS(`section.found a[href="`+got.Links[0]+`"]`)))
		at := eval[string](t, b, `(() => { const el = document.querySelector(":target"); if (!el) return location.hash + " targets nothing";
		  const r = el.getBoundingClientRect(); return (r.bottom > 0 && r.top < innerHeight) ? location.hash : location.hash + " is off screen"; })()`)
		if at != got.Links[0] {
			t.Errorf("following %s: %s", got.Links[0], at)
		}
		b.shot(t, "article-facts-figure")
	}

	b.load(t, "operations", 200, chromedp.Navigate(b.base+"/operations"))
	href := eval[string](t, b, `(() => {
	  const th = Array.from(document.querySelectorAll("table.operations tbody th")).find(th => th.innerText.trim() === "Operation Jackal");
	  const a = th && th.parentElement.querySelector('td[data-label="Arrests"] a');
	  return a ? a.getAttribute("href") : "";
	})()`)
	if !strings.HasPrefix(href, "/articles/"+articleID+"#fig-") {
		t.Fatalf("Operation Jackal's arrests link to %q, want a figure of article %s", href, articleID)
	}
	b.check(t, "operations-jackal")
	b.load(t, "an operation's figure", 200, chromedp.Navigate(b.base+href))
	if ok := eval[bool](t, b, `!!(document.querySelector(":target") && document.querySelector(":target").closest(".body mark.fig"))`); !ok {
		t.Errorf("%s does not lead to a marked sentence", href)
	}
	b.check(t, "operation-figure")
}

// keyboard checks the page can be used from the keyboard: the first Tab
// lands on the skip link, which shows itself and moves focus to the main
// region; further Tabs reach the search box.
func (b *browser) keyboard(t *testing.T) {
	t.Helper()
	b.load(t, "latest", 200, chromedp.Navigate(b.base+"/"))
	b.run(t, "Tab", chromedp.KeyEvent(kb.Tab))
	type focus struct {
		Class   string  `json:"class"`
		ID      string  `json:"id"`
		Left    float64 `json:"left"`
		Top     float64 `json:"top"`
		Visible bool    `json:"visible"`
	}
	const focused = `(() => { const e = document.activeElement, r = e.getBoundingClientRect();
	  return {class: e.className, id: e.id, left: r.left, top: r.top, visible: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight}; })()`
	f := eval[focus](t, b, focused)
	if f.Class != "skip" || !f.Visible {
		t.Errorf("first Tab: focus on class=%q id=%q at (%v,%v), visible %v; want the skip link, on screen", f.Class, f.ID, f.Left, f.Top, f.Visible)
	}
	b.shot(t, "keyboard-skip-link")
	b.run(t, "Enter on the skip link", chromedp.KeyEvent(kb.Enter))
	if f := eval[focus](t, b, focused); f.ID != "main" {
		t.Errorf("the skip link moved focus to class=%q id=%q, want <main>", f.Class, f.ID)
	}

	// From the top again: the search box is among the first stops.
	b.load(t, "latest", 200, chromedp.Navigate(b.base+"/"))
	reached := false
	for i := 0; i < 12 && !reached; i++ {
		b.run(t, "Tab", chromedp.KeyEvent(kb.Tab))
		reached = eval[focus](t, b, focused).ID == "top-q"
	}
	if !reached {
		t.Error("12 Tabs from the top do not reach the search box")
	}
	b.check(t, "keyboard")
}

// phone looks at pages at a phone's width: nothing may be wider than the
// screen (a table scrolls in its own box).
func (b *browser) phone(t *testing.T, pages map[string]string) {
	t.Helper()
	b.run(t, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, page := range slices.Sorted(maps.Keys(pages)) {
		name, path := "phone-"+page, pages[page]
		b.load(t, name, 200, chromedp.Navigate(b.base+path))
		wide := eval[[]string](t, b, `(() => {
		  const out = [], w = document.documentElement.clientWidth;
		  if (document.documentElement.scrollWidth > w) out.push("the page is " + document.documentElement.scrollWidth + "px wide on a " + w + "px screen");
		  for (const el of document.querySelectorAll("main *")) {
		    const r = el.getBoundingClientRect();
		    if (r.right > w + 1 && !el.closest(".scroll, pre")) { out.push("<" + el.tagName.toLowerCase() + (el.getAttribute("class") ? " class=" + el.getAttribute("class") : "") + "> reaches " + Math.round(r.right) + "px"); if (out.length > 5) break; }
		  }
		  return out;
		})()`)
		for _, w := range wide {
			t.Errorf("%s (%s) at phone width: %s", name, path, w)
		}
		b.check(t, name)
		b.shot(t, name)
	}
	b.run(t, "desktop viewport", chromedp.ResetViewport())
}

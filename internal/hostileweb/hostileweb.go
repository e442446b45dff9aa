// Package hostileweb serves a web of hostile answers on loopback, for the
// tests and the soak run: gzip bombs, endless and lying bodies, slow and
// reset connections, redirect traps, DNS rebinding, every Retry-After form,
// mislabelled charsets, broken and malicious feeds, and pages built to
// exhaust a parser. Each case is one source. Until Arm is called every
// source serves a good feed with one good article, so a test can store
// articles first and check that the hostile round leaves them untouched.
package hostileweb

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf16"
)

// Case is one hostile source.
type Case struct {
	// Name is the source's name; Path its URL path on the web.
	Name, Path string
	// Rebind: the source's URL names the rebinding host, resolved by
	// Web.Resolver, instead of the public address.
	Rebind bool
	// Want is what the source's error, or its articles' error, must
	// contain (case-insensitive); empty when the source must read fine
	// (the hostility is normalised away).
	Want string
	// RetryAfter, when set, is the wait the server asked for, as the
	// fetcher should read it (within a second).
	RetryAfter time.Duration
}

// Limits the test client should use: small, so that the web is fast to
// run. The cases are sized against them.
const (
	HeaderTimeout = 500 * time.Millisecond
	Timeout       = 2 * time.Second
	MaxBody       = 12 << 20
	MaxHeader     = 64 << 10
)

// RebindHost is the host name whose address changes between lookups.
const RebindHost = "rebind.hostile.test"

// Web is the running hostile web: a "public" server on 127.0.0.2 (the
// address a test allows) and an "internal" one on 127.0.0.1 (which the
// guard must keep it from reaching).
type Web struct {
	public, internal *http.Server
	publicLn         net.Listener
	internalLn       net.Listener
	dns              *dnsServer
	armed            atomic.Bool
	mu               sync.Mutex
	internalHits     int
	now              func() time.Time
}

// PublicNetwork is what a test passes as the fetcher's allow-list: the
// public server's address only.
const PublicNetwork = "127.0.0.2/32"

// Start listens and serves. now is the clock the Retry-After dates are
// written against.
func Start(now func() time.Time) (*Web, error) {
	w := &Web{now: now}
	var err error
	if w.publicLn, err = net.Listen("tcp", "127.0.0.2:0"); err != nil {
		return nil, fmt.Errorf("hostileweb: %w (needs the whole 127.0.0.0/8 on loopback, as Linux has)", err)
	}
	if w.internalLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		w.publicLn.Close()
		return nil, err
	}
	if w.dns, err = startDNS(w.armed.Load); err != nil {
		w.publicLn.Close()
		w.internalLn.Close()
		return nil, err
	}
	w.public = &http.Server{Handler: http.HandlerFunc(w.serve), ReadHeaderTimeout: 5 * time.Second}
	w.internal = &http.Server{Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.internalHits++
		w.mu.Unlock()
		fmt.Fprint(rw, "internal secret")
	}), ReadHeaderTimeout: 5 * time.Second}
	go w.public.Serve(w.publicLn)
	go w.internal.Serve(w.internalLn)
	return w, nil
}

// Close stops the servers, cutting connections still open.
func (w *Web) Close() {
	w.public.Close()
	w.internal.Close()
	w.dns.close()
}

// Arm turns every source hostile (and the rebinding host's next lookup
// the last harmless one).
func (w *Web) Arm() {
	w.dns.reset()
	w.armed.Store(true)
}

// InternalHits is how many requests reached the internal server: any is a
// guard failure.
func (w *Web) InternalHits() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.internalHits
}

// Resolver resolves RebindHost to the public address until the web is
// armed, then once more, then to loopback (and every other name to
// nothing).
func (w *Web) Resolver() *net.Resolver { return w.dns.resolver() }

// URL is a case's source URL.
func (w *Web) URL(c Case) string {
	port := w.publicLn.Addr().(*net.TCPAddr).Port
	host := "127.0.0.2"
	if c.Rebind {
		host = RebindHost
	}
	return fmt.Sprintf("http://%s:%d%s", host, port, c.Path)
}

func (w *Web) internalURL() string { return "http://" + w.internalLn.Addr().String() + "/secret" }

// Cases lists every hostile source.
func Cases() []Case {
	return []Case{
		// Bodies.
		{Name: "gzip bomb", Path: "/f/gzip-bomb", Want: "too large"},
		{Name: "endless chunked body", Path: "/f/endless", Want: "too large"},
		{Name: "lying Content-Length", Path: "/f/lying-length", Want: "unexpected EOF"},
		{Name: "Content-Length over the cap", Path: "/f/huge-length", Want: "too large"},
		{Name: "slow headers", Path: "/f/slow-headers", Want: "timeout awaiting response headers"},
		{Name: "one byte a second", Path: "/f/trickle", Want: "deadline exceeded"},
		{Name: "reset mid-body", Path: "/f/reset", Want: "connection reset"},
		{Name: "truncated gzip", Path: "/f/truncated-gzip", Want: "unexpected EOF"},
		{Name: "huge header", Path: "/f/huge-header", Want: "header"},
		{Name: "unknown encoding", Path: "/f/br", Want: "Content-Encoding"},
		// Redirects.
		{Name: "redirect loop", Path: "/f/loop", Want: "too many redirects"},
		{Name: "11-hop redirect chain", Path: "/f/chain/0", Want: "too many redirects"},
		{Name: "redirect to file:", Path: "/f/to-file", Want: "scheme must be http or https"},
		{Name: "redirect to javascript:", Path: "/f/to-javascript", Want: "scheme must be http or https"},
		{Name: "redirect to loopback", Path: "/f/to-loopback", Want: "loopback"},
		{Name: "DNS rebinding", Path: "/f/rebind", Rebind: true, Want: "loopback"},
		// Statuses.
		{Name: "410 Gone", Path: "/f/gone", Want: "410 Gone"},
		{Name: "429 Retry-After seconds", Path: "/f/ra/seconds", Want: "429", RetryAfter: 2 * time.Hour},
		{Name: "503 Retry-After IMF date", Path: "/f/ra/imf", Want: "503", RetryAfter: 3 * time.Hour},
		{Name: "503 Retry-After RFC 850 date", Path: "/f/ra/rfc850", Want: "503", RetryAfter: 3 * time.Hour},
		{Name: "429 Retry-After asctime", Path: "/f/ra/asctime", Want: "429", RetryAfter: 3 * time.Hour},
		{Name: "503 Retry-After in the past", Path: "/f/ra/past", Want: "503"},
		{Name: "429 Retry-After garbage", Path: "/f/ra/garbage", Want: "429"},
		{Name: "429 Retry-After negative", Path: "/f/ra/negative", Want: "429"},
		{Name: "503 Retry-After ten years", Path: "/f/ra/huge", Want: "503", RetryAfter: 365 * 24 * time.Hour},
		// Feeds.
		{Name: "empty 200", Path: "/f/empty", Want: "empty body"},
		{Name: "HTML served as RSS", Path: "/f/html-as-rss", Want: "an HTML page"},
		{Name: "windows-1252 declared UTF-8", Path: "/f/cp1252"},
		{Name: "UTF-16 with BOM", Path: "/f/utf16"},
		{Name: "null JSON feed", Path: "/f/null-json", Want: "no RSS, Atom or JSON Feed"},
		{Name: "JSON items [null]", Path: "/f/null-items"},
		{Name: "truncated XML", Path: "/f/truncated-xml", Want: "malformed RSS"},
		{Name: "DOCTYPE entity bomb", Path: "/f/entity-bomb"},
		{Name: "100k nested XML elements", Path: "/f/deep-xml"},
		{Name: "100k items", Path: "/f/many-items"},
		{Name: "absurd dates", Path: "/f/dates"},
		{Name: "NUL and control characters", Path: "/f/controls"},
		// Pages, behind a good feed.
		{Name: "page: 100k nested elements", Path: "/p/deep/feed"},
		{Name: "page: 600 nested divs", Path: "/p/divs/feed"},
		{Name: "page: colspan 2^53-1", Path: "/p/colspan/feed"},
		{Name: "page: 10 MiB text node", Path: "/p/text/feed"},
		{Name: "page: 10 MiB attribute", Path: "/p/attr/feed"},
		{Name: "page: windows-1252 declared UTF-8", Path: "/p/cp1252/feed"},
		{Name: "page: gzip bomb", Path: "/p/gzip-bomb/feed", Want: "too large"},
		{Name: "page: redirect to loopback", Path: "/p/to-loopback/feed", Want: "loopback"},
	}
}

// Titles the normalised cases must store, by case path: the hostile bytes
// read right.
var Titles = map[string]string{
	"/f/cp1252":         "Gürak – “Zoll” seized €5",
	"/f/utf16":          "Gürak seized UTF-16 ☃",
	"/f/controls":       "Null and control characters",
	"/p/cp1252/feed":    "Gürak – “Zoll” page",
	"/f/many-items":     "Item 0",
	"/f/null-items":     "JSON item",
	"/f/dates":          "Year 10000",
	"/p/divs/feed":      "Deep divs",
	"/p/deep/feed":      "Deep nesting",
	"/p/colspan/feed":   "Huge colspan",
	"/p/text/feed":      "Huge text node",
	"/p/attr/feed":      "Huge attribute",
	"/f/gzip-bomb":      "",
	"/p/gzip-bomb/feed": "",
}

const para = "Europol and Eurojust supported an operation against a criminal network: twelve suspects were arrested in Spain and Portugal, and EUR 2 million was seized. "

func page(title, body string) string {
	return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body><main><article><h1>" +
		title + "</h1>" + body + "</article></main></body></html>"
}

func rss(items ...string) string {
	return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Hostile</title><link>http://example.org/</link>` +
		strings.Join(items, "") + `</channel></rss>`
}

func item(title, link string) string {
	return "<item><title>" + title + "</title><link>" + link + "</link><pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate></item>"
}

func base(r *http.Request) string { return "http://" + r.Host }

// goodArticle is the article every source lists before Arm.
func goodArticle(path string) string { return "/good" + path }

func (w *Web) serve(rw http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if strings.HasPrefix(r.Host, RebindHost) {
		// Each answer on a new connection, so that every request to the
		// rebinding host looks its name up again.
		rw.Header().Set("Connection", "close")
	}
	switch {
	case p == "/robots.txt":
		http.NotFound(rw, r)
		return
	case strings.HasPrefix(p, "/good/"):
		path := strings.TrimPrefix(p, "/good")
		fmt.Fprint(rw, page("Good article of "+path, "<p>"+para+"</p><p>"+para+"</p>"))
		return
	case strings.HasPrefix(p, "/article/"):
		w.article(rw, r, strings.TrimPrefix(p, "/article/"))
		return
	}
	if !w.armed.Load() {
		if p == "/f/chain/0" || strings.HasPrefix(p, "/f/") || strings.HasPrefix(p, "/p/") {
			rw.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(rw, rss(item("Good article of "+p, base(r)+goodArticle(p))))
			return
		}
	}
	if strings.HasPrefix(p, "/p/") && strings.HasSuffix(p, "/feed") {
		name := strings.TrimSuffix(strings.TrimPrefix(p, "/p/"), "/feed")
		rw.Header().Set("Content-Type", "application/rss+xml")
		link := base(r) + "/article/" + name
		if name == "to-loopback" {
			link = base(r) + "/article/redirect-internal"
		}
		fmt.Fprint(rw, rss(item(pageTitles[name], link), item("Good article of "+p, base(r)+goodArticle(p))))
		return
	}
	w.feed(rw, r, strings.TrimPrefix(p, "/f/"))
}

var pageTitles = map[string]string{
	"deep": "Deep nesting", "divs": "Deep divs", "colspan": "Huge colspan", "text": "Huge text node",
	"attr": "Huge attribute", "cp1252": "G\xfcrak \x96 \x93Zoll\x94 page", "gzip-bomb": "Bomb page", "to-loopback": "Internal page",
}

// feed serves the hostile answer of a feed-level case.
func (w *Web) feed(rw http.ResponseWriter, r *http.Request, name string) {
	h := rw.Header()
	now := w.now()
	switch {
	case name == "gzip-bomb":
		gzipBomb(rw, r)
	case name == "endless":
		h.Set("Content-Type", "application/rss+xml")
		fmt.Fprint(rw, `<?xml version="1.0"?><rss version="2.0"><channel><title>Endless</title>`)
		chunk := strings.Repeat(item("again", "http://example.org/again"), 100)
		for r.Context().Err() == nil {
			if _, err := fmt.Fprint(rw, chunk); err != nil {
				return
			}
			rw.(http.Flusher).Flush()
		}
	case name == "lying-length":
		h.Set("Content-Type", "application/rss+xml")
		h.Set("Content-Length", "100000")
		rw.WriteHeader(200)
		fmt.Fprint(rw, `<?xml version="1.0"?><rss version="2.0">`)
	case name == "huge-length":
		h.Set("Content-Type", "application/rss+xml")
		h.Set("Content-Length", strconv.Itoa(MaxBody+1))
		rw.WriteHeader(200)
		fmt.Fprint(rw, `<?xml version="1.0"?>`)
	case name == "slow-headers":
		select {
		case <-time.After(4 * HeaderTimeout):
		case <-r.Context().Done():
			return
		}
		fmt.Fprint(rw, rss())
	case name == "trickle":
		h.Set("Content-Type", "application/rss+xml")
		rw.WriteHeader(200)
		body := rss(item("slow", "http://example.org/slow"))
		for i := range len(body) {
			if _, err := rw.Write([]byte{body[i]}); err != nil {
				return
			}
			rw.(http.Flusher).Flush()
			select {
			case <-time.After(time.Second):
			case <-r.Context().Done():
				return
			}
		}
	case name == "reset":
		conn, buf, err := rw.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		fmt.Fprint(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>")
		buf.Flush()
		time.Sleep(50 * time.Millisecond)
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0) // close with RST, not FIN
		}
		conn.Close()
	case name == "truncated-gzip":
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		fmt.Fprint(zw, rss(item("cut", "http://example.org/cut")))
		zw.Close()
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Type", "application/rss+xml")
		rw.Write(b.Bytes()[:b.Len()/2])
	case name == "huge-header":
		h.Set("X-Padding", strings.Repeat("a", 2*MaxHeader))
		fmt.Fprint(rw, rss())
	case name == "br":
		h.Set("Content-Encoding", "br")
		fmt.Fprint(rw, "\x0b\x02\x80hostile\x03")
	case name == "loop":
		http.Redirect(rw, r, "/f/loop", http.StatusFound)
	case strings.HasPrefix(name, "chain/"):
		n, _ := strconv.Atoi(strings.TrimPrefix(name, "chain/"))
		if n < 11 {
			http.Redirect(rw, r, fmt.Sprintf("/f/chain/%d", n+1), http.StatusMovedPermanently)
			return
		}
		fmt.Fprint(rw, rss(item("end of chain", base(r)+"/good/chain")))
	case name == "to-file":
		h.Set("Location", "file:///etc/passwd")
		rw.WriteHeader(http.StatusFound)
	case name == "to-javascript":
		h.Set("Location", "javascript:alert(document.domain)")
		rw.WriteHeader(http.StatusTemporaryRedirect)
	case name == "to-loopback":
		http.Redirect(rw, r, w.internalURL(), http.StatusFound)
	case name == "rebind":
		fmt.Fprint(rw, rss(item("rebound", base(r)+"/good/rebound")))
	case name == "gone":
		http.Error(rw, "gone", http.StatusGone)
	case strings.HasPrefix(name, "ra/"):
		code := http.StatusServiceUnavailable
		var v string
		switch strings.TrimPrefix(name, "ra/") {
		case "seconds":
			code, v = http.StatusTooManyRequests, "7200"
		case "imf":
			v = now.Add(3 * time.Hour).UTC().Format(http.TimeFormat)
		case "rfc850":
			v = now.Add(3 * time.Hour).UTC().Format(time.RFC850)
		case "asctime":
			code, v = http.StatusTooManyRequests, now.Add(3*time.Hour).UTC().Format(time.ANSIC)
		case "past":
			v = now.Add(-time.Hour).UTC().Format(http.TimeFormat)
		case "garbage":
			code, v = http.StatusTooManyRequests, "soon, maybe"
		case "negative":
			code, v = http.StatusTooManyRequests, "-30"
		case "huge":
			v = "315360000000"
		}
		h.Set("Retry-After", v)
		http.Error(rw, "slow down", code)
	case name == "empty":
		h.Set("Content-Type", "application/rss+xml")
	case name == "html-as-rss":
		h.Set("Content-Type", "application/rss+xml")
		fmt.Fprint(rw, "<!DOCTYPE html><html><head><title>Not a feed</title></head><body><p>Maintenance.</p></body></html>")
	case name == "cp1252":
		h.Set("Content-Type", "application/rss+xml; charset=utf-8")
		fmt.Fprint(rw, rss(item("G\xfcrak \x96 \x93Zoll\x94 seized \x805", base(r)+"/good/cp1252-item")))
	case name == "utf16":
		h.Set("Content-Type", "application/rss+xml")
		doc := `<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><title>UTF-16</title>` +
			item("Gürak seized UTF-16 ☃", base(r)+"/good/utf16-item") + `</channel></rss>`
		u := utf16.Encode([]rune(doc))
		out := []byte{0xff, 0xfe}
		for _, c := range u {
			out = append(out, byte(c), byte(c>>8))
		}
		rw.Write(out)
	case name == "null-json":
		h.Set("Content-Type", "application/feed+json")
		fmt.Fprint(rw, "null")
	case name == "null-items":
		h.Set("Content-Type", "application/feed+json")
		fmt.Fprintf(rw, `{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[null,{"id":"1","title":"JSON item","url":%q},null]}`, base(r)+"/good/json-item")
	case name == "truncated-xml":
		h.Set("Content-Type", "application/rss+xml")
		fmt.Fprint(rw, rss(item("whole", base(r)+"/good/whole"))[:120])
	case name == "entity-bomb":
		h.Set("Content-Type", "application/rss+xml")
		var b strings.Builder
		b.WriteString(`<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a0 "lol">`)
		for i := 1; i < 10; i++ {
			fmt.Fprintf(&b, `<!ENTITY a%d "%s">`, i, strings.Repeat(fmt.Sprintf("&a%d;", i-1), 10))
		}
		b.WriteString(`]><rss version="2.0"><channel><title>&a9;</title>` + item("Laughs &a9;", "/good/entity-bomb") + `</channel></rss>`)
		fmt.Fprint(rw, b.String())
	case name == "deep-xml":
		h.Set("Content-Type", "application/rss+xml")
		fmt.Fprint(rw, `<?xml version="1.0"?><rss version="2.0"><channel><title>Deep</title><item><title>`+
			strings.Repeat("<x>", 100000)+"deep"+strings.Repeat("</x>", 100000)+`</title><link>/good/deep-xml</link></item></channel></rss>`)
	case name == "many-items":
		h.Set("Content-Type", "application/rss+xml")
		rw.Write(manyItems())
	case name == "dates":
		h.Set("Content-Type", "application/rss+xml")
		fmt.Fprint(rw, rss(
			"<item><title>Year 10000</title><link>"+base(r)+"/good/dates-a</link><pubDate>Fri, 31 Dec 10000 23:59:59 GMT</pubDate></item>",
			"<item><title>Year 0</title><link>"+base(r)+"/good/dates-b</link><pubDate>Mon, 01 Jan 0000 00:00:00 GMT</pubDate></item>",
			"<item><title>Nonsense date</title><link>"+base(r)+"/good/dates-c</link><pubDate>99 Foo 2026 99:99:99 ZZZ</pubDate></item>"))
	case name == "controls":
		h.Set("Content-Type", "application/feed+json")
		fmt.Fprintf(rw, `{"version":"https://jsonfeed.org/version/1.1","title":"C","items":[{"id":"c","title":"Null\u0000 and \u0007control\u001b characters\u202e","url":%q,"content_html":"<p>Body\u0000 with \u0008 controls. %s %s</p>"}]}`,
			base(r)+"/good/controls-item", para, para)
	default:
		http.NotFound(rw, r)
	}
}

// article serves a page-level case's hostile article.
func (w *Web) article(rw http.ResponseWriter, r *http.Request, name string) {
	text := "<p>" + para + "</p><p>" + para + "</p>"
	switch name {
	case "deep":
		fmt.Fprint(rw, page("Deep nesting", strings.Repeat("<div><span>", 50000)+text))
	case "divs":
		fmt.Fprint(rw, page("Deep divs", strings.Repeat("<div>", 600)+text+strings.Repeat("</div>", 600)))
	case "colspan":
		fmt.Fprint(rw, page("Huge colspan", `<table><tr><td colspan="9007199254740991" rowspan="9007199254740991">cell</td></tr></table>`+text))
	case "text":
		fmt.Fprint(rw, page("Huge text node", "<p>"+strings.Repeat("word ", 2<<20)+"</p>"+text))
	case "attr":
		fmt.Fprint(rw, page("Huge attribute", `<div class="`+strings.Repeat("a", 10<<20)+`">`+text+"</div>"))
	case "cp1252":
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(rw, page("G\xfcrak \x96 \x93Zoll\x94 page", "<p>"+para+" Gr\xfc\xdfe.</p><p>"+para+"</p>"))
	case "gzip-bomb":
		gzipBomb(rw, r)
	case "redirect-internal":
		http.Redirect(rw, r, w.internalURL(), http.StatusFound)
	default:
		http.NotFound(rw, r)
	}
}

// bombMember is one gzip member of a MiB of zeros (about 1 KiB): members
// repeated make a valid gzip stream, so the bomb costs the server nothing.
var bombMember = func() []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return b.Bytes()
}()

// gzipBomb sends 10 GiB of zeros as about 10 MiB of gzip, until the client
// hangs up.
func gzipBomb(rw http.ResponseWriter, r *http.Request) {
	rw.Header().Set("Content-Encoding", "gzip")
	rw.Header().Set("Content-Type", "text/html")
	for range 10 << 10 {
		if r.Context().Err() != nil {
			return
		}
		if _, err := rw.Write(bombMember); err != nil {
			return
		}
	}
}

// manyItems is a feed of 100,000 items, each a link to one good article
// (relative, so the feed is made once), so that ingest stays quick: what
// matters is the number of entries.
var manyItems = sync.OnceValue(func() []byte {
	var b strings.Builder
	for i := range 100000 {
		fmt.Fprintf(&b, "<item><title>Item %d</title><link>/good/many-items#%d</link></item>", i, i)
	}
	return []byte(rss(b.String()))
})

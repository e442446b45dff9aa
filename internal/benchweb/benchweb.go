// Package benchweb generates a synthetic web of news sites on loopback for
// benchmarks: hosts × feeds × articles, each article a page of realistic
// size and shape (navigation, sidebars, scripts, an article of several
// paragraphs, a footer). Pages are made on request from a seed, so a web of
// a gigabyte costs no memory.
package benchweb

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Config sizes the web.
type Config struct {
	Hosts           int // separate servers (each its own host:port)
	FeedsPerHost    int
	ArticlesPerFeed int
	PageBytes       int // approximate size of one article page
}

// Web is a running synthetic web.
type Web struct {
	cfg     Config
	servers []*http.Server
	lns     []net.Listener
}

// Start listens on Hosts loopback ports and serves the web.
func Start(cfg Config) (*Web, error) {
	w := &Web{cfg: cfg}
	for h := range cfg.Hosts {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			w.Close()
			return nil, err
		}
		srv := &http.Server{Handler: w.handler(h), ReadHeaderTimeout: 10 * time.Second}
		w.servers, w.lns = append(w.servers, srv), append(w.lns, ln)
		go srv.Serve(ln)
	}
	return w, nil
}

// Close stops every server.
func (w *Web) Close() {
	for _, s := range w.servers {
		s.Close()
	}
}

// FeedURLs lists every feed of the web.
func (w *Web) FeedURLs() []string {
	var out []string
	for h, ln := range w.lns {
		for f := range w.cfg.FeedsPerHost {
			out = append(out, fmt.Sprintf("http://%s/feeds/%d-%d.xml", ln.Addr(), h, f))
		}
	}
	return out
}

var modTime = time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)

func (w *Web) handler(host int) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", func(rw http.ResponseWriter, r *http.Request) {
		w.write(rw, "text/plain", "User-agent: *\nDisallow: /private/\n")
	})
	mux.HandleFunc("GET /feeds/{name}", func(rw http.ResponseWriter, r *http.Request) {
		var h, f int
		if _, err := fmt.Sscanf(r.PathValue("name"), "%d-%d.xml", &h, &f); err != nil || h != host {
			http.NotFound(rw, r)
			return
		}
		w.write(rw, "application/rss+xml; charset=utf-8", w.feed(r.Host, h, f))
	})
	mux.HandleFunc("GET /news/{feed}/{article}", func(rw http.ResponseWriter, r *http.Request) {
		f, err1 := strconv.Atoi(r.PathValue("feed"))
		a, err2 := strconv.Atoi(strings.TrimSuffix(r.PathValue("article"), ".html"))
		if err1 != nil || err2 != nil {
			http.NotFound(rw, r)
			return
		}
		w.write(rw, "text/html; charset=utf-8", w.page(host, f, a))
	})
	return mux
}

func (w *Web) write(rw http.ResponseWriter, ctype, body string) {
	rw.Header().Set("Content-Type", ctype)
	rw.Header().Set("Last-Modified", modTime.Format(http.TimeFormat))
	rw.Write([]byte(body))
}

func (w *Web) feed(hostport string, h, f int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Site %d feed %d</title><link>http://%s/</link><description>News</description>`, h, f, hostport)
	for a := range w.cfg.ArticlesPerFeed {
		rng := rand.New(rand.NewPCG(uint64(h), uint64(f*100000+a)))
		title := sentence(rng, 8)
		fmt.Fprintf(&b, "<item><title>%s</title><link>http://%s/news/%d/%d.html</link><description>%s</description><pubDate>%s</pubDate><guid isPermaLink=\"false\">%d-%d-%d</guid></item>\n",
			strings.TrimSuffix(title, "."), hostport, f, a, sentence(rng, 30), modTime.Add(-time.Duration(a)*time.Hour).Format(time.RFC1123Z), h, f, a)
	}
	b.WriteString("</channel></rss>")
	return b.String()
}

// page builds one article page: about PageBytes, of which the article text
// is a few KB, as on real news sites where markup, scripts and navigation
// outweigh the story.
func (w *Web) page(h, f, a int) string {
	rng := rand.New(rand.NewPCG(uint64(h), uint64(f*100000+a)))
	title := strings.TrimSuffix(sentence(rng, 8), ".")
	var b strings.Builder
	b.Grow(w.cfg.PageBytes + 4096)
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>%s | Site %d</title>
<meta property="og:title" content="%s"><meta property="article:published_time" content="%s">
<link rel="stylesheet" href="/static/site.css"><script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}</script></head><body>
<header class="site-header"><a class="logo" href="/">Site %d</a><nav class="main-nav"><ul>`, title, h, title, modTime.Add(-time.Duration(a)*time.Hour).Format(time.RFC3339), h)
	for i := range 40 {
		fmt.Fprintf(&b, `<li class="menu-item"><a href="/section/%d">%s</a></li>`, i, words[rng.IntN(len(words))])
	}
	b.WriteString(`</ul></nav></header><div class="layout"><main id="content"><article class="news-article">`)
	fmt.Fprintf(&b, `<h1 class="title">%s</h1><div class="meta"><span class="date">1 October 2024</span> | <span class="author">Press office</span></div><div class="body">`, title)
	for range 6 + rng.IntN(6) {
		fmt.Fprintf(&b, "<p>%s %s %s</p>\n", sentence(rng, 18), sentence(rng, 22), sentence(rng, 15))
	}
	b.WriteString(`<ul>`)
	for range 3 {
		fmt.Fprintf(&b, "<li>%s</li>", sentence(rng, 6))
	}
	b.WriteString(`</ul></div></article></main><aside class="sidebar"><h2>Related</h2><ul>`)
	for i := range 10 {
		fmt.Fprintf(&b, `<li><a href="/news/%d/%d.html">%s</a></li>`, f, (a+i+1)%w.cfg.ArticlesPerFeed, sentence(rng, 7))
	}
	b.WriteString(`</ul></aside></div><footer class="site-footer"><ul>`)
	for i := range 30 {
		fmt.Fprintf(&b, `<li><a href="/about/%d">%s %s</a></li>`, i, words[rng.IntN(len(words))], words[rng.IntN(len(words))])
	}
	b.WriteString(`</ul><p>© Site. All rights reserved.</p></footer>`)
	// Inline scripts and JSON state, the bulk of a modern page.
	for b.Len() < w.cfg.PageBytes {
		fmt.Fprintf(&b, `<script type="application/json">{"k%d":"%s","v":[1,2,3,4,5,6,7,8,9,10],"w":"%s"}</script>`+"\n", b.Len(), sentence(rng, 20), sentence(rng, 20))
	}
	b.WriteString(`</body></html>`)
	return b.String()
}

var words = strings.Fields(`police operation arrested suspects europe network investigation
criminal seized million euro cooperation agency international authorities countries support
security defence alliance minister meeting officials training exercise forces cyber fraud
money laundering drugs trafficking victims children border customs prosecutors court judicial
analysis intelligence data platform coordination joint action day week month year government
national regional partners agreement summit council secretary general director chief office`)

func sentence(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := range n {
		w := words[rng.IntN(len(words))]
		if i == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	b.WriteByte('.')
	return b.String()
}

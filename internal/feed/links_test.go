package feed

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html/charset"
)

// entryLine is an entry in a compact, comparable form.
func entryLines(t *testing.T, page, pageURL, selector string) []string {
	t.Helper()
	entries, err := Links([]byte(page), pageURL, selector)
	if err != nil {
		t.Fatalf("Links: %v", err)
	}
	var out []string
	for _, e := range entries {
		s := e.URL + " | " + e.Title
		if !e.Published.IsZero() {
			s += " | " + e.Published.Format(time.RFC3339)
		}
		out = append(out, s)
	}
	return out
}

func TestLinksTestwebJCS(t *testing.T) {
	raw := testwebFile(t, "jcs/Media/News/index")
	r, err := charset.NewReader(bytes.NewReader(raw), "text/html")
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{testBase + "/jcs/Media/News/News-Display/Article/3516847/readout-of-chairman-of-the-joint-chiefs-of-staff-gen-mark-a-milleys-phone-call-with-chief-of-the" +
		" | Readout of Chairman of the Joint Chiefs of Staff Gen. Mark A. Milley’s Phone Call with Chief of the General Staff of the Turkish Armed Forces Gen. Metin Gürak"}
	for _, sel := range []string{"div.alist a.title", ""} {
		t.Run("selector="+sel, func(t *testing.T) {
			got := entryLines(t, string(page), testBase+"/jcs/Media/News/", sel)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
}

// Synthetic listing pages shaped like the real sites.
const interpolPage = `<!DOCTYPE html><html><head><title>News</title></head><body>
<header class="site-header"><a href="/en">Home</a>
 <ul class="menu"><li><a href="/en/News-and-Events/News">News</a></li><li><a href="/en/News-and-Events/Events">Events</a></li>
 <li><a href="/en/News-and-Events/News/Media-contacts">Media contacts</a></li></ul></header>
<nav class="breadcrumb"><a href="/en/News-and-Events">News and Events</a></nav>
<main>
 <h1>News</h1>
 <p><a href="/en/News-and-Events/News/About">About this section</a></p>
 <div class="newsList">
  <div class="newsItem"><a href="/en/News-and-Events/News/2023/Closing-ranks-on-West-African-organized-crime"><img src="/i/1.jpg" alt="Operation Jackal"></a>
    <h3><a href="/en/News-and-Events/News/2023/Closing-ranks-on-West-African-organized-crime">Closing ranks on West African organized crime</a></h3>
    <time datetime="2023-09-05T08:00:00Z">5 September 2023</time>
    <a href="/en/News-and-Events/News/tag/organized-crime" rel="tag">Organized crime</a></div>
  <div class="newsItem"><a href="/en/News-and-Events/News/2023/CBI-Academy-of-India-joins-the-INTERPOL-Global-Academy-Network"><img src="/i/2.jpg" alt=""></a>
    <h3>CBI Academy of India joins the network</h3>
    <time datetime="2023-08-23">23 August 2023</time></div>
  <div class="newsItem"><a href="/en/News-and-Events/News/2022/Australian-support-for-enhanced-INTERPOL-database#main">
    Australian support for   enhanced
    INTERPOL database</a></div>
  <div class="newsItem"><a href="/en/News-and-Events/News/2023/Closing-ranks-on-West-African-organized-crime">Read more</a></div>
 </div>
 <div class="pagination"><a href="/en/News-and-Events/News?page=2">2</a> <a href="?page=3">3</a> <a href="/en/News-and-Events/News/page/2" rel="next">Next</a></div>
 <a href="/en/News-and-Events/News/annual-report-2023.pdf">Annual report</a>
 <a href="/en/News-and-Events/News/rss">RSS</a>
 <a href="#top">Top</a>
</main>
<aside><h2>Related</h2><a href="/en/Crimes/Cybercrime/Cybercrime-operations-2023-details">Cybercrime operations</a></aside>
<footer><a href="/en/Legal-notice">Legal</a><a href="https://twitter.com/INTERPOL_HQ">X</a></footer>
</body></html>`

const jcsPage = `<html><body>
<div id="dnn_nav"><a href="/Media/News/">News</a><a href="/Media/Transcripts/">Transcripts</a></div>
<div class="content">
 <div class="alist">
  <div class="item"><a class="title" href="/Media/News/News-Display/Article/3516847/readout-of-chairman-call">Readout of call</a><div class="date">Sep. 6, 2023</div></div>
  <div class="item"><a class="title" href="https://www.jcs.mil/Media/News/News-Display/Article/3516000/chairman-visits-troops">Chairman visits troops</a></div>
  <div class="item"><a class="title" href="/Media/News/News-Display/Article/3515000/statement-on-exercise/">Statement on exercise</a></div>
 </div>
 <a href="/Media/News/Photos/">Photos</a> <a href="/Media/News/Videos/">Videos</a>
 <div class="pager"><a href="/Media/News/?Page=2">Next page</a><a href="/Media/News/?Page=3">3</a></div>
 <a href="/private/draft">Staff only</a>
</div>
<footer><a href="/Media/News/RSS/">RSS</a></footer></body></html>`

const blogPage = `<html><body>
<header><nav><a href="/news/">News</a><a href="/news/archive/">Archive</a></nav></header>
<div id="content">
<article><header><h2><a href="/news/2024/10/nato-allies-meet-in-brussels">NATO allies meet in Brussels</a></h2>
  <time datetime="2024-10-16T15:00:00+02:00">16 Oct</time></header><p>Teaser.</p>
  <footer><a href="/news/2024/10/nato-allies-meet-in-brussels">Read more »</a> <a href="/news/category/defence">Defence</a></footer></article>
<article><div class="card-header"><a href="/news/2024/09/exercise-steadfast-noon-begins">Exercise Steadfast Noon begins</a></div></article>
<article><h2>Headline only in heading</h2><a href="/news/2024/08/ministers-agree-new-plan">Continue reading</a></article>
</div>
<div class="sidebar"><a href="/news/2024/most-read">Most read</a></div>
<a href="/news/?tag=summit">Summit</a> <a href="/news/page/2/">Older posts</a>
</body></html>`

const pressPage = `<html><body>
<ul class="main-menu"><li><a href="/press-releases/">Press releases</a></li><li><a href="/press-releases/archive">Archive</a></li></ul>
<ul class="results">
 <li><a href="/press-releases/eurojust-supports-action-against-fraud">Eurojust supports action against fraud</a></li>
 <li><a href="/press-releases/criminals-selling-counterfeit-wine-stopped">Criminals selling counterfeit wine stopped</a></li>
 <li><a href="/press-releases/network-dismantled-in-spain-and-italy?utm_source=list">Network dismantled</a></li>
</ul>
<p><a href="/press-releases/contact">Contact</a> <a href="/about/history">History</a> <a href="mailto:press@example.org">Mail</a>
<a href="javascript:void(0)">JS</a> <a href="https://other.example.org/press-releases/elsewhere-article-title">Elsewhere</a></p>
</body></html>`

const offPathPage = `<html><body><nav><a href="/">Home</a><a href="/news">News</a></nav>
<div class="list">
<h2><a href="/2024/10/16/allies-agree-on-air-defence">Allies agree on air defence</a></h2>
<h2><a href="/2024/10/15/ministers-meet-in-brussels">Ministers meet in Brussels</a></h2>
<h2><a href="/2024/10/14/new-centre-opens-in-the-hague">New centre opens in The Hague</a></h2>
</div><p><a href="/about">About us</a> <a href="/contact">Contact</a></p></body></html>`

func TestLinksDiscovered(t *testing.T) {
	tests := []struct {
		name    string
		page    string
		pageURL string
		want    []string
	}{
		{"INTERPOL", interpolPage, "https://www.interpol.int/en/News-and-Events/News", []string{
			"https://www.interpol.int/en/News-and-Events/News/2023/Closing-ranks-on-West-African-organized-crime | Closing ranks on West African organized crime | 2023-09-05T08:00:00Z",
			"https://www.interpol.int/en/News-and-Events/News/2023/CBI-Academy-of-India-joins-the-INTERPOL-Global-Academy-Network | CBI Academy of India joins the network | 2023-08-23T00:00:00Z",
			"https://www.interpol.int/en/News-and-Events/News/2022/Australian-support-for-enhanced-INTERPOL-database | Australian support for enhanced INTERPOL database",
		}},
		{"jcs.mil", jcsPage, "https://www.jcs.mil/Media/News/", []string{
			"https://www.jcs.mil/Media/News/News-Display/Article/3516847/readout-of-chairman-call | Readout of call",
			"https://www.jcs.mil/Media/News/News-Display/Article/3516000/chairman-visits-troops | Chairman visits troops",
			"https://www.jcs.mil/Media/News/News-Display/Article/3515000/statement-on-exercise/ | Statement on exercise",
		}},
		{"dated blog paths", blogPage, "https://example.org/news/", []string{
			"https://example.org/news/2024/10/nato-allies-meet-in-brussels | NATO allies meet in Brussels | 2024-10-16T13:00:00Z",
			"https://example.org/news/2024/09/exercise-steadfast-noon-begins | Exercise Steadfast Noon begins",
			"https://example.org/news/2024/08/ministers-agree-new-plan | Headline only in heading",
		}},
		{"press releases", pressPage, "https://example.org/press-releases", []string{
			"https://example.org/press-releases/eurojust-supports-action-against-fraud | Eurojust supports action against fraud",
			"https://example.org/press-releases/criminals-selling-counterfeit-wine-stopped | Criminals selling counterfeit wine stopped",
			"https://example.org/press-releases/network-dismantled-in-spain-and-italy?utm_source=list | Network dismantled",
		}},
		{"articles outside the listing path", offPathPage, "https://example.org/news", []string{
			"https://example.org/2024/10/16/allies-agree-on-air-defence | Allies agree on air defence",
			"https://example.org/2024/10/15/ministers-meet-in-brussels | Ministers meet in Brussels",
			"https://example.org/2024/10/14/new-centre-opens-in-the-hague | New centre opens in The Hague",
		}},
		{"a few section links outside the path are not articles", "<html><body><a href=\"/about\">About</a><a href=\"/contact\">Contact</a><a href=\"/media-centre/press-office-contacts\">Press</a></body></html>", "https://example.org/news", nil},
		{"no links", "<html><body><p>Nothing here</p></body></html>", "https://example.org/news/", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := entryLines(t, tt.page, tt.pageURL, "")
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestLinksSelector(t *testing.T) {
	tests := []struct {
		name     string
		page     string
		selector string
		want     []string
	}{
		{"anchors", jcsPage, "div.alist a.title", []string{
			"https://www.jcs.mil/Media/News/News-Display/Article/3516847/readout-of-chairman-call | Readout of call",
			"https://www.jcs.mil/Media/News/News-Display/Article/3516000/chairman-visits-troops | Chairman visits troops",
			"https://www.jcs.mil/Media/News/News-Display/Article/3515000/statement-on-exercise/ | Statement on exercise",
		}},
		{"containers", jcsPage, "div.pager", []string{
			"https://www.jcs.mil/Media/News/?Page=2 | Next page",
			"https://www.jcs.mil/Media/News/?Page=3 | 3",
		}},
		{"image links titled by the heading, duplicates", interpolPage, ".newsItem > a:first-child", []string{
			"https://www.jcs.mil/en/News-and-Events/News/2023/Closing-ranks-on-West-African-organized-crime | Closing ranks on West African organized crime | 2023-09-05T08:00:00Z",
			"https://www.jcs.mil/en/News-and-Events/News/2023/CBI-Academy-of-India-joins-the-INTERPOL-Global-Academy-Network | CBI Academy of India joins the network | 2023-08-23T00:00:00Z",
			"https://www.jcs.mil/en/News-and-Events/News/2022/Australian-support-for-enhanced-INTERPOL-database | Australian support for enhanced INTERPOL database",
		}},
		{"no match", jcsPage, "ul.nothing a", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := entryLines(t, tt.page, "https://www.jcs.mil/Media/News/", tt.selector)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestLinksErrors(t *testing.T) {
	tests := []struct {
		name, pageURL, selector, wantErr string
	}{
		{"bad selector", "https://example.org/news/", "div[", `CSS selector "div["`},
		{"relative page URL", "/news/", "", "not absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Links([]byte("<html></html>"), tt.pageURL, tt.selector)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/digest"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/query"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/syndication"
)

// maxDigest caps the articles of one digest served over HTTP; a larger one
// is the CLI's job (sitrep digest).
const maxDigest = 1000

// outputQuery reads what a digest or feed covers: a search query (q), and
// the Latest page's filters (source, since, until) on top.
func outputQuery(v url.Values) (query.Query, error) {
	q, err := query.Parse(v.Get("q"))
	if err != nil {
		return q, err
	}
	f, err := filterQuery(v)
	if err != nil {
		return q, err
	}
	q.Sources = append(q.Sources, f.Sources...)
	if !f.Since.IsZero() {
		q.Since = f.Since
	}
	if !f.Until.IsZero() {
		q.Until = f.Until
	}
	return q, nil
}

// collect runs a query by date and loads the full articles, oldest first
// as digests read; it also returns a validator of the result.
func (s *Server) collect(r *http.Request, q query.Query, order store.SearchOrder, limit int, salt string) ([]model.Article, string, error) {
	ctx := r.Context()
	var hits []store.Hit
	cursor := ""
	for len(hits) < limit {
		res, err := s.store.Search(ctx, store.SearchRequest{Query: q, Order: order, Limit: min(store.MaxLimit, limit-len(hits)), Cursor: cursor})
		if err != nil {
			return nil, "", err
		}
		hits = append(hits, res.Hits...)
		if res.Next == "" {
			break
		}
		cursor = res.Next
	}
	// The validator: what was asked and what each hit is now.
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00%d\x00%s\x00%s\n", q.String(), order, limit, s.cfg.Version, salt)
	for _, hit := range hits {
		// Updated changes with the text; the title too, even within the
		// same millisecond.
		fmt.Fprintf(h, "%d %d %q %q\n", hit.Article.ID, hit.Article.Updated.UnixMilli(), hit.Article.Title, hit.Article.Feeds)
	}
	etag := `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		return nil, etag, nil
	}
	out := make([]model.Article, 0, len(hits))
	for _, hit := range hits {
		a, err := s.store.Article(ctx, hit.Article.ID)
		if err != nil {
			return nil, "", err
		}
		out = append(out, a)
	}
	return out, etag, nil
}

// notModified answers 304 when the client has the current version.
func notModified(w http.ResponseWriter, r *http.Request, etag string) bool {
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	return false
}

// etagMatch reads If-None-Match as RFC 9110 does: a list, compared weakly
// (a proxy that compresses turns "x" into W/"x").
func etagMatch(header, etag string) bool {
	for _, m := range strings.Split(header, ",") {
		m = strings.TrimPrefix(strings.TrimSpace(m), "W/")
		if m == "*" || m == etag {
			return true
		}
	}
	return false
}

// digestText serves the digest of a query as text in the reference
// format, oldest first.
func (s *Server) digestText(w http.ResponseWriter, r *http.Request) {
	q, err := outputQuery(r.URL.Query())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	arts, etag, err := s.collect(r, q, store.Oldest, maxDigest, "")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if notModified(w, r, etag) {
		return
	}
	var buf bytes.Buffer
	if err := writeDigest(&buf, arts); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Disposition", `attachment; filename="sitrep-digest.txt"`)
	}
	buf.WriteTo(w)
}

func writeDigest(buf *bytes.Buffer, arts []model.Article) error {
	entries := make([]digest.Entry, len(arts))
	for i, a := range arts {
		entries[i] = digest.FromArticle(a)
	}
	return digest.Write(buf, entries)
}

// digestPage is the data of digest.html.
type digestPage struct {
	page
	Sources  []sourceOption
	Since    string
	Until    string
	Text     string
	Count    int
	Capped   bool
	Download string
	Shown    bool
}

func (s *Server) digestPage(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	q, err := filterQuery(v)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	opts, err := s.sourceOptions(r, q.Sources)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := digestPage{page: s.page(r, "Digest", "digest"), Sources: opts, Since: v.Get("since"), Until: v.Get("until")}
	if v.Has("show") {
		arts, _, err := s.collect(r, q, store.Oldest, maxDigest, "")
		if err != nil {
			s.pageError(w, r, err)
			return
		}
		var buf bytes.Buffer
		if err := writeDigest(&buf, arts); err != nil {
			s.pageError(w, r, err)
			return
		}
		p.Text, p.Count, p.Capped, p.Shown = buf.String(), len(arts), len(arts) == maxDigest, true
		dv := url.Values{"download": {"1"}}
		for _, k := range []string{"source", "since", "until"} {
			if vs, ok := v[k]; ok {
				dv[k] = vs
			}
		}
		p.Download = "/digest.txt?" + dv.Encode()
	}
	s.render(w, r, http.StatusOK, "digest.html", p)
}

// feedItems is the default and the largest number of items in a feed.
const (
	feedItems    = 50
	maxFeedItems = 200
)

// baseURL is where this server is reached, for the absolute links feeds
// need: the request's host, over HTTPS when it came that way. The Host
// header is the client's to write: one that names no host ("[", "a:b:c",
// none at all) is the client's mistake, a bad request rather than a
// server error.
func (s *Server) baseURL(r *http.Request) (string, error) {
	scheme := "http"
	if s.secure(r) {
		scheme = "https"
	}
	base := scheme + "://" + r.Host
	if u, err := url.Parse(base); err != nil || u.Hostname() == "" || u.Host != r.Host || u.User != nil {
		return "", badRequest("the Host header " + strconv.Quote(r.Host) + " names no host; the feed's links need one")
	}
	return base, nil
}

// feed builds the syndication feed of a query's newest articles.
func (s *Server) feed(w http.ResponseWriter, r *http.Request, kind string) (syndication.Feed, bool) {
	v := r.URL.Query()
	q, err := outputQuery(v)
	if err != nil {
		s.apiError(w, r, err)
		return syndication.Feed{}, false
	}
	limit := feedItems
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			s.apiError(w, r, badRequest("limit "+strconv.Quote(l)+": want a number from 1 to "+strconv.Itoa(maxFeedItems)))
			return syndication.Feed{}, false
		}
		limit = min(n, maxFeedItems)
	}
	// The feed's links carry the address it was asked at.
	base, err := s.baseURL(r)
	if err != nil {
		s.apiError(w, r, err)
		return syndication.Feed{}, false
	}
	arts, etag, err := s.collect(r, q, store.Newest, limit, kind+" "+base)
	if err != nil {
		s.apiError(w, r, err)
		return syndication.Feed{}, false
	}
	if notModified(w, r, etag) {
		return syndication.Feed{}, false
	}
	canon := q.String()
	title := "sitrep: latest"
	if canon != "" {
		title = "sitrep: " + canon
	}
	f := syndication.Feed{
		Title:     title,
		SelfURL:   base + "/feeds/" + kind + "?q=" + url.QueryEscape(canon),
		HTMLURL:   base + "/search?q=" + url.QueryEscape(canon),
		Generator: "sitrep " + s.cfg.Version,
	}
	if canon == "" {
		f.HTMLURL = base + "/"
	}
	f.ID = f.SelfURL
	for _, a := range arts {
		page := base + "/articles/" + strconv.FormatInt(a.ID, 10)
		f.Items = append(f.Items, syndication.FromArticle(a, page, page))
		if a.Updated.After(f.Updated) {
			f.Updated = a.Updated
		}
	}
	return f, true
}

func (s *Server) feedAtom(w http.ResponseWriter, r *http.Request) {
	f, ok := s.feed(w, r, "atom")
	if !ok {
		return
	}
	b, err := syndication.Atom(f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Write(b)
}

func (s *Server) feedJSON(w http.ResponseWriter, r *http.Request) {
	f, ok := s.feed(w, r, "json")
	if !ok {
		return
	}
	b, err := syndication.JSONFeed(f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/feed+json; charset=utf-8")
	w.Write(b)
}

// statsWeeks is how many weeks the charts cover.
const statsWeeks = 26

// statsPage is the data of stats.html.
type statsPage struct {
	page
	Weekly template.HTML
	Weeks  []time.Time
	Rows   []statsRow
	Total  int
}

type statsRow struct {
	Source string
	Counts []int
	Sum    int
}

// stats draws articles per source per week, with the same numbers as a
// table for those who cannot see the chart.
func (s *Server) stats(w http.ResponseWriter, r *http.Request) {
	thisWeek := monday(s.now())
	first := thisWeek.AddDate(0, 0, -7*(statsWeeks-1))
	counts, err := s.store.WeeklyCounts(r.Context(), first)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := statsPage{page: s.page(r, "Charts", "stats")}
	labels := make([]string, statsWeeks)
	long := make([]string, statsWeeks)
	for i := range statsWeeks {
		wk := first.AddDate(0, 0, 7*i)
		p.Weeks = append(p.Weeks, wk)
		labels[i] = wk.Format("2 Jan")
		long[i] = "week of " + wk.Format("2 Jan 2006")
	}
	rows := map[string]*statsRow{}
	var order []string
	for _, c := range counts {
		i := int(c.Week.Sub(first).Hours() / (24 * 7))
		if i < 0 || i >= statsWeeks {
			continue
		}
		row, ok := rows[c.Source]
		if !ok {
			row = &statsRow{Source: c.Source, Counts: make([]int, statsWeeks)}
			rows[c.Source] = row
			order = append(order, c.Source)
		}
		row.Counts[i] += c.N
		row.Sum += c.N
		p.Total += c.N
	}
	var series []chart.Series
	for _, name := range order {
		row := rows[name]
		p.Rows = append(p.Rows, *row)
		vals := make([]float64, statsWeeks)
		for i, n := range row.Counts {
			vals[i] = float64(n)
		}
		series = append(series, chart.Series{Name: name, Values: vals})
	}
	p.Weekly = chart.Columns(chart.ColumnChart{
		ID: "weekly", Title: "Articles per source per week",
		Desc:   fmt.Sprintf("The last %d weeks, by publication date.", statsWeeks),
		Labels: labels, LongLabels: long, Series: series,
	})
	s.render(w, r, http.StatusOK, "stats.html", p)
}

package web

import (
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/query"
	"github.com/sitrep/sitrep/internal/store"
)

// healthz answers 200 when the database answers.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if _, err := s.store.Users(r.Context()); err != nil {
		s.log.Error("health check", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// static serves the embedded files; they change only with the binary, so
// browsers may keep them for a day. The stylesheet carries the charts'
// rules too.
func (s *Server) static() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	css, _ := fs.ReadFile(sub, "style.css")
	css = append(css, "\n/* charts */\n"+chart.CSS+"\n"...)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		if r.URL.Path == "/static/style.css" {
			w.Header().Set("Content-Type", "text/css; charset=utf-8")
			w.Write(css)
			return
		}
		files.ServeHTTP(w, r)
	})
}

// pageSize is how many articles a page lists.
const pageSize = 25

// dayGroup is the articles of one day on the Latest page.
type dayGroup struct {
	Day  time.Time
	Hits []store.Hit
}

// latestPage is the data of latest.html.
type latestPage struct {
	page
	Days     []dayGroup
	Total    int
	Sources  []sourceOption
	Since    string
	Until    string
	Next     string // URL of the next page
	Filtered bool
	FeedURL  string
	Capped   bool // more than Total match
}

type sourceOption struct {
	Name     string
	Selected bool
}

// filterQuery reads the Latest and Digest pages' filters (source, since,
// until) into a query.
func filterQuery(v url.Values) (query.Query, error) {
	var q query.Query
	for _, src := range v["source"] {
		if src = strings.TrimSpace(src); src != "" {
			q.Sources = append(q.Sources, src)
		}
	}
	var err error
	if q.Since, err = dateParam("since", v.Get("since"), false); err != nil {
		return q, err
	}
	if q.Until, err = dateParam("until", v.Get("until"), true); err != nil {
		return q, err
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		return q, badRequest("since must be on or before until")
	}
	return q, nil
}

// dateParam reads a date parameter (2024-10-01); an end date means through
// that whole day. Dates only: the store files articles by day.
func dateParam(name, v string, end bool) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	return time.Time{}, badRequest(name + " " + strconv.Quote(v) + ": want a date like 2024-10-01")
}

func (s *Server) sourceOptions(r *http.Request, selected []string) ([]sourceOption, error) {
	srcs, err := s.store.Sources(r.Context())
	if err != nil {
		return nil, err
	}
	out := make([]sourceOption, len(srcs))
	for i, src := range srcs {
		out[i] = sourceOption{Name: src.Name}
		for _, sel := range selected {
			if strings.EqualFold(sel, src.Name) {
				out[i].Selected = true
			}
		}
	}
	return out, nil
}

// latest lists the newest articles, grouped by day.
func (s *Server) latest(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	q, err := filterQuery(v)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	res, err := s.store.Search(r.Context(), store.SearchRequest{Query: q, Order: store.Newest, Limit: pageSize, Cursor: v.Get("cursor")})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	opts, err := s.sourceOptions(r, q.Sources)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := latestPage{
		page: s.page(r, "Latest", "latest"), Total: res.Total, Capped: res.TotalCapped, Sources: opts,
		Since: v.Get("since"), Until: v.Get("until"),
		Filtered: len(q.Sources) > 0 || !q.Since.IsZero() || !q.Until.IsZero(),
		FeedURL:  "/feeds/atom?q=" + url.QueryEscape(q.String()),
	}
	for _, h := range res.Hits {
		d := filedUnder(h.Article)
		d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
		if n := len(p.Days); n == 0 || !p.Days[n-1].Day.Equal(d) {
			p.Days = append(p.Days, dayGroup{Day: d})
		}
		p.Days[len(p.Days)-1].Hits = append(p.Days[len(p.Days)-1].Hits, h)
	}
	if res.Next != "" {
		nv := url.Values{}
		for k, vs := range v {
			nv[k] = vs
		}
		nv.Set("cursor", res.Next)
		p.Next = "/?" + nv.Encode()
	}
	s.render(w, r, http.StatusOK, "latest.html", p)
}

// filedUnder is the date an article is listed under: published, else
// first fetched.
func filedUnder(a model.Article) time.Time {
	if !a.Published.IsZero() {
		return a.Published.UTC()
	}
	return a.Fetched.UTC()
}

// articlePage is the data of article.html.
type articlePage struct {
	page
	A     model.Article
	Feeds []store.FeedListing
	Body  template.HTML // the blocks, with each figure's sentence marked
	Facts *factsView    // nil when the article was not enriched
	Story *storyView    // nil unless its story groups several articles
}

func (s *Server) article(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.pageError(w, r, store.ErrNotFound)
		return
	}
	a, err := s.store.Article(r.Context(), id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	feeds, err := s.store.ArticleFeeds(r.Context(), id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := articlePage{page: s.page(r, a.Title, ""), A: a, Feeds: feeds}
	var marks map[int][]figMark
	if a.Facts != nil {
		var anchored []bool
		marks, anchored = figureMarks(a.Blocks, a.Facts.Figures)
		p.Facts = newFactsView(a.Facts, anchored)
		p.Story = newStoryView(a.Story)
	}
	p.Body = bodyHTML(a.Blocks, marks)
	s.render(w, r, http.StatusOK, "article.html", p)
}

// searchPage is the data of search.html.
type searchPage struct {
	page
	Q        string
	Order    string
	Err      string // a malformed query, in plain words
	ErrPos   int
	Searched bool
	Res      store.SearchResult
	Sources  []facetLink
	Months   []facetLink
	Facts    []factFacet // per fact field: country, org, person, operation, topic
	Next     string
	Atom     string
	JSON     string
	Digest   string
}

// facetLink is one facet value, with the search narrowed to it.
type facetLink struct {
	Value  string
	Label  string // how a fact value is shown ("Portugal" for PT)
	N      int
	URL    string // empty when the search already has this filter
	Active bool   // the search already has this filter
}

// orderParam reads the order parameter; without one, results come by
// relevance when there are search words, else newest first.
func orderParam(v string) (store.SearchOrder, error) {
	switch v {
	case "", "relevance":
		return store.Relevance, nil
	case "newest":
		return store.Newest, nil
	case "oldest":
		return store.Oldest, nil
	}
	return 0, badRequest("order " + strconv.Quote(v) + ": want relevance, newest or oldest")
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	raw := v.Get("q")
	p := searchPage{page: s.page(r, "Search", "search"), Q: raw, Order: v.Get("order")}
	p.page.Query = raw
	if strings.TrimSpace(raw) == "" {
		s.render(w, r, http.StatusOK, "search.html", p)
		return
	}
	order, err := orderParam(p.Order)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	q, err := query.Parse(raw)
	if err == nil {
		p.Res, err = s.store.Search(r.Context(), store.SearchRequest{Query: q, Order: order, Limit: pageSize, Cursor: v.Get("cursor"), Facets: true})
	}
	var qe *query.Error
	switch {
	case errors.As(err, &qe):
		p.Err, p.ErrPos = qe.Msg, qe.Pos
		s.render(w, r, http.StatusBadRequest, "search.html", p)
		return
	case err != nil:
		s.pageError(w, r, err)
		return
	}
	p.Searched = true
	canon := q.String()
	for _, f := range p.Res.Sources {
		nq := q
		nq.Sources = []string{f.Value}
		p.Sources = append(p.Sources, facetLink{Value: f.Value, N: f.N, URL: searchURL(nq.String(), p.Order)})
	}
	for _, f := range p.Res.Months {
		nq := q
		if m, err := time.Parse("2006-01", f.Value); err == nil {
			nq.Since, nq.Until = m, m.AddDate(0, 1, 0)
		}
		p.Months = append(p.Months, facetLink{Value: f.Value, N: f.N, URL: searchURL(nq.String(), p.Order)})
	}
	p.Facts = factFacets(p.Res, q, p.Order, store.FactFields()...)
	if p.Res.Next != "" {
		p.Next = searchURL(raw, p.Order) + "&cursor=" + url.QueryEscape(p.Res.Next)
	}
	p.Atom = "/feeds/atom?q=" + url.QueryEscape(canon)
	p.JSON = "/feeds/json?q=" + url.QueryEscape(canon)
	p.Digest = "/digest.txt?q=" + url.QueryEscape(canon)
	s.render(w, r, http.StatusOK, "search.html", p)
}

func searchURL(q, order string) string {
	u := "/search?q=" + url.QueryEscape(q)
	if order != "" {
		u += "&order=" + url.QueryEscape(order)
	}
	return u
}

// help is the query language's reference.
func (s *Server) help(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "help.html", struct{ page }{s.page(r, "Search syntax", "search")})
}

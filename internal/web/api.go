package web

import (
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/query"
	"github.com/sitrep/sitrep/internal/store"
)

// The JSON API, /api/v1. Every route is described in openapi.json, which
// the tests check each route against. Errors are problem documents (RFC
// 9457, application/problem+json).

//go:embed openapi.json
var openapiDoc []byte

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openapiDoc)
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.apiError(w, r, &Error{Status: http.StatusNotFound, Title: "Not found", Detail: "no API route " + r.Method + " " + r.URL.Path + " (see /api/v1/openapi.json)"})
}

func apiJSON(w http.ResponseWriter, status int, v any) {
	writeJSON(w, status, "application/json", v)
}

// searchParams reads the parameters the articles and search routes share.
func searchParams(r *http.Request) (store.SearchRequest, error) {
	v := r.URL.Query()
	var req store.SearchRequest
	q, err := query.Parse(v.Get("q"))
	if err != nil {
		return req, err
	}
	req.Query = q
	if req.Order, err = orderParam(v.Get("order")); err != nil {
		return req, err
	}
	req.Limit = pageSize
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > store.MaxLimit {
			return req, badRequest("limit " + strconv.Quote(l) + ": want a number from 1 to " + strconv.Itoa(store.MaxLimit))
		}
		req.Limit = n
	}
	req.Cursor = v.Get("cursor")
	return req, nil
}

// articleList is the answer of GET /api/v1/articles.
type articleList struct {
	Articles    []model.Record `json:"articles"`
	Total       int            `json:"total"`
	TotalCapped bool           `json:"total_capped"`   // counting stopped at total; more match
	Next        string         `json:"next,omitempty"` // cursor of the next page
}

func (s *Server) apiArticles(w http.ResponseWriter, r *http.Request) {
	req, err := searchParams(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if r.URL.Query().Get("order") == "" {
		req.Order = store.Newest // a list reads newest first unless asked
	}
	res, err := s.store.Search(r.Context(), req)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := articleList{Articles: []model.Record{}, Total: res.Total, TotalCapped: res.TotalCapped, Next: res.Next}
	for _, h := range res.Hits {
		a, err := s.store.Article(r.Context(), h.Article.ID)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		out.Articles = append(out.Articles, model.NewRecord(a, false))
	}
	apiJSON(w, http.StatusOK, out)
}

// articleOne is the answer of GET /api/v1/articles/{id}.
type articleOne struct {
	model.Record
	Listings []listing `json:"listings"`
}

type listing struct {
	Source    string `json:"source"`
	FirstSeen string `json:"first_seen"`
}

func (s *Server) apiArticle(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.apiError(w, r, &Error{Status: http.StatusNotFound, Title: "Not found", Detail: "article ids are numbers"})
		return
	}
	a, err := s.store.Article(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	feeds, err := s.store.ArticleFeeds(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := articleOne{Record: model.NewRecord(a, true), Listings: []listing{}}
	for _, f := range feeds {
		out.Listings = append(out.Listings, listing{Source: f.Feed, FirstSeen: f.FirstSeen.UTC().Format(time.RFC3339)})
	}
	apiJSON(w, http.StatusOK, out)
}

// searchAnswer is the answer of GET /api/v1/search.
type searchAnswer struct {
	Query       string `json:"query"` // the query as understood, canonical
	Total       int    `json:"total"`
	TotalCapped bool   `json:"total_capped"`
	// Scope, when not 0: so many match that the facets cover the newest
	// Scope matches only; RankScope: relevance ranked the newest RankScope.
	Scope     int         `json:"scope,omitempty"`
	RankScope int         `json:"rank_scope,omitempty"`
	Hits      []searchHit `json:"hits"`
	Next      string      `json:"next,omitempty"`
	Facets    facets      `json:"facets"`
	Notes     []string    `json:"notes,omitempty"`
}

type searchHit struct {
	Article model.Record `json:"article"`
	// TitleHTML and SnippetHTML are escaped HTML with the matches in
	// <mark>.
	TitleHTML   string `json:"title_html"`
	SnippetHTML string `json:"snippet_html"`
}

type facets struct {
	Sources []facetValue `json:"sources"`
	Months  []facetValue `json:"months"`
	// The fact facets: the top values of each enrichment field, value as
	// stored (lower-case), label as shown.
	Countries  []facetValue `json:"countries"`
	Orgs       []facetValue `json:"orgs"`
	People     []facetValue `json:"people"`
	Operations []facetValue `json:"operations"`
	Topics     []facetValue `json:"topics"`
}

type facetValue struct {
	Value string `json:"value"`
	Label string `json:"label,omitempty"` // fact facets only
	Count int    `json:"count"`
}

func facetValues(in []store.FacetCount) []facetValue {
	out := make([]facetValue, len(in))
	for i, f := range in {
		out[i] = facetValue{Value: f.Value, Count: f.N}
	}
	return out
}

// searchFacets are a search's facets as the API gives them; a fact
// facet's values carry their labels as the pages show them.
func searchFacets(res store.SearchResult) facets {
	names := hitFactNames(res.Hits)
	facts := func(field string) []facetValue {
		in := res.Facts[field]
		out := make([]facetValue, len(in))
		for i, f := range in {
			out[i] = facetValue{Value: f.Value, Label: names.label(field, f), Count: f.N}
		}
		return out
	}
	return facets{Sources: facetValues(res.Sources), Months: facetValues(res.Months),
		Countries: facts(store.FieldCountry), Orgs: facts(store.FieldOrg), People: facts(store.FieldPerson),
		Operations: facts(store.FieldOperation), Topics: facts(store.FieldTopic)}
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	req, err := searchParams(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	req.Facets = true
	res, err := s.store.Search(r.Context(), req)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := searchAnswer{Query: req.Query.String(), Total: res.Total, TotalCapped: res.TotalCapped, Scope: res.Scope, RankScope: res.RankScope, Hits: []searchHit{}, Next: res.Next, Notes: res.Notes,
		Facets: searchFacets(res)}
	for _, h := range res.Hits {
		a, err := s.store.Article(r.Context(), h.Article.ID)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		out.Hits = append(out.Hits, searchHit{Article: model.NewRecord(a, false),
			TitleHTML: string(marked(h.Title)), SnippetHTML: string(marked(h.Snippet))})
	}
	apiJSON(w, http.StatusOK, out)
}

// apiSourceDoc is a source as the API reads and writes it. Durations are
// Go duration strings ("30m"); zero or empty means the default.
type apiSourceDoc struct {
	Name      string `json:"name"`
	URL       string `json:"url"`
	Type      string `json:"type,omitempty"`
	Links     string `json:"links,omitempty"`
	Interval  string `json:"interval,omitempty"`
	PerHost   int    `json:"per_host,omitempty"`
	HostDelay string `json:"host_delay,omitempty"`
}

// apiSourceState is a source with its polling state, as listed.
type apiSourceState struct {
	apiSourceDoc
	Paused      bool    `json:"paused"`
	Articles    int     `json:"articles"`
	NextPoll    *string `json:"next_poll"`
	LastAttempt *string `json:"last_attempt"`
	LastSuccess *string `json:"last_success"`
	LastError   string  `json:"last_error"`
	Failures    int     `json:"failures"`
	FeedURL     string  `json:"feed_url,omitempty"`
	// ArticleError: the feed reads fine, some of its pages do not.
	ArticleError string `json:"article_error,omitempty"`
}

func optTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func sourceDoc(src model.Source) apiSourceDoc {
	d := apiSourceDoc{Name: src.Name, URL: src.URL, Type: src.Type, Links: src.Links, PerHost: src.PerHost}
	if src.Interval > 0 {
		d.Interval = src.Interval.String()
	}
	if src.HostDelay > 0 {
		d.HostDelay = src.HostDelay.String()
	}
	return d
}

func sourceStateDoc(st model.SourceState) apiSourceState {
	return apiSourceState{
		apiSourceDoc: sourceDoc(st.Source), Paused: st.Paused, Articles: st.Articles,
		NextPoll: optTime(st.NextDue), LastAttempt: optTime(st.LastAttempt), LastSuccess: optTime(st.LastSuccess),
		LastError: st.LastError, Failures: st.Failures, FeedURL: st.FeedURL, ArticleError: st.ArticleError,
	}
}

func (s *Server) apiSources(w http.ResponseWriter, r *http.Request) {
	srcs, err := s.store.Sources(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := struct {
		Sources []apiSourceState `json:"sources"`
	}{Sources: []apiSourceState{}}
	for _, st := range srcs {
		out.Sources = append(out.Sources, sourceStateDoc(st))
	}
	apiJSON(w, http.StatusOK, out)
}

func (s *Server) apiSource(w http.ResponseWriter, r *http.Request) {
	st, err := s.store.Source(r.Context(), r.PathValue("name"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	apiJSON(w, http.StatusOK, sourceStateDoc(st))
}

// readSource decodes and validates a source document.
func readSource(r *http.Request) (model.Source, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return model.Source{}, &Error{Status: http.StatusUnsupportedMediaType, Title: "Unsupported media type", Detail: "send the source as application/json"}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	var d apiSourceDoc
	if err := dec.Decode(&d); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return model.Source{}, &Error{Status: http.StatusRequestEntityTooLarge, Title: "Too large", Detail: "the request body is too large"}
		}
		return model.Source{}, badRequest("the body is not a source document: " + err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return model.Source{}, badRequest("the body holds more than one JSON value")
	}
	f := sourceForm{Name: d.Name, URL: d.URL, Type: d.Type, Links: d.Links, Interval: d.Interval, HostDelay: d.HostDelay}
	if d.PerHost != 0 {
		f.PerHost = strconv.Itoa(d.PerHost)
	}
	return f.source()
}

func (s *Server) apiSourceCreate(w http.ResponseWriter, r *http.Request) {
	if s.cfg.SourcesFile != "" {
		s.apiError(w, r, errSourcesFromFile)
		return
	}
	src, err := readSource(r)
	if err == nil {
		err = s.store.CreateSource(r.Context(), src)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	st, err := s.store.Source(r.Context(), src.Name)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/sources/"+url.PathEscape(src.Name))
	apiJSON(w, http.StatusCreated, sourceStateDoc(st))
}

func (s *Server) apiSourceUpdate(w http.ResponseWriter, r *http.Request) {
	if s.cfg.SourcesFile != "" {
		s.apiError(w, r, errSourcesFromFile)
		return
	}
	name := r.PathValue("name")
	src, err := readSource(r)
	if err == nil {
		err = s.store.UpdateSource(r.Context(), name, src)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	st, err := s.store.Source(r.Context(), src.Name)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	apiJSON(w, http.StatusOK, sourceStateDoc(st))
}

func (s *Server) apiSourceDelete(w http.ResponseWriter, r *http.Request) {
	if s.cfg.SourcesFile != "" {
		s.apiError(w, r, errSourcesFromFile)
		return
	}
	if err := s.store.DeleteSource(r.Context(), r.PathValue("name")); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

package web

import (
	"net/http"
	"strings"
)

// maxBody caps every request body: forms and API documents are small; an
// OPML upload is the largest thing anyone sends.
const maxBody = 4 << 20

// routes is every route sitrep serves, in one place.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /static/", s.static())

	// Pages.
	mux.Handle("GET /{$}", s.uiRead(s.latest))
	mux.Handle("GET /articles/{id}", s.uiRead(s.article))
	mux.Handle("GET /search", s.uiRead(s.search))
	mux.Handle("GET /help/search", s.uiRead(s.help))
	mux.Handle("GET /sources", s.uiRead(s.sources))
	mux.Handle("GET /sources/new", s.uiRead(s.sourceNew))
	mux.Handle("POST /sources", s.uiWrite(s.sourceCreate))
	mux.Handle("POST /sources/test", s.uiWrite(s.sourceTest))
	mux.Handle("GET /sources.opml", s.uiRead(s.opmlExport))
	mux.Handle("POST /sources/import", s.uiWrite(s.opmlImport))
	mux.Handle("GET /sources/{name}", s.uiRead(s.sourceEdit))
	mux.Handle("POST /sources/{name}", s.uiWrite(s.sourceUpdate))
	mux.Handle("GET /sources/{name}/delete", s.uiRead(s.sourceDeleteConfirm))
	mux.Handle("POST /sources/{name}/delete", s.uiWrite(s.sourceDelete))
	mux.Handle("POST /sources/{name}/pause", s.uiWrite(s.sourcePause(true)))
	mux.Handle("POST /sources/{name}/resume", s.uiWrite(s.sourcePause(false)))
	mux.Handle("POST /sources/{name}/poll", s.uiWrite(s.sourcePoll))
	mux.Handle("GET /digest", s.uiRead(s.digestPage))
	mux.Handle("GET /stats", s.uiRead(s.stats))
	mux.Handle("GET /operations", s.uiRead(s.operations))
	mux.Handle("GET /countries", s.uiRead(s.countries))
	mux.Handle("GET /countries/{code}", s.uiRead(s.country))
	mux.HandleFunc("GET /signin", s.signinForm)
	mux.HandleFunc("POST /signin", s.signin)
	mux.HandleFunc("POST /signout", s.signout)

	// Outputs of any search, for feed readers and scripts.
	mux.Handle("GET /feeds/atom", s.apiRead(s.feedAtom))
	mux.Handle("GET /feeds/json", s.apiRead(s.feedJSON))
	mux.Handle("GET /digest.txt", s.apiRead(s.digestText))

	// The JSON API; api.go documents the shapes, openapi.json describes
	// every route and the tests hold the two together.
	mux.HandleFunc("GET /api/v1/openapi.json", s.openapi)
	mux.Handle("GET /api/v1/articles", s.apiRead(s.apiArticles))
	mux.Handle("GET /api/v1/articles/{id}", s.apiRead(s.apiArticle))
	mux.Handle("GET /api/v1/search", s.apiRead(s.apiSearch))
	mux.Handle("GET /api/v1/operations", s.apiRead(s.apiOperations))
	mux.Handle("GET /api/v1/countries", s.apiRead(s.apiCountries))
	mux.Handle("GET /api/v1/sources", s.apiRead(s.apiSources))
	mux.Handle("POST /api/v1/sources", s.apiWrite(s.apiSourceCreate))
	mux.Handle("GET /api/v1/sources/{name}", s.apiRead(s.apiSource))
	mux.Handle("PUT /api/v1/sources/{name}", s.apiWrite(s.apiSourceUpdate))
	mux.Handle("DELETE /api/v1/sources/{name}", s.apiWrite(s.apiSourceDelete))
	mux.Handle("/api/", http.HandlerFunc(s.apiNotFound))

	// Outermost first: headers on every answer, then cross-site form posts
	// refused before anything reads a body, then the body cap, then who
	// is asking.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := &Error{Status: http.StatusForbidden, Title: "Cross-site request refused",
			Detail: "this request came from another site; changes are only accepted from sitrep's own pages or from API clients"}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			s.apiError(w, r, err)
		} else {
			s.pageError(w, r, err)
		}
	}))
	return securityHeaders(cop.Handler(limitBody(s.identify(mux))))
}

// securityHeaders sets headers every response carries: a strict content
// policy (no scripts at all, styles and images only from here), no
// framing, no sniffing, no referrer leaking search queries to sources.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		}
		next.ServeHTTP(w, r)
	})
}

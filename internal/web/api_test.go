package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// apiCase is one request to the API and the status it must answer with.
type apiCase struct {
	name   string
	method string
	path   string
	body   string
	header map[string]string
	auth   bool // send the fixture's API token
	status int
	check  func(t *testing.T, body []byte)
}

// TestAPIMatchesOpenAPI sends requests to every route of the served OpenAPI
// document and checks each answer against it: the status is documented for
// that operation and the body matches its schema. Every operation of the
// document must be exercised.
func TestAPIMatchesOpenAPI(t *testing.T) {
	f := newFixture(t, nil)
	f.enrich() // so that records with facts and a story are validated too
	ctx := context.Background()

	rec := f.get("/api/v1/openapi.json")
	if rec.Code != 200 {
		t.Fatalf("GET /api/v1/openapi.json: %d", rec.Code)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("the OpenAPI document does not load: %v", err)
	}
	if err := doc.Validate(ctx); err != nil {
		t.Fatalf("the OpenAPI document is invalid: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: "http://sitrep.test/api/v1"}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}

	jsonCT := map[string]string{"Content-Type": "application/json"}
	newSource := `{"name": "Eurojust", "url": "https://www.eurojust.europa.eu/rss.xml", "interval": "1h"}`
	cases := []apiCase{
		{name: "openapi", method: "GET", path: "/openapi.json", status: 200},
		{name: "list", method: "GET", path: "/articles", status: 200, check: func(t *testing.T, b []byte) {
			var l articleList
			mustJSON(t, b, &l)
			if l.Total != 4 || len(l.Articles) != 4 || l.Articles[0].Title != "Cybercrime ring dismantled in Gürak" || l.Articles[0].Body == "" {
				t.Errorf("list: %+v; want 4 articles, newest first, with bodies", l)
			}
		}},
		{name: "list by query", method: "GET", path: `/articles?q=source:Interpol+since:2024-10`, status: 200, check: func(t *testing.T, b []byte) {
			var l articleList
			mustJSON(t, b, &l)
			if l.Total != 1 || l.Articles[0].Source != "Interpol" {
				t.Errorf("filtered list: %+v", l)
			}
		}},
		{name: "paging", method: "GET", path: "/articles?limit=3", status: 200, check: func(t *testing.T, b []byte) {
			var l articleList
			mustJSON(t, b, &l)
			if len(l.Articles) != 3 || l.Next == "" {
				t.Fatalf("first page: %d articles, next %q", len(l.Articles), l.Next)
			}
			rec := f.get("/api/v1/articles?limit=3&cursor=" + l.Next)
			var l2 articleList
			mustJSON(t, rec.Body.Bytes(), &l2)
			if len(l2.Articles) != 1 || l2.Next != "" || l2.Articles[0].ID == l.Articles[2].ID {
				t.Errorf("second page: %+v", l2)
			}
		}},
		{name: "bad query", method: "GET", path: `/articles?q=%22operation+jackal`, status: 400, check: wantProblem("quote", 1)},
		{name: "bad limit", method: "GET", path: "/articles?limit=0", status: 400, check: wantProblem("limit", 0)},
		{name: "bad order", method: "GET", path: "/articles?order=up", status: 400, check: wantProblem("order", 0)},
		{name: "bad cursor", method: "GET", path: "/articles?cursor=bm9wZQ", status: 400, check: wantProblem("cursor", 0)},
		{name: "one", method: "GET", path: "/articles/1", status: 200, check: func(t *testing.T, b []byte) {
			var a articleOne
			mustJSON(t, b, &a)
			if a.ID != 1 || len(a.Blocks) != 3 || len(a.Listings) != 1 || a.Listings[0].Source != "Interpol" {
				t.Errorf("article 1: %+v", a)
			}
		}},
		{name: "one enriched", method: "GET", path: "/articles/1", status: 200, check: func(t *testing.T, b []byte) {
			var a articleOne
			mustJSON(t, b, &a)
			if a.FactsRules == nil || *a.FactsRules != "test" || len(a.Countries) != 2 || len(a.Figures) != 2 || a.People[0].Name != "Jürgen Stock" ||
				a.Story == nil || a.Story.ID != 1 || a.Story.Articles != 1 {
				t.Errorf("article 1's facts: %+v", a.Record)
			}
		}},
		{name: "one not enriched", method: "GET", path: "/articles/3", status: 200, check: func(t *testing.T, b []byte) {
			if !strings.Contains(string(b), `"facts_rules": null`) || !strings.Contains(string(b), `"story": null`) || !strings.Contains(string(b), `"countries": []`) {
				t.Errorf("an article never enriched: %s", b)
			}
		}},
		{name: "one missing", method: "GET", path: "/articles/999", status: 404},
		{name: "search", method: "GET", path: `/search?q=%22operation+jackal%22`, status: 200, check: func(t *testing.T, b []byte) {
			var s searchAnswer
			mustJSON(t, b, &s)
			if s.Total != 1 || !strings.Contains(s.Hits[0].TitleHTML, "<mark>Operation Jackal</mark>") || len(s.Facets.Sources) != 1 {
				t.Errorf("search: %+v", s)
			}
			if len(s.Facets.Countries) != 2 || s.Facets.Countries[0] != (facetValue{Value: "fr", Label: "France", Count: 1}) && s.Facets.Countries[0] != (facetValue{Value: "ng", Label: "Nigeria", Count: 1}) ||
				len(s.Facets.Topics) != 1 || s.Facets.Topics[0].Label != "Organised crime" || len(s.Facets.Operations) != 1 || len(s.Facets.People) != 1 || len(s.Facets.Orgs) != 1 {
				t.Errorf("search's fact facets: %+v", s.Facets)
			}
		}},
		{name: "search by fact", method: "GET", path: `/search?q=country:NG+org:interpol`, status: 200, check: func(t *testing.T, b []byte) {
			var s searchAnswer
			mustJSON(t, b, &s)
			if s.Total != 1 || s.Hits[0].Article.ID != 1 || s.Query != "country:NG org:interpol" {
				t.Errorf("search by fact: %+v", s)
			}
		}},
		{name: "search nothing", method: "GET", path: `/search?q=nothing+matches+this`, status: 200, check: func(t *testing.T, b []byte) {
			if !strings.Contains(string(b), `"countries": []`) {
				t.Errorf("a search without matches has no empty fact facets: %s", b)
			}
		}},
		{name: "operations", method: "GET", path: "/operations", status: 200, check: func(t *testing.T, b []byte) {
			var o apiOperations
			mustJSON(t, b, &o)
			if len(o.Operations) != 3 || o.Operations[0].Name != "Operation Pangea" || o.Operations[1].Name != "Operation Jackal III" || o.Note == "" {
				t.Fatalf("operations: %+v", o)
			}
			j := o.Operations[1]
			if j.Arrests == nil || j.Arrests.Value != 300 || j.Arrests.URL != "/articles/1#fig-1" || len(j.MoneySeized) != 1 || j.MoneySeized[0].Currency != "EUR" ||
				len(j.Countries) != 1 || j.Countries[0] != (apiCountry{Code: "NG", Name: "Nigeria", Articles: 1}) {
				t.Errorf("Operation Jackal III: %+v", j)
			}
		}},
		{name: "operations by name", method: "GET", path: "/operations?q=pangea", status: 200, check: func(t *testing.T, b []byte) {
			var o apiOperations
			mustJSON(t, b, &o)
			if len(o.Operations) != 1 || o.Operations[0].Arrests != nil || len(o.Operations[0].MoneySeized) != 0 {
				t.Errorf("operations?q=pangea: %+v", o)
			}
		}},
		{name: "countries", method: "GET", path: "/countries", status: 200, check: func(t *testing.T, b []byte) {
			var c apiCountries
			mustJSON(t, b, &c)
			if c.Since != nil || len(c.Countries) != 3 {
				t.Errorf("countries: %+v", c)
			}
		}},
		{name: "countries since", method: "GET", path: "/countries?since=2024-10-14", status: 200, check: func(t *testing.T, b []byte) {
			var c apiCountries
			mustJSON(t, b, &c)
			// Article 1 (14 October) names France and Nigeria; the hostile
			// one (13 October) is older.
			if c.Since == nil || *c.Since != "2024-10-14" || len(c.Countries) != 2 {
				t.Errorf("countries since 2024-10-14: %+v", c)
			}
		}},
		{name: "countries bad since", method: "GET", path: "/countries?since=last-week", status: 400, check: wantProblem("since", 0)},
		{name: "search bad", method: "GET", path: `/search?q=a+OR`, status: 400, check: wantProblem("OR", 0)},
		{name: "sources", method: "GET", path: "/sources", status: 200},
		{name: "source", method: "GET", path: "/sources/Interpol", status: 200},
		{name: "source missing", method: "GET", path: "/sources/nope", status: 404},
		{name: "create anonymous", method: "POST", path: "/sources", body: newSource, header: jsonCT, status: 401},
		{name: "create", method: "POST", path: "/sources", body: newSource, header: jsonCT, auth: true, status: 201},
		{name: "create again", method: "POST", path: "/sources", body: newSource, header: jsonCT, auth: true, status: 409},
		{name: "create invalid", method: "POST", path: "/sources", body: `{"name": "X", "url": "ftp://x"}`, header: jsonCT, auth: true, status: 422,
			check: func(t *testing.T, b []byte) {
				if !strings.Contains(string(b), `"field": "url"`) {
					t.Errorf("422 does not name the field: %s", b)
				}
			}},
		{name: "create reserved name", method: "POST", path: "/sources", body: `{"name": "new", "url": "https://x.example/feed"}`, header: jsonCT, auth: true, status: 422},
		{name: "create malformed", method: "POST", path: "/sources", body: `{"name": `, header: jsonCT, auth: true, status: 400},
		{name: "create unknown field", method: "POST", path: "/sources", body: `{"name": "Y", "url": "https://y.example/", "colour": "red"}`, header: jsonCT, auth: true, status: 400},
		{name: "create not json", method: "POST", path: "/sources", body: `name=x`, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, auth: true, status: 415},
		{name: "update anonymous", method: "PUT", path: "/sources/Eurojust", body: newSource, header: jsonCT, status: 401},
		{name: "update", method: "PUT", path: "/sources/Eurojust", body: `{"name": "Eurojust", "url": "https://www.eurojust.europa.eu/news.xml"}`, header: jsonCT, auth: true, status: 200},
		{name: "update missing", method: "PUT", path: "/sources/nope", body: newSource, header: jsonCT, auth: true, status: 404},
		{name: "update invalid", method: "PUT", path: "/sources/Eurojust", body: `{"name": "", "url": "https://x/"}`, header: jsonCT, auth: true, status: 422},
		{name: "delete anonymous", method: "DELETE", path: "/sources/Eurojust", status: 401},
		{name: "delete", method: "DELETE", path: "/sources/Eurojust", auth: true, status: 204},
		{name: "delete again", method: "DELETE", path: "/sources/Eurojust", auth: true, status: 404},
	}
	covered := map[string]bool{}
	for _, tc := range cases {
		header := map[string]string{}
		for k, v := range tc.header {
			header[k] = v
		}
		if tc.auth {
			header["Authorization"] = "Bearer " + f.token
		}
		var body io.Reader
		if tc.body != "" {
			body = strings.NewReader(tc.body)
		}
		rec := f.do(tc.method, "/api/v1"+tc.path, body, header)
		if rec.Code != tc.status {
			t.Errorf("%s: %s %s: %d, want %d: %s", tc.name, tc.method, tc.path, rec.Code, tc.status, rec.Body)
			continue
		}
		if tc.check != nil {
			tc.check(t, rec.Body.Bytes())
		}
		// Check the exchange against the document.
		req := httptest.NewRequest(tc.method, "http://sitrep.test/api/v1"+tc.path, strings.NewReader(tc.body))
		for k, v := range header {
			req.Header.Set(k, v)
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Errorf("%s: %s %s is not in the OpenAPI document: %v", tc.name, tc.method, tc.path, err)
			continue
		}
		covered[route.Method+" "+route.Path] = true
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		out := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
			Body: io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		}
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			t.Errorf("%s: %s %s answered %d, which does not match the document: %v", tc.name, tc.method, tc.path, rec.Code, err)
		}
		if rec.Code >= 400 && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s: error with Content-Type %q, want application/problem+json", tc.name, rec.Header().Get("Content-Type"))
		}
	}
	var missing []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !covered[method+" "+path] {
				missing = append(missing, method+" "+path)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("operations of the OpenAPI document no test exercised: %v", missing)
	}
}

var _ routers.Router = (*legacy.Router)(nil)

func mustJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
}

// wantProblem checks a problem document's detail mentions what is wrong,
// and its position when one is given.
func wantProblem(mentions string, position int) func(t *testing.T, b []byte) {
	return func(t *testing.T, b []byte) {
		t.Helper()
		var p problem
		mustJSON(t, b, &p)
		if !strings.Contains(p.Detail, mentions) {
			t.Errorf("problem detail %q does not mention %q", p.Detail, mentions)
		}
		if position > 0 && p.Position != position {
			t.Errorf("problem position %d, want %d", p.Position, position)
		}
	}
}

func TestAPIUnknownRoute(t *testing.T) {
	f := newFixture(t, nil)
	rec := f.get("/api/v1/nothing")
	if rec.Code != 404 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
		t.Errorf("GET /api/v1/nothing: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	rec = f.do("PATCH", "/api/v1/sources/Interpol", nil, nil)
	if rec.Code != 405 && rec.Code != 404 {
		t.Errorf("PATCH: %d, want 405", rec.Code)
	}
}

func TestAPIWrongToken(t *testing.T) {
	f := newFixture(t, nil)
	rec := f.do("GET", "/api/v1/articles", nil, map[string]string{"Authorization": "Bearer sitrep_wrong"})
	if rec.Code != 401 || rec.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("a wrong token: %d, want 401 with WWW-Authenticate", rec.Code)
	}
	// Another scheme is not ours (a proxy's Basic authentication): it
	// neither signs in nor locks out.
	if rec := f.do("GET", "/api/v1/articles", nil, map[string]string{"Authorization": "Basic dXNlcjpwdw=="}); rec.Code != 200 {
		t.Errorf("Basic on an open server: %d, want 200", rec.Code)
	}
	if rec := f.do("POST", "/api/v1/sources", strings.NewReader(`{"name":"x","url":"https://x.example/"}`),
		map[string]string{"Authorization": "Basic dXNlcjpwdw==", "Content-Type": "application/json"}); rec.Code != 401 {
		t.Errorf("a write with Basic: %d, want 401", rec.Code)
	}
}

func TestSourcesDefinedByFile(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.SourcesFile = "sources.yaml" })
	auth := map[string]string{"Authorization": "Bearer " + f.token, "Content-Type": "application/json"}
	for _, tc := range []struct{ method, path, body string }{
		{"POST", "/api/v1/sources", `{"name": "A", "url": "https://a.example/"}`},
		{"PUT", "/api/v1/sources/Interpol", `{"name": "Interpol", "url": "https://a.example/"}`},
		{"DELETE", "/api/v1/sources/Interpol", ""},
	} {
		rec := f.do(tc.method, tc.path, strings.NewReader(tc.body), auth)
		if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "sources file") {
			t.Errorf("%s %s with a sources file: %d %s; want 409 naming the file", tc.method, tc.path, rec.Code, rec.Body)
		}
	}
	if rec := f.get("/sources"); !strings.Contains(rec.Body.String(), "defined by <code>sources.yaml</code>") {
		t.Error("the sources page does not say the file defines the sources")
	}
}

package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/query"
	"github.com/sitrep/sitrep/internal/store"
)

const (
	// chartCountries is how many countries the countries chart draws.
	chartCountries = 25
	// maxCountries bounds the countries listed: more than there are.
	maxCountries = 400
	// countryArticles is how many of its latest articles a country's page
	// lists.
	countryArticles = 10
)

// countryRow is one country and how many articles name it.
type countryRow struct {
	Code string // upper-case
	Name string
	N    int
	URL  string // its page
}

func countryPath(code string) string { return "/countries/" + strings.ToLower(code) }

// countryCounts counts the articles naming each country, dated at or after
// since (zero: all), most first.
func (s *Server) countryCounts(r *http.Request, since time.Time) ([]countryRow, error) {
	counts, err := s.store.FactCounts(r.Context(), store.FieldCountry, since, maxCountries)
	if err != nil {
		return nil, err
	}
	out := make([]countryRow, 0, len(counts))
	for _, c := range counts {
		name := c.Label
		if name == "" {
			name = strings.ToUpper(c.Value)
		}
		out = append(out, countryRow{Code: strings.ToUpper(c.Value), Name: name, N: c.N, URL: countryPath(c.Value)})
	}
	return out, nil
}

// periodOption is one choice of the countries page's period.
type periodOption struct {
	Value    string // the since parameter; "" for all time
	Label    string
	Selected bool
}

// countriesPage is the data of countries.html.
type countriesPage struct {
	page
	Periods []periodOption
	Since   string // the date counted from, "" for all time
	Chart   template.HTML
	Charted int
	Rows    []countryRow
}

// countries charts how many articles name each country over a period.
func (s *Server) countries(w http.ResponseWriter, r *http.Request) {
	raw := strings.TrimSpace(r.URL.Query().Get("since"))
	since, err := dateParam("since", raw, false)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	rows, err := s.countryCounts(r, since)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := countriesPage{page: s.page(r, "Countries", "countries"), Rows: rows}
	if !since.IsZero() {
		p.Since = since.Format(time.DateOnly)
	}
	today := s.now().UTC()
	p.Periods = []periodOption{
		{Value: "", Label: "All time"},
		{Value: today.AddDate(0, 0, -365).Format(time.DateOnly), Label: "Last 365 days"},
		{Value: today.AddDate(0, 0, -90).Format(time.DateOnly), Label: "Last 90 days"},
	}
	known := false
	for i := range p.Periods {
		if p.Periods[i].Value == p.Since {
			p.Periods[i].Selected, known = true, true
		}
	}
	if !known {
		p.Periods = append(p.Periods, periodOption{Value: p.Since, Label: "Since " + p.Since, Selected: true})
	}
	var bars []chart.Bar
	for _, c := range rows[:min(chartCountries, len(rows))] {
		bars = append(bars, chart.Bar{Label: c.Name, Value: float64(c.N)})
	}
	p.Charted = len(bars)
	desc := "All stored articles."
	if p.Since != "" {
		desc = "Articles dated from " + p.Since + " on."
	}
	p.Chart = chart.HBars(chart.HBarChart{ID: "countries", Title: "Articles naming each country", Desc: desc, Bars: bars, Width: 560})
	s.render(w, r, http.StatusOK, "countries.html", p)
}

// monthCount is one month of a country's timeline.
type monthCount struct {
	Month time.Time
	N     int
}

// countryPage is the data of country.html.
type countryPage struct {
	page
	Code     string
	Name     string
	N        int // articles naming it
	Search   string
	Res      store.SearchResult
	Timeline template.HTML
	Months   []monthCount
	Facets   []factFacet
}

// countryHeadings name what comes with a country on its page.
var countryHeadings = map[string]string{
	store.FieldOrg:       "Organisations",
	store.FieldOperation: "Operations",
	store.FieldTopic:     "Topics",
}

// validCode reports whether s looks like an ISO 3166-1 alpha-2 code.
func validCode(s string) bool {
	if len(s) != 2 {
		return false
	}
	for _, c := range []byte(strings.ToLower(s)) {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// country is one country's page: how often articles name it per month,
// its latest articles and what comes with it.
func (s *Server) country(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if !validCode(code) {
		s.pageError(w, r, store.ErrNotFound)
		return
	}
	code = strings.ToUpper(code)
	rows, err := s.countryCounts(r, time.Time{})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p := countryPage{Code: code}
	for _, c := range rows {
		if c.Code == code {
			p.Name, p.N = c.Name, c.N
		}
	}
	if p.Name == "" {
		s.pageError(w, r, &Error{Status: http.StatusNotFound, Title: "Not found", Detail: "no stored article names a country with the code " + code})
		return
	}
	p.page = s.page(r, p.Name, "countries")
	q := query.Query{Facts: []query.Fact{{Field: store.FieldCountry, Value: code}}}
	p.Search = searchURL(q.String(), "newest")
	p.Res, err = s.store.Search(r.Context(), store.SearchRequest{Query: q, Order: store.Newest, Limit: countryArticles, Facets: true})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	p.Months = fillMonths(p.Res.Months)
	labels := make([]string, len(p.Months))
	long := make([]string, len(p.Months))
	vals := make([]float64, len(p.Months))
	for i, m := range p.Months {
		labels[i] = m.Month.Format("Jan 2006")
		long[i] = m.Month.Format("January 2006")
		vals[i] = float64(m.N)
	}
	p.Timeline = chart.Columns(chart.ColumnChart{ID: "timeline", Title: "Articles naming " + p.Name + " per month",
		Desc:   fmt.Sprintf("By publication date, from %s.", monthRange(p.Months)),
		Labels: labels, LongLabels: long, Series: []chart.Series{{Name: "Articles", Values: vals}}})
	p.Facets = factFacets(p.Res, q, "newest", store.FieldOrg, store.FieldOperation, store.FieldTopic)
	for i := range p.Facets {
		p.Facets[i].Heading = countryHeadings[p.Facets[i].Field]
	}
	s.render(w, r, http.StatusOK, "country.html", p)
}

// fillMonths turns a month facet (newest first, months without articles
// left out) into every month from the oldest to the newest, oldest first.
func fillMonths(facet []store.FacetCount) []monthCount {
	n := map[time.Time]int{}
	var first, last time.Time
	for _, f := range facet {
		m, err := time.Parse("2006-01", f.Value)
		if err != nil {
			continue
		}
		n[m] += f.N
		if first.IsZero() || m.Before(first) {
			first = m
		}
		if m.After(last) {
			last = m
		}
	}
	if first.IsZero() {
		return nil
	}
	var out []monthCount
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		out = append(out, monthCount{Month: m, N: n[m]})
	}
	return out
}

func monthRange(ms []monthCount) string {
	if len(ms) == 0 {
		return "no months"
	}
	return ms[0].Month.Format("January 2006") + " to " + ms[len(ms)-1].Month.Format("January 2006")
}

// apiCountries is the answer of GET /api/v1/countries.
type apiCountries struct {
	Since     *string      `json:"since"` // the day counted from; null for all time
	Countries []apiCountry `json:"countries"`
}

func (s *Server) apiCountries(w http.ResponseWriter, r *http.Request) {
	since, err := dateParam("since", r.URL.Query().Get("since"), false)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	rows, err := s.countryCounts(r, since)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := apiCountries{Countries: []apiCountry{}}
	if !since.IsZero() {
		d := since.Format(time.DateOnly)
		out.Since = &d
	}
	for _, c := range rows {
		out.Countries = append(out.Countries, apiCountry{Code: c.Code, Name: c.Name, Articles: c.N})
	}
	apiJSON(w, http.StatusOK, out)
}

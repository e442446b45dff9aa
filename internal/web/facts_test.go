package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// setFacts stores an article's facts and story.
func (f *fixture) setFacts(id int64, facts model.Facts, story int64) {
	f.t.Helper()
	if err := f.store.SetFacts(f.t.Context(), id, store.Enrichment{Facts: facts, Story: story}); err != nil {
		f.t.Fatalf("SetFacts(%d): %v", id, err)
	}
}

// enrich gives the fixture's articles facts: the Jackal article (1) every
// kind of fact, the Europol one (2) a few, the hostile one (4) facts made
// of markup; the teaser (3) stays unenriched.
func (f *fixture) enrich() {
	f.t.Helper()
	f.setFacts(1, model.Facts{Rules: "test",
		Countries: []model.Country{
			{Code: "FR", Name: "France", Mentions: 1, As: "French", Sentence: "French police took part."},
			{Code: "NG", Name: "Nigeria", Subject: true, Mentions: 3, As: "Nigerian", Sentence: "West African organised crime."},
		},
		Orgs:       []model.Org{{Name: "INTERPOL", Kind: "police", Mentions: 2, As: "INTERPOL", Sentence: "INTERPOL's Operation Jackal targeted West African organised crime."}},
		People:     []model.Person{{Name: "Jürgen Stock", Role: "Secretary General", Org: "INTERPOL", Sentence: "Jürgen Stock said so."}},
		Operations: []model.Operation{{Name: "Operation Jackal III", Agency: "INTERPOL", Period: "2024-05/2024-07", Sentence: "INTERPOL's Operation Jackal targeted West African organised crime."}},
		Figures: []model.Figure{
			{Kind: model.FigArrests, Value: 300, Qualifier: "more than", About: "Operation Jackal III", Sentence: "More than 300 arrests."},
			{Kind: model.FigMoneySeized, Value: 2_000_000, Unit: "EUR", About: "Operation Jackal III", Sentence: "A sentence the body does not hold."},
		},
		Topics: []model.Topic{{ID: "organised-crime", Name: "Organised crime", Group: "crime", Evidence: []string{"organised crime", "West African"}}},
	}, 1)
	f.setFacts(2, model.Facts{Rules: "test",
		Orgs:       []model.Org{{Name: "Europol", Mentions: 1, As: "Europol"}},
		Operations: []model.Operation{{Name: "Operation Pangea"}},
		Topics:     []model.Topic{{ID: "cybercrime", Name: "Cybercrime", Group: "crime", Evidence: []string{"ransomware"}}},
	}, 0)
	f.setFacts(4, model.Facts{Rules: hostile,
		Countries:  []model.Country{{Code: "XK", Name: hostile + " land", Subject: true, As: hostile}},
		Orgs:       []model.Org{{Name: hostile}},
		People:     []model.Person{{Name: hostile + " man", Role: hostile, Org: hostile}},
		Operations: []model.Operation{{Name: hostile + " op", Agency: hostile, Period: hostile}},
		Figures:    []model.Figure{{Kind: model.FigMoneySeized, Value: 5, Unit: hostile, About: hostile + " op", Sentence: hostile + " body"}},
		Topics:     []model.Topic{{ID: "x" + hostile, Name: hostile, Evidence: []string{hostile}}},
	}, 4)
}

// newFactsFixture is the fixture, enriched, with two more articles on
// Operation Jackal III: one in the first article's story, one a story of
// its own. It returns their IDs.
func newFactsFixture(t *testing.T) (f *fixture, sameStory, otherStory int64) {
	f = newFixture(t, nil)
	f.enrich()
	save := func(url, title, body, feed string, published time.Time) int64 {
		t.Helper()
		a := model.Article{URL: url, Title: title, Published: published, Blocks: []model.Block{{Kind: model.Paragraph, Text: body}}}
		id, _, err := f.store.SaveArticle(t.Context(), store.Save{Article: a, Feed: feed})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	sameStory = save("https://www.europol.europa.eu/jackal", "Europol on Operation Jackal III",
		"Europol backed Operation Jackal III. Police made 320 arrests. EUR 1 million was seized.", "Europol", now.Add(-12*time.Hour))
	otherStory = save("https://www.interpol.int/jackal-ghana", "Jackal III reaches Ghana",
		"In Ghana, 40 people were arrested. USD 500,000 was seized. 999 arrests were made in all of West Africa. 7 arrests in Ghana.", "Interpol", now.AddDate(0, 0, -5))
	f.setFacts(sameStory, model.Facts{Rules: "test",
		Countries:  []model.Country{{Code: "NG", Name: "Nigeria", Subject: true}, {Code: "GH", Name: "Ghana", Subject: true}},
		Orgs:       []model.Org{{Name: "Europol"}},
		Operations: []model.Operation{{Name: "Operation Jackal III", Agency: "Europol"}},
		Figures: []model.Figure{
			{Kind: model.FigArrests, Value: 320, About: "Operation Jackal III", Sentence: "Police made 320 arrests."},
			{Kind: model.FigMoneySeized, Value: 1_000_000, Unit: "EUR", About: "Operation Jackal III", Sentence: "EUR 1 million was seized."},
		},
	}, 1)
	f.setFacts(otherStory, model.Facts{Rules: "test",
		Countries:  []model.Country{{Code: "GH", Name: "Ghana", Subject: true}, {Code: "CI", Name: "Côte d'Ivoire", Subject: true}, {Code: "FR", Name: "France"}},
		Operations: []model.Operation{{Name: "operation jackal iii", Agency: "INTERPOL", Period: "2024"}},
		Figures: []model.Figure{
			{Kind: model.FigArrests, Value: 40, About: "operation jackal iii", Sentence: "In Ghana, 40 people were arrested."},
			{Kind: model.FigMoneySeized, Value: 500_000, Unit: "USD", About: "OPERATION JACKAL III", Sentence: "USD 500,000 was seized."},
			{Kind: model.FigArrests, Value: 999, Sentence: "999 arrests were made in all of West Africa."},
			{Kind: model.FigArrests, Value: 7, About: "GH", Sentence: "7 arrests in Ghana."},
		},
	}, 0)
	return f, sameStory, otherStory
}

func TestFactPages(t *testing.T) {
	f, _, otherStory := newFactsFixture(t)
	// q is a query as a link's attribute writes it.
	q := func(s string) string { return attr(url.QueryEscape(s)) }
	tests := []struct {
		path     string
		code     int
		contains []string
		lacks    []string
	}{
		{"/articles/1", 200, []string{
			`<h2 id="facts-h">Facts</h2>`,
			// The figure's sentence is marked in the body, and the figure
			// links there.
			`organised crime.<br><mark class="fig" id="fig-1">More than 300 arrests.</mark>`,
			`<a href="#fig-1">more than 300 arrests (Operation Jackal III)</a>`,
			// A figure whose sentence is not in the body is listed without a link.
			`<li>EUR 2,000,000 seized (Operation Jackal III)</li>`,
			`href="/search?q=` + q("country:NG") + `&amp;order=newest">Nigeria</a>`,
			`passing mention`,
			`href="/search?q=` + q("org:INTERPOL") + `&amp;order=newest">INTERPOL</a>`,
			`href="/search?q=` + q(`person:"Jürgen Stock"`) + `&amp;order=newest">Jürgen Stock</a>`, "Secretary General, INTERPOL",
			`href="/search?q=` + q(`operation:"Operation Jackal III"`) + `&amp;order=newest">Operation Jackal III</a>`, "led by INTERPOL", "2024-05 to 2024-07",
			`href="/search?q=` + q("topic:organised-crime") + `&amp;order=newest">Organised crime</a>`, "(organised crime, West African)",
			`Part of a story of 2 articles: <a href="/search?q=` + q("story:1") + `&amp;order=oldest">Operation Jackal III: 300 arrests</a>`,
		}, []string{`id="fig-2"`, "Not enriched yet"}},
		{"/articles/2", 200, []string{"Cybercrime", "(ransomware)", "Operation Pangea"}, []string{"Part of a story", `<mark`}},
		{"/articles/3", 200, []string{"Not enriched yet: run <code>sitrep enrich</code>"}, []string{"Part of a story", `<dt>Countries</dt>`}},
		{"/articles/4", 200, []string{"&lt;script&gt;alert(1)&lt;/script&gt; land", `<mark class="fig" id="fig-1">&lt;script&gt;`}, nil},
		{"/articles/" + itoa(otherStory), 200, []string{`id="fig-1"`, `id="fig-2"`, `id="fig-3"`, `id="fig-4"`, `href="#fig-4"`}, []string{"Part of a story"}},

		// Facets add their filter to the query, quoted when it has spaces.
		{"/search?q=jackal", 200, []string{"By country", "By organisation", "By person", "By operation", "By topic",
			`href="/search?q=` + q("jackal country:NG") + `">Nigeria</a> <span class="n">2</span>`,
			`href="/search?q=` + q(`jackal person:"Jürgen Stock"`) + `">Jürgen Stock</a>`,
			`href="/search?q=` + q(`jackal operation:"Operation Jackal III"`) + `">Operation Jackal III</a> <span class="n">3</span>`,
			`href="/search?q=` + q("jackal topic:organised-crime") + `">Organised crime</a>`,
			"By source", "By month",
		}, nil},
		{"/search?q=" + q("country:NG") + "&order=newest", 200, []string{
			`<span aria-current="true">Nigeria</span>`,
			`href="/search?q=` + q("country:NG country:GH") + `&amp;order=newest">Ghana</a>`,
		}, nil},

		{"/operations", 200, []string{"Operation Jackal III", "Operation Pangea", "largest figure of each kind", "<th scope=\"col\">Countries</th>"}, nil},
		{"/operations?q=JACKAL", 200, []string{"Operation Jackal III", "1 operation whose name contains"}, []string{"Operation Pangea"}},
		{"/operations?q=nothing-like-it", 200, []string{"No operation's name contains"}, nil},

		{"/countries", 200, []string{"Articles naming each country", "<svg", "The same numbers as a table",
			`<a href="/countries/ng">Nigeria</a>`, `<option value="" selected>All time</option>`, "Last 90 days"}, nil},
		{"/countries?since=2024-10-15", 200, []string{`<option value="2024-10-15" selected>Since 2024-10-15</option>`, "Nigeria"}, []string{"Côte d"}},
		{"/countries?since=" + now.AddDate(0, 0, -90).Format(time.DateOnly), 200, []string{`selected>Last 90 days</option>`}, nil},
		{"/countries?since=yesterday", 400, []string{"want a date like"}, nil},
		{"/countries/ng", 200, []string{"<h1>Nigeria</h1>", "2 articles name Nigeria", "Articles per month", "<svg", "October 2024",
			"Europol on Operation Jackal III", "Organisations", "Operations", "Topics",
			`href="/search?q=` + q(`country:NG operation:"Operation Jackal III"`) + `&amp;order=newest">Operation Jackal III</a>`,
		}, nil},
		{"/countries/NG", 200, []string{"<h1>Nigeria</h1>"}, nil},
		{"/countries/xk", 200, []string{"&lt;script&gt;alert(1)&lt;/script&gt; land"}, nil},
		{"/countries/zz", 404, []string{"Back to the latest articles"}, nil},
		{"/countries/nga", 404, nil, nil},
		{"/countries/1x", 404, nil, nil},
	}
	for _, tt := range tests {
		rec := f.get(tt.path)
		body := rec.Body.String()
		if rec.Code != tt.code {
			t.Errorf("GET %s: %d, want %d", tt.path, rec.Code, tt.code)
		}
		for _, want := range tt.contains {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s lacks %q", tt.path, want)
			}
		}
		for _, bad := range tt.lacks {
			if strings.Contains(body, bad) {
				t.Errorf("GET %s has %q", tt.path, bad)
			}
		}
		if strings.Contains(body, hostile) {
			t.Errorf("GET %s contains markup from the facts unescaped", tt.path)
		}
		if strings.Count(body, `id="fig-1"`) > 1 {
			t.Errorf("GET %s: the id fig-1 twice", tt.path)
		}
	}

	// The navigation names the new pages, marking the current one.
	body := f.get("/operations").Body.String()
	if !strings.Contains(body, `<a href="/operations" aria-current="page">Operations</a>`) || !strings.Contains(body, `<a href="/countries">Countries</a>`) {
		t.Error("the nav lacks Operations and Countries")
	}
}

// attr is text as html/template writes it in an attribute.
func attr(s string) string {
	return strings.NewReplacer("&", "&amp;", "+", "&#43;", "'", "&#39;", `"`, "&#34;").Replace(s)
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// TestOperationsSum checks the operations' aggregation: grouped by name
// ignoring case, figures about the operation only, the largest per story
// and kind and currency, summed over stories, each linking to its largest
// part's sentence.
func TestOperationsSum(t *testing.T) {
	f, sameStory, otherStory := newFactsFixture(t)
	rec := f.get("/api/v1/operations")
	if rec.Code != 200 {
		t.Fatalf("GET /api/v1/operations: %d %s", rec.Code, rec.Body)
	}
	var out apiOperations
	mustJSON(t, rec.Body.Bytes(), &out)
	var names []string
	for _, op := range out.Operations {
		names = append(names, op.Name)
	}
	// Newest first: Jackal III's newest article is 12 hours old, Pangea's a
	// day, the hostile one's three days.
	if want := []string{"Operation Jackal III", "Operation Pangea", hostile + " op"}; !slices.Equal(names, want) {
		t.Fatalf("operations %q, want %q", names, want)
	}
	j := out.Operations[0]
	if j.Articles != 3 || j.Stories != 2 || j.Agency != "INTERPOL" || j.Period != "2024-05/2024-07" ||
		j.Query != `operation:"Operation Jackal III"` || j.Latest != now.Add(-12*time.Hour).Format(time.RFC3339) {
		t.Errorf("Jackal III: %+v", j)
	}
	// Story 1 (articles 1 and sameStory) says 300 and 320 arrests: 320
	// counts; the other story 40; 999 (about nothing) and 7 (about Ghana)
	// do not count.
	if j.Arrests == nil || j.Arrests.Value != 360 || j.Arrests.ArticleID != sameStory || j.Arrests.URL != "/articles/"+itoa(sameStory)+"#fig-1" {
		t.Errorf("Jackal III arrests %+v, want 360 linking to article %d's first figure", j.Arrests, sameStory)
	}
	wantMoney := []apiFigureSum{
		// EUR 2 million (article 1) beats EUR 1 million in the same story;
		// its sentence is not in the body, so the link has no fragment.
		{Value: 2_000_000, Currency: "EUR", ArticleID: 1, Figure: 2, URL: "/articles/1"},
		{Value: 500_000, Currency: "USD", ArticleID: otherStory, Figure: 2, URL: "/articles/" + itoa(otherStory) + "#fig-2"},
	}
	if !slices.Equal(j.MoneySeized, wantMoney) {
		t.Errorf("Jackal III money %+v, want %+v", j.MoneySeized, wantMoney)
	}
	var codes []string
	for _, c := range j.Countries {
		codes = append(codes, c.Code)
	}
	if want := []string{"GH", "NG", "CI"}; !slices.Equal(codes, want) {
		t.Errorf("Jackal III's subject countries %q, want %q (most articles first; France is only passing)", codes, want)
	}
	if p := out.Operations[1]; p.Arrests != nil || len(p.MoneySeized) != 0 || p.Agency != "" || p.Articles != 1 {
		t.Errorf("Pangea: %+v", p)
	}

	// The page shows the same sums, each linking to its sentence.
	body := f.get("/operations").Body.String()
	for _, want := range []string{
		`<a href="/articles/` + itoa(sameStory) + `#fig-1" title="the largest figure’s sentence">360</a>`,
		`<a href="/articles/1" title="the largest figure’s sentence">EUR 2,000,000</a>`,
		`<a href="/articles/` + itoa(otherStory) + `#fig-2" title="the largest figure’s sentence">USD 500,000</a>`,
		`<a href="/countries/gh">Ghana</a>, <a href="/countries/ng">Nigeria</a>, <a href="/countries/ci">Côte d&#39;Ivoire</a>`,
		`(2 stories)`, "2024-05 to 2024-07",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the operations page lacks %q", want)
		}
	}
	// The article the link names has that anchor.
	if art := f.get("/articles/" + itoa(sameStory)).Body.String(); !strings.Contains(art, `<mark class="fig" id="fig-1">Police made 320 arrests.</mark>`) {
		t.Errorf("article %d does not mark the sentence the operations page links to", sameStory)
	}

	if rec := f.get("/api/v1/operations?q=pangea"); !strings.Contains(rec.Body.String(), "Operation Pangea") || strings.Contains(rec.Body.String(), "Jackal") {
		t.Errorf("operations?q=pangea: %s", rec.Body)
	}
}

func TestOperationsMoreCountries(t *testing.T) {
	var arts []model.Article
	var cs []model.Country
	for _, c := range []string{"AA", "BB", "CC", "DD", "EE"} {
		cs = append(cs, model.Country{Code: c, Name: "Land " + c, Subject: true})
	}
	arts = append(arts, model.Article{ID: 1, Published: now, Facts: &model.Facts{Countries: cs, Operations: []model.Operation{{Name: "Op"}}}})
	rows := aggregateOperations(arts, "")
	if len(rows) != 1 || len(rows[0].Shown) != operationCountries || rows[0].More != 2 {
		t.Fatalf("rows %+v", rows)
	}
}

func TestFigureMarks(t *testing.T) {
	blocks := []model.Block{
		{Kind: model.Heading, Text: "Results"},
		{Kind: model.Paragraph, Text: "Police arrested 72 people and seized EUR 5 million. Both <figures> came later.\nA second line."},
		{Kind: model.ListItem, Text: "72 arrests"},
	}
	long := strings.Repeat("x", 10)
	figs := []model.Figure{
		{Sentence: "Police arrested 72 people and seized EUR 5 million."},
		{Sentence: "Police arrested 72 people and seized EUR 5 million."}, // the same sentence
		{Sentence: "72 arrests"}, // inside the first, then its own item
		{Sentence: "Not in the text."},
		{Sentence: "Both <figures> came later.\nA second…"}, // clipped by enrichment
		{Sentence: ""},
		{Sentence: long},
	}
	marks, found := figureMarks(blocks, figs)
	if want := []bool{true, true, true, false, true, false, false}; !slices.Equal(found, want) {
		t.Errorf("found %v, want %v", found, want)
	}
	got := string(bodyHTML(blocks, marks))
	want := "<h3>Results</h3>\n" +
		`<p><mark class="fig" id="fig-1"><span id="fig-2"></span>Police arrested 72 people and seized EUR 5 million.</mark> ` +
		`<mark class="fig" id="fig-5">Both &lt;figures&gt; came later.<br>A second</mark> line.</p>` + "\n" +
		"<ul>\n<li><mark class=\"fig\" id=\"fig-3\">72 arrests</mark></li>\n</ul>\n"
	if got != want {
		t.Errorf("bodyHTML:\n got %s\nwant %s", got, want)
	}
	// Without marks it is the stored rendering.
	all := append(blocks, model.Block{Kind: model.Caption, Text: "a <caption>"}, model.Block{Kind: model.Quote, Text: "q & a"}, model.Block{Kind: model.ListItem, Text: "last"})
	if got, want := string(bodyHTML(all, nil)), model.RenderHTML(all); got != want {
		t.Errorf("bodyHTML without marks:\n got %s\nwant %s", got, want)
	}
}

func TestFormatPeriod(t *testing.T) {
	for in, want := range map[string]string{
		"2023-05-15/2023-05-29": "2023-05-15 to 2023-05-29", "2023-05/": "from 2023-05", "/2023": "until 2023",
		"2022": "2022", "": "", "/": "",
	} {
		if got := formatPeriod(in); got != want {
			t.Errorf("formatPeriod(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[float64]string{2150000: "2,150,000", 5.744: "5.74", 999: "999", 1000: "1,000", 0: "0"} {
		if got := groupNumber(in); got != want {
			t.Errorf("groupNumber(%v) = %q, want %q", in, got, want)
		}
	}
}

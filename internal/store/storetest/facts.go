package storetest

import (
	"errors"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// factsCorpus is the search corpus with facts on three of its articles;
// it returns the articles' IDs by title.
func factsCorpus(t *testing.T, s store.Store) map[string]int64 {
	t.Helper()
	searchCorpus(t, s)
	all, err := s.Articles(t.Context(), store.Filter{Order: store.ByImported})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, a := range all {
		ids[a.Title] = a.ID
	}
	jackal := ids["Operation Jackal strikes again"]
	set := func(title string, f model.Facts, story int64) {
		t.Helper()
		if err := s.SetFacts(t.Context(), ids[title], store.Enrichment{Facts: f, Story: story, Signature: 42}); err != nil {
			t.Fatalf("SetFacts(%q): %v", title, err)
		}
	}
	set("Operation Jackal strikes again", model.Facts{Rules: "1",
		Countries:  []model.Country{{Code: "PT", Name: "Portugal", Subject: true}, {Code: "FR", Name: "France"}},
		Orgs:       []model.Org{{Name: "INTERPOL", As: "Interpol"}},
		People:     []model.Person{{Name: "Jürgen Stock", Role: "Secretary General", Org: "INTERPOL"}},
		Operations: []model.Operation{{Name: "Operation Jackal", Agency: "INTERPOL", Period: "2024-09"}},
		Figures:    []model.Figure{{Kind: model.FigArrests, Value: 72, About: "Operation Jackal", Sentence: "Police arrested 72 suspects in Operation Jackal, led by Interpol."}},
		Topics:     []model.Topic{{ID: "organised-crime", Name: "Organised crime", Group: "crime", Evidence: []string{"crime"}}},
	}, jackal)
	set("Cybercrime ring dismantled", model.Facts{Rules: "1",
		Orgs:   []model.Org{{Name: "Europol", As: "Europol"}},
		Topics: []model.Topic{{ID: "cybercrime", Name: "Cybercrime", Group: "crime", Evidence: []string{"ransomware"}}},
	}, 0)
	set("Defense secretary visits Lisbon", model.Facts{Rules: "0",
		Countries: []model.Country{{Code: "PT", Name: "Portugal", Subject: true, As: "Lisbon"}},
		Topics:    []model.Topic{{ID: "diplomacy", Name: "Diplomacy and visits", Group: "other"}},
	}, jackal)
	return ids
}

func testFactsRoundTrip(t *testing.T, s store.Store) {
	ids := factsCorpus(t, s)
	jackal := ids["Operation Jackal strikes again"]
	a, err := s.Article(t.Context(), jackal)
	if err != nil {
		t.Fatal(err)
	}
	if a.Facts == nil || a.Facts.Rules != "1" || len(a.Facts.Figures) != 1 || a.Facts.Figures[0].Value != 72 ||
		a.Facts.People[0].Name != "Jürgen Stock" {
		t.Errorf("facts after a round trip: %+v", a.Facts)
	}
	if want := (model.StoryRef{ID: jackal, Title: "Operation Jackal strikes again", Articles: 2}); a.Story != want {
		t.Errorf("story %+v, want %+v", a.Story, want)
	}
	plain, err := s.Article(t.Context(), ids["Jackals of the savannah"])
	if err != nil {
		t.Fatal(err)
	}
	if plain.Facts != nil || plain.Story != (model.StoryRef{}) {
		t.Errorf("an article never enriched has facts %+v, story %+v", plain.Facts, plain.Story)
	}
	if err := s.SetFacts(t.Context(), 999999, store.Enrichment{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetFacts of an unknown article: %v, want ErrNotFound", err)
	}
	if err := s.SetFacts(t.Context(), jackal, store.Enrichment{Story: 999999}); err == nil {
		t.Errorf("SetFacts with an unknown story: no error")
	}
	// The failed call changed nothing.
	if a2, _ := s.Article(t.Context(), jackal); !reflect.DeepEqual(a2.Facts, a.Facts) {
		t.Errorf("a refused SetFacts changed the facts: %+v", a2.Facts)
	}
}

func testFactsFilters(t *testing.T, s store.Store) {
	ids := factsCorpus(t, s)
	tests := []struct {
		q    string
		want []string
	}{
		{`country:PT`, []string{"Operation Jackal strikes again", "Defense secretary visits Lisbon"}},
		{`country:pt`, []string{"Operation Jackal strikes again", "Defense secretary visits Lisbon"}},
		{`country:Portugal`, []string{"Operation Jackal strikes again", "Defense secretary visits Lisbon"}},
		{`country:FR`, []string{"Operation Jackal strikes again"}},
		{`country:PT -country:FR`, []string{"Defense secretary visits Lisbon"}},
		{`country:PT since:2024-06`, []string{"Operation Jackal strikes again"}},
		{`org:interpol`, []string{"Operation Jackal strikes again"}},
		{`org:Europol`, []string{"Cybercrime ring dismantled"}},
		{`person:"Jürgen Stock"`, []string{"Operation Jackal strikes again"}},
		{`operation:"Operation Jackal"`, []string{"Operation Jackal strikes again"}},
		{`topic:cybercrime`, []string{"Cybercrime ring dismantled"}},
		{`ransomware topic:cybercrime`, []string{"Cybercrime ring dismantled"}},
		{`ransomware -topic:cybercrime`, []string{"Ransomware affiliates arrested"}},
		{`source:Interpol country:PT`, []string{"Operation Jackal strikes again"}},
		{`country:XK`, nil},
	}
	for _, tt := range tests {
		got := hitTitles(search(t, s, store.SearchRequest{Query: mustParse(t, tt.q), Order: store.Newest}))
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.q, got, tt.want)
		}
	}
	story := hitTitles(search(t, s, store.SearchRequest{Query: mustParse(t, "story:"+strconv.FormatInt(ids["Operation Jackal strikes again"], 10)), Order: store.Newest}))
	if want := []string{"Operation Jackal strikes again", "Defense secretary visits Lisbon"}; !slices.Equal(story, want) {
		t.Errorf("story filter: got %q, want %q", story, want)
	}

	res := search(t, s, store.SearchRequest{Query: mustParse(t, `since:2020`), Facets: true})
	if got, want := res.Facts[store.FieldCountry], []store.FacetCount{{Value: "pt", Label: "Portugal", N: 2}, {Value: "fr", Label: "France", N: 1}}; !slices.Equal(got, want) {
		t.Errorf("country facet %v, want %v", got, want)
	}
	if got := res.Facts[store.FieldTopic]; len(got) != 3 || !slices.Contains(got, store.FacetCount{Value: "cybercrime", Label: "Cybercrime", N: 1}) {
		t.Errorf("topic facet %v, want 3 topics, labelled by name", got)
	}

	// Replacing facts drops the old values from filters.
	if err := s.SetFacts(t.Context(), ids["Operation Jackal strikes again"], store.Enrichment{Facts: model.Facts{Rules: "2"}}); err != nil {
		t.Fatal(err)
	}
	if got := hitTitles(search(t, s, store.SearchRequest{Query: mustParse(t, `country:FR`)})); len(got) != 0 {
		t.Errorf("country:FR after its facts were replaced: %q", got)
	}
	// A new date moves the article's fact rows with it.
	mustSave(t, s, store.Save{Article: model.Article{URL: "https://example.org/4", Title: "Defense secretary visits Lisbon", Published: day(2025, 3, 1),
		Blocks: []model.Block{{Kind: model.Paragraph, Text: "The secretary met Portuguese counterparts on covid-19 recovery."}}}, Feed: "US Defense"})
	if got := hitTitles(search(t, s, store.SearchRequest{Query: mustParse(t, `country:PT since:2025`)})); !slices.Equal(got, []string{"Defense secretary visits Lisbon"}) {
		t.Errorf("country:PT since:2025 after the article moved to 2025: %q", got)
	}
}

func testFactsEnrichQueue(t *testing.T, s store.Store) {
	ids := factsCorpus(t, s)
	total := len(ids)
	var got []model.Article
	for cursor := ""; ; {
		page, next, err := s.ArticlesToEnrich(t.Context(), "1", false, cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
		if next == "" {
			break
		}
		cursor = next
	}
	var titles []string
	for _, a := range got {
		titles = append(titles, a.Title)
	}
	// Two articles have rules "1"; the rest (one by rules "0") are due,
	// oldest first: the undated one by its fetch date, today.
	want := []string{"Ransomware affiliates arrested", "Defense secretary visits Lisbon", "Jackals of the savannah", "Undated note"}
	if total != 6 || !slices.Equal(titles, want) {
		t.Errorf("articles to enrich for rules 1: %q, want %q", titles, want)
	}
	all, _, err := s.ArticlesToEnrich(t.Context(), "1", true, "", 100)
	if err != nil || len(all) != total {
		t.Errorf("all articles to enrich: %d (%v), want %d", len(all), err, total)
	}
	if _, _, err := s.ArticlesToEnrich(t.Context(), "1", true, "not a cursor", 10); !errors.Is(err, store.ErrBadCursor) {
		t.Errorf("a bad cursor: %v, want ErrBadCursor", err)
	}
}

func testFactsCounts(t *testing.T, s store.Store) {
	ids := factsCorpus(t, s)
	counts, err := s.FactCounts(t.Context(), store.FieldCountry, time.Time{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if want := []store.FacetCount{{Value: "pt", Label: "Portugal", N: 2}, {Value: "fr", Label: "France", N: 1}}; !slices.Equal(counts, want) {
		t.Errorf("country counts %v, want %v", counts, want)
	}
	if counts, _ := s.FactCounts(t.Context(), store.FieldCountry, day(2024, 6, 1), 10); len(counts) != 2 || counts[0].N != 1 {
		t.Errorf("country counts since 2024-06: %v", counts)
	}
	if _, err := s.FactCounts(t.Context(), "colour", time.Time{}, 10); err == nil {
		t.Errorf("counts of an unknown field: no error")
	}
	arts, err := s.FactArticles(t.Context(), store.FieldOperation, "", 10)
	if err != nil || len(arts) != 1 || arts[0].Facts == nil || arts[0].Facts.Operations[0].Name != "Operation Jackal" {
		t.Errorf("articles with operations: %v %v", arts, err)
	}
	arts, err = s.FactArticles(t.Context(), store.FieldCountry, "PT", 10)
	if err != nil || len(arts) != 2 || arts[0].Title != "Operation Jackal strikes again" {
		t.Errorf("articles with country PT, newest first: %d %v", len(arts), err)
	}
	cands, err := s.StoryCandidates(t.Context(), store.StoryQuery{From: day(2024, 1, 1), To: day(2024, 12, 31), Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(cands) != 2 || cands[0].Title != "Defense secretary visits Lisbon" || cands[1].ID != ids["Operation Jackal strikes again"] ||
		cands[1].Operations != nil || cands[1].Signature != 42 || cands[0].Story != ids["Operation Jackal strikes again"] {
		t.Errorf("story candidates of 2024, oldest first: %+v", cands)
	}
	// An operation reaches further back than the window.
	cands, err = s.StoryCandidates(t.Context(), store.StoryQuery{From: day(2024, 12, 1), To: day(2024, 12, 31),
		Operations: []string{"OPERATION JACKAL", "Operation Nobody"}, OpsFrom: day(2024, 1, 1), Limit: 10})
	if err != nil || len(cands) != 1 || cands[0].ID != ids["Operation Jackal strikes again"] || !slices.Equal(cands[0].Operations, []string{"Operation Jackal"}) {
		t.Errorf("story candidates by operation: %+v %v", cands, err)
	}
	if cands, err := s.StoryCandidates(t.Context(), store.StoryQuery{From: day(2024, 12, 1), To: day(2024, 12, 31), Limit: 10}); err != nil || len(cands) != 0 {
		t.Errorf("story candidates of December 2024: %+v %v", cands, err)
	}
}

// testFactsWithSave: facts given to SaveArticle are stored with the
// article, in its transaction; an unchanged article keeps facts made by the
// same rules and takes new rules' facts.
func testFactsWithSave(t *testing.T, s store.Store) {
	mustSync(t, s, sources("Europol"))
	a := model.Article{URL: "https://example.org/s", Title: "Seven arrested", Published: day(2024, 3, 1),
		Blocks: []model.Block{{Kind: model.Paragraph, Text: "Police arrested seven suspects in Portugal."}}}
	facts := func(rules, code string) *store.Enrichment {
		return &store.Enrichment{Facts: model.Facts{Rules: rules, Countries: []model.Country{{Code: code, Name: code, Subject: true}}}, Signature: 7}
	}
	id, out := mustSave(t, s, store.Save{Article: a, Feed: "Europol", Facts: facts("1", "PT")})
	if out != store.Created {
		t.Fatalf("outcome %v", out)
	}
	got, err := s.Article(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Facts == nil || got.Facts.Countries[0].Code != "PT" || got.Story != (model.StoryRef{ID: id, Title: a.Title, Articles: 1}) {
		t.Errorf("saved with facts: %+v, story %+v", got.Facts, got.Story)
	}
	if hits := hitTitles(search(t, s, store.SearchRequest{Query: mustParse(t, "country:PT")})); !slices.Equal(hits, []string{a.Title}) {
		t.Errorf("country:PT after a save with facts: %q", hits)
	}
	// Unchanged, same rules: the stored facts stay (ES is not written).
	mustSave(t, s, store.Save{Article: a, Feed: "Europol", Facts: facts("1", "ES")})
	if got, _ := s.Article(t.Context(), id); got.Facts.Countries[0].Code != "PT" {
		t.Errorf("an unchanged save rewrote facts of the same rules: %+v", got.Facts)
	}
	// Unchanged, new rules: rewritten.
	mustSave(t, s, store.Save{Article: a, Feed: "Europol", Facts: facts("2", "ES")})
	if got, _ := s.Article(t.Context(), id); got.Facts.Countries[0].Code != "ES" || got.Facts.Rules != "2" {
		t.Errorf("a save with new rules kept the old facts: %+v", got.Facts)
	}
	if hits := hitTitles(search(t, s, store.SearchRequest{Query: mustParse(t, "country:PT")})); len(hits) != 0 {
		t.Errorf("country:PT after the facts changed: %q", hits)
	}
	// A story that does not exist fails the save, which stores nothing.
	b := model.Article{URL: "https://example.org/t", Title: "Other", Blocks: a.Blocks}
	bad := facts("1", "PT")
	bad.Story = 999999
	if _, _, err := s.SaveArticle(t.Context(), store.Save{Article: b, Feed: "Europol", Facts: bad}); err == nil {
		t.Errorf("a save naming an unknown story succeeded")
	}
	if _, err := s.FindArticle(t.Context(), b.URL); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a failed save left the article stored: %v", err)
	}
}

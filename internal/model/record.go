package model

import "time"

// Record is an article as sitrep's JSON outputs write it: one line of
// `sitrep export`, one article of the API. Field names are the API's
// contract; add, never rename.
type Record struct {
	ID          int64    `json:"id"`
	URL         string   `json:"url"`
	Title       string   `json:"title"`
	Source      string   `json:"source"`
	Feeds       []string `json:"feeds"`
	Published   *string  `json:"published"` // RFC 3339; null when undated
	Fetched     string   `json:"fetched"`
	Updated     string   `json:"updated"`
	SummaryOnly bool     `json:"summary_only"`
	Body        string   `json:"body"` // the digest's text form (RenderText)
	Blocks      []Block  `json:"blocks,omitempty"`

	// What enrichment found: empty lists until the article is enriched,
	// when FactsRules is null.
	FactsRules *string     `json:"facts_rules"`
	Countries  []Country   `json:"countries"`
	Orgs       []Org       `json:"orgs"`
	People     []Person    `json:"people"`
	Operations []Operation `json:"operations"`
	Figures    []Figure    `json:"figures"`
	Topics     []Topic     `json:"topics"`
	Story      *StoryRef   `json:"story"` // null until grouped
}

// NewRecord is the Record of an article; withBlocks adds the structured
// body beside its text form.
func NewRecord(a Article, withBlocks bool) Record {
	r := Record{ID: a.ID, URL: a.URL, Title: a.Title, Source: a.Source, Feeds: a.Feeds,
		Fetched: rfc3339(a.Fetched), Updated: rfc3339(a.Updated), SummaryOnly: a.SummaryOnly, Body: a.Body()}
	if r.Feeds == nil {
		r.Feeds = []string{}
	}
	if !a.Published.IsZero() {
		p := rfc3339(a.Published)
		r.Published = &p
	}
	f := Facts{}
	if a.Facts != nil {
		f = *a.Facts
		rules := f.Rules
		r.FactsRules = &rules
	}
	r.Countries, r.Orgs, r.People = orEmpty(f.Countries), orEmpty(f.Orgs), orEmpty(f.People)
	r.Operations, r.Figures, r.Topics = orEmpty(f.Operations), orEmpty(f.Figures), orEmpty(f.Topics)
	if a.Story.ID != 0 {
		st := a.Story
		r.Story = &st
	}
	if withBlocks {
		r.Blocks = a.Blocks
		if r.Blocks == nil {
			r.Blocks = []Block{}
		}
	}
	return r
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

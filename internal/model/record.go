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
	if withBlocks {
		r.Blocks = a.Blocks
		if r.Blocks == nil {
			r.Blocks = []Block{}
		}
	}
	return r
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

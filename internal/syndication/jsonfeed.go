package syndication

import (
	"bytes"
	"encoding/json"
)

// jsonFeedVersion is the version URL JSON Feed 1.1 requires.
const jsonFeedVersion = "https://jsonfeed.org/version/1.1"

// JSON Feed 1.1 objects. Only version, title, items and each item's id are
// required; everything else is omitted when empty, so no empty string or
// zero date appears. title has no omitempty because prepare refuses an
// empty one, and items none because the spec requires the array even when
// it is empty.
type jsonFeed struct {
	Version     string     `json:"version"`
	Title       string     `json:"title"`
	HomePageURL string     `json:"home_page_url,omitempty"`
	FeedURL     string     `json:"feed_url,omitempty"`
	Items       []jsonItem `json:"items"`
}

type jsonItem struct {
	ID string `json:"id"`
	// URL is the original article, as the Atom entry's alternate link: it
	// is what the item is about, and what a reader opens. external_url is
	// not used: JSON Feed means it for a linkblog post that points
	// elsewhere, and the item here is the article itself, whose full text
	// is in content_html. sitrep's own page is the item's id.
	URL           string       `json:"url,omitempty"`
	Title         string       `json:"title,omitempty"`
	ContentHTML   string       `json:"content_html,omitempty"`
	ContentText   string       `json:"content_text,omitempty"`
	Summary       string       `json:"summary,omitempty"`
	DatePublished string       `json:"date_published,omitempty"`
	DateModified  string       `json:"date_modified,omitempty"`
	Authors       []jsonAuthor `json:"authors,omitempty"`
	Tags          []string     `json:"tags,omitempty"`
}

type jsonAuthor struct {
	Name string `json:"name"`
}

// JSONFeed returns f as a JSON Feed 1.1, indented. Each item has both
// content_html and content_text (never empty: an item without text says
// so). Unlike Atom, an item without a known date gets none rather than the
// feed's: JSON Feed dates are optional. The error is Atom's.
func JSONFeed(f Feed) ([]byte, error) {
	p, err := prepare(f)
	if err != nil {
		return nil, err
	}
	out := jsonFeed{
		Version:     jsonFeedVersion,
		Title:       p.title,
		HomePageURL: p.home,
		FeedURL:     p.self,
		Items:       make([]jsonItem, 0, len(p.entries)),
	}
	for _, e := range p.entries {
		out.Items = append(out.Items, jsonItem{
			ID:            e.id,
			URL:           e.link,
			Title:         e.title,
			ContentHTML:   e.html,
			ContentText:   e.text,
			Summary:       e.summary,
			DatePublished: stamp(e.published),
			DateModified:  stamp(e.modified),
			Authors:       []jsonAuthor{{Name: e.author}},
			Tags:          e.tags,
		})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// A feed is served as application/feed+json, never inlined in HTML, so
	// "<" and "&" need no \u escapes; without them content_html is legible.
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

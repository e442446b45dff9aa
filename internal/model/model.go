// Package model holds sitrep's domain types: sources, feed entries,
// articles and the structured text blocks of an article body. It does no
// I/O and imports nothing of sitrep's own, so every other package can share
// these types without depending on one another.
package model

import (
	"strings"
	"time"
)

// Source is one configured place sitrep watches: a feed (RSS, Atom or JSON
// Feed, detected) or an HTML listing page without a feed.
type Source struct {
	Name string // display name, as digests show it; unique
	URL  string
	Type string // SourceFeed or SourceHTML
	// Links is an optional CSS selector of the article links on a listing
	// page; without it the links are discovered (see package feed).
	Links string
	// Interval between polls; zero means the configured default.
	Interval time.Duration
	// PerHost and HostDelay override the politeness defaults for this
	// source's host when non-zero.
	PerHost   int
	HostDelay time.Duration
	// Position is the source's place in the sources file. When several
	// sources list one article, the first one names it.
	Position int
}

// Source types.
const (
	SourceFeed = "feed"
	SourceHTML = "html"
)

// SourceState is what the scheduler knows of a source between polls.
type SourceState struct {
	Source
	Paused       bool
	NextDue      time.Time
	Failures     int // consecutive failed polls
	ETag         string
	LastModified string
	LastAttempt  time.Time
	LastSuccess  time.Time
	LastError    string
	// ArticleError is the first article error of the last poll that read
	// the feed or listing: the source is fine, some of its pages are not.
	ArticleError string
	Articles     int // articles whose feeds include this source
	// FirstArticle is the day of the oldest of those articles (published,
	// else fetched); zero without articles.
	FirstArticle time.Time
	// FeedURL is the feed a source's page advertises (<link
	// rel="alternate">), found on an earlier poll and polled instead of the
	// page, with its own validators.
	FeedURL string
}

// Entry is one item a feed or listing page announces: the link to an
// article and whatever the feed itself says of it.
type Entry struct {
	URL       string // the article's link, absolute
	GUID      string
	Title     string
	Published time.Time
	Updated   time.Time
	// Summary is the feed's teaser (HTML or text) and Content its full
	// article HTML (content:encoded, a non-standard <body>, Atom content),
	// each empty when the feed has none.
	Summary string
	Content string
}

// BlockKind is the role of one block of article text.
type BlockKind string

// Block kinds. A paragraph may hold line breaks ("\n") of its own.
const (
	Paragraph BlockKind = "p"
	Heading   BlockKind = "h"
	ListItem  BlockKind = "li"
	Caption   BlockKind = "caption"
	Quote     BlockKind = "quote"
)

// Block is one unit of article text: the extractor's output, stored as is
// and rendered by every output (digest, web page, feeds, search index).
type Block struct {
	Kind BlockKind `json:"k"`
	Text string    `json:"t"`
}

// Article is one stored article.
type Article struct {
	ID          int64
	URL         string // identity: canonical URL, else the feed GUID
	Title       string
	Source      string   // the first source (in sources-file order) that listed it
	Feeds       []string // every source that listed it, in sources-file order
	Published   time.Time
	Fetched     time.Time // first stored
	Updated     time.Time // last changed (equals Fetched until then)
	SummaryOnly bool      // the page gave no article text: the feed's teaser is kept
	Blocks      []Block
	Facts       *Facts   // what enrichment found; nil until the article is enriched
	Story       StoryRef // the story it belongs to; zero ID until grouped
}

// StoryRef names the story an article belongs to: articles about the same
// event, from any source. A story is known by its first article.
type StoryRef struct {
	ID       int64  `json:"id"`       // the first article's ID
	Title    string `json:"title"`    // the first article's title, the story's representative title
	Articles int    `json:"articles"` // how many articles it groups
}

// Body renders the blocks in the digest's text form: blocks separated by a
// blank line, consecutive list items by a single newline, each list item as
// "  • item". Line breaks inside a block are kept.
func (a Article) Body() string { return RenderText(a.Blocks) }

// RenderText renders blocks as Article.Body does.
func RenderText(blocks []Block) string {
	var b strings.Builder
	for i, bl := range blocks {
		if i > 0 {
			if bl.Kind == ListItem && blocks[i-1].Kind == ListItem {
				b.WriteByte('\n')
			} else {
				b.WriteString("\n\n")
			}
		}
		if bl.Kind == ListItem {
			b.WriteString("  • ")
		}
		b.WriteString(bl.Text)
	}
	return b.String()
}

// ParseText is the inverse of RenderText for text that follows the digest
// rules: blank lines separate blocks, lines starting "  • " are list items.
// Headings, captions and quotes cannot be told from paragraphs in plain text,
// so they come back as paragraphs.
func ParseText(body string) []Block {
	var blocks []Block
	for _, chunk := range strings.Split(body, "\n\n") {
		if chunk == "" {
			continue
		}
		lines := strings.Split(chunk, "\n")
		var para []string
		flush := func() {
			if len(para) > 0 {
				blocks = append(blocks, Block{Kind: Paragraph, Text: strings.Join(para, "\n")})
				para = nil
			}
		}
		for _, l := range lines {
			if item, ok := strings.CutPrefix(l, "  • "); ok {
				flush()
				blocks = append(blocks, Block{Kind: ListItem, Text: item})
				continue
			}
			para = append(para, l)
		}
		flush()
	}
	return blocks
}

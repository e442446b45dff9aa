// Package store defines how sitrep keeps sources, their polling state and
// articles: one Store interface, implemented per database engine in the
// sub-packages (sqlite; postgres later). No SQL leaves those packages, and
// every implementation passes the conformance suite in storetest.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/sitrep/sitrep/internal/model"
)

// Sentinel errors, checked with errors.Is.
var (
	// ErrNotFound: no row matches the key asked for.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the write would break a uniqueness rule.
	ErrConflict = errors.New("conflict")
	// ErrClosed: the store was closed; no call can succeed any more.
	ErrClosed = errors.New("store closed")
)

// Outcome tells what SaveArticle did.
type Outcome int

const (
	Unchanged Outcome = iota // identical to what was stored; only feed links may have been added
	Created                  // a new article
	Updated                  // same identity, new title, date or text
)

func (o Outcome) String() string {
	switch o {
	case Created:
		return "new"
	case Updated:
		return "updated"
	}
	return "unchanged"
}

// Save is one article to store, as the pipeline found it.
type Save struct {
	Article model.Article // ID, Source, Feeds, Fetched and Updated are set by the store
	Feed    string        // the source that listed it this time
	// Keys are further lookup keys that lead to this article: the entry's
	// link before redirects and canonicalisation, the feed GUID, a
	// fingerprint of what a feed said of it. FindArticle answers for any of
	// them, so a page already stored is not downloaded again.
	Keys []string
	// Imported marks articles read from digest files, which have no URL:
	// their identity is their first key.
	Imported bool
}

// ArticleRef is the little the pipeline needs to decide whether an entry is
// already stored.
type ArticleRef struct {
	ID    int64
	URL   string
	Feeds []string
}

// Order of ListArticles results.
type Order int

const (
	ByPublished Order = iota // newest first; undated last
	ByFetched                // newest first
	ByImported               // the order articles were first stored, oldest first (import order for digests)
)

// Filter selects articles. Zero values mean no restriction.
type Filter struct {
	Since  time.Time // published (else fetched) at or after
	Source string    // articles any of whose feeds is this source
	Order  Order
	Limit  int
}

// PollResult is what one poll of a source ended with.
type PollResult struct {
	At           time.Time // when the poll finished
	Err          string    // empty on success
	ETag         string    // validators for the next conditional GET; kept when empty and NotModified
	LastModified string
	NotModified  bool
	NextDue      time.Time
	// FeedURL is the feed the source's page advertises, when the poll read
	// that feed; ETag and LastModified are then the feed's. Stored on
	// success (empty clears it), kept on failure.
	FeedURL string
}

// Store is sitrep's persistence. Every method takes a context first and
// wraps its errors with what it was doing; implementations are safe for
// concurrent use.
type Store interface {
	// SyncSources makes the stored sources match the configured ones:
	// new names are added (due at once), known ones updated with their
	// polling state kept, and names no longer configured removed from
	// polling (their articles stay). A source whose URL, type or link
	// selector changed forgets its validators (ETag, Last-Modified) and,
	// with a new URL or type, its discovered feed.
	SyncSources(ctx context.Context, sources []model.Source) error

	// Sources returns every configured source with its state and article
	// count, in Position order.
	Sources(ctx context.Context) ([]model.SourceState, error)

	// Source returns one source by name, or ErrNotFound.
	Source(ctx context.Context, name string) (model.SourceState, error)

	// SetPaused pauses or resumes polling a source; a paused source keeps
	// its state and articles but is never claimed. ErrNotFound if unknown.
	SetPaused(ctx context.Context, name string, paused bool) error

	// ClaimDue leases up to limit unpaused sources whose NextDue is at or
	// before now and whose lease has run out, until now+lease, in due
	// order. A claimed source is not returned again until ReportPoll or the
	// lease's end.
	ClaimDue(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]model.SourceState, error)

	// ReportPoll records the outcome of a poll and releases the claim.
	// A failure increments Failures and keeps LastSuccess; a success resets
	// Failures and clears LastError. ErrNotFound if the source is unknown.
	ReportPoll(ctx context.Context, name string, r PollResult) error

	// Release gives up a claim without a poll result (the poll was
	// interrupted by shutdown): the source's state is unchanged and it can
	// be claimed again at once if it is due. ErrNotFound if the source is
	// unknown.
	Release(ctx context.Context, name string) error

	// FindArticle returns the article that any of keys (identity URLs or
	// further keys given to SaveArticle) leads to, or ErrNotFound.
	FindArticle(ctx context.Context, keys ...string) (ArticleRef, error)

	// SaveArticle stores an article in one transaction. Its identity is
	// Article.URL, or the first of Keys when it has no URL. It is created
	// when neither its identity nor any of Keys leads to a stored article,
	// updated in place when
	// the title, date, summary flag or text changed, unchanged otherwise.
	// Either way Feed is added to the article's feeds and Keys to its
	// lookup keys. The article's Source is the first of its feeds in
	// sources order. It returns the stored article's ID.
	SaveArticle(ctx context.Context, s Save) (int64, Outcome, error)

	// Article returns one article by ID, or ErrNotFound.
	Article(ctx context.Context, id int64) (model.Article, error)

	// Articles lists articles matching f.
	Articles(ctx context.Context, f Filter) ([]model.Article, error)

	// Close releases the database; in-flight writes finish first.
	Close() error
}

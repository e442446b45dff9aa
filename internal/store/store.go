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
	"github.com/sitrep/sitrep/internal/query"
)

// Sentinel errors, checked with errors.Is.
var (
	// ErrNotFound: no row matches the key asked for.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the write would break a uniqueness rule.
	ErrConflict = errors.New("conflict")
	// ErrClosed: the store was closed; no call can succeed any more.
	ErrClosed = errors.New("store closed")
	// ErrBadCursor: a paging cursor that this store did not hand out (or
	// that belongs to another order).
	ErrBadCursor = errors.New("invalid paging cursor")
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
	// Facts, when set, are the article's enrichment, stored in the same
	// transaction when the article is created or updated (or has no facts
	// by these rules yet), as SetFacts would.
	Facts *Enrichment
}

// Key kinds scoped to one source: a key made by SourceKey with one of these
// kinds follows the source when UpdateSource renames it.
const (
	KeyFingerprint = "fp"   // what a source's feed said of an entry
	KeyGUID        = "guid" // a feed GUID, unique only within its source
)

// SourceKeyKinds are the kinds UpdateSource renames.
func SourceKeyKinds() []string { return []string{KeyFingerprint, KeyGUID} }

// SourceKey is a lookup key scoped to one source: "kind:source:rest".
func SourceKey(kind, source, rest string) string { return kind + ":" + source + ":" + rest }

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
	Since   time.Time // published (else fetched) at or after
	Sources []string  // articles listed by any of these sources
	Order   Order
	Limit   int
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
	// ArticleErr is the first article error of a poll that read the feed
	// ("" when every article was stored). Kept on failure and on 304.
	ArticleErr string
}

// Store is sitrep's persistence. Every method takes a context first and
// wraps its errors with what it was doing; implementations are safe for
// concurrent use.
type Store interface {
	SourceStore
	ArticleStore
	FactStore
	AuthStore
	Copier
	// Close releases the database; in-flight writes finish first.
	Close() error
}

// SourceStore keeps the sources and their polling state.
type SourceStore interface {
	// SyncSources makes the stored sources match the configured ones:
	// new names are added (due at once), known ones updated with their
	// polling state kept, and names no longer configured removed from
	// polling (their articles stay). A source whose URL, type or link
	// selector changed forgets its validators (ETag, Last-Modified) and,
	// with a new URL or type, its discovered feed. It also marks the
	// sources as seeded (see SeedSources).
	SyncSources(ctx context.Context, sources []model.Source) error

	// SeedSources adds sources only if this store never held any (a new
	// database): so that the built-in defaults fill a first installation
	// but never come back after the user deleted them. It reports whether
	// it added them.
	SeedSources(ctx context.Context, sources []model.Source) (bool, error)

	// CreateSource adds one source after the others, due at once.
	// ErrConflict if the name is taken.
	CreateSource(ctx context.Context, src model.Source) error

	// UpdateSource changes the settings of the source named name (src.Name
	// may rename it: its articles and its SourceKey keys follow). Polling
	// state is kept, except
	// validators and discovered feed as SyncSources says. Position is
	// kept. ErrNotFound if name is unknown, ErrConflict if the new name is
	// taken.
	UpdateSource(ctx context.Context, name string, src model.Source) error

	// DeleteSource stops polling a source and forgets its state; its
	// articles stay, still listing its name. ErrNotFound if unknown.
	DeleteSource(ctx context.Context, name string) error

	// Sources returns every configured source with its state and article
	// count, in Position order.
	Sources(ctx context.Context) ([]model.SourceState, error)

	// Source returns one source by name, or ErrNotFound.
	Source(ctx context.Context, name string) (model.SourceState, error)

	// SetPaused pauses or resumes polling a source; a paused source keeps
	// its state and articles but is never claimed. ErrNotFound if unknown.
	SetPaused(ctx context.Context, name string, paused bool) error

	// PollNow makes a source due at once (the "fetch now" button); its
	// lease, if claimed, is left alone. ErrNotFound if unknown.
	PollNow(ctx context.Context, name string) error

	// ClaimDue leases up to limit unpaused sources whose NextDue is at or
	// before now and whose lease has run out, until now+lease, in due
	// order. A claimed source is not returned again until ReportPoll or the
	// lease's end.
	ClaimDue(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]model.SourceState, error)

	// RenewLeases extends the claims on the named sources that are still
	// held, until until: a poller renews what it holds while it works, so
	// that a lease can be short and the sources of a process that died
	// are taken up again soon. Names not claimed are skipped.
	RenewLeases(ctx context.Context, names []string, until time.Time) error

	// ReportPoll records the outcome of a poll and releases the claim.
	// A failure increments Failures and keeps LastSuccess; a success resets
	// Failures and clears LastError. ErrNotFound if the source is unknown.
	ReportPoll(ctx context.Context, name string, r PollResult) error

	// Release gives up a claim without a poll result (the poll was
	// interrupted by shutdown): the source's state is unchanged and it can
	// be claimed again at once if it is due. ErrNotFound if the source is
	// unknown.
	Release(ctx context.Context, name string) error

	// WeeklyCounts counts the articles each configured source listed per
	// week (weeks start on Monday, UTC, by publication date, else fetch
	// date), from since's day on.
	WeeklyCounts(ctx context.Context, since time.Time) ([]WeekCount, error)
}

// ArticleStore keeps articles.
type ArticleStore interface {
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

	// ArticleFeeds returns when each source first listed an article, in
	// the order of Article.Feeds. ErrNotFound if the article is unknown.
	ArticleFeeds(ctx context.Context, id int64) ([]FeedListing, error)

	// Articles lists articles matching f.
	Articles(ctx context.Context, f Filter) ([]model.Article, error)

	// Search finds articles matching a parsed query, with total count,
	// facets and highlighted snippets. A query feature the store cannot
	// search yet is a *query.Error; a cursor it did not hand out,
	// ErrBadCursor.
	Search(ctx context.Context, r SearchRequest) (SearchResult, error)
}

// Fact fields: what search filters (country:, org:, …), facets and
// FactCounts name.
const (
	FieldCountry   = "country"
	FieldOrg       = "org"
	FieldPerson    = "person"
	FieldOperation = "operation"
	FieldTopic     = "topic"
)

// FactFields are the fact fields, in the order facets show them.
func FactFields() []string {
	return []string{FieldCountry, FieldOrg, FieldPerson, FieldOperation, FieldTopic}
}

// Enrichment is what SetFacts stores for one article.
type Enrichment struct {
	Facts     model.Facts
	Story     int64  // the story's first article's ID; 0 (or its own ID) when it starts one
	Signature uint64 // a similarity hash of the text, which story grouping compares
}

// StoryQuery asks for the articles a new article's story may join.
type StoryQuery struct {
	From, To   time.Time // articles dated in this window, inclusive
	Operations []string  // and articles naming one of these operations (any case),
	OpsFrom    time.Time // dated from OpsFrom to To
	Limit      int
}

// StoryCandidate is what story grouping compares of an enriched article.
type StoryCandidate struct {
	ID         int64
	Story      int64
	Title      string
	Date       time.Time // published, else fetched
	Operations []string  // the query's operations it names too
	Signature  uint64
}

// FactStore keeps what enrichment found.
type FactStore interface {
	// SetFacts replaces an article's facts, story and signature. Filters
	// and facets see them from then on. ErrNotFound if the article is
	// unknown; a Story naming an unknown article is an error too.
	SetFacts(ctx context.Context, id int64, e Enrichment) error

	// ArticlesToEnrich lists up to limit articles, oldest first (published,
	// else fetched), that were not enriched yet or were enriched by other
	// rules than rules, or every article when all is set. It continues
	// after the page that returned cursor ("" to start); next is "" after
	// the last page. Oldest first lets story grouping see an article's
	// predecessors before it.
	ArticlesToEnrich(ctx context.Context, rules string, all bool, cursor string, limit int) (page []model.Article, next string, err error)

	// StoryCandidates lists the enriched articles a story may group with
	// a new one, oldest first: those dated in the query's window, and those
	// naming one of its operations in the longer operations window; at most
	// Limit of each, the newest when there are more.
	StoryCandidates(ctx context.Context, q StoryQuery) ([]StoryCandidate, error)

	// FactCounts counts the articles dated at or after since (zero: all)
	// per value of one fact field (FieldCountry…), most first, at most
	// limit values. An unknown field is an error.
	FactCounts(ctx context.Context, field string, since time.Time, limit int) ([]FacetCount, error)

	// FactArticles lists up to limit articles, newest first, that have a
	// fact of field equal to value (case-insensitive; "" for any value),
	// with their facts.
	FactArticles(ctx context.Context, field, value string, limit int) ([]model.Article, error)
}

// AuthStore keeps credentials. Secrets are never stored, only their hashes,
// which the caller computes (package auth).
type AuthStore interface {
	// SetPassword creates the user or replaces their password hash, and
	// ends their sessions.
	SetPassword(ctx context.Context, user, hash string) error
	// PasswordHash returns a user's password hash, or ErrNotFound.
	PasswordHash(ctx context.Context, user string) (string, error)
	// Users lists the user names, sorted.
	Users(ctx context.Context) ([]string, error)

	// CreateToken stores an API token's hash under a name. ErrConflict if
	// the name is taken.
	CreateToken(ctx context.Context, name, hash string) error
	// TokenByHash returns the token with this hash and records its use at
	// now, or ErrNotFound.
	TokenByHash(ctx context.Context, hash string, now time.Time) (Token, error)
	// Tokens lists the tokens (without hashes), by name.
	Tokens(ctx context.Context) ([]Token, error)
	// DeleteToken revokes a token. ErrNotFound if unknown.
	DeleteToken(ctx context.Context, name string) error

	// CreateSession stores a sign-in session under its hash.
	CreateSession(ctx context.Context, s Session) error
	// SessionByHash returns a session that has not expired at now, or
	// ErrNotFound.
	SessionByHash(ctx context.Context, hash string, now time.Time) (Session, error)
	// DeleteSession ends a session (signing out); no error if it is gone.
	// Expired sessions are removed as a side effect.
	DeleteSession(ctx context.Context, hash string, now time.Time) error
}

// Copier moves a whole installation from one store to another (sitrep
// copy): sources with their polling state, users, API tokens, and every
// article with its keys, its feeds and when each first listed it, its facts
// and its story. Sessions are not copied: users sign in again.
type Copier interface {
	// Dump calls each with every record: sources (in position order),
	// then users, then tokens, then articles in the order they were first
	// stored, so that a story's first article comes before the others. It
	// stops at each's first error and returns it.
	Dump(ctx context.Context, each func(Record) error) error
	// Load stores records in the order Dump gives them into a store that
	// holds no source and no article (else ErrNotEmpty), in one
	// transaction: a failed load leaves the store as it was. Article IDs
	// are the new store's; a story's ID is mapped to its first article's
	// new ID.
	Load(ctx context.Context, next func() (Record, error)) error
}

// ErrNotEmpty: Load into a store that already holds sources or articles.
var ErrNotEmpty = errors.New("the database is not empty")

// Record is one item of a dump; exactly one field is set. Load's next
// returns io.EOF after the last one.
type Record struct {
	Source  *model.SourceState
	User    *UserRecord
	Token   *TokenRecord
	Article *ArticleRecord
}

// UserRecord is a web UI user with their password hash.
type UserRecord struct {
	Name, PasswordHash string
	Created            time.Time
}

// TokenRecord is an API token with its hash.
type TokenRecord struct {
	Name, Hash        string
	Created, LastUsed time.Time
}

// ArticleRecord is an article as stored. Article.ID is its ID in the
// dumped store, Article.Story.ID its story's first article there (its own
// ID or 0 when it starts one).
type ArticleRecord struct {
	Article   model.Article
	Identity  string        // the URL, else the first key
	Keys      []string      // every lookup key, the identity included
	Feeds     []FeedListing // in the order they first listed it
	Imported  bool
	Signature uint64
}

// Token is an API token, as listed.
type Token struct {
	Name     string
	Created  time.Time
	LastUsed time.Time // zero: never used
}

// Session is a signed-in browser.
type Session struct {
	Hash    string // of the cookie's secret
	User    string
	Created time.Time
	Expires time.Time
}

// FeedListing is one source that listed an article, and when it first did.
type FeedListing struct {
	Feed      string
	FirstSeen time.Time
}

// WeekCount is how many articles one source listed in one week.
type WeekCount struct {
	Source string
	Week   time.Time // Monday 00:00 UTC
	N      int
}

// SearchOrder orders search results.
type SearchOrder int

const (
	Relevance SearchOrder = iota // best match first (bm25, titles weigh more); newest first without search words
	Newest                       // by publication date, else fetch date, newest first
	Oldest
)

// Highlight markers around matched words in Hit.Title and Hit.Snippet:
// private-use characters that no stored text contains, so the web page can
// escape the text and then turn them into <mark>.
const (
	MarkStart = "\uE000"
	MarkEnd   = "\uE001"
)

// SearchRequest is one search.
type SearchRequest struct {
	Query query.Query
	Order SearchOrder
	// Limit is the page size: 1 to MaxLimit; 0 means 20.
	Limit int
	// Cursor continues from the page that handed it out (SearchResult.Next).
	Cursor string
	// Facets asks for the per-source and per-month counts.
	Facets bool
}

// MaxLimit caps a search page.
const MaxLimit = 200

// SearchResult is one page of matches.
type SearchResult struct {
	Hits []Hit
	// Total counts all matches, not only this page; when TotalCapped it
	// stopped counting there and more match.
	Total       int
	TotalCapped bool
	// Scope, when not 0, says the query matched more articles than one
	// search counts: the facets cover the newest Scope matches. RankScope,
	// when not 0, says relevance order ranked only the newest RankScope.
	// Date orders always reach every match.
	Scope     int
	RankScope int
	Next      string // cursor of the next page; empty on the last
	// Facets over all matches (when asked): per source, most first, and
	// per month ("2024-10"), newest first; Facts per fact field
	// (FieldCountry…), most first, the top FactFacetSize of each.
	Sources []FacetCount
	Months  []FacetCount
	Facts   map[string][]FacetCount
	// Notes tell the user something about the query that is not an error:
	// "no source is named Europl".
	Notes []string
}

// Hit is one matching article. Article.Blocks is not loaded (Article gives
// the body).
type Hit struct {
	Article model.Article
	Title   string // the title with matched words between MarkStart and MarkEnd
	Snippet string // the best passage of the body, marked likewise; empty without search words
}

// FacetCount is one facet value and how many matches have it.
type FacetCount struct {
	Value string
	Label string // how outputs show it, when it differs from Value ("Portugal" for "PT")
	N     int
}

// FactFacetSize is how many values of each fact field a search's facets list.
const FactFacetSize = 12

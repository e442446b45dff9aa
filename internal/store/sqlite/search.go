package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/query"
	"github.com/sitrep/sitrep/internal/store"
)

// An article's dkey (see migration 0002) is its day shifted left 31 bits,
// with its id in the low bits; it is the search index's rowid.
const (
	idBits = 31
	idMask = 1<<idBits - 1
	// The days dkey clamps to: 1900-01-01 and 2100-01-01.
	minKeyDay = -25567
	maxKeyDay = 47482
)

// dkeyAt is the lowest dkey of any article dated on t's day (UTC).
func dkeyAt(t time.Time) int64 {
	sec := t.Unix()
	day := sec / 86400
	if sec < 0 && sec%86400 != 0 {
		day-- // floor, not truncation
	}
	return min(max(day, minKeyDay), maxKeyDay) << idBits
}

// hitCols are articleCols without the body, which a result list does not
// show.
const hitCols = "a.id, a.url, a.title, a.published, a.fetched, a.updated, a.summary_only, '[]', " + feedsExpr

// teaserExpr is the start of an article's first block, for result lists
// without search words.
const teaserExpr = "coalesce(substr(json_extract(a.blocks, '$[0].t'), 1, 320), '')" // teaserRunes

// teaserRunes is the length of teaserExpr's cut.
const teaserRunes = 320

// teaser ends a cut first block at a word, with an ellipsis.
func teaser(s string) string {
	if utf8.RuneCountInString(s) < teaserRunes {
		return s
	}
	if i := strings.LastIndexAny(s, " \n"); i > len(s)/2 {
		s = s[:i]
	}
	return strings.TrimRight(s, " ,;:.-–—") + "…"
}

// snippetWords is the length of a search snippet, in tokens.
const snippetWords = 32

// Bounds on one search's work, whatever the size of the store. A query
// matching more than scopeSize articles is ranked, and its facets counted,
// among the newest scopeSize of them; its total is counted exactly up to
// countCap. Date orders need no bound: the index is in date order.
const (
	defaultScope    = 10_000
	defaultCountCap = 100_000
)

// matchSet is a compiled query: the FROM and WHERE that select the
// matching articles, with their arguments. With search words it reads the
// index alone (its rowid is the article's dkey); without, the articles
// table (as "a").
type matchSet struct {
	from  string
	where []string
	args  []any
	fts   string // the MATCH expression for positive text, "" when none
	key   string // the dkey expression: article_fts.rowid or a.dkey
	id    string // the article id expression
}

func (m matchSet) sql(cols string) (string, []any) {
	q := "SELECT " + cols + " " + m.from
	if len(m.where) > 0 {
		q += " WHERE " + strings.Join(m.where, " AND ")
	}
	return q, append([]any(nil), m.args...)
}

// and returns m narrowed by one more condition.
func (m matchSet) and(cond string, args ...any) matchSet {
	m.where = append(m.where[:len(m.where):len(m.where)], cond)
	m.args = append(m.args[:len(m.args):len(m.args)], args...)
	return m
}

// Search runs a query: the page of hits, the total, and facets if asked.
func (s *Store) Search(ctx context.Context, r store.SearchRequest) (store.SearchResult, error) {
	release, err := s.begin()
	if err != nil {
		return store.SearchResult{}, fmt.Errorf("sqlite: search: %w", err)
	}
	defer release()
	res, err := s.search(ctx, r)
	if err != nil {
		var qe *query.Error
		if errors.As(err, &qe) || errors.Is(err, store.ErrBadCursor) {
			return store.SearchResult{}, err
		}
		return store.SearchResult{}, fmt.Errorf("sqlite: search %q: %w", r.Query.String(), err)
	}
	return res, nil
}

func (s *Store) search(ctx context.Context, r store.SearchRequest) (store.SearchResult, error) {
	var res store.SearchResult
	limit := r.Limit
	switch {
	case limit <= 0:
		limit = 20
	case limit > store.MaxLimit:
		limit = store.MaxLimit
	}
	m, notes, err := s.compile(ctx, r.Query)
	if err != nil {
		return res, err
	}
	res.Notes = notes
	order := r.Order
	if order == store.Relevance && m.fts == "" {
		order = store.Newest // nothing to rank by
	}
	cur, err := decodeCursor(r.Cursor, order)
	if err != nil {
		return res, err
	}

	// How many match, up to scopeSize: if more, find where the newest
	// scopeSize end, and count on up to countCap.
	scope := m
	q, args := m.sql("1")
	if err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM ("+q+" LIMIT ?)", append(args, s.scopeSize+1)...).Scan(&res.Total); err != nil {
		return res, err
	}
	if res.Total > s.scopeSize {
		var edge int64
		q, args := m.sql(m.key)
		if err := s.read.QueryRowContext(ctx, q+" ORDER BY "+m.key+" DESC LIMIT 1 OFFSET ?", append(args, s.scopeSize-1)...).Scan(&edge); err != nil {
			return res, err
		}
		scope = m.and(m.key+" >= ?", edge)
		res.Scope = s.scopeSize
		q, args = m.sql("1")
		if err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM ("+q+" LIMIT ?)", append(args, s.countCap+1)...).Scan(&res.Total); err != nil {
			return res, err
		}
		if res.Total > s.countCap {
			res.Total, res.TotalCapped = s.countCap, true
		}
	}

	// The page, one more than asked to know whether a next page exists.
	var page matchSet
	var orderBy string
	offset := 0
	switch order {
	case store.Relevance:
		page, offset = scope, cur.offset
		orderBy = " ORDER BY article_fts.rank, " + m.key + " DESC LIMIT ? OFFSET ?"
	case store.Newest:
		page = m
		if cur.set {
			page = page.and(m.key+" < ?", cur.key)
		}
		orderBy = " ORDER BY " + m.key + " DESC LIMIT ? OFFSET ?"
	case store.Oldest:
		page = m
		if cur.set {
			page = page.and(m.key+" > ?", cur.key)
		}
		orderBy = " ORDER BY " + m.key + " LIMIT ? OFFSET ?"
	default:
		return res, fmt.Errorf("unknown order %d", order)
	}
	q, args = page.sql(m.key)
	rows, err := s.read.QueryContext(ctx, q+orderBy, append(args, limit+1, offset)...)
	if err != nil {
		return res, err
	}
	var keys []int64
	for rows.Next() {
		var k int64
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return res, err
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	if len(keys) > limit {
		keys = keys[:limit]
		if order == store.Relevance {
			res.Next = encodeCursor(cursor{order: order, offset: offset + limit})
		} else {
			res.Next = encodeCursor(cursor{order: order, key: keys[len(keys)-1]})
		}
	}
	if res.Hits, err = s.hits(ctx, m, keys); err != nil {
		return res, err
	}

	if r.Facets && res.Total > 0 {
		if res.Sources, err = s.facet(ctx, scope, "f.feed", "JOIN article_feeds f ON f.article_id = "+m.id, "2 DESC, 1"); err != nil {
			return res, err
		}
		if res.Months, err = s.facet(ctx, scope, "strftime('%Y-%m', ("+m.key+" >> 31) * 86400, 'unixepoch')", "", "1 DESC"); err != nil {
			return res, err
		}
	}
	return res, nil
}

// hits loads the listed articles (without their bodies), with highlighted
// titles and snippets when the query has search words, else teasers.
func (s *Store) hits(ctx context.Context, m matchSet, keys []int64) ([]store.Hit, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	byID := make(map[int64]int, len(keys))
	ids := make([]any, len(keys))
	for i, k := range keys {
		byID[k&idMask] = i
		ids[i] = k & idMask
	}
	hits := make([]store.Hit, len(keys))
	var q string
	args := ids
	if m.fts != "" {
		q = "SELECT " + hitCols + ", '', '' FROM articles a WHERE a.id IN (" + placeholders(len(ids)) + ")"
	} else {
		q = "SELECT " + hitCols + ", a.title, " + teaserExpr + " FROM articles a WHERE a.id IN (" + placeholders(len(ids)) + ")"
	}
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var h store.Hit
		a, err := scanArticle(hitScanner{rows, &h})
		if err != nil {
			rows.Close()
			return nil, err
		}
		a.Blocks = nil
		h.Article = a
		if m.fts == "" {
			h.Snippet = teaser(h.Snippet)
		}
		hits[byID[a.ID]] = h
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if m.fts == "" {
		return hits, nil
	}
	// highlight() and snippet() need the MATCH on this cursor; they read
	// the text through the index's content view, by dkey.
	kargs := make([]any, 0, len(keys)+5)
	kargs = append(kargs, store.MarkStart, store.MarkEnd, store.MarkStart, store.MarkEnd, snippetWords, m.fts)
	for _, k := range keys {
		kargs = append(kargs, k)
	}
	rows, err = s.read.QueryContext(ctx, "SELECT rowid, highlight(article_fts, 0, ?, ?), snippet(article_fts, 1, ?, ?, '…', ?)"+
		" FROM article_fts WHERE article_fts MATCH ? AND rowid IN ("+placeholders(len(keys))+")", kargs...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			k              int64
			title, snippet string
		)
		if err := rows.Scan(&k, &title, &snippet); err != nil {
			return nil, err
		}
		if i, ok := byID[k&idMask]; ok {
			hits[i].Title, hits[i].Snippet = title, snippet
		}
	}
	return hits, rows.Err()
}

// hitScanner scans a hit row: the article columns, then the highlighted
// title and the snippet.
type hitScanner struct {
	rows *sql.Rows
	h    *store.Hit
}

func (hs hitScanner) Scan(dest ...any) error {
	return hs.rows.Scan(append(dest, &hs.h.Title, &hs.h.Snippet)...)
}

// facet counts the matches per value of expr.
func (s *Store) facet(ctx context.Context, m matchSet, expr, join, orderBy string) ([]store.FacetCount, error) {
	fm := m
	fm.from += " " + join
	q, args := fm.sql(expr + ", count(*)")
	rows, err := s.read.QueryContext(ctx, q+" GROUP BY 1 ORDER BY "+orderBy, args...)
	if err != nil {
		return nil, fmt.Errorf("facet: %w", err)
	}
	defer rows.Close()
	var out []store.FacetCount
	for rows.Next() {
		var c store.FacetCount
		if err := rows.Scan(&c.Value, &c.N); err != nil {
			return nil, fmt.Errorf("facet: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// compile turns a parsed query into the SQL that selects its matches.
func (s *Store) compile(ctx context.Context, q query.Query) (matchSet, []string, error) {
	var m matchSet
	var notes []string
	for _, f := range q.Facts {
		return m, nil, &query.Error{Pos: f.Pos, Msg: fmt.Sprintf("%s: filters come with enrichment, which this version of sitrep does not have yet", f.Field)}
	}
	m.from, m.key, m.id = "FROM articles a", "a.dkey", "a.id"
	if q.Text != nil {
		pos, neg := splitNot(q.Text)
		if pos != nil {
			m.fts = ftsExpr(pos)
			for _, n := range neg {
				m.fts = "(" + m.fts + ") NOT (" + ftsExpr(n) + ")"
			}
			m.from, m.key, m.id = "FROM article_fts", "article_fts.rowid", "(article_fts.rowid & "+strconv.Itoa(idMask)+")"
			m = m.and("article_fts MATCH ?", m.fts)
		} else {
			// Only exclusions: everything but what they match.
			parts := make([]string, len(neg))
			for i, n := range neg {
				parts[i] = "(" + ftsExpr(n) + ")"
			}
			m = m.and("a.dkey NOT IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ?)", strings.Join(parts, " OR "))
		}
	}
	// Dates are whole days (the query language has no finer unit), as dkey
	// is, so the dkey bounds are exact.
	if !q.Since.IsZero() {
		m = m.and(m.key+" >= ?", dkeyAt(q.Since))
	}
	if !q.Until.IsZero() {
		m = m.and(m.key+" < ?", dkeyAt(q.Until))
	}
	if len(q.Sources) > 0 || len(q.NotSources) > 0 {
		known, err := s.sourceNames(ctx)
		if err != nil {
			return m, nil, err
		}
		resolve := func(names []string) []any {
			var out []any
			for _, n := range names {
				if k, ok := known[strings.ToLower(n)]; ok {
					out = append(out, k)
				} else {
					out = append(out, n)
					notes = append(notes, fmt.Sprintf("no configured source is named %q", n))
				}
			}
			return out
		}
		if names := resolve(q.Sources); len(names) > 0 {
			m = m.and("EXISTS (SELECT 1 FROM article_feeds f WHERE f.article_id = "+m.id+" AND f.feed IN ("+placeholders(len(names))+"))", names...)
		}
		if names := resolve(q.NotSources); len(names) > 0 {
			m = m.and("NOT EXISTS (SELECT 1 FROM article_feeds f WHERE f.article_id = "+m.id+" AND f.feed IN ("+placeholders(len(names))+"))", names...)
		}
	}
	return m, notes, nil
}

// sourceNames maps lower-cased configured source names to their spelling.
func (s *Store) sourceNames(ctx context.Context) (map[string]string, error) {
	rows, err := s.query(ctx, "SELECT name FROM sources")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out[strings.ToLower(n)] = n
	}
	return out, rows.Err()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// splitNot separates the top level of a query into its positive part (nil
// when it has none) and its exclusions.
func splitNot(n query.Node) (query.Node, []query.Node) {
	switch n := n.(type) {
	case *query.Not:
		return nil, []query.Node{n.Node}
	case *query.And:
		var pos, neg []query.Node
		for _, c := range n.Nodes {
			if not, ok := c.(*query.Not); ok {
				neg = append(neg, not.Node)
			} else {
				pos = append(pos, c)
			}
		}
		switch len(pos) {
		case 0:
			return nil, neg
		case 1:
			return pos[0], neg
		}
		return &query.And{Nodes: pos}, neg
	}
	return n, nil
}

// ftsExpr writes a node in FTS5's query syntax. Every word goes in as a
// quoted string, so FTS5's own tokenizer splits it exactly as it split the
// indexed text ("covid-19" becomes the phrase "covid 19"), and no word can
// be read as an operator.
func ftsExpr(n query.Node) string {
	switch n := n.(type) {
	case *query.Term:
		return column(n.Field) + quote(n.Word) + star(n.Prefix)
	case *query.Phrase:
		return column(n.Field) + quote(strings.Join(n.Words, " ")) + star(n.Prefix)
	case *query.Not:
		// Only reached inside an And (see query.Not); splitNot handles it
		// there, so this is a lone exclusion under some other node.
		return "NOT (" + ftsExpr(n.Node) + ")"
	case *query.And:
		var pos, neg []string
		for _, c := range n.Nodes {
			if not, ok := c.(*query.Not); ok {
				neg = append(neg, "("+ftsExpr(not.Node)+")")
			} else {
				pos = append(pos, "("+ftsExpr(c)+")")
			}
		}
		if len(pos) == 0 {
			// The parser never leaves an And of only exclusions below the
			// top; match nothing rather than everything if it did.
			return `""`
		}
		e := strings.Join(pos, " AND ")
		for _, x := range neg {
			e = "(" + e + ") NOT " + x
		}
		return e
	case *query.Or:
		parts := make([]string, len(n.Nodes))
		for i, c := range n.Nodes {
			parts[i] = "(" + ftsExpr(c) + ")"
		}
		return strings.Join(parts, " OR ")
	}
	return `""`
}

func column(field string) string {
	if field == "title" {
		return "title : "
	}
	return ""
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func star(prefix bool) string {
	if prefix {
		return "*"
	}
	return ""
}

// cursor is where a page ends: an offset for relevance order (scores are
// not stable keys), the last row's dkey for date orders.
type cursor struct {
	set    bool
	order  store.SearchOrder
	offset int
	key    int64
}

func encodeCursor(c cursor) string {
	var s string
	if c.order == store.Relevance {
		s = "r" + strconv.Itoa(c.offset)
	} else {
		s = "k" + strconv.Itoa(int(c.order)) + "." + strconv.FormatInt(c.key, 10)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

func decodeCursor(s string, order store.SearchOrder) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) < 2 {
		return cursor{}, store.ErrBadCursor
	}
	c := cursor{set: true, order: order}
	body := string(raw[1:])
	switch raw[0] {
	case 'r':
		if order != store.Relevance {
			return cursor{}, store.ErrBadCursor
		}
		c.offset, err = strconv.Atoi(body)
		if err != nil || c.offset < 0 || c.offset > 10*defaultScope {
			return cursor{}, store.ErrBadCursor
		}
	case 'k':
		o, k, ok := strings.Cut(body, ".")
		if !ok || o != strconv.Itoa(int(order)) {
			return cursor{}, store.ErrBadCursor
		}
		if c.key, err = strconv.ParseInt(k, 10, 64); err != nil {
			return cursor{}, store.ErrBadCursor
		}
	default:
		return cursor{}, store.ErrBadCursor
	}
	return c, nil
}

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
const hitCols = "a.id, a.url, a.title, a.published, a.fetched, a.updated, a.summary_only, '[]', " + feedsExpr + ", " + factCols

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
// matching more than scope articles is counted ("more than 10,000") and
// faceted over the newest scope of them, and ranked by relevance among the
// newest rankScope. Date orders need no bound: the index is in date order,
// so every match stays reachable page by page.
const (
	defaultScope     = 10_000
	defaultRankScope = 2_000
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

	// One pass over the matches, newest first, up to the scope: the
	// total, the facets, the first page by date and the ranking's edge
	// all come from it.
	q, args := m.sql(m.key)
	keys, err := s.keys(ctx, q+" ORDER BY "+m.key+" DESC LIMIT ?", append(args, s.scopeSize+1)...)
	if err != nil {
		return res, err
	}
	if len(keys) > s.scopeSize {
		keys = keys[:s.scopeSize]
		res.TotalCapped, res.Scope = true, s.scopeSize
	}
	res.Total = len(keys)

	var page []int64
	more := false // a next page exists beyond page[:limit]
	switch order {
	case store.Newest:
		if !cur.set {
			// The first page is the scope's start; past the scope's end
			// more match when it was capped.
			page = keys[:min(len(keys), limit)]
			more = len(keys) > limit || res.TotalCapped
			break
		}
		pm := m.and(m.key+" < ?", cur.key)
		q, args := pm.sql(m.key)
		if page, err = s.keys(ctx, q+" ORDER BY "+m.key+" DESC LIMIT ?", append(args, limit+1)...); err != nil {
			return res, err
		}
	case store.Oldest:
		pm := m
		if cur.set {
			pm = m.and(m.key+" > ?", cur.key)
		}
		q, args := pm.sql(m.key)
		if page, err = s.keys(ctx, q+" ORDER BY "+m.key+" LIMIT ?", append(args, limit+1)...); err != nil {
			return res, err
		}
	case store.Relevance:
		pm := m
		if len(keys) > s.rankScope {
			pm = m.and(m.key+" >= ?", keys[s.rankScope-1])
			res.RankScope = s.rankScope
		}
		q, args := pm.sql(m.key)
		if page, err = s.keys(ctx, q+" ORDER BY article_fts.rank, "+m.key+" DESC LIMIT ? OFFSET ?", append(args, limit+1, cur.offset)...); err != nil {
			return res, err
		}
	default:
		return res, fmt.Errorf("unknown order %d", order)
	}
	if len(page) > limit {
		page, more = page[:limit], true
	}
	if more {
		if order == store.Relevance {
			res.Next = encodeCursor(cursor{order: order, offset: cur.offset + limit})
		} else {
			res.Next = encodeCursor(cursor{order: order, key: page[len(page)-1]})
		}
	}
	if res.Hits, err = s.hits(ctx, m, page); err != nil {
		return res, err
	}
	if r.Facets && len(keys) > 0 {
		if res.Sources, err = s.sourceFacet(ctx, keys); err != nil {
			return res, err
		}
		res.Months = monthFacet(keys)
		if res.Facts, err = s.factFacets(ctx, keys); err != nil {
			return res, err
		}
	}
	return res, nil
}

// keys runs a query of dkeys.
func (s *Store) keys(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var k int64
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// sourceFacet counts the articles of keys per source, most first.
func (s *Store) sourceFacet(ctx context.Context, keys []int64) ([]store.FacetCount, error) {
	ids := idsJSON(keys)
	rows, err := s.read.QueryContext(ctx, `SELECT f.feed, count(*) FROM json_each(?) j JOIN article_feeds f ON f.article_id = j.value
		GROUP BY f.feed ORDER BY 2 DESC, 1`, ids)
	if err != nil {
		return nil, fmt.Errorf("source facet: %w", err)
	}
	defer rows.Close()
	var out []store.FacetCount
	for rows.Next() {
		var c store.FacetCount
		if err := rows.Scan(&c.Value, &c.N); err != nil {
			return nil, fmt.Errorf("source facet: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// idsJSON is the article IDs of keys as a JSON array, for json_each.
func idsJSON(keys []int64) string {
	var ids strings.Builder
	ids.WriteByte('[')
	for i, k := range keys {
		if i > 0 {
			ids.WriteByte(',')
		}
		ids.WriteString(strconv.FormatInt(k&idMask, 10))
	}
	ids.WriteByte(']')
	return ids.String()
}

// monthFacet counts keys per month, newest first: the month is in the key.
func monthFacet(keys []int64) []store.FacetCount {
	var out []store.FacetCount
	for _, k := range keys { // newest first already
		m := time.Unix((k>>idBits)*86400, 0).UTC().Format("2006-01")
		if n := len(out); n > 0 && out[n-1].Value == m {
			out[n-1].N++
		} else {
			out = append(out, store.FacetCount{Value: m, N: 1})
		}
	}
	return out
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

// compile turns a parsed query into the SQL that selects its matches. With
// search words the matches come from the index; without, from one
// source's feed links when the query names exactly one source (walked
// newest first on their own index), else from the articles.
func (s *Store) compile(ctx context.Context, q query.Query) (matchSet, []string, error) {
	var m matchSet
	var notes []string
	// Fact filters: the stored value each names, and the first positive
	// one, which can drive the scan when there are no search words.
	type factCond struct {
		field, value string
		story        int64
		not          bool
	}
	var facts []factCond
	drive, storyDrive := -1, -1
	for _, f := range q.Facts {
		c := factCond{field: f.Field, not: f.Not}
		if f.Field == "story" {
			id, err := strconv.ParseInt(f.Value, 10, 64)
			if err != nil || id <= 0 {
				return m, nil, &query.Error{Pos: f.Pos, Msg: fmt.Sprintf("story: %q is not a story number", f.Value)}
			}
			c.story = id
			if storyDrive < 0 && !f.Not {
				storyDrive = len(facts)
			}
		} else {
			v, err := s.resolveFact(ctx, f.Field, f.Value)
			if err != nil {
				return m, nil, err
			}
			c.value = v
			if drive < 0 && !f.Not {
				drive = len(facts)
			}
		}
		facts = append(facts, c)
	}
	var sources, notSources []any
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
		sources, notSources = resolve(q.Sources), resolve(q.NotSources)
	}

	var pos query.Node
	var neg []query.Node
	if q.Text != nil {
		pos, neg = splitNot(q.Text)
	}
	switch {
	case pos != nil:
		m.fts = ftsExpr(pos)
		for _, n := range neg {
			m.fts = "(" + m.fts + ") NOT (" + ftsExpr(n) + ")"
		}
		m.from, m.key, m.id = "FROM article_fts", "article_fts.rowid", "(article_fts.rowid & "+strconv.Itoa(idMask)+")"
		m = m.and("article_fts MATCH ?", m.fts)
	case storyDrive >= 0:
		// story:ID alone reads the story's articles by their story column
		// (and the first one by its ID).
		d := facts[storyDrive]
		m.from, m.key, m.id = "FROM articles a", "a.dkey", "a.id"
		m = m.and("(a.story = ? OR a.id = ?) AND a.facts_rules != ''", d.story, d.story)
		facts = append(facts[:storyDrive:storyDrive], facts[storyDrive+1:]...)
	case drive >= 0:
		// country:PT alone walks that value's rows newest first.
		d := facts[drive]
		m.from, m.key, m.id = "FROM article_facts df", "df.dkey", "df.article_id"
		m = m.and("df.field = ? AND df.value = ?", d.field, d.value)
		facts = append(facts[:drive:drive], facts[drive+1:]...)
	case len(sources) == 1:
		m.from, m.key, m.id = "FROM article_feeds sf", "sf.dkey", "sf.article_id"
		m = m.and("sf.feed = ?", sources[0])
		sources = nil
	default:
		m.from, m.key, m.id = "FROM articles a", "a.dkey", "a.id"
	}
	if pos == nil && len(neg) > 0 {
		// Only exclusions: everything but what they match.
		parts := make([]string, len(neg))
		for i, n := range neg {
			parts[i] = "(" + ftsExpr(n) + ")"
		}
		m = m.and(m.key+" NOT IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ?)", strings.Join(parts, " OR "))
	}
	// Dates are whole days (the query language has no finer unit), as dkey
	// is, so the dkey bounds are exact.
	if !q.Since.IsZero() {
		m = m.and(m.key+" >= ?", dkeyAt(q.Since))
	}
	if !q.Until.IsZero() {
		m = m.and(m.key+" < ?", dkeyAt(q.Until))
	}
	if len(sources) > 0 {
		m = m.and("EXISTS (SELECT 1 FROM article_feeds f WHERE f.article_id = "+m.id+" AND f.feed IN ("+placeholders(len(sources))+"))", sources...)
	}
	if len(notSources) > 0 {
		m = m.and("NOT EXISTS (SELECT 1 FROM article_feeds f WHERE f.article_id = "+m.id+" AND f.feed IN ("+placeholders(len(notSources))+"))", notSources...)
	}
	for _, c := range facts {
		var cond string
		var args []any
		if c.story != 0 {
			cond, args = "EXISTS (SELECT 1 FROM articles sa WHERE sa.dkey = "+m.key+" AND coalesce(sa.story, sa.id) = ? AND sa.facts_rules != '')", []any{c.story}
		} else {
			// The fact table's key is (field, value, dkey): one probe.
			cond, args = "EXISTS (SELECT 1 FROM article_facts x WHERE x.field = ? AND x.value = ? AND x.dkey = "+m.key+")", []any{c.field, c.value}
		}
		if c.not {
			cond = "NOT " + cond
		}
		m = m.and(cond, args...)
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

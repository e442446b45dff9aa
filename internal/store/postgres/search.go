package postgres

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/sitrep/sitrep/internal/query"
	"github.com/sitrep/sitrep/internal/store"
)

// An article's dkey (see the migration) is its day shifted left 31 bits,
// with its id in the low bits.
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
const hitCols = "a.id, a.url, a.title, a.published, a.fetched, a.updated, a.summary_only, NULL::jsonb, " + feedsExpr + ", " + factCols

// teaserExpr is the start of an article's first block, for result lists
// without search words.
const teaserExpr = "coalesce(left(a.blocks -> 0 ->> 't', 320), '')" // teaserRunes

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

// snippetWords is the length of a search snippet, in words.
const snippetWords = 32

// rankExpr ranks a match: ts_rank with a title word (weight A) worth ten
// body words (weight B), the score divided by 1 + the log of the
// article's length in words (as bm25 prefers the shorter of two articles
// that say as much). Its argument is the query.
const rankExpr = "ts_rank('{0.1, 0.1, 0.1, 1.0}', ts.tsv, $?::tsquery, 1)"

// Bounds on one search's work, whatever the size of the store. A query
// matching more than scope articles is counted ("more than 10,000") and
// faceted over the newest scope of them, and ranked by relevance among the
// newest rankScope. Date orders need no bound: they walk dkey, so every
// match stays reachable page by page.
const (
	defaultScope     = 10_000
	defaultRankScope = 2_000
)

// matchSet is a compiled query: the FROM and WHERE that select the
// matching articles, with their arguments. Placeholders are written "$?"
// and numbered in order when the statement is built (see number), so that
// conditions can be added in any order with their arguments.
type matchSet struct {
	from  string
	where []string
	args  []any
	tsq   string // the positive text as a tsquery's text, "" when none
	hl    string // its words and phrases, any of which highlights mark
	key   string // the dkey expression
	id    string // the article id expression
}

// sql is the statement selecting cols from the matches, followed by tail
// (ORDER BY, LIMIT) and its arguments.
func (m matchSet) sql(cols, tail string, tailArgs ...any) (string, []any) {
	q := "SELECT " + cols + " " + m.from
	if len(m.where) > 0 {
		q += " WHERE " + strings.Join(m.where, " AND ")
	}
	return number(q + " " + tail), append(slices.Clone(m.args), tailArgs...)
}

// and returns m narrowed by one more condition.
func (m matchSet) and(cond string, args ...any) matchSet {
	m.where = append(slices.Clip(m.where), cond)
	m.args = append(slices.Clip(m.args), args...)
	return m
}

// number numbers the "$?" placeholders of q: $1, $2...
func number(q string) string {
	var b strings.Builder
	for n := 1; ; n++ {
		i := strings.Index(q, "$?")
		if i < 0 {
			break
		}
		b.WriteString(q[:i])
		b.WriteString("$" + strconv.Itoa(n))
		q = q[i+2:]
	}
	b.WriteString(q)
	return b.String()
}

// Search runs a query: the page of hits, the total, and facets if asked.
func (s *Store) Search(ctx context.Context, r store.SearchRequest) (store.SearchResult, error) {
	release, err := s.begin()
	if err != nil {
		return store.SearchResult{}, fmt.Errorf("postgres: search: %w", err)
	}
	defer release()
	res, err := s.search(ctx, r)
	if err != nil {
		var qe *query.Error
		if errors.As(err, &qe) || errors.Is(err, store.ErrBadCursor) {
			return store.SearchResult{}, err
		}
		return store.SearchResult{}, fmt.Errorf("postgres: search %q: %w", r.Query.String(), err)
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
	m, none, notes, err := s.compile(ctx, r.Query)
	if err != nil {
		return res, err
	}
	res.Notes = notes
	order := r.Order
	if order == store.Relevance && m.tsq == "" {
		order = store.Newest // nothing to rank by
	}
	cur, err := decodeCursor(r.Cursor, order)
	if err != nil {
		return res, err
	}
	if none {
		return res, nil
	}

	// One pass over the matches, newest first, up to the scope: the
	// total, the facets, the first page by date and the ranking's edge
	// all come from it.
	q, args := m.sql(m.key, "ORDER BY "+m.key+" DESC LIMIT $?", s.scopeSize+1)
	keys, err := s.keys(ctx, q, args...)
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
		q, args := m.and(m.key+" < $?", cur.key).sql(m.key, "ORDER BY "+m.key+" DESC LIMIT $?", limit+1)
		if page, err = s.keys(ctx, q, args...); err != nil {
			return res, err
		}
	case store.Oldest:
		pm := m
		if cur.set {
			pm = m.and(m.key+" > $?", cur.key)
		}
		q, args := pm.sql(m.key, "ORDER BY "+m.key+" LIMIT $?", limit+1)
		if page, err = s.keys(ctx, q, args...); err != nil {
			return res, err
		}
	case store.Relevance:
		pm := m
		if len(keys) > s.rankScope {
			pm = m.and(m.key+" >= $?", keys[s.rankScope-1])
			res.RankScope = s.rankScope
		}
		// Ties in newest-first order, as SQLite breaks bm25's.
		q, args := pm.sql(m.key, "ORDER BY "+rankExpr+" DESC, "+m.key+" DESC LIMIT $? OFFSET $?", m.tsq, limit+1, cur.offset)
		if page, err = s.keys(ctx, q, args...); err != nil {
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
	if res.Hits, err = s.hits(ctx, m.tsq, m.hl, page); err != nil {
		return res, err
	}
	if r.Facets && len(keys) > 0 {
		ids := make([]int64, len(keys))
		for i, k := range keys {
			ids[i] = k & idMask
		}
		if res.Sources, err = s.sourceFacet(ctx, ids); err != nil {
			return res, err
		}
		res.Months = monthFacet(keys)
		if res.Facts, err = s.factFacets(ctx, ids); err != nil {
			return res, err
		}
	}
	return res, nil
}

// keys runs a query of dkeys.
func (s *Store) keys(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// sourceFacet counts the articles ids per source, most first.
func (s *Store) sourceFacet(ctx context.Context, ids []int64) ([]store.FacetCount, error) {
	rows, err := s.pool.Query(ctx, `SELECT f.feed, count(*) FROM article_feeds f WHERE f.article_id = ANY($1)
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

// headlineOpts are ts_headline's options for titles (all of it, every
// match marked) and snippets (the best passage).
var (
	titleOpts   = "HighlightAll=true, StartSel=" + store.MarkStart + ", StopSel=" + store.MarkEnd
	snippetOpts = fmt.Sprintf("MaxWords=%d, MinWords=%d, StartSel=%s, StopSel=%s", snippetWords, snippetWords/2, store.MarkStart, store.MarkEnd)
)

// hits loads the listed articles (without their bodies), with highlighted
// titles and snippets when the query has search words (tsq), else teasers.
// Highlights mark the words of hl, the query's words and phrases as
// alternatives: a snippet is the passage with the most of them, whether
// or not the body alone satisfies the query (the title may hold the rest).
func (s *Store) hits(ctx context.Context, tsq, hl string, keys []int64) ([]store.Hit, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	byID := make(map[int64]int, len(keys))
	ids := make([]int64, len(keys))
	for i, k := range keys {
		byID[k&idMask] = i
		ids[i] = k & idMask
	}
	hits := make([]store.Hit, len(keys))
	q := "SELECT " + hitCols + ", '', '' FROM articles a WHERE a.id = ANY($1)"
	if tsq == "" {
		q = "SELECT " + hitCols + ", a.title, " + teaserExpr + " FROM articles a WHERE a.id = ANY($1)"
	}
	rows, err := s.pool.Query(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h store.Hit
		a, err := scanArticle(rows, &h.Title, &h.Snippet)
		if err != nil {
			return nil, err
		}
		h.Article = a
		if tsq == "" {
			h.Snippet = teaser(h.Snippet)
		}
		hits[byID[a.ID]] = h
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if tsq == "" {
		return hits, nil
	}

	// ts_headline marks the words of the normalised text (sitrep_norm),
	// which the index holds; the marks are then carried over to the
	// original text, character for character (normalising keeps the
	// length). The snippet is found in the body by its unmarked text.
	// (MATERIALIZED: each value is computed once, not at each mention.)
	rows, err = s.pool.Query(ctx, `WITH t AS MATERIALIZED (
			SELECT a.id, a.title, b.body, sitrep_norm(b.body) AS norm,
				ts_headline('sitrep', sitrep_norm(a.title), $2::tsquery, $3) AS title_marked
			FROM articles a, LATERAL (SELECT left(sitrep_body(a.blocks), 500000) AS body) b
			WHERE a.id = ANY($1)),
		h AS MATERIALIZED (
			SELECT t.*, ts_headline('sitrep', norm, $2::tsquery, $4) AS snippet_marked FROM t),
		p AS MATERIALIZED (
			SELECT h.*, replace(replace(snippet_marked, $5, ''), $6, '') AS plain FROM h),
		o AS MATERIALIZED (
			SELECT id, title, body, title_marked, snippet_marked, plain, length(plain) AS n, position(plain IN norm) AS at FROM p)
		SELECT id, title_marked, snippet_marked, title, substr(body, greatest(at, 1), n),
			at > 1, at > 0 AND at + n <= length(body)
		FROM o`, ids, hl, titleOpts, snippetOpts, store.MarkStart, store.MarkEnd)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id                         int64
			titleMarked, snippetMarked string
			title, passage             string
			cutStart, cutEnd           bool
		)
		if err := rows.Scan(&id, &titleMarked, &snippetMarked, &title, &passage, &cutStart, &cutEnd); err != nil {
			return nil, err
		}
		i, ok := byID[id]
		if !ok {
			continue
		}
		hits[i].Title = carryMarks(titleMarked, title)
		snippet := strings.TrimSpace(carryMarks(snippetMarked, passage))
		if cutStart {
			snippet = "…" + snippet
		}
		if cutEnd {
			snippet += "…"
		}
		hits[i].Snippet = snippet
	}
	return hits, rows.Err()
}

// carryMarks puts the marks of marked, a normalised text with highlight
// marks, into orig, the original of that text (as many characters, each
// the same or punctuation the normalisation blanked), and joins marked
// runs that only punctuation or spaces separate ("Operation Jackal" for
// a phrase). A text that does not fit (it cannot happen) is returned
// unmarked.
func carryMarks(marked, orig string) string {
	var b strings.Builder
	b.Grow(len(orig) + 16)
	rest := orig
	for _, r := range marked {
		if string(r) == store.MarkStart || string(r) == store.MarkEnd {
			b.WriteRune(r)
			continue
		}
		o, n := utf8.DecodeRuneInString(rest)
		if n == 0 {
			return orig
		}
		b.WriteRune(o)
		rest = rest[n:]
	}
	if rest != "" {
		return orig
	}
	return joinMarks(b.String())
}

// joinMarks removes an end mark and the next start mark when only
// characters other than letters and digits lie between them.
func joinMarks(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, store.MarkEnd)
		if i < 0 {
			break
		}
		after := s[i+len(store.MarkEnd):]
		j := strings.Index(after, store.MarkStart)
		if j >= 0 && !strings.ContainsFunc(after[:j], func(r rune) bool {
			return unicode.IsLetter(r) || unicode.IsNumber(r) || string(r) == store.MarkEnd
		}) {
			b.WriteString(s[:i])
			b.WriteString(after[:j])
			s = after[j+len(store.MarkStart):]
			continue
		}
		b.WriteString(s[:i+len(store.MarkEnd)])
		s = after
	}
	b.WriteString(s)
	return b.String()
}

// compile turns a parsed query into the SQL that selects its matches. With
// search words the matches come from the articles' search vectors; without,
// from one source's feed links when the query names exactly one source
// (walked newest first on their own index), from a fact's rows, or from
// the articles. none is set when the query can match nothing (its search
// words have no letters or digits the index knows).
func (s *Store) compile(ctx context.Context, q query.Query) (m matchSet, none bool, notes []string, err error) {
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
				return m, false, nil, &query.Error{Pos: f.Pos, Msg: fmt.Sprintf("story: %q is not a story number", f.Value)}
			}
			c.story = id
			if storyDrive < 0 && !f.Not {
				storyDrive = len(facts)
			}
		} else {
			v, err := s.resolveFact(ctx, f.Field, f.Value)
			if err != nil {
				return m, false, nil, err
			}
			c.value = v
			if drive < 0 && !f.Not {
				drive = len(facts)
			}
		}
		facts = append(facts, c)
	}
	var sources, notSources []string
	if len(q.Sources) > 0 || len(q.NotSources) > 0 {
		known, err := s.sourceNames(ctx)
		if err != nil {
			return m, false, nil, err
		}
		resolve := func(names []string) []string {
			var out []string
			for _, n := range names {
				if k, ok := known[strings.ToLower(n)]; ok {
					out = append(out, k)
				} else {
					out = append(out, clean(n))
					notes = append(notes, fmt.Sprintf("no configured source is named %q", n))
				}
			}
			return out
		}
		sources, notSources = resolve(q.Sources), resolve(q.NotSources)
	}

	// The search words, as tsqueries computed once by the server (its
	// parser splits them as it split the articles).
	var pos query.Node
	var neg []query.Node
	if q.Text != nil {
		pos, neg = splitNot(q.Text)
	}
	var negTsq string
	if pos != nil || len(neg) > 0 {
		var args []any
		posExpr, negExpr, hlExpr := "''::tsquery", "''::tsquery", "''::tsquery"
		if pos != nil {
			posExpr = tsqExpr(pos, &args)
			var leaves []string
			for _, l := range positiveLeaves(pos, nil) {
				leaves = append(leaves, tsqExpr(l, &args))
			}
			hlExpr = strings.Join(leaves, " || ")
		}
		if len(neg) > 0 {
			parts := make([]string, len(neg))
			for i, n := range neg {
				parts[i] = tsqExpr(n, &args)
			}
			negExpr = strings.Join(parts, " || ")
		}
		if err := s.pool.QueryRow(ctx, number("SELECT ("+posExpr+")::text, ("+hlExpr+")::text, ("+negExpr+")::text"), args...).Scan(
			&m.tsq, &m.hl, &negTsq); err != nil {
			return m, false, nil, fmt.Errorf("compile the search words: %w", err)
		}
		if pos != nil && m.tsq == "" {
			return m, true, notes, nil
		}
	}

	switch {
	case m.tsq != "":
		m.from, m.key, m.id = "FROM article_search ts", "ts.dkey", "ts.article_id"
		m = m.and("ts.tsv @@ $?::tsquery", m.tsq)
	case storyDrive >= 0:
		// story:ID alone reads the story's articles by their story column
		// (and the first one by its ID).
		d := facts[storyDrive]
		m.from, m.key, m.id = "FROM articles a", "a.dkey", "a.id"
		m = m.and("(a.story = $? OR a.id = $?) AND a.facts_rules <> ''", d.story, d.story)
		facts = slices.Delete(slices.Clone(facts), storyDrive, storyDrive+1)
	case drive >= 0:
		// country:PT alone walks that value's rows newest first.
		d := facts[drive]
		m.from, m.key, m.id = "FROM article_facts df", "df.dkey", "df.article_id"
		m = m.and("df.field = $? AND df.value = $?", d.field, d.value)
		facts = slices.Delete(slices.Clone(facts), drive, drive+1)
	case len(sources) == 1:
		m.from, m.key, m.id = "FROM article_feeds sf", "sf.dkey", "sf.article_id"
		m = m.and("sf.feed = $?", sources[0])
		sources = nil
	default:
		m.from, m.key, m.id = "FROM articles a", "a.dkey", "a.id"
	}
	if negTsq != "" {
		if m.tsq != "" {
			m = m.and("NOT ts.tsv @@ $?::tsquery", negTsq)
		} else {
			m = m.and("NOT EXISTS (SELECT 1 FROM article_search x WHERE x.article_id = "+m.id+" AND x.tsv @@ $?::tsquery)", negTsq)
		}
	}
	// Dates are whole days (the query language has no finer unit), as dkey
	// is, so the dkey bounds are exact.
	if !q.Since.IsZero() {
		m = m.and(m.key+" >= $?", dkeyAt(q.Since))
	}
	if !q.Until.IsZero() {
		m = m.and(m.key+" < $?", dkeyAt(q.Until))
	}
	if len(sources) > 0 {
		m = m.and("EXISTS (SELECT 1 FROM article_feeds f WHERE f.article_id = "+m.id+" AND f.feed = ANY($?))", sources)
	}
	if len(notSources) > 0 {
		m = m.and("NOT EXISTS (SELECT 1 FROM article_feeds f WHERE f.article_id = "+m.id+" AND f.feed = ANY($?))", notSources)
	}
	for _, c := range facts {
		var cond string
		var args []any
		if c.story != 0 {
			cond, args = "EXISTS (SELECT 1 FROM articles sa WHERE sa.dkey = "+m.key+" AND coalesce(sa.story, sa.id) = $? AND sa.facts_rules <> '')", []any{c.story}
		} else {
			// The fact table's key is (field, value, dkey): one probe.
			cond, args = "EXISTS (SELECT 1 FROM article_facts x WHERE x.field = $? AND x.value = $? AND x.dkey = "+m.key+")", []any{c.field, c.value}
		}
		if c.not {
			cond = "NOT " + cond
		}
		m = m.and(cond, args...)
	}
	return m, false, notes, nil
}

// sourceNames maps lower-cased configured source names to their spelling.
func (s *Store) sourceNames(ctx context.Context) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, "SELECT name FROM sources")
	if err != nil {
		return nil, err
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(names))
	for _, n := range names {
		out[strings.ToLower(n)] = n
	}
	return out, nil
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

// tsqExpr writes a node as an SQL expression of type tsquery, its words
// as arguments: each word or phrase through sitrep_term (the server's
// parser splits it as it split the indexed text: "covid-19" is the phrase
// covid <-> 19), combined with the tsquery operators && || !!, which skip
// an operand without lexemes.
func tsqExpr(n query.Node, args *[]any) string {
	term := func(words string, prefix bool, field string) string {
		*args = append(*args, clean(words))
		return fmt.Sprintf("sitrep_term($?, %t, %t)", prefix, field == "title")
	}
	switch n := n.(type) {
	case *query.Term:
		return term(n.Word, n.Prefix, n.Field)
	case *query.Phrase:
		return term(strings.Join(n.Words, " "), n.Prefix, n.Field)
	case *query.Not:
		// Only reached inside an And (see query.Not); the And handles it
		// there, so this is a lone exclusion under some other node.
		return "(!! " + tsqExpr(n.Node, args) + ")"
	case *query.And:
		var pos, neg []string
		for _, c := range n.Nodes {
			if not, ok := c.(*query.Not); ok {
				neg = append(neg, "(!! "+tsqExpr(not.Node, args)+")")
			} else {
				pos = append(pos, tsqExpr(c, args))
			}
		}
		if len(pos) == 0 {
			// The parser never leaves an And of only exclusions below the
			// top; match nothing rather than everything if it did.
			return "''::tsquery"
		}
		return "(" + strings.Join(append(pos, neg...), " && ") + ")"
	case *query.Or:
		parts := make([]string, len(n.Nodes))
		for i, c := range n.Nodes {
			parts[i] = tsqExpr(c, args)
		}
		return "(" + strings.Join(parts, " || ") + ")"
	}
	return "''::tsquery"
}

// positiveLeaves appends the words and phrases of n that are not excluded.
func positiveLeaves(n query.Node, out []query.Node) []query.Node {
	switch n := n.(type) {
	case *query.Term, *query.Phrase:
		out = append(out, n)
	case *query.And:
		for _, c := range n.Nodes {
			out = positiveLeaves(c, out)
		}
	case *query.Or:
		for _, c := range n.Nodes {
			out = positiveLeaves(c, out)
		}
	}
	return out
}

// cursor is where a page ends: an offset for relevance order (scores are
// not stable keys), the last row's dkey for date orders. The encoding is
// the SQLite store's.
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

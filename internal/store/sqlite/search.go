package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/query"
	"github.com/sitrep/sitrep/internal/store"
)

// dateExpr is the date an article is filed under: published, else fetched.
const dateExpr = "coalesce(a.published, a.fetched)"

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

// matchSet is a compiled query: the FROM and WHERE that select the
// matching articles (as "a"), with their arguments.
type matchSet struct {
	from  string // FROM clause, with article_fts joined when fts is set
	where []string
	args  []any
	fts   string // the MATCH expression for positive text, "" when none
}

func (m matchSet) sql(cols string) (string, []any) {
	q := "SELECT " + cols + " " + m.from
	if len(m.where) > 0 {
		q += " WHERE " + strings.Join(m.where, " AND ")
	}
	return q, append([]any(nil), m.args...)
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

	// The page of ids, one more than asked to know whether a next page
	// exists.
	page := m
	var orderBy string
	switch order {
	case store.Relevance:
		orderBy = " ORDER BY article_fts.rank, a.id LIMIT ? OFFSET ?"
	case store.Newest:
		if cur.set {
			page.where = append(page.where, "("+dateExpr+" < ? OR ("+dateExpr+" = ? AND a.id < ?))")
			page.args = append(page.args, cur.date, cur.date, cur.id)
		}
		orderBy = " ORDER BY " + dateExpr + " DESC, a.id DESC LIMIT ? OFFSET ?"
	case store.Oldest:
		if cur.set {
			page.where = append(page.where, "("+dateExpr+" > ? OR ("+dateExpr+" = ? AND a.id > ?))")
			page.args = append(page.args, cur.date, cur.date, cur.id)
		}
		orderBy = " ORDER BY " + dateExpr + ", a.id LIMIT ? OFFSET ?"
	default:
		return res, fmt.Errorf("unknown order %d", order)
	}
	q, args := page.sql("a.id, " + dateExpr)
	offset := 0
	if order == store.Relevance {
		offset = cur.offset
	}
	rows, err := s.read.QueryContext(ctx, q+orderBy, append(args, limit+1, offset)...)
	if err != nil {
		return res, err
	}
	type idDate struct{ id, date int64 }
	var ids []idDate
	for rows.Next() {
		var x idDate
		if err := rows.Scan(&x.id, &x.date); err != nil {
			rows.Close()
			return res, err
		}
		ids = append(ids, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	if len(ids) > limit {
		ids = ids[:limit]
		last := ids[len(ids)-1]
		if order == store.Relevance {
			res.Next = encodeCursor(cursor{order: order, offset: offset + limit})
		} else {
			res.Next = encodeCursor(cursor{order: order, date: last.date, id: last.id})
		}
	}

	if len(ids) > 0 {
		byID := make(map[int64]int, len(ids))
		ph := make([]string, len(ids))
		idArgs := make([]any, len(ids))
		for i, x := range ids {
			byID[x.id] = i
			ph[i] = "?"
			idArgs[i] = x.id
		}
		res.Hits = make([]store.Hit, len(ids))
		var q string
		var args []any
		if m.fts != "" {
			// highlight() and snippet() need the MATCH on this cursor.
			q = "SELECT " + hitCols + ", highlight(article_fts, 0, ?, ?), snippet(article_fts, 1, ?, ?, '…', ?)" +
				" FROM article_fts JOIN articles a ON a.id = article_fts.rowid WHERE article_fts MATCH ? AND article_fts.rowid IN (" + strings.Join(ph, ",") + ")"
			args = append([]any{store.MarkStart, store.MarkEnd, store.MarkStart, store.MarkEnd, snippetWords, m.fts}, idArgs...)
		} else {
			q = "SELECT " + hitCols + ", a.title, " + teaserExpr + " FROM articles a WHERE a.id IN (" + strings.Join(ph, ",") + ")"
			args = idArgs
		}
		rows, err := s.read.QueryContext(ctx, q, args...)
		if err != nil {
			return res, err
		}
		for rows.Next() {
			var h store.Hit
			a, err := scanArticle(hitScanner{rows, &h})
			if err != nil {
				rows.Close()
				return res, err
			}
			a.Blocks = nil
			h.Article = a
			if m.fts == "" {
				h.Snippet = teaser(h.Snippet)
			}
			res.Hits[byID[a.ID]] = h
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return res, err
		}
	}

	// The total: a page that is the first and not full needs no count.
	if cur.isZero() && res.Next == "" {
		res.Total = len(ids)
	} else {
		q, args := m.sql("count(*)")
		if err := s.read.QueryRowContext(ctx, q, args...).Scan(&res.Total); err != nil {
			return res, err
		}
	}

	if r.Facets && res.Total > 0 {
		if res.Sources, err = s.facet(ctx, m, "f.feed", "JOIN article_feeds f ON f.article_id = a.id", "2 DESC, 1"); err != nil {
			return res, err
		}
		if res.Months, err = s.facet(ctx, m, "strftime('%Y-%m', "+dateExpr+" / 1000, 'unixepoch')", "", "1 DESC"); err != nil {
			return res, err
		}
	}
	return res, nil
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
	m.from = "FROM articles a"
	if q.Text != nil {
		pos, neg := splitNot(q.Text)
		if pos != nil {
			m.fts = ftsExpr(pos)
			for _, n := range neg {
				m.fts = "(" + m.fts + ") NOT (" + ftsExpr(n) + ")"
			}
			m.from = "FROM article_fts JOIN articles a ON a.id = article_fts.rowid"
			m.where = append(m.where, "article_fts MATCH ?")
			m.args = append(m.args, m.fts)
		} else {
			// Only exclusions: everything but what they match.
			parts := make([]string, len(neg))
			for i, n := range neg {
				parts[i] = "(" + ftsExpr(n) + ")"
			}
			m.where = append(m.where, "a.id NOT IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ?)")
			m.args = append(m.args, strings.Join(parts, " OR "))
		}
	}
	if !q.Since.IsZero() {
		m.where = append(m.where, dateExpr+" >= ?")
		m.args = append(m.args, q.Since.UnixMilli())
	}
	if !q.Until.IsZero() {
		m.where = append(m.where, dateExpr+" < ?")
		m.args = append(m.args, q.Until.UnixMilli())
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
			m.where = append(m.where, "EXISTS (SELECT 1 FROM article_feeds f WHERE f.article_id = a.id AND f.feed IN ("+placeholders(len(names))+"))")
			m.args = append(m.args, names...)
		}
		if names := resolve(q.NotSources); len(names) > 0 {
			m.where = append(m.where, "NOT EXISTS (SELECT 1 FROM article_feeds f WHERE f.article_id = a.id AND f.feed IN ("+placeholders(len(names))+"))")
			m.args = append(m.args, names...)
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
// not stable keys), the last row's date and id for date orders.
type cursor struct {
	set    bool
	order  store.SearchOrder
	offset int
	date   int64
	id     int64
}

func (c cursor) isZero() bool { return !c.set }

func encodeCursor(c cursor) string {
	var s string
	if c.order == store.Relevance {
		s = "r" + strconv.Itoa(c.offset)
	} else {
		s = "d" + strconv.Itoa(int(c.order)) + "." + strconv.FormatInt(c.date, 10) + "." + strconv.FormatInt(c.id, 10)
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
		if err != nil || c.offset < 0 || c.offset > 1_000_000 {
			return cursor{}, store.ErrBadCursor
		}
	case 'd':
		parts := strings.Split(body, ".")
		if len(parts) != 3 || parts[0] != strconv.Itoa(int(order)) {
			return cursor{}, store.ErrBadCursor
		}
		d, err1 := strconv.ParseInt(parts[1], 10, 64)
		id, err2 := strconv.ParseInt(parts[2], 10, 64)
		if err1 != nil || err2 != nil {
			return cursor{}, store.ErrBadCursor
		}
		c.date, c.id = d, id
	default:
		return cursor{}, store.ErrBadCursor
	}
	return c, nil
}

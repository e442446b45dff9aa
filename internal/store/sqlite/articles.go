package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// writeStmts are SaveArticle's statements, prepared once on the single
// write connection: parsing SQL would otherwise cost more than the writes.
type writeStmts struct {
	findKey, load, insert, update, addKey, addFeed *sql.Stmt
}

func (w *writeStmts) prepare(ctx context.Context, db *sql.DB) error {
	for _, p := range []struct {
		st  **sql.Stmt
		sql string
	}{
		{&w.findKey, "SELECT article_id FROM article_keys WHERE key = ?"},
		{&w.load, "SELECT title, published, summary_only, blocks FROM articles WHERE id = ?"},
		{&w.insert, `INSERT INTO articles (identity, url, title, published, fetched, updated, summary_only, blocks, imported)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&w.update, `UPDATE articles SET title = ?, published = ?, summary_only = ?, blocks = ?, updated = ?
			WHERE id = ?`},
		{&w.addKey, "INSERT INTO article_keys (key, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING"},
		{&w.addFeed, "INSERT INTO article_feeds (article_id, feed, first_seen) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"},
	} {
		st, err := db.PrepareContext(ctx, p.sql)
		if err != nil {
			w.close()
			return fmt.Errorf("prepare %q: %w", p.sql, err)
		}
		*p.st = st
	}
	return nil
}

func (w *writeStmts) close() {
	for _, st := range []*sql.Stmt{w.findKey, w.load, w.insert, w.update, w.addKey, w.addFeed} {
		if st != nil {
			st.Close()
		}
	}
}

// encodeBlocks is the stored form of an article body: JSON, which keeps
// every character (newlines, U+00A0) as it is. nil and empty stay apart.
func encodeBlocks(blocks []model.Block) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "<" stays "<": shorter, and the same text
	if err := enc.Encode(blocks); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// decodeBlocks reads what encodeBlocks wrote. Reading lists of articles is
// mostly this, so the exact shape encodeBlocks writes is parsed by hand (5x
// faster than encoding/json); anything else goes to encoding/json.
func decodeBlocks(s string) ([]model.Block, error) {
	if blocks, ok := parseBlocks(s); ok {
		return blocks, nil
	}
	var blocks []model.Block
	if err := json.Unmarshal([]byte(s), &blocks); err != nil {
		return nil, fmt.Errorf("decode blocks: %w", err)
	}
	return blocks, nil
}

// parseBlocks parses `null` or `[{"k":"…","t":"…"},…]`; ok is false for
// anything else.
func parseBlocks(s string) (blocks []model.Block, ok bool) {
	if s == "null" {
		return nil, true
	}
	rest, ok := strings.CutPrefix(s, "[")
	if !ok {
		return nil, false
	}
	blocks = make([]model.Block, 0, strings.Count(s, `{"k":`))
	if rest == "]" {
		return blocks, true
	}
	for {
		var b model.Block
		var kind string
		if rest, ok = strings.CutPrefix(rest, `{"k":`); !ok {
			return nil, false
		}
		if kind, rest, ok = parseString(rest); !ok {
			return nil, false
		}
		b.Kind = model.BlockKind(kind)
		if rest, ok = strings.CutPrefix(rest, `,"t":`); !ok {
			return nil, false
		}
		if b.Text, rest, ok = parseString(rest); !ok {
			return nil, false
		}
		if rest, ok = strings.CutPrefix(rest, "}"); !ok {
			return nil, false
		}
		blocks = append(blocks, b)
		if rest == "]" {
			return blocks, true
		}
		if rest, ok = strings.CutPrefix(rest, ","); !ok {
			return nil, false
		}
	}
}

// parseString reads one JSON string at the start of s and returns its value
// and what follows it.
func parseString(s string) (val, rest string, ok bool) {
	if len(s) == 0 || s[0] != '"' {
		return "", "", false
	}
	s = s[1:]
	end := strings.IndexAny(s, `"\`)
	if end < 0 {
		return "", "", false
	}
	// encoding/json turns invalid UTF-8 into U+FFFD; leave such text to it.
	if s[end] == '"' { // no escapes: the common case
		return s[:end], s[end+1:], utf8.ValidString(s[:end])
	}
	var b strings.Builder
	b.Grow(len(s[:end]) + 16)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			return b.String(), s[i+1:], true
		case c < 0x20:
			return "", "", false
		case c != '\\':
			j := i + 1
			for j < len(s) && s[j] != '"' && s[j] != '\\' && s[j] >= 0x20 {
				j++
			}
			if !utf8.ValidString(s[i:j]) {
				return "", "", false
			}
			b.WriteString(s[i:j])
			i = j
			continue
		}
		if i+1 >= len(s) {
			return "", "", false
		}
		switch s[i+1] {
		case '"', '\\', '/':
			b.WriteByte(s[i+1])
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, n := parseUnicodeEscape(s[i:])
			if n == 0 {
				return "", "", false
			}
			b.WriteRune(r)
			i += n
			continue
		default:
			return "", "", false
		}
		i += 2
	}
	return "", "", false
}

// parseUnicodeEscape reads \uXXXX, or a surrogate pair of them, at the start
// of s; n is the bytes used, 0 if malformed.
func parseUnicodeEscape(s string) (r rune, n int) {
	hex4 := func(s string) rune {
		if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
			return -1
		}
		v, err := strconv.ParseUint(s[2:6], 16, 16)
		if err != nil {
			return -1
		}
		return rune(v)
	}
	r = hex4(s)
	if r < 0 {
		return 0, 0
	}
	if utf16.IsSurrogate(r) {
		if r2 := hex4(s[6:]); r2 >= 0 {
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				return d, 12
			}
		}
		return utf8.RuneError, 6 // a lone surrogate, as encoding/json reads it
	}
	return r, 6
}

// SaveArticle stores an article in one transaction. Its identity is the
// first of Article.URL and Keys that already leads to an article; a stored
// article keeps the URL it was created with, and the new URL becomes one of
// its keys. A key that already leads to another article stays with that one.
// Published is kept to the millisecond, so comparisons are made at that
// precision.
func (s *Store) SaveArticle(ctx context.Context, sv store.Save) (int64, store.Outcome, error) {
	a := sv.Article
	identity := a.URL
	for _, k := range sv.Keys {
		if identity == "" {
			identity = k
		}
	}
	if identity == "" {
		return 0, store.Unchanged, fmt.Errorf("sqlite: save article %q: no URL and no key", a.Title)
	}
	blocks, err := encodeBlocks(a.Blocks)
	if err != nil {
		return 0, store.Unchanged, fmt.Errorf("sqlite: save article %s: %w", a.URL, err)
	}
	published := nullMs(a.Published)
	keys := make([]string, 0, 1+len(sv.Keys))
	keys = append(keys, identity)
	for _, k := range sv.Keys {
		if k != "" && k != identity {
			keys = append(keys, k)
		}
	}

	var fw *factsWrite
	if sv.Facts != nil {
		if fw, err = newFactsWrite(*sv.Facts); err != nil {
			return 0, store.Unchanged, fmt.Errorf("sqlite: save article %s: %w", a.URL, err)
		}
	}

	var (
		id      int64
		outcome store.Outcome
	)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now().UnixMilli()
		found := false
		findKey := tx.StmtContext(ctx, s.stmts.findKey)
		for _, k := range keys {
			err := findKey.QueryRowContext(ctx, k).Scan(&id)
			if err == nil {
				found = true
				break
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("look up key %q: %w", k, err)
			}
		}

		if !found {
			res, err := tx.StmtContext(ctx, s.stmts.insert).ExecContext(ctx, identity, a.URL, a.Title, published, now, now,
				boolInt(a.SummaryOnly), blocks, boolInt(sv.Imported))
			if err != nil {
				return conflict(err)
			}
			if id, err = res.LastInsertId(); err != nil {
				return err
			}
			outcome = store.Created
		} else {
			var (
				title, oldBlocks string
				oldPublished     sql.NullInt64
				summaryOnly      int
			)
			if err := tx.StmtContext(ctx, s.stmts.load).QueryRowContext(ctx, id).Scan(
				&title, &oldPublished, &summaryOnly, &oldBlocks); err != nil {
				return fmt.Errorf("load article %d: %w", id, err)
			}
			if title != a.Title || oldPublished != published || (summaryOnly != 0) != a.SummaryOnly || oldBlocks != blocks {
				if _, err := tx.StmtContext(ctx, s.stmts.update).ExecContext(ctx, a.Title, published,
					boolInt(a.SummaryOnly), blocks, now, id); err != nil {
					return fmt.Errorf("update article %d: %w", id, err)
				}
				outcome = store.Updated
			} else {
				outcome = store.Unchanged
			}
		}

		addKey := tx.StmtContext(ctx, s.stmts.addKey)
		for _, k := range keys {
			if _, err := addKey.ExecContext(ctx, k, id); err != nil {
				return fmt.Errorf("add key %q: %w", k, err)
			}
		}
		if sv.Feed != "" {
			if _, err := tx.StmtContext(ctx, s.stmts.addFeed).ExecContext(ctx, id, sv.Feed, now); err != nil {
				return fmt.Errorf("add feed %q: %w", sv.Feed, err)
			}
		}
		if fw != nil {
			write := outcome != store.Unchanged
			if !write {
				var rules string
				if err := tx.QueryRowContext(ctx, "SELECT facts_rules FROM articles WHERE id = ?", id).Scan(&rules); err != nil {
					return err
				}
				write = rules != fw.e.Facts.Rules
			}
			if write {
				if err := fw.write(ctx, tx, id); err != nil {
					return fmt.Errorf("facts: %w", err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, store.Unchanged, fmt.Errorf("sqlite: save article %s: %w", identity, err)
	}
	return id, outcome, nil
}

// feedsExpr is an article's feed names as a JSON array: configured sources
// in Position order, then the others (imported, or no longer configured)
// in the order they first listed it.
const feedsExpr = `(SELECT json_group_array(f.feed ORDER BY s.position IS NULL, s.position, f.rowid)
	FROM article_feeds f LEFT JOIN sources s ON s.name = f.feed WHERE f.article_id = a.id)`

const articleCols = "a.id, a.url, a.title, a.published, a.fetched, a.updated, a.summary_only, a.blocks, " + feedsExpr + ", " + factCols

// factCols are an article's facts and its story: the story's first
// article's title and how many articles it groups.
// An article that starts its story has story NULL: the story is its own.
const factCols = `a.facts, coalesce(a.story, a.id), coalesce((SELECT st.title FROM articles st WHERE st.id = coalesce(a.story, a.id)), ''),
	1 + (SELECT count(*) FROM articles sc WHERE sc.story = coalesce(a.story, a.id))`

func scanArticle(r scanner) (model.Article, error) {
	var (
		a                 model.Article
		published         sql.NullInt64
		fetched, updated  int64
		summaryOnly       int
		blocks, feedsJSON string
		facts             sql.NullString
		story             sql.NullInt64
	)
	if err := r.Scan(&a.ID, &a.URL, &a.Title, &published, &fetched, &updated, &summaryOnly, &blocks, &feedsJSON,
		&facts, &story, &a.Story.Title, &a.Story.Articles); err != nil {
		return a, err
	}
	if facts.Valid {
		a.Facts = new(model.Facts)
		if err := json.Unmarshal([]byte(facts.String), a.Facts); err != nil {
			return a, fmt.Errorf("article %d: decode facts: %w", a.ID, err)
		}
	}
	if a.Facts != nil && story.Valid {
		a.Story.ID = story.Int64
	} else {
		a.Story = model.StoryRef{} // not grouped before it is enriched
	}
	a.Published = fromNullMs(published)
	a.Fetched = fromMs(fetched)
	a.Updated = fromMs(updated)
	a.SummaryOnly = summaryOnly != 0
	var err error
	if a.Blocks, err = decodeBlocks(blocks); err != nil {
		return a, fmt.Errorf("article %d: %w", a.ID, err)
	}
	if err := json.Unmarshal([]byte(feedsJSON), &a.Feeds); err != nil {
		return a, fmt.Errorf("article %d: decode feeds: %w", a.ID, err)
	}
	if len(a.Feeds) == 0 {
		a.Feeds = nil
	} else {
		a.Source = a.Feeds[0]
	}
	return a, nil
}

// FindArticle returns the article the first matching key leads to, or
// store.ErrNotFound.
func (s *Store) FindArticle(ctx context.Context, keys ...string) (store.ArticleRef, error) {
	release, err := s.begin()
	if err != nil {
		return store.ArticleRef{}, fmt.Errorf("sqlite: find article %q: %w", keys, err)
	}
	defer release()
	for _, k := range keys {
		if k == "" {
			continue
		}
		var (
			ref   store.ArticleRef
			feeds string
		)
		err := s.queryRow(ctx, `SELECT a.id, a.url, `+feedsExpr+`
			FROM article_keys k JOIN articles a ON a.id = k.article_id WHERE k.key = ?`, k).
			Scan(&ref.ID, &ref.URL, &feeds)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return store.ArticleRef{}, fmt.Errorf("sqlite: find article %q: %w", k, err)
		}
		if err := json.Unmarshal([]byte(feeds), &ref.Feeds); err != nil {
			return store.ArticleRef{}, fmt.Errorf("sqlite: find article %q: decode feeds: %w", k, err)
		}
		if len(ref.Feeds) == 0 {
			ref.Feeds = nil
		}
		return ref, nil
	}
	return store.ArticleRef{}, fmt.Errorf("sqlite: find article %q: %w", keys, store.ErrNotFound)
}

// Article returns one article by ID, or store.ErrNotFound.
func (s *Store) Article(ctx context.Context, id int64) (model.Article, error) {
	release, err := s.begin()
	if err != nil {
		return model.Article{}, fmt.Errorf("sqlite: article %d: %w", id, err)
	}
	defer release()
	a, err := scanArticle(s.queryRow(ctx, "SELECT "+articleCols+" FROM articles a WHERE a.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return model.Article{}, fmt.Errorf("sqlite: article %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return model.Article{}, fmt.Errorf("sqlite: article %d: %w", id, err)
	}
	return a, nil
}

// Articles lists the articles matching f. ByPublished puts undated articles
// last, newest stored first among them.
func (s *Store) Articles(ctx context.Context, f store.Filter) ([]model.Article, error) {
	var (
		where []string
		args  []any
	)
	from := " FROM articles a"
	if !f.Since.IsZero() {
		// Left to itself SQLite walks the order's index and tests every
		// row; a digest's Since is recent, so the range on the Since index
		// and a sort of the few rows it gives are far cheaper (30 ms ->
		// well under 1 ms at 100k articles).
		// The dkey range narrows to the right days, the date test to the
		// millisecond.
		from = " FROM articles a INDEXED BY articles_dkey"
		where = append(where, "a.dkey >= ?", "coalesce(a.published, a.fetched) >= ?")
		args = append(args, dkeyAt(f.Since), f.Since.UnixMilli())
	}
	if len(f.Sources) > 0 {
		// EXISTS probes the feeds key per row in the order's index and
		// stops at Limit, where "id IN (list)" collected and sorted every
		// article of the source (95 ms for 50 of 50k).
		where = append(where, "EXISTS (SELECT 1 FROM article_feeds f WHERE f.article_id = a.id AND f.feed IN ("+placeholders(len(f.Sources))+"))")
		for _, src := range f.Sources {
			args = append(args, src)
		}
	}
	q := "SELECT " + articleCols + from
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	switch f.Order {
	case store.ByPublished:
		// NULL (undated) sorts lowest, so last in DESC order.
		q += " ORDER BY a.published DESC, a.id DESC"
	case store.ByFetched:
		q += " ORDER BY a.fetched DESC, a.id DESC"
	case store.ByImported:
		q += " ORDER BY a.id"
	default:
		return nil, fmt.Errorf("sqlite: list articles: unknown order %d", f.Order)
	}
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}

	release, err := s.begin()
	if err != nil {
		return nil, fmt.Errorf("sqlite: list articles: %w", err)
	}
	defer release()
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list articles: %w", err)
	}
	defer rows.Close()
	var out []model.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list articles: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list articles: %w", err)
	}
	return out, nil
}

package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// factRow is one row of article_facts.
type factRow struct{ field, value, label string }

// factRows are the rows an article's facts file under: each distinct
// value once per field. Countries file under their code, labelled with
// their name.
func factRows(f model.Facts) (rows []factRow, names []factRow) {
	seen := map[[2]string]bool{}
	add := func(field, label string) string {
		v := strings.ToLower(strings.TrimSpace(label))
		if v == "" || seen[[2]string{field, v}] {
			return v
		}
		seen[[2]string{field, v}] = true
		rows = append(rows, factRow{field, v, label})
		return v
	}
	for _, c := range f.Countries {
		v := strings.ToLower(c.Code)
		if v != "" && !seen[[2]string{store.FieldCountry, v}] {
			seen[[2]string{store.FieldCountry, v}] = true
			label := c.Name
			if label == "" {
				label = c.Code
			}
			rows = append(rows, factRow{store.FieldCountry, v, label})
		}
		if c.Name != "" {
			names = append(names, factRow{store.FieldCountry, strings.ToLower(c.Name), v})
		}
	}
	for _, o := range f.Orgs {
		v := add(store.FieldOrg, o.Name)
		if a := strings.ToLower(strings.TrimSpace(o.As)); a != "" && a != v {
			names = append(names, factRow{store.FieldOrg, a, v})
		}
	}
	for _, p := range f.People {
		add(store.FieldPerson, p.Name)
	}
	for _, o := range f.Operations {
		add(store.FieldOperation, o.Name)
	}
	for _, t := range f.Topics {
		// A topic files under its id, shown by its name.
		v := strings.ToLower(t.ID)
		if v != "" && !seen[[2]string{store.FieldTopic, v}] {
			seen[[2]string{store.FieldTopic, v}] = true
			label := t.Name
			if label == "" {
				label = t.ID
			}
			rows = append(rows, factRow{store.FieldTopic, v, label})
		}
		names = append(names, factRow{store.FieldTopic, strings.ToLower(t.Name), v})
	}
	return rows, names
}

// SetFacts replaces an article's facts, story and signature.
func (s *Store) SetFacts(ctx context.Context, id int64, e store.Enrichment) error {
	what := fmt.Sprintf("set facts of article %d", id)
	fw, err := newFactsWrite(e)
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error { return fw.write(ctx, tx, id) })
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return nil
}

// factsWrite is an enrichment ready to be written: its JSON and its rows.
type factsWrite struct {
	e           store.Enrichment
	data        string
	rows, names []factRow
}

func newFactsWrite(e store.Enrichment) (*factsWrite, error) {
	data, err := json.Marshal(e.Facts)
	if err != nil {
		return nil, err
	}
	rows, names := factRows(e.Facts)
	return &factsWrite{e: e, data: string(data), rows: rows, names: names}, nil
}

// write stores the enrichment of article id in tx. An article that starts
// its own story keeps story NULL.
func (fw *factsWrite) write(ctx context.Context, tx *sql.Tx, id int64) error {
	var story any
	if e := fw.e; e.Story != 0 && e.Story != id {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM articles WHERE id = ?", e.Story).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("story %d: %w", e.Story, store.ErrNotFound)
		}
		story = e.Story
	}
	var dkey int64
	err := tx.QueryRowContext(ctx, "UPDATE articles SET facts = ?, facts_rules = ?, story = ?, signature = ? WHERE id = ? RETURNING dkey",
		fw.data, fw.e.Facts.Rules, story, int64(fw.e.Signature), id).Scan(&dkey)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	if err != nil {
		return err
	}
	// An article that joins another story takes the articles of its own
	// along: stories never chain.
	if story != nil {
		if _, err := tx.ExecContext(ctx, "UPDATE articles SET story = ? WHERE story = ?", story, id); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM article_facts WHERE article_id = ?", id); err != nil {
		return err
	}
	// One statement for all rows: an article has tens of facts.
	if len(fw.rows) > 0 {
		args := make([]any, 0, 5*len(fw.rows))
		for _, r := range fw.rows {
			args = append(args, r.field, r.value, dkey, id, r.label)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO article_facts (field, value, dkey, article_id, label) VALUES "+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?),", len(fw.rows)), ","), args...); err != nil {
			return err
		}
	}
	if len(fw.names) > 0 {
		args := make([]any, 0, 3*len(fw.names))
		for _, n := range fw.names {
			args = append(args, n.field, n.value, n.label)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO fact_names (field, name, value) VALUES "+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?),", len(fw.names)), ",")+" ON CONFLICT DO NOTHING", args...); err != nil {
			return err
		}
	}
	return nil
}

// ArticlesToEnrich lists articles whose facts are missing or were made by
// other rules, in dkey order (day, then ID); the cursor is the last dkey.
func (s *Store) ArticlesToEnrich(ctx context.Context, rules string, all bool, cursor string, limit int) ([]model.Article, string, error) {
	after := int64(math.MinInt64)
	if cursor != "" {
		k, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil {
			return nil, "", fmt.Errorf("sqlite: articles to enrich: cursor %q: %w", cursor, store.ErrBadCursor)
		}
		after = k
	}
	q := "SELECT " + articleCols + ", a.dkey FROM articles a WHERE a.dkey > ?"
	args := []any{after}
	if !all {
		q += " AND a.facts_rules != ?"
		args = append(args, rules)
	}
	q += " ORDER BY a.dkey LIMIT ?"
	args = append(args, limit)
	release, err := s.begin()
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: articles to enrich: %w", err)
	}
	defer release()
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: articles to enrich: %w", err)
	}
	defer rows.Close()
	var (
		out  []model.Article
		last int64
	)
	for rows.Next() {
		a, err := scanArticle(keyScanner{rows, &last})
		if err != nil {
			return nil, "", fmt.Errorf("sqlite: articles to enrich: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlite: articles to enrich: %w", err)
	}
	next := ""
	if len(out) == limit {
		next = strconv.FormatInt(last, 10)
	}
	return out, next, nil
}

// keyScanner scans an article row followed by its dkey.
type keyScanner struct {
	rows *sql.Rows
	key  *int64
}

func (ks keyScanner) Scan(dest ...any) error { return ks.rows.Scan(append(dest, ks.key)...) }

// FactArticles lists articles with a fact of field equal to value.
func (s *Store) FactArticles(ctx context.Context, field, value string, limit int) ([]model.Article, error) {
	if !slices.Contains(store.FactFields(), field) {
		return nil, fmt.Errorf("sqlite: articles by fact: unknown field %q", field)
	}
	var q string
	var args []any
	if value == "" {
		q = `SELECT ` + articleCols + ` FROM articles a WHERE a.dkey IN
			(SELECT DISTINCT x.dkey FROM article_facts x WHERE x.field = ? ORDER BY x.dkey DESC LIMIT ?) ORDER BY a.dkey DESC`
		args = []any{field, limit}
	} else {
		q = `SELECT ` + articleCols + ` FROM article_facts x JOIN articles a ON a.id = x.article_id
			WHERE x.field = ? AND x.value = ? ORDER BY x.dkey DESC LIMIT ?`
		args = []any{field, strings.ToLower(value), limit}
	}
	return s.listArticles(ctx, "articles with "+field+" "+value, q, args...)
}

func (s *Store) listArticles(ctx context.Context, what, q string, args ...any) ([]model.Article, error) {
	release, err := s.begin()
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	defer release()
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	defer rows.Close()
	var out []model.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: %s: %w", what, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return out, nil
}

// StoryCandidates lists the articles of a story query: the window's from
// a covering index by date, the operations' from the facts' own index.
func (s *Store) StoryCandidates(ctx context.Context, q store.StoryQuery) ([]store.StoryCandidate, error) {
	what := "story candidates"
	release, err := s.begin()
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	defer release()
	const cols = `SELECT a.id, coalesce(a.story, a.id), a.title, coalesce(a.published, a.fetched), a.signature
		FROM articles a INDEXED BY articles_story_keys `
	var out []store.StoryCandidate
	byID := map[int64]int{}
	scan := func(query string, args ...any) error {
		rows, err := s.query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				c   store.StoryCandidate
				ms  int64
				sig int64
			)
			if err := rows.Scan(&c.ID, &c.Story, &c.Title, &ms, &sig); err != nil {
				return err
			}
			if _, dup := byID[c.ID]; dup {
				continue
			}
			c.Date, c.Signature = fromMs(ms), uint64(sig)
			byID[c.ID] = len(out)
			out = append(out, c)
		}
		return rows.Err()
	}
	// The dkey range (whole days) walks the index; the times narrow it to
	// the millisecond.
	if err := scan(cols+`WHERE a.dkey >= ? AND a.dkey < ? AND coalesce(a.published, a.fetched) BETWEEN ? AND ? AND a.facts_rules != ''
		ORDER BY a.dkey DESC LIMIT ?`,
		dkeyAt(q.From), dkeyAt(q.To)+1<<idBits, q.From.UnixMilli(), q.To.UnixMilli(), q.Limit); err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	// The newest come first from the index (the closest to a new article,
	// when the window holds more than Limit); callers get oldest first.
	sortOldestFirst := func() {
		slices.SortStableFunc(out, func(a, b store.StoryCandidate) int {
			if c := a.Date.Compare(b.Date); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		})
	}
	if len(q.Operations) > 0 {
		// The articles naming one of the operations, from the facts'
		// (field, value, dkey) key; each remembers which it shares.
		names := make([]any, len(q.Operations))
		for i, o := range q.Operations {
			names[i] = strings.ToLower(strings.Join(strings.Fields(o), " "))
		}
		args := append([]any{}, names...)
		args = append(args, dkeyAt(q.OpsFrom), dkeyAt(q.To)+1<<idBits, q.Limit)
		rows, err := s.query(ctx, `SELECT x.dkey, x.label FROM article_facts x WHERE x.field = 'operation'
			AND x.value IN (`+placeholders(len(names))+`) AND x.dkey >= ? AND x.dkey < ? ORDER BY x.dkey DESC LIMIT ?`, args...)
		if err != nil {
			return nil, fmt.Errorf("sqlite: %s: %w", what, err)
		}
		shared := map[int64][]string{} // by article ID
		var keys []any
		for rows.Next() {
			var (
				k     int64
				label string
			)
			if err := rows.Scan(&k, &label); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlite: %s: %w", what, err)
			}
			if _, ok := shared[k&idMask]; !ok {
				keys = append(keys, k)
			}
			shared[k&idMask] = append(shared[k&idMask], label)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite: %s: %w", what, err)
		}
		if len(keys) > 0 {
			args := append(keys, q.OpsFrom.UnixMilli(), q.To.UnixMilli())
			if err := scan(cols+`WHERE a.dkey IN (`+placeholders(len(keys))+`)
				AND coalesce(a.published, a.fetched) BETWEEN ? AND ? AND a.facts_rules != ''`, args...); err != nil {
				return nil, fmt.Errorf("sqlite: %s: %w", what, err)
			}
		}
		for i := range out {
			out[i].Operations = shared[out[i].ID]
		}
	}
	sortOldestFirst()
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// FactCounts counts articles per value of one field.
func (s *Store) FactCounts(ctx context.Context, field string, since time.Time, limit int) ([]store.FacetCount, error) {
	what := "count " + field + " facts"
	if !slices.Contains(store.FactFields(), field) {
		return nil, fmt.Errorf("sqlite: %s: unknown field", what)
	}
	release, err := s.begin()
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	defer release()
	var minKey int64 = -1 << 62
	if !since.IsZero() {
		minKey = dkeyAt(since)
	}
	rows, err := s.query(ctx, `SELECT value, min(label), count(*) FROM article_facts
		WHERE field = ? AND dkey >= ? GROUP BY value ORDER BY 3 DESC, 1 LIMIT ?`, field, minKey, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return scanFacets(rows, what)
}

func scanFacets(rows *sql.Rows, what string) ([]store.FacetCount, error) {
	defer rows.Close()
	var out []store.FacetCount
	for rows.Next() {
		var c store.FacetCount
		if err := rows.Scan(&c.Value, &c.Label, &c.N); err != nil {
			return nil, fmt.Errorf("sqlite: %s: %w", what, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return out, nil
}

// factFacets counts the fact values of the articles of keys, per field,
// the top FactFacetSize of each.
func (s *Store) factFacets(ctx context.Context, keys []int64) (map[string][]store.FacetCount, error) {
	ids := idsJSON(keys)
	rows, err := s.read.QueryContext(ctx, `SELECT x.field, x.value, min(x.label), count(*) FROM json_each(?) j
		JOIN article_facts x ON x.article_id = j.value GROUP BY x.field, x.value ORDER BY 1, 4 DESC, 2`, ids)
	if err != nil {
		return nil, fmt.Errorf("fact facets: %w", err)
	}
	defer rows.Close()
	out := map[string][]store.FacetCount{}
	for rows.Next() {
		var (
			field string
			c     store.FacetCount
		)
		if err := rows.Scan(&field, &c.Value, &c.Label, &c.N); err != nil {
			return nil, fmt.Errorf("fact facets: %w", err)
		}
		if len(out[field]) < store.FactFacetSize {
			out[field] = append(out[field], c)
		}
	}
	return out, rows.Err()
}

// resolveFact turns a filter's value into the stored value: lower-cased,
// and a country's or organisation's other name to its own ("Portugal" →
// "pt").
func (s *Store) resolveFact(ctx context.Context, field, value string) (string, error) {
	v := strings.ToLower(strings.Join(strings.Fields(value), " "))
	var to string
	err := s.queryRow(ctx, "SELECT value FROM fact_names WHERE field = ? AND name = ?", field, v).Scan(&to)
	if errors.Is(err, sql.ErrNoRows) {
		return v, nil
	}
	if err != nil {
		return "", err
	}
	return to, nil
}

package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// factRow is one row of article_facts.
type factRow struct{ field, value, label string }

// factRows are the rows an article's facts file under: each distinct
// value once per field. Countries file under their code, labelled with
// their name. names are the other names filters accept (fact_names).
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
	for i := range rows {
		rows[i] = factRow{rows[i].field, clean(rows[i].value), clean(rows[i].label)}
	}
	for i := range names {
		names[i] = factRow{names[i].field, clean(names[i].value), clean(names[i].label)}
	}
	return rows, names
}

// SetFacts replaces an article's facts, story and signature.
func (s *Store) SetFacts(ctx context.Context, id int64, e store.Enrichment) error {
	what := fmt.Sprintf("set facts of article %d", id)
	fw, err := newFactsWrite(e)
	if err != nil {
		return fmt.Errorf("postgres: %s: %w", what, err)
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error { return fw.write(ctx, tx, id) })
	if err != nil {
		return fmt.Errorf("postgres: %s: %w", what, err)
	}
	return nil
}

// factsWrite is an enrichment ready to be written: its JSON and its rows.
type factsWrite struct {
	e           store.Enrichment
	data        []byte
	rows, names []factRow
}

func newFactsWrite(e store.Enrichment) (*factsWrite, error) {
	data, err := json.Marshal(e.Facts)
	if err != nil {
		return nil, err
	}
	rows, names := factRows(e.Facts)
	return &factsWrite{e: e, data: cleanJSON(data), rows: rows, names: names}, nil
}

// write stores the enrichment of article id in tx. An article that starts
// its own story keeps story NULL.
func (fw *factsWrite) write(ctx context.Context, tx pgx.Tx, id int64) error {
	var story *int64
	if e := fw.e; e.Story != 0 && e.Story != id {
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM articles WHERE id = $1)", e.Story).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return fmt.Errorf("story %d: %w", e.Story, store.ErrNotFound)
		}
		story = &e.Story
	}
	var dkey int64
	err := tx.QueryRow(ctx, "UPDATE articles SET facts = $1, facts_rules = $2, story = $3, signature = $4 WHERE id = $5 RETURNING dkey",
		fw.data, clean(fw.e.Facts.Rules), story, int64(fw.e.Signature), id).Scan(&dkey)
	if err != nil {
		return errNoRows(err)
	}
	b := &pgx.Batch{}
	// An article that joins another story takes the articles of its own
	// along: stories never chain.
	if story != nil {
		b.Queue("UPDATE articles SET story = $1 WHERE story = $2", *story, id)
	}
	b.Queue("DELETE FROM article_facts WHERE article_id = $1", id)
	if len(fw.rows) > 0 {
		fields, values, labels := columns(fw.rows)
		b.Queue(`INSERT INTO article_facts (field, value, dkey, article_id, label)
			SELECT f, v, $4, $5, l FROM unnest($1::text[], $2::text[], $3::text[]) AS x(f, v, l)`, fields, values, labels, dkey, id)
	}
	if len(fw.names) > 0 {
		fields, names, values := columns(fw.names)
		b.Queue(`INSERT INTO fact_names (field, name, value)
			SELECT f, n, v FROM unnest($1::text[], $2::text[], $3::text[]) AS x(f, n, v) ON CONFLICT DO NOTHING`, fields, names, values)
	}
	return tx.SendBatch(ctx, b).Close()
}

// columns turns rows into one array per column, for unnest.
func columns(rows []factRow) (a, b, c []string) {
	for _, r := range rows {
		a, b, c = append(a, r.field), append(b, r.value), append(c, r.label)
	}
	return a, b, c
}

// ArticlesToEnrich lists articles whose facts are missing or were made by
// other rules, in dkey order (day, then ID); the cursor is the last dkey.
func (s *Store) ArticlesToEnrich(ctx context.Context, rules string, all bool, cursor string, limit int) ([]model.Article, string, error) {
	after := int64(math.MinInt64)
	if cursor != "" {
		k, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil {
			return nil, "", fmt.Errorf("postgres: articles to enrich: cursor %q: %w", cursor, store.ErrBadCursor)
		}
		after = k
	}
	q := "SELECT " + articleCols + ", a.dkey FROM articles a WHERE a.dkey > $1"
	args := []any{after}
	if !all {
		q += " AND a.facts_rules <> $3"
		args = append(args, limit, rules)
	} else {
		args = append(args, limit)
	}
	q += " ORDER BY a.dkey LIMIT $2"
	release, err := s.begin()
	if err != nil {
		return nil, "", fmt.Errorf("postgres: articles to enrich: %w", err)
	}
	defer release()
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("postgres: articles to enrich: %w", err)
	}
	defer rows.Close()
	var (
		out  []model.Article
		last int64
	)
	for rows.Next() {
		a, err := scanArticle(rows, &last)
		if err != nil {
			return nil, "", fmt.Errorf("postgres: articles to enrich: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("postgres: articles to enrich: %w", err)
	}
	next := ""
	if len(out) == limit {
		next = strconv.FormatInt(last, 10)
	}
	return out, next, nil
}

// FactArticles lists articles with a fact of field equal to value.
func (s *Store) FactArticles(ctx context.Context, field, value string, limit int) ([]model.Article, error) {
	if !slices.Contains(store.FactFields(), field) {
		return nil, fmt.Errorf("postgres: articles by fact: unknown field %q", field)
	}
	var q string
	var args []any
	if value == "" {
		q = `SELECT ` + articleCols + ` FROM articles a WHERE a.dkey IN
			(SELECT DISTINCT x.dkey FROM article_facts x WHERE x.field = $1 ORDER BY x.dkey DESC LIMIT $2) ORDER BY a.dkey DESC`
		args = []any{field, limit}
	} else {
		q = `SELECT ` + articleCols + ` FROM article_facts x JOIN articles a ON a.id = x.article_id
			WHERE x.field = $1 AND x.value = $2 ORDER BY x.dkey DESC LIMIT $3`
		args = []any{field, clean(strings.ToLower(value)), limit}
	}
	return s.listArticles(ctx, "articles with "+field+" "+value, q, args...)
}

// StoryCandidates lists the articles of a story query: the window's by
// date, the operations' from the facts' own index.
func (s *Store) StoryCandidates(ctx context.Context, q store.StoryQuery) ([]store.StoryCandidate, error) {
	what := "story candidates"
	release, err := s.begin()
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	defer release()
	const cols = `SELECT a.id, coalesce(a.story, a.id), a.title, coalesce(a.published, a.fetched), a.signature FROM articles a `
	var out []store.StoryCandidate
	byID := map[int64]int{}
	scan := func(query string, args ...any) error {
		rows, err := s.pool.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				c   store.StoryCandidate
				at  time.Time
				sig int64
			)
			if err := rows.Scan(&c.ID, &c.Story, &c.Title, &at, &sig); err != nil {
				return err
			}
			if _, dup := byID[c.ID]; dup {
				continue
			}
			c.Date, c.Signature = at.UTC(), uint64(sig)
			byID[c.ID] = len(out)
			out = append(out, c)
		}
		return rows.Err()
	}
	// The dkey range (whole days) walks the index; the times narrow it to
	// the millisecond. The newest come first (the closest to a new
	// article, when the window holds more than Limit).
	if err := scan(cols+`WHERE a.dkey >= $1 AND a.dkey < $2 AND coalesce(a.published, a.fetched) BETWEEN $3 AND $4 AND a.facts_rules <> ''
		ORDER BY a.dkey DESC LIMIT $5`,
		dkeyAt(q.From), dkeyAt(q.To)+1<<idBits, msTime(q.From), msTime(q.To), q.Limit); err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	if len(q.Operations) > 0 {
		// The articles naming one of the operations, from the facts'
		// (field, value, dkey) key; each remembers which it shares.
		names := make([]string, len(q.Operations))
		for i, o := range q.Operations {
			names[i] = clean(strings.ToLower(strings.Join(strings.Fields(o), " ")))
		}
		rows, err := s.pool.Query(ctx, `SELECT x.dkey, x.label FROM article_facts x WHERE x.field = 'operation'
			AND x.value = ANY($1) AND x.dkey >= $2 AND x.dkey < $3 ORDER BY x.dkey DESC LIMIT $4`,
			names, dkeyAt(q.OpsFrom), dkeyAt(q.To)+1<<idBits, q.Limit)
		if err != nil {
			return nil, fmt.Errorf("postgres: %s: %w", what, err)
		}
		shared := map[int64][]string{} // by article ID
		var keys []int64
		for rows.Next() {
			var (
				k     int64
				label string
			)
			if err := rows.Scan(&k, &label); err != nil {
				rows.Close()
				return nil, fmt.Errorf("postgres: %s: %w", what, err)
			}
			if _, ok := shared[k&idMask]; !ok {
				keys = append(keys, k)
			}
			shared[k&idMask] = append(shared[k&idMask], label)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("postgres: %s: %w", what, err)
		}
		if len(keys) > 0 {
			if err := scan(cols+`WHERE a.dkey = ANY($1) AND coalesce(a.published, a.fetched) BETWEEN $2 AND $3 AND a.facts_rules <> ''`,
				keys, msTime(q.OpsFrom), msTime(q.To)); err != nil {
				return nil, fmt.Errorf("postgres: %s: %w", what, err)
			}
		}
		for i := range out {
			out[i].Operations = shared[out[i].ID]
		}
	}
	// Callers get oldest first.
	slices.SortStableFunc(out, func(a, b store.StoryCandidate) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// FactCounts counts articles per value of one field.
func (s *Store) FactCounts(ctx context.Context, field string, since time.Time, limit int) ([]store.FacetCount, error) {
	what := "count " + field + " facts"
	if !slices.Contains(store.FactFields(), field) {
		return nil, fmt.Errorf("postgres: %s: unknown field", what)
	}
	release, err := s.begin()
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	defer release()
	var minKey int64 = math.MinInt64
	if !since.IsZero() {
		minKey = dkeyAt(since)
	}
	rows, err := s.pool.Query(ctx, `SELECT value, min(label), count(*) FROM article_facts
		WHERE field = $1 AND dkey >= $2 GROUP BY value ORDER BY 3 DESC, 1 LIMIT $3`, field, minKey, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	defer rows.Close()
	var out []store.FacetCount
	for rows.Next() {
		var c store.FacetCount
		if err := rows.Scan(&c.Value, &c.Label, &c.N); err != nil {
			return nil, fmt.Errorf("postgres: %s: %w", what, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	return out, nil
}

// factFacets counts the fact values of the articles ids, per field, the
// top FactFacetSize of each.
func (s *Store) factFacets(ctx context.Context, ids []int64) (map[string][]store.FacetCount, error) {
	rows, err := s.pool.Query(ctx, `SELECT x.field, x.value, min(x.label), count(*) FROM article_facts x
		WHERE x.article_id = ANY($1) GROUP BY x.field, x.value ORDER BY 1, 4 DESC, 2`, ids)
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
	v := clean(strings.ToLower(strings.Join(strings.Fields(value), " ")))
	var to string
	err := s.pool.QueryRow(ctx, "SELECT value FROM fact_names WHERE field = $1 AND name = $2", field, v).Scan(&to)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, nil
	}
	if err != nil {
		return "", err
	}
	return to, nil
}

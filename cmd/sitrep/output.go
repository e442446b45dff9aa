package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/sitrep/sitrep/internal/digest"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// filterFrom reads --since, --source and --order into a store filter.
func filterFrom(c config) (store.Filter, error) {
	since, err := parseSince(c.since)
	if err != nil {
		return store.Filter{}, err
	}
	f := store.Filter{Since: since}
	if c.source != "" {
		f.Sources = []string{c.source}
	}
	switch c.order {
	case "", "published":
		f.Order = store.ByPublished
	case "fetched":
		f.Order = store.ByFetched
	case "imported":
		f.Order = store.ByImported
	default:
		return f, oneOf("order", c.order, "published", "fetched", "imported")
	}
	return f, nil
}

// articles returns the stored articles the --since, --source and --order
// flags select.
func articles(ctx context.Context, e env, c config) ([]model.Article, error) {
	f, err := filterFrom(c)
	if err != nil {
		return nil, err
	}
	if err := mustExist(c.db); err != nil {
		return nil, err
	}
	st, err := openStore(ctx, e, c)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return st.Articles(ctx, f)
}

// cmdDigest prints stored articles in the digest text format.
func cmdDigest(ctx context.Context, e env, args []string) error {
	var c config
	fs := newFlags("digest", e, &c, "db", "since", "source", "order")
	withFacts := fs.Bool("with-facts", false, "after each body, a Facts: block of its countries, operations and figures (run sitrep enrich first for articles stored before enrichment)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	arts, err := articles(ctx, e, c)
	if err != nil {
		return err
	}
	entries := make([]digest.Entry, len(arts))
	for i, a := range arts {
		if *withFacts {
			entries[i] = digest.WithFacts(a)
		} else {
			entries[i] = digest.FromArticle(a)
		}
	}
	return digest.Write(e.stdout, entries)
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// cmdExport prints one JSON object per stored article.
func cmdExport(ctx context.Context, e env, args []string) error {
	var c config
	fs := newFlags("export", e, &c, "db", "since", "source", "order", "format")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if c.format == "" {
		c.format = "jsonl"
	}
	if err := oneOf("format", c.format, "jsonl"); err != nil {
		return err
	}
	arts, err := articles(ctx, e, c)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(e.stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, a := range arts {
		if err := enc.Encode(model.NewRecord(a, false)); err != nil {
			return err
		}
	}
	return w.Flush()
}

// cmdImport reads digest files into the store. An imported article has no
// URL: its identity is a hash of its source and title, so importing a file
// twice stores nothing twice.
func cmdImport(ctx context.Context, e env, args []string) error {
	var c config
	fs := newFlags("import", e, &c, "db")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"import needs at least one digest file"}
	}
	type parsed struct {
		name    string
		entries []digest.Entry
	}
	var files []parsed
	// Read and check every file before storing anything.
	for _, name := range fs.Args() {
		raw, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		entries, err := digest.Parse(string(raw))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		files = append(files, parsed{name, entries})
	}
	st, err := openStore(ctx, e, c)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, f := range files {
		counts := map[store.Outcome]int{}
		seen := map[string]int{}
		for _, en := range f.entries {
			// The n-th article of a file with the same source and title is
			// another article (a weekly column), but the same one on a
			// second import of the file.
			n := seen[en.Source+"\x00"+en.Title]
			seen[en.Source+"\x00"+en.Title]++
			key := importKey(en.Source, en.Title, n)
			a := model.Article{Title: en.Title, Blocks: model.ParseText(en.Body)}
			_, o, err := st.SaveArticle(ctx, store.Save{Article: a, Feed: en.Source, Keys: []string{key}, Imported: true})
			if err != nil {
				return fmt.Errorf("%s: %q: %w", f.name, en.Title, err)
			}
			counts[o]++
		}
		fmt.Fprintf(e.stdout, "%s: %d articles, %d new, %d updated, %d unchanged\n", f.name, len(f.entries), counts[store.Created], counts[store.Updated], counts[store.Unchanged])
	}
	return nil
}

func importKey(source, title string, n int) string {
	id := source + "\x00" + title
	if n > 0 {
		id += "\x00" + strconv.Itoa(n)
	}
	h := sha256.Sum256([]byte(id))
	return "import:" + hex.EncodeToString(h[:12])
}

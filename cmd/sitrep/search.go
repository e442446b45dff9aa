package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/query"
	"github.com/sitrep/sitrep/internal/store"
)

// cmdSearch runs a query in the search language over the stored articles.
func cmdSearch(ctx context.Context, e env, args []string) error {
	var c config
	fs := newFlags("search", e, &c, "db", "order", "format")
	fs.Lookup("order").DefValue, c.order = "relevance", "relevance"
	fs.Lookup("order").Usage = "`order`: relevance, newest or oldest"
	limit := fs.Int("limit", 20, "show at most `N` results")
	withFacets := fs.Bool("facets", false, "also count the results per source and per month")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if c.format == "" {
		c.format = "text"
	}
	if err := oneOf("format", c.format, "text", "jsonl"); err != nil {
		return err
	}
	order := map[string]store.SearchOrder{"relevance": store.Relevance, "newest": store.Newest, "oldest": store.Oldest}
	o, ok := order[c.order]
	if !ok {
		return usageError{fmt.Sprintf("--order %q: want relevance, newest or oldest", c.order)}
	}
	if *limit < 1 {
		return usageError{fmt.Sprintf("--limit %d: want at least 1", *limit)}
	}
	text := strings.Join(fs.Args(), " ")
	q, err := query.Parse(text)
	var qe *query.Error
	if errors.As(err, &qe) {
		return fmt.Errorf("%s\n%s", qe.Error(), queryCaret(text, qe))
	}
	if err != nil {
		return err
	}
	if err := mustExist(c.db); err != nil {
		return err
	}
	st, err := openStore(ctx, e, c)
	if err != nil {
		return err
	}
	defer st.Close()

	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	cursor, shown := "", 0
	for shown < *limit {
		res, err := st.Search(ctx, store.SearchRequest{Query: q, Order: o, Limit: min(*limit-shown, store.MaxLimit), Cursor: cursor, Facets: *withFacets && cursor == ""})
		if errors.As(err, &qe) {
			return fmt.Errorf("%s\n%s", qe.Error(), queryCaret(text, qe))
		}
		if err != nil {
			return err
		}
		if cursor == "" && c.format == "text" {
			for _, n := range res.Notes {
				fmt.Fprintf(w, "note: %s\n", n)
			}
			switch {
			case res.TotalCapped:
				fmt.Fprintf(w, "more than %d results\n", res.Total)
			default:
				fmt.Fprintf(w, "%d result%s\n", res.Total, map[bool]string{true: "", false: "s"}[res.Total == 1])
			}
			if res.RankScope > 0 {
				fmt.Fprintf(w, "note: ranked among the newest %d matches; --order newest goes through all of them\n", res.RankScope)
			}
			if *withFacets {
				printFacets(w, "by source", res.Sources)
				printFacets(w, "by month", res.Months)
			}
		}
		for _, h := range res.Hits {
			shown++
			if c.format == "jsonl" {
				a, err := st.Article(ctx, h.Article.ID)
				if err != nil {
					return err
				}
				if err := enc.Encode(model.NewRecord(a, false)); err != nil {
					return err
				}
				continue
			}
			a := h.Article
			date := "undated"
			if !a.Published.IsZero() {
				date = a.Published.UTC().Format("2006-01-02")
			}
			fmt.Fprintf(w, "\n%d. %s\n   %s · %s · #%d %s\n", shown, mark(h.Title, e.terminal), a.Source, date, a.ID, a.URL)
			if h.Snippet != "" {
				fmt.Fprintf(w, "   %s\n", strings.ReplaceAll(mark(h.Snippet, e.terminal), "\n", " "))
			}
		}
		if res.Next == "" {
			break
		}
		cursor = res.Next
	}
	return nil
}

func printFacets(w *bufio.Writer, title string, fs []store.FacetCount) {
	if len(fs) == 0 {
		return
	}
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = fmt.Sprintf("%s %d", f.Value, f.N)
	}
	fmt.Fprintf(w, "%s: %s\n", title, strings.Join(parts, ", "))
}

// mark shows the store's highlight markers as bold on a terminal, else
// drops them.
func mark(s string, terminal bool) string {
	on, off := "", ""
	if terminal {
		on, off = "\033[1m", "\033[0m"
	}
	return strings.NewReplacer(store.MarkStart, on, store.MarkEnd, off).Replace(s)
}

// queryCaret shows the query with a caret under the character an error
// points at.
func queryCaret(text string, qe *query.Error) string {
	pos := max(1, min(qe.Pos, utf8.RuneCountInString(text)+1))
	return "  " + text + "\n  " + strings.Repeat(" ", pos-1) + "^"
}

package main

import (
	"context"
	"fmt"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/pipeline"
)

// cmdEnrich finds the facts of stored articles: those never enriched or
// enriched by other rules (a new sitrep, a changed --orgs or --topics
// file), or all of them with --all. Running it twice changes nothing the
// second time.
func cmdEnrich(ctx context.Context, e env, args []string) error {
	var c config
	fs := newFlags("enrich", e, &c, "db", "rules")
	all := fs.Bool("all", false, "enrich every stored article, not only those made by other rules")
	quiet := fs.Bool("quiet", false, "print only the summary")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("enrich takes no arguments, got %q", fs.Args())}
	}
	if err := mustExist(c.db); err != nil {
		return err
	}
	rules, err := loadRules(c)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, e, c)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := pipeline.NewEnricher(rules, st).Stored(ctx, *all, func(done int, a model.Article, err error) {
		switch {
		case err != nil:
			fmt.Fprintf(e.stderr, "article %d (%s): %v\n", a.ID, a.Title, err)
		case !*quiet && e.terminal && done%100 == 0:
			fmt.Fprintf(e.stderr, "\r%d articles enriched", done)
		}
	})
	if e.terminal && !*quiet && rep.Articles >= 100 {
		fmt.Fprintln(e.stderr)
	}
	if err != nil {
		return fmt.Errorf("enrich: %w (after %d articles)", err, rep.Articles)
	}
	rate := 0.0
	if s := rep.Took.Seconds(); s > 0 {
		rate = float64(rep.Articles) / s
	}
	fmt.Fprintf(e.stdout, "%d articles enriched with rules %s in %s (%.0f articles/s)", rep.Articles, rules.Version(), rep.Took.Round(1e6), rate)
	if rep.Failed > 0 {
		fmt.Fprintf(e.stdout, "; %d failed", rep.Failed)
	}
	fmt.Fprintln(e.stdout)
	if rep.Failed > 0 {
		return errSilent
	}
	return nil
}

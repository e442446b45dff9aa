package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/source"
)

// cmdSources lists the sources, or imports/exports them as OPML. With a
// sources file (--sources, or sources.yaml here) it works on the file;
// otherwise on the database, where the web UI and API edit them.
func cmdSources(ctx context.Context, e env, args []string) error {
	var c config
	fs := newFlags("sources", e, &c, "db", "sources")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	sub := "list"
	rest := fs.Args()
	if len(rest) > 0 {
		sub, rest = rest[0], rest[1:]
	}
	switch sub {
	case "list", "export", "import":
	default:
		return usageError{fmt.Sprintf("sources: unknown subcommand %q (list, import, export)", sub)}
	}
	if sub == "import" && len(rest) != 1 || sub != "import" && len(rest) != 0 {
		return usageError{fmt.Sprintf("sources %s: unexpected arguments %q", sub, rest)}
	}
	srcs, path, err := loadSources(c)
	if err != nil {
		return err
	}
	where := path
	if path == "" {
		// The database holds the sources; a database that does not exist
		// yet would be seeded with the built-in defaults.
		where = "built-in defaults: they fill a new database"
		if _, statErr := os.Stat(c.db); statErr == nil || sub == "import" || isPostgres(c.db) {
			st, err := openStore(ctx, e, c)
			if err != nil {
				return err
			}
			defer st.Close()
			if _, err := st.SeedSources(ctx, srcs); err != nil {
				return err
			}
			states, err := st.Sources(ctx)
			if err != nil {
				return err
			}
			srcs = srcs[:0]
			for _, s := range states {
				srcs = append(srcs, s.Source)
			}
			where = "database " + displayDB(c.db)
			if sub == "import" {
				return importOPML(ctx, e, rest[0], srcs, func(added []model.Source) error {
					for _, s := range added {
						if err := st.CreateSource(ctx, s); err != nil {
							return err
						}
					}
					return nil
				}, where)
			}
		}
	}
	switch sub {
	case "list":
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tTYPE\tINTERVAL\tURL")
		for _, s := range srcs {
			iv := "default"
			if s.Interval > 0 {
				iv = s.Interval.String()
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, s.Type, iv, s.URL)
		}
		fmt.Fprintf(tw, "(%s)\n", where)
		return tw.Flush()
	case "export":
		return source.WriteOPML(e.stdout, "sitrep sources", srcs)
	}
	return importOPML(ctx, e, rest[0], srcs, func(added []model.Source) error {
		merged := append(srcs[:len(srcs):len(srcs)], added...)
		out, err := source.Marshal(merged)
		if err != nil {
			return err
		}
		return writeFileAtomic(path, out)
	}, path)
}

// importOPML reads an OPML file and saves the sources it adds to have.
func importOPML(_ context.Context, e env, file string, have []model.Source, save func([]model.Source) error, where string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	imported, err := source.ReadOPML(f, file)
	if err != nil {
		return err
	}
	merged, added := mergeSources(have, imported)
	if err := save(merged[len(have):]); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %d sources added, %d already there; %d in all\n", where, added, len(imported)-added, len(merged))
	return nil
}

// mergeSources adds the imported sources whose URL and name are new.
func mergeSources(have, imported []model.Source) ([]model.Source, int) {
	urls, names := map[string]bool{}, map[string]bool{}
	for _, s := range have {
		urls[model.NormalizeURL(s.URL)], names[s.Name] = true, true
	}
	out := append([]model.Source(nil), have...)
	added := 0
	for _, s := range imported {
		if urls[model.NormalizeURL(s.URL)] {
			continue
		}
		name := s.Name
		for i := 2; names[name]; i++ {
			name = fmt.Sprintf("%s (%d)", s.Name, i)
		}
		s.Name = name
		s.Position = len(out)
		urls[model.NormalizeURL(s.URL)], names[name] = true, true
		out = append(out, s)
		added++
	}
	return out, added
}

// writeFileAtomic replaces path so that a crash never leaves half a file.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

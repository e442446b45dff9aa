package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/source"
)

// cmdSources lists the configured sources, or imports/exports them as OPML.
func cmdSources(ctx context.Context, e env, args []string) error {
	var c config
	fs := newFlags("sources", e, &c, "sources")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	sub := "list"
	rest := fs.Args()
	if len(rest) > 0 {
		sub, rest = rest[0], rest[1:]
	}
	srcs, path, err := loadSources(c)
	if err != nil {
		return err
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
		if path == "" {
			fmt.Fprintln(tw, "(built-in defaults: write sources.yaml to change them)")
		}
		return tw.Flush()
	case "export":
		return source.WriteOPML(e.stdout, "sitrep sources", srcs)
	case "import":
		if len(rest) != 1 {
			return usageError{"sources import takes one OPML file"}
		}
		f, err := os.Open(rest[0])
		if err != nil {
			return err
		}
		defer f.Close()
		imported, err := source.ReadOPML(f, rest[0])
		if err != nil {
			return err
		}
		merged, added := mergeSources(srcs, imported)
		if path == "" {
			path = "sources.yaml"
		}
		out, err := source.Marshal(merged)
		if err != nil {
			return err
		}
		if err := writeFileAtomic(path, out); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %d sources added, %d already there; %d in all\n", path, added, len(imported)-added, len(merged))
		return nil
	}
	return usageError{fmt.Sprintf("sources: unknown subcommand %q (list, import, export)", sub)}
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

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"slices"
	"time"

	"golang.org/x/term"

	"github.com/sitrep/sitrep/internal/fetch"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/postgres"
)

// cmdFetch runs one polling round over every source and prints one summary
// line per source. It fails only when no source could be fetched at all.
func cmdFetch(ctx context.Context, e env, args []string) error {
	var c config
	fs := newFlags("fetch", e, &c, "db", "sources", "polite", "rules")
	only := fs.String("source", "", "poll only the source `NAME` (to try one source)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the round to `file` (go tool pprof)")
	stats := fs.Bool("stats", false, "end with where the round's time went (fetch, parse, extract, store)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("fetch takes no arguments, got %q", fs.Args())}
	}
	p, st, _, err := setup(ctx, e, c, slog.New(slog.NewTextHandler(e.stderr, nil)))
	if err != nil {
		return err
	}
	defer st.Close()
	states, err := st.Sources(ctx)
	if err != nil {
		return err
	}
	if *only != "" {
		one, err := st.Source(ctx, *only)
		if err != nil {
			return usageError{fmt.Sprintf("--source %q: no such source (sitrep sources lists them)", *only)}
		}
		states = []model.SourceState{one}
	} else {
		states = slices.DeleteFunc(states, func(s model.SourceState) bool { return s.Paused })
	}
	var progress func(pipeline.Progress)
	if e.terminal {
		progress = func(pr pipeline.Progress) {
			fmt.Fprintf(e.stderr, "\r\033[Ksources %d/%d, articles %d new, %d updated", pr.SourcesDone, pr.SourcesTotal, pr.New, pr.Updated)
		}
	}
	start := time.Now()
	reports := p.Round(ctx, states, progress)
	if progress != nil {
		fmt.Fprint(e.stderr, "\r\033[K")
	}
	ok := 0
	var tm pipeline.Timing
	for _, r := range reports {
		fmt.Fprintln(e.stdout, r)
		if r.OK() {
			ok++
		}
		tm.Add(r.Timing)
	}
	if *stats {
		fmt.Fprintf(e.stdout, "time (summed over workers): fetch %v, parse %v, extract %v, store %v; round %v\n",
			tm.Fetch.Round(time.Millisecond), tm.Parse.Round(time.Millisecond), tm.Extract.Round(time.Millisecond), tm.Store.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
		if pg, ok := st.(*postgres.Store); ok {
			ps := pg.Stats()
			fmt.Fprintf(e.stdout, "database connections: %d opened, %d acquires, %v waiting for one (pool of %d)\n",
				ps.ConnsOpened, ps.Acquires, ps.AcquireWait.Round(time.Millisecond), ps.MaxConns)
		}
	}
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted: %w", ctx.Err())
	}
	if ok == 0 && len(reports) > 0 {
		return fmt.Errorf("no source could be fetched: %w", errSilent)
	}
	return nil
}

// setup opens the store, brings its sources up to date and builds the
// pipeline: what fetch and serve share. With a sources file (--sources, or
// sources.yaml in the working directory) the file defines the sources and
// the store is synced to it; it returns the file's path. Without one the
// store holds them (edited in the web UI or API), and a new database is
// seeded with the built-in defaults.
func setup(ctx context.Context, e env, c config, log *slog.Logger) (*pipeline.Pipeline, store.Store, string, error) {
	if c.perHost < 1 {
		return nil, nil, "", usageError{fmt.Sprintf("--per-host %d: want at least 1", c.perHost)}
	}
	if c.hostDelay < 0 {
		return nil, nil, "", usageError{fmt.Sprintf("--host-delay %v: want 0 or more", c.hostDelay)}
	}
	sources, path, err := loadSources(c)
	if err != nil {
		return nil, nil, "", err
	}
	rules, err := loadRules(c)
	if err != nil {
		return nil, nil, "", err
	}
	st, err := openStore(ctx, e, c)
	if err != nil {
		return nil, nil, "", err
	}
	if path != "" {
		// The file defines the sources: say which stored ones it drops
		// (added in the UI, say), so a stray sources.yaml is noticed.
		if have, err := st.Sources(ctx); err == nil {
			keep := map[string]bool{}
			for _, src := range sources {
				keep[src.Name] = true
			}
			for _, h := range have {
				if !keep[h.Name] {
					log.Warn("the sources file does not name this source: it is no longer polled (its articles stay)", "file", path, "source", h.Name)
				}
			}
		}
		err = st.SyncSources(ctx, sources)
	} else {
		_, err = st.SeedSources(ctx, sources)
	}
	if err != nil {
		st.Close()
		return nil, nil, "", err
	}
	// A store shared by several processes (PostgreSQL) keeps the
	// per-host limits for all of them together.
	gate, _ := st.(fetch.HostGate)
	claims, _ := st.(pipeline.ArticleClaims)
	client, err := newClient(c, log, gate)
	if err != nil {
		st.Close()
		return nil, nil, "", err
	}
	p := pipeline.New(pipeline.Config{Workers: c.workers, PerHost: c.perHost, Now: e.now, Log: log,
		MaxEntries: c.maxEntries, MaxPage: int(c.maxPage), ExtractTimeout: c.extractTimeout,
		Claims: claims, Lease: c.lease,
		Enricher: pipeline.NewEnricher(rules, st)}, st, client)
	return p, st, path, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/sitrep/sitrep/internal/store"
)

// copyCounts counts a dump's records by kind.
type copyCounts struct{ sources, users, tokens, articles int }

func (c *copyCounts) add(r store.Record) {
	switch {
	case r.Source != nil:
		c.sources++
	case r.User != nil:
		c.users++
	case r.Token != nil:
		c.tokens++
	case r.Article != nil:
		c.articles++
	}
}

func (c copyCounts) String() string {
	return fmt.Sprintf("%d sources, %d articles, %d users, %d API tokens", c.sources, c.articles, c.users, c.tokens)
}

// cmdCopy moves a whole installation from one database to another, for
// example from the SQLite file of a single machine to the PostgreSQL
// database of several: sources with their state, articles with their keys,
// feeds, facts and stories, users and tokens. The target must be empty;
// the copy is one transaction there, and is verified by counting both.
func cmdCopy(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("copy", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	from := fs.String("from", "", "the `database` to copy: a SQLite file or a postgres:// URL")
	to := fs.String("to", "", "the empty `database` to copy into (a PostgreSQL one is migrated first)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" || fs.NArg() > 0 {
		return usageError{"copy needs --from DATABASE and --to DATABASE, and nothing else"}
	}
	if *from == *to {
		return usageError{"copy: --from and --to name the same database"}
	}
	if err := mustExist(*from); err != nil {
		return err
	}
	src, err := openStore(ctx, e, config{db: *from})
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := openStore(ctx, e, config{db: *to, migrate: true})
	if err != nil {
		return err
	}
	defer dst.Close()

	start := time.Now()
	// Dump pushes, Load pulls: a goroutine between them, with a bounded
	// queue, so that no more than a few hundred articles are in memory.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	queue := make(chan store.Record, 256)
	dumpErr := make(chan error, 1)
	var dumped copyCounts
	go func() {
		defer close(queue)
		dumpErr <- src.Dump(ctx, func(r store.Record) error {
			select {
			case queue <- r:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	loadErr := dst.Load(ctx, func() (store.Record, error) {
		r, ok := <-queue
		if !ok {
			return store.Record{}, io.EOF
		}
		dumped.add(r)
		if dumped.articles > 0 && dumped.articles%10000 == 0 && r.Article != nil {
			fmt.Fprintf(e.stderr, "%d articles…\n", dumped.articles)
		}
		return r, nil
	})
	cancel()
	if err := <-dumpErr; err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("reading %s: %w", displayDB(*from), err)
	}
	if loadErr != nil {
		return fmt.Errorf("writing %s (nothing was written): %w", displayDB(*to), loadErr)
	}

	// Verify: count what the target now holds.
	var loaded copyCounts
	if err := dst.Dump(context.WithoutCancel(ctx), func(r store.Record) error { loaded.add(r); return nil }); err != nil {
		return fmt.Errorf("verifying %s: %w", displayDB(*to), err)
	}
	if loaded != dumped {
		return fmt.Errorf("verifying %s: it holds %s, but %s were copied", displayDB(*to), loaded, dumped)
	}
	fmt.Fprintf(e.stdout, "copied %s from %s to %s in %s; verified\n", dumped, displayDB(*from), displayDB(*to), time.Since(start).Round(time.Millisecond))
	return nil
}

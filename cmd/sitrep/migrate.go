package main

import (
	"context"
	"fmt"
)

// cmdMigrate creates or updates the database schema. SQLite files are
// migrated whenever they are opened, so this matters for PostgreSQL, where
// many processes share the database and none changes its schema unasked.
func cmdMigrate(ctx context.Context, e env, args []string) error {
	var c config
	fs := newFlags("migrate", e, &c, "db")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("migrate takes no arguments, got %q", fs.Args())}
	}
	c.migrate = true
	st, err := openStore(ctx, e, c)
	if err != nil {
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: schema up to date\n", displayDB(c.db))
	return nil
}

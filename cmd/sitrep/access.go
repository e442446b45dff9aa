package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/store"
)

// cmdToken makes, lists and revokes API tokens. A token is printed once,
// when made; the store keeps only its hash.
func cmdToken(ctx context.Context, e env, args []string) error {
	var c config
	fs := newFlags("token", e, &c, "db")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	rest := fs.Args()
	switch {
	case len(rest) == 2 && (rest[0] == "create" || rest[0] == "revoke"), len(rest) == 1 && rest[0] == "list":
	default:
		// Checked before opening the database, so that a mistyped command
		// creates no stray database file.
		return usageError{fmt.Sprintf("token: want create NAME, list or revoke NAME (flags before the subcommand), got %q", rest)}
	}
	st, err := openStore(ctx, e, c)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub := rest[0]; {
	case sub == "create" && len(rest) == 2:
		name := strings.TrimSpace(rest[1])
		if name == "" {
			return usageError{"token create: the name is empty"}
		}
		secret, hash, err := auth.NewSecret(auth.TokenPrefix)
		if err != nil {
			return err
		}
		if err := st.CreateToken(ctx, name, hash); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("a token named %q exists already (sitrep token revoke %s, or pick another name)", name, name)
			}
			return err
		}
		fmt.Fprintln(e.stdout, secret)
		fmt.Fprintf(e.stderr, "token %q created; it is shown only now. Send it as: Authorization: Bearer TOKEN\n", name)
		return nil
	case sub == "list" && len(rest) == 1:
		toks, err := st.Tokens(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tCREATED\tLAST USED")
		for _, t := range toks {
			used := "never"
			if !t.LastUsed.IsZero() {
				used = t.LastUsed.UTC().Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, t.Created.UTC().Format("2006-01-02 15:04"), used)
		}
		return tw.Flush()
	case sub == "revoke" && len(rest) == 2:
		if err := st.DeleteToken(ctx, rest[1]); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no token named %q (sitrep token list)", rest[1])
			}
			return err
		}
		fmt.Fprintf(e.stderr, "token %q revoked\n", rest[1])
		return nil
	}
	return usageError{fmt.Sprintf("token: want create NAME, list or revoke NAME, got %q", rest)} // unreachable: checked above
}

// cmdUser sets web UI users' passwords. The password is asked for twice on
// a terminal, or read from the first line of standard input otherwise (for
// scripts: printf '%s\n' "$PW" | sitrep user set-password ann).
func cmdUser(ctx context.Context, e env, args []string) error {
	var c config
	fs := newFlags("user", e, &c, "db")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	rest := fs.Args()
	switch {
	case len(rest) == 2 && rest[0] == "set-password":
		name := strings.TrimSpace(rest[1])
		if name == "" {
			return usageError{"user set-password: the name is empty"}
		}
		pw, err := readPassword(e)
		if err != nil {
			return err
		}
		hash, err := auth.HashPassword(pw)
		if err != nil {
			return err
		}
		st, err := openStore(ctx, e, c)
		if err != nil {
			return err
		}
		defer st.Close()
		if err := st.SetPassword(ctx, name, hash); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "password of %q set; their other sessions are signed out\n", name)
		return nil
	case len(rest) == 1 && rest[0] == "list":
		st, err := openStore(ctx, e, c)
		if err != nil {
			return err
		}
		defer st.Close()
		users, err := st.Users(ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			fmt.Fprintln(e.stdout, u)
		}
		return nil
	}
	return usageError{fmt.Sprintf("user: want set-password NAME or list, got %q", rest)}
}

func readPassword(e env) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, "new password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(e.stderr, "again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("the two passwords differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

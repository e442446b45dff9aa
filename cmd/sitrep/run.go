package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/enrich"
	"github.com/sitrep/sitrep/internal/fetch"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/source"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/postgres"
	"github.com/sitrep/sitrep/internal/store/sqlite"
)

// version is sitrep's release; the User-Agent carries it.
const version = "0.1.0"

const usage = `sitrep watches official security and justice news sources and keeps every article once.

Usage:
  sitrep serve   [--db FILE] [--sources FILE] [--addr 127.0.0.1:8080]   poll continuously, serve the web UI, API and feeds
  sitrep fetch   [--db FILE] [--sources FILE] [--source NAME]          one polling round, then exit
  sitrep digest  [--db FILE] [--since DATE] [--source NAME] [--order published|fetched|imported] [--with-facts]
  sitrep export  [--db FILE] [--format jsonl] [--since DATE] [--source NAME]
  sitrep import  [--db FILE] FILE...                                   read digest text files into the store
  sitrep enrich  [--db FILE] [--all]                                   find facts (countries, orgs, people, operations, figures, topics, stories) of stored articles
  sitrep extract [--url URL] [--format text|jsonl] FILE...|-           extract article text from saved pages
  sitrep search  [--db FILE] [--order relevance|newest|oldest] [--limit N] [--facets] [--format text|jsonl] QUERY...
  sitrep sources [list | import FILE.opml | export]                    the configured sources
  sitrep migrate [--db postgres://…]                                   create or update the database schema
  sitrep copy    --from DATABASE --to DATABASE                         move everything to another (empty) database
  sitrep token   [create NAME | list | revoke NAME]                   API tokens for writes
  sitrep user    [set-password NAME | list]                           web UI users
  sitrep version

fetch and serve also take --per-host N, --host-delay DURATION and --workers N, the limits
--timeout, --connect-timeout, --header-timeout, --max-body, --max-header, --max-page,
--max-entries and --extract-timeout, and --allow-networks CIDRS (see sitrep fetch -h);
fetch, serve and enrich take --orgs FILE and --topics FILE to extend the enrichment rules;
serve takes --role all|worker|web, --read open|closed|auto, --auth-header NAME and
--trusted-proxies CIDRS.
The database defaults to sitrep.db (or $SITREP_DB), a SQLite file; --db postgres://user@host/db
uses PostgreSQL, which many worker and web processes can share (its schema is applied by
sitrep migrate, or by --migrate on start). Sources default to sources.yaml in the working
directory if it exists, else the built-in defaults.
`

// errSilent is returned when the command already told the user what failed.
var errSilent = errors.New("failed")

// usageError is a mistake in the command line; main exits 2 for it.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// env is what every command gets from the process: its I/O and environment.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	now    func() time.Time
	// terminal: stderr is a terminal, where fetch shows live progress.
	terminal bool
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return runEnv(ctx, env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now, terminal: isTerminal(stderr)}, args)
}

// runEnv is run with the clock injected too, for tests.
func runEnv(ctx context.Context, e env, args []string) error {
	stdout, stderr := e.stdout, e.stderr
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no command given"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "fetch":
		return cmdFetch(ctx, e, rest)
	case "serve":
		return cmdServe(ctx, e, rest)
	case "digest":
		return cmdDigest(ctx, e, rest)
	case "export":
		return cmdExport(ctx, e, rest)
	case "import":
		return cmdImport(ctx, e, rest)
	case "enrich":
		return cmdEnrich(ctx, e, rest)
	case "extract":
		return cmdExtract(ctx, e, rest)
	case "sources":
		return cmdSources(ctx, e, rest)
	case "search":
		return cmdSearch(ctx, e, rest)
	case "migrate":
		return cmdMigrate(ctx, e, rest)
	case "copy":
		return cmdCopy(ctx, e, rest)
	case "token":
		return cmdToken(ctx, e, rest)
	case "user":
		return cmdUser(ctx, e, rest)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "sitrep", version)
		return nil
	case "help", "--help", "-help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

// config is every setting a command may use, parsed once from flags and
// environment and passed down.
type config struct {
	db          string
	migrate     bool
	role        string
	lease       time.Duration
	sourcesFile string
	addr        string
	perHost     int
	hostDelay   time.Duration
	workers     int
	timeout     time.Duration
	retries     int
	since       string
	source      string
	order       string
	format      string
	url         string
	read        string
	authHeader  string
	proxies     string
	orgsFile    string
	topicsFile  string
	// allowNetworks opens special-purpose address ranges to the fetcher.
	allowNetworks string
	// The resource limits of fetching and extraction.
	maxBody, maxHeader, maxPage byteSize
	maxEntries                  int
	connectTimeout              time.Duration
	headerTimeout               time.Duration
	extractTimeout              time.Duration
}

// flags declares the named settings on a flag set for one command.
func newFlags(name string, e env, c *config, which ...string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	for _, w := range which {
		switch w {
		case "db":
			def := e.getenv("SITREP_DB")
			if def == "" {
				def = "sitrep.db"
			}
			fs.StringVar(&c.db, "db", def, "the `database`: a SQLite file, or a postgres://user@host/db URL ($SITREP_DB)")
			fs.BoolVar(&c.migrate, "migrate", false, "PostgreSQL: apply the database schema first, as sitrep migrate does (SQLite always is)")
		case "sources":
			fs.StringVar(&c.sourcesFile, "sources", "", "sources `file` (YAML); default sources.yaml if present, else the built-in sources")
		case "addr":
			fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "HTTP listen `address`")
		case "polite":
			fs.IntVar(&c.perHost, "per-host", 2, "at most `N` requests in flight per host")
			fs.DurationVar(&c.hostDelay, "host-delay", time.Second, "minimum `gap` between two requests to one host")
			fs.IntVar(&c.workers, "workers", 16, "article pages fetched and extracted at once")
			fs.DurationVar(&c.timeout, "timeout", 60*time.Second, "give up on one request attempt after `duration` (waiting for the host's turn not counted)")
			fs.IntVar(&c.retries, "retries", 2, "retry a request that failed transiently (timeout, reset, 429, 502-504) up to `N` times")
			c.maxBody, c.maxHeader, c.maxPage = fetch.DefaultMaxBody, fetch.DefaultMaxHeader, pipeline.DefaultMaxPage
			fs.Var(&c.maxBody, "max-body", "give up on a response whose body, decompressed, exceeds `size` (e.g. 10MiB)")
			fs.Var(&c.maxHeader, "max-header", "give up on a response whose headers exceed `size`")
			fs.Var(&c.maxPage, "max-page", "hand at most `size` of a page's HTML to the extractor (scripts and styles go first, then the tail)")
			fs.IntVar(&c.maxEntries, "max-entries", 300, "read at most `N` entries of one feed or listing per poll")
			fs.DurationVar(&c.connectTimeout, "connect-timeout", fetch.DefaultConnectTimeout, "give up connecting (TCP and TLS) after `duration`")
			fs.DurationVar(&c.headerTimeout, "header-timeout", fetch.DefaultHeaderTimeout, "give up waiting for a response's headers after `duration`")
			fs.DurationVar(&c.extractTimeout, "extract-timeout", pipeline.DefaultExtractTimeout, "give up extracting one page after `duration`")
			fs.StringVar(&c.allowNetworks, "allow-networks", e.getenv("SITREP_ALLOW_NETWORKS"), "comma-separated `CIDRs` sitrep may connect to although they are loopback, private or otherwise special-purpose (default none; $SITREP_ALLOW_NETWORKS)")
		case "since":
			fs.StringVar(&c.since, "since", "", "only articles published on or after `DATE` (2006-01-02 or RFC 3339)")
		case "source":
			fs.StringVar(&c.source, "source", "", "only articles listed by the source `NAME`")
		case "order":
			fs.StringVar(&c.order, "order", "published", "`order`: published, fetched or imported")
		case "format":
			fs.StringVar(&c.format, "format", "", "output `format`")
		case "web":
			fs.StringVar(&c.read, "read", "auto", "who may read: `open` (anyone who reaches the server), closed (signed-in users and API tokens), auto (open on a loopback address, closed elsewhere)")
			fs.StringVar(&c.authHeader, "auth-header", "", "trust this request `header` (e.g. X-Forwarded-User) to name the signed-in user, from --trusted-proxies only")
			fs.StringVar(&c.proxies, "trusted-proxies", "127.0.0.0/8,::1/128", "comma-separated `CIDRs` of reverse proxies whose --auth-header and X-Forwarded-Proto are believed")
		case "url":
			fs.StringVar(&c.url, "url", "", "the page's original `URL` (resolves links, helps date and canonical detection)")
		case "rules":
			fs.StringVar(&c.orgsFile, "orgs", e.getenv("SITREP_ORGS"), "extra organisations `file` (YAML, the built-in orgs.yaml's format; $SITREP_ORGS)")
			fs.StringVar(&c.topicsFile, "topics", e.getenv("SITREP_TOPICS"), "extra topic rules `file` (YAML, the built-in topics.yaml's format; $SITREP_TOPICS)")
		}
	}
	return fs
}

// parseFlags parses and turns flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errSilent
		}
		return usageError{err.Error()}
	}
	return nil
}

// loadSources reads the sources file: the one named, else sources.yaml in
// the working directory when it exists, else the built-in defaults.
func loadSources(c config) ([]model.Source, string, error) {
	path := c.sourcesFile
	if path == "" {
		if _, err := os.Stat("sources.yaml"); err == nil {
			path = "sources.yaml"
		}
	}
	if path == "" {
		return source.Defaults(), "", nil
	}
	s, err := source.Load(path)
	if err != nil {
		return nil, path, err
	}
	return s, path, nil
}

// loadRules compiles the enrichment rules with the user's files.
func loadRules(c config) (*enrich.Rules, error) {
	r, err := enrich.Load(enrich.Files{Orgs: c.orgsFile, Topics: c.topicsFile})
	if err != nil {
		return nil, fmt.Errorf("enrichment rules: %w", err)
	}
	return r, nil
}

// openStore opens the database --db names: a PostgreSQL URL, else a
// SQLite file. SQLite is migrated on open; PostgreSQL, shared by many
// processes, only with --migrate (or by sitrep migrate).
func openStore(ctx context.Context, e env, c config) (store.Store, error) {
	if isPostgres(c.db) {
		opts := []postgres.Option{postgres.WithClock(e.now)}
		if c.migrate {
			opts = append(opts, postgres.WithMigrate())
		}
		st, err := postgres.Open(ctx, c.db, opts...)
		if err != nil {
			return nil, fmt.Errorf("opening database %s: %w", displayDB(c.db), err)
		}
		return st, nil
	}
	st, err := sqlite.Open(ctx, c.db, sqlite.WithClock(e.now))
	if err != nil {
		return nil, fmt.Errorf("opening database %s: %w", c.db, err)
	}
	return st, nil
}

// isPostgres tells whether --db names a PostgreSQL database.
func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// displayDB is --db as it may be logged: a PostgreSQL URL without its
// password.
func displayDB(db string) string {
	if !isPostgres(db) {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// mustExist keeps the reading commands from creating an empty database
// where a mistyped --db points.
func mustExist(db string) error {
	if strings.HasPrefix(db, "file:") || db == ":memory:" || isPostgres(db) {
		return nil
	}
	if _, err := os.Stat(db); err != nil {
		return fmt.Errorf("database %s: %w (run sitrep fetch or import first, or give --db)", db, err)
	}
	return nil
}

// newClient is the one outbound HTTP client of a command: polite, and
// guarded against special-purpose addresses but those the user allows.
func newClient(c config, log *slog.Logger, gate fetch.HostGate) (*fetch.Client, error) {
	allow, err := fetch.ParseAllow(c.allowNetworks)
	if err != nil {
		return nil, usageError{"--allow-networks: " + err.Error()}
	}
	if len(allow) > 0 {
		nets := make([]string, len(allow))
		for i, p := range allow {
			nets[i] = p.String()
		}
		log.Warn("fetching from special-purpose networks is allowed", "networks", strings.Join(nets, ","))
	}
	return fetch.New(fetch.Config{
		Guard:     fetch.NewGuard(allow),
		UserAgent: "sitrep/" + version + " (+https://github.com/sitrep/sitrep)",
		PerHost:   c.perHost,
		HostDelay: c.hostDelay,
		Timeout:   c.timeout,
		Retries:   retriesConfig(c.retries),

		Gate:           gate,
		MaxBody:        int64(c.maxBody),
		MaxHeader:      int64(c.maxHeader),
		ConnectTimeout: c.connectTimeout,
		HeaderTimeout:  c.headerTimeout,
	}), nil
}

// retriesConfig maps the flag to fetch.Config.Retries, where 0 means the
// default and a negative number none.
func retriesConfig(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

// parseSince reads a --since value: a date, or a full RFC 3339 time.
func parseSince(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, usageError{fmt.Sprintf("--since %q: want a date like 2024-10-01 or an RFC 3339 time", s)}
}

func oneOf(flagName, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return usageError{fmt.Sprintf("--%s %q: want one of %s", flagName, v, strings.Join(allowed, ", "))}
}

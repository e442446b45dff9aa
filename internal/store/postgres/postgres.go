// Package postgres implements the store on PostgreSQL, for installations
// that outgrow one machine: many sitrep processes share one database.
//
// It speaks to the server through a pgx connection pool. Every write is
// one transaction; writes that several processes may make at once are
// made safe by the database, not by one process's locks: uniqueness by
// constraints and upserts, the claim of due sources by row locks (FOR
// UPDATE SKIP LOCKED), the saving of one article from several feeds at
// once by transaction-scoped advisory locks on its keys, and migrations
// by an advisory lock of their own.
//
// The schema is created and upgraded by Migrate (or Open with WithMigrate),
// from the numbered migrations/NNNN_name.sql files. The database must be
// PostgreSQL 14 or later, UTF8-encoded, with a character classification
// (LC_CTYPE) that knows letters beyond ASCII, such as C.UTF-8 or
// en_US.UTF-8 (search splits words by it), and the unaccent extension
// available (it ships with PostgreSQL; the database's owner may create it).
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sitrep/sitrep/internal/store"
)

// Errors of this package; the store.Err* sentinels are used wherever the
// contract names them.
var (
	// ErrNotMigrated: the database lacks migrations this program needs;
	// `sitrep migrate` (Migrate) applies them. Open returns a
	// *VersionError that matches it.
	ErrNotMigrated = errors.New("database schema is not migrated")
	// ErrSchemaTooNew: the database was migrated by a newer sitrep than
	// this one; using it could misread or damage data (a *VersionError).
	ErrSchemaTooNew = errors.New("database schema is newer than this program knows")
	// ErrUnsuitable: the server or database cannot hold sitrep's schema
	// (too old a server, not UTF8, a character classification that knows
	// no letters beyond ASCII).
	ErrUnsuitable = errors.New("database unsuitable")
	// ErrClosed: the Store was closed.
	ErrClosed = store.ErrClosed
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is the PostgreSQL store.Store. It is safe for concurrent use, and
// any number of processes may use one database at once.
type Store struct {
	pool     *pgxpool.Pool
	where    string // host/database, for messages
	now      func() time.Time
	maxConns int32
	migrate  bool

	// mu gates Close: every operation holds it shared, Close exclusively,
	// so Close waits for in-flight writes and later calls get ErrClosed.
	mu     sync.RWMutex
	closed bool

	// Bounds on one search's work (see search.go).
	scopeSize, rankScope int
}

var _ store.Store = (*Store)(nil)

// Option configures Open.
type Option func(*Store)

// WithClock sets the clock that stamps Fetched, Updated, first-seen and
// creation times (time.Now otherwise); tests pass a fixed one.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// WithMaxConns caps the connections the pool opens (pgx's default:
// the larger of 4 and the number of CPUs, or the DSN's pool_max_conns).
func WithMaxConns(n int) Option {
	return func(s *Store) { s.maxConns = int32(max(1, n)) }
}

// WithMigrate makes Open apply the migrations the database lacks before
// it checks the schema version.
func WithMigrate() Option {
	return func(s *Store) { s.migrate = true }
}

// WithSearchBounds sets how many of its newest matches one search counts
// and facets (scope) and ranks by relevance (rank); defaults 10,000 and
// 2,000. Tests make them small.
func WithSearchBounds(scope, rank int) Option {
	return func(s *Store) { s.scopeSize, s.rankScope = max(1, scope), max(1, min(rank, scope)) }
}

// Open connects a pool to the database dsn names (a postgres:// URL or
// "key=value" settings, as libpq takes them, pool_max_conns included) and
// checks that its schema is the one this program knows: a database that
// lacks migrations is refused (ErrNotMigrated, "run sitrep migrate"),
// unless WithMigrate is given, which applies them first.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	s := &Store{now: time.Now, scopeSize: defaultScope, rankScope: defaultRankScope}
	for _, o := range opts {
		o(s)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	s.where = describe(cfg.ConnConfig)
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "sitrep" // as pg_stat_activity shows it
	}
	if s.maxConns > 0 {
		cfg.MaxConns = s.maxConns
	}
	s.pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open %s: %w", s.where, err)
	}
	fail := func(err error) (*Store, error) {
		s.pool.Close()
		return nil, fmt.Errorf("postgres: open %s: %w", s.where, err)
	}
	if s.migrate {
		if err := migrate(ctx, s.pool, s.now); err != nil {
			return fail(err)
		}
	}
	if err := checkVersion(ctx, s.pool); err != nil {
		return fail(err)
	}
	return s, nil
}

// describe names a database for messages, without credentials.
func describe(c *pgx.ConnConfig) string {
	host := c.Host
	if strings.HasPrefix(host, "/") {
		host = "socket " + host
	} else if c.Port != 0 && c.Port != 5432 {
		host += ":" + strconv.Itoa(int(c.Port))
	}
	return host + "/" + c.Database
}

// Close waits for in-flight operations and closes the pool. Calling it
// again does nothing.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.pool.Close()
	return nil
}

// Stats are the connection pool's counters since Open.
type Stats struct {
	ConnsOpened int64         // connections opened (the pool keeps them: few per process, however many calls)
	Acquires    int64         // connections taken from the pool: about one per store call
	AcquireWait time.Duration // total time calls waited for a connection
	Conns       int32         // open now
	Idle        int32         // open and idle now
	MaxConns    int32         // the pool's cap
}

// Stats returns the pool's counters.
func (s *Store) Stats() Stats {
	st := s.pool.Stat()
	return Stats{
		ConnsOpened: st.NewConnsCount(),
		Acquires:    st.AcquireCount(),
		AcquireWait: st.AcquireDuration(),
		Conns:       st.TotalConns(),
		Idle:        st.IdleConns(),
		MaxConns:    st.MaxConns(),
	}
}

// begin holds the Close gate shared for the caller, who must call the
// returned release.
func (s *Store) begin() (release func(), err error) {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return nil, ErrClosed
	}
	return s.mu.RUnlock, nil
}

// maxAttempts bounds the runs of a transaction that the server aborted
// for a deadlock or a serialization failure (another process's write
// crossed it), which are retried.
const maxAttempts = 5

// inTx runs fn in one transaction, committed if fn returns nil. fn may run
// again (see maxAttempts), so it must set its results afresh each time.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	release, err := s.begin()
	if err != nil {
		return err
	}
	defer release()
	for attempt := 1; ; attempt++ {
		err := pgx.BeginFunc(ctx, s.pool, fn)
		if err == nil || attempt == maxAttempts || !retryable(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(rand.Int64N(int64(attempt) * int64(5*time.Millisecond))))
	}
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// conflict turns unique violations into store.ErrConflict.
func conflict(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return fmt.Errorf("%w: %w", store.ErrConflict, err)
	}
	return err
}

// errNoRows maps pgx.ErrNoRows to store.ErrNotFound.
func errNoRows(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// exec1 runs a write that must touch a row, else store.ErrNotFound.
func (s *Store) exec1(ctx context.Context, what, q string, args ...any) error {
	if err := s.execOne(ctx, q, args...); err != nil {
		return fmt.Errorf("postgres: %s: %w", what, err)
	}
	return nil
}

// execOne is exec1 with its errors unwrapped.
func (s *Store) execOne(ctx context.Context, q string, args ...any) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return store.ErrNotFound
		}
		return nil
	})
}

// Times are timestamptz to the millisecond, as the SQLite store keeps
// them; NULL is the zero time.Time ("never").
func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return msTime(t)
}

// msTime is t to the millisecond, in UTC, for columns and comparisons
// where the zero time is a time like any other (year 1).
func msTime(t time.Time) time.Time { return t.Truncate(time.Millisecond).UTC() }

// tsNow is the clock's time as ts stores it.
func (s *Store) tsNow() time.Time { return msTime(s.now()) }

func fromTs(t pgtype.Timestamptz) time.Time {
	if !t.Valid || t.InfinityModifier != pgtype.Finite {
		return time.Time{}
	}
	return t.Time.UTC()
}

// clean makes text storable: PostgreSQL's text holds neither NUL nor
// invalid UTF-8, which hostile pages do send; both become U+FFFD, as
// encoding/json already does with invalid UTF-8.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	}
	return s
}

// cleanJSON replaces the escape \u0000, which jsonb refuses, by \ufffd in
// JSON that encoding/json wrote.
func cleanJSON(b []byte) []byte {
	const nul = `\u0000`
	if !strings.Contains(string(b), nul) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			out = append(out, b[i])
			continue
		}
		if strings.HasPrefix(string(b[i:]), nul) {
			out = append(out, `\ufffd`...)
			i += len(nul) - 1
			continue
		}
		out = append(out, b[i], b[i+1]) // an escape: the next byte is not a new one
		i++
	}
	return out
}

// Migrations.

type migration struct {
	version int
	name    string
	sql     string
}

// migrations reads the embedded migrations/NNNN_name.sql files, which must
// be numbered 1, 2, 3... without gaps.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_what.sql", n)
		}
		text, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", n, err)
		}
		ms = append(ms, migration{version: v, name: base, sql: string(text)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// Version is the schema version this program knows: its last migration.
func Version() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// Advisory lock keys (the two-int4 form, whose first number is sitrep's).
const (
	lockSpace   = 0x73697472 // "sitr"
	lockMigrate = 1          // with lockSpace: migrations
	lockKeys    = lockSpace + 1
)

// conn is what migrate needs of a pool or a single connection.
type conn interface {
	Begin(ctx context.Context) (pgx.Tx, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Migrate applies the migrations the database lacks, in order, each in
// its own transaction together with its row in schema_migrations, under
// an advisory lock: several processes may migrate at once (one applies,
// the others find it done), and a crash leaves the schema at a known
// version.
func (s *Store) Migrate(ctx context.Context) error {
	release, err := s.begin()
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	defer release()
	if err := migrate(ctx, s.pool, s.now); err != nil {
		return fmt.Errorf("postgres: migrate %s: %w", s.where, err)
	}
	return nil
}

// Migrate connects to dsn and applies the migrations the database lacks
// (see Store.Migrate).
func Migrate(ctx context.Context, dsn string) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("postgres: migrate %s: %w", describe(cfg), err)
	}
	defer c.Close(context.WithoutCancel(ctx))
	if err := migrate(ctx, c, time.Now); err != nil {
		return fmt.Errorf("postgres: migrate %s: %w", describe(cfg), err)
	}
	return nil
}

func migrate(ctx context.Context, c conn, now func() time.Time) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if err := checkSuitable(ctx, c); err != nil {
		return err
	}
	for _, m := range ms {
		err := pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
			// The lock is held to the transaction's end: a second
			// process waits here, then sees this migration applied.
			if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, $2)", lockSpace, lockMigrate); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
			if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version    integer     PRIMARY KEY,
				name       text        NOT NULL,
				applied_at timestamptz NOT NULL
			)`); err != nil {
				return fmt.Errorf("create schema_migrations: %w", err)
			}
			var cur int
			if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&cur); err != nil {
				return fmt.Errorf("read schema version: %w", err)
			}
			if cur > len(ms) {
				return &VersionError{Have: cur, Want: len(ms)}
			}
			if m.version <= cur {
				return nil
			}
			// No arguments: the simple protocol, which runs the file's
			// statements in turn.
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
				m.version, m.name, now().UTC()); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// checkSuitable refuses a server or database that cannot hold the schema
// faithfully, saying what to do instead.
func checkSuitable(ctx context.Context, c conn) error {
	var (
		version          int
		encoding, ctype  string
		provider, locale string
	)
	if err := c.QueryRow(ctx, `SELECT current_setting('server_version_num')::int, current_setting('server_encoding'),
		current_setting('lc_ctype')`).Scan(&version, &encoding, &ctype); err != nil {
		return fmt.Errorf("read server settings: %w", err)
	}
	if version < 140000 {
		return fmt.Errorf("%w: PostgreSQL %d.%d is too old; sitrep needs 14 or later", ErrUnsuitable, version/10000, version%10000)
	}
	const create = "create it with CREATE DATABASE name TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8' (or another UTF-8 locale)"
	if encoding != "UTF8" {
		return fmt.Errorf("%w: the database's encoding is %s, sitrep needs UTF8: %s", ErrUnsuitable, encoding, create)
	}
	if ctype == "C" || ctype == "POSIX" {
		// An ICU database classifies characters by ICU, whatever its ctype.
		if version >= 150000 {
			if err := c.QueryRow(ctx, `SELECT datlocprovider::text, coalesce(daticulocale, '') FROM pg_database
				WHERE datname = current_database()`).Scan(&provider, &locale); err != nil {
				return fmt.Errorf("read database locale: %w", err)
			}
		}
		if provider != "i" {
			return fmt.Errorf("%w: the database's LC_CTYPE is %s, in which search cannot tell letters beyond ASCII from punctuation: %s",
				ErrUnsuitable, ctype, create)
		}
	}
	return nil
}

// VersionError is a database whose schema is not at the version this
// program knows. It matches ErrNotMigrated or ErrSchemaTooNew (errors.Is).
type VersionError struct{ Have, Want int }

func (e *VersionError) Error() string {
	if e.Have < e.Want {
		return fmt.Sprintf("database schema is at version %d, this sitrep needs %d: run sitrep migrate", e.Have, e.Want)
	}
	return fmt.Sprintf("database schema is at version %d, newer than this sitrep knows (%d): upgrade sitrep", e.Have, e.Want)
}

// Is makes errors.Is(err, ErrNotMigrated) and errors.Is(err,
// ErrSchemaTooNew) tell the two cases apart.
func (e *VersionError) Is(target error) bool {
	return target == ErrNotMigrated && e.Have < e.Want || target == ErrSchemaTooNew && e.Have > e.Want
}

// checkVersion refuses a database whose schema is not the one this program
// knows.
func checkVersion(ctx context.Context, c conn) error {
	want := Version()
	var exists bool
	if err := c.QueryRow(ctx, "SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&exists); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	cur := 0
	if exists {
		if err := c.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&cur); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
	}
	if cur != want {
		return &VersionError{Have: cur, Want: want}
	}
	return nil
}

// Package sqlite implements store.Store on a single SQLite database file
// (modernc.org/sqlite, pure Go): sources with their polling state, articles
// with their lookup keys and the feeds that listed them.
//
// One process owns the file. Writes go through one connection, so they are
// serialised in Go instead of contending for SQLite's lock ("database is
// locked" cannot happen between this process's own writers); reads use a
// pool of read-only connections that WAL lets run beside the writer.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/sitrep/sitrep/internal/store"
)

// Errors of this package; the store.Err* sentinels are used wherever the
// contract names them.
var (
	// ErrSchemaTooNew: the database was migrated by a newer sitrep than
	// this one; opening it could misread or damage data.
	ErrSchemaTooNew = errors.New("database schema is newer than this program knows")
	// ErrClosed: the Store was closed.
	ErrClosed = store.ErrClosed
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is the SQLite store.Store. It is safe for concurrent use.
type Store struct {
	path  string
	write *sql.DB // one connection: every write, in order
	read  *sql.DB // read-only pool; the same as write for in-memory databases
	now   func() time.Time

	// mu gates Close: every operation holds it shared, Close exclusively,
	// so Close waits for in-flight writes and later calls get ErrClosed.
	mu     sync.RWMutex
	closed bool

	stmts writeStmts

	// readStmts caches prepared read statements by query text (a few
	// dozen at most: queries are built from fixed fragments); parsing
	// SQL costs more than running these queries.
	readMu    sync.Mutex
	readStmts map[string]*sql.Stmt

	// Bounds on one search's work (see search.go).
	scopeSize, rankScope int
}

var _ store.Store = (*Store)(nil)

// Option configures Open.
type Option func(*Store)

// WithClock sets the clock that stamps Fetched, Updated and first-seen
// times (time.Now otherwise); tests pass a fixed one.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// WithSearchBounds sets how many of its newest matches one search counts
// and facets (scope) and ranks by relevance (rank); defaults 10,000 and
// 2,000. Tests make them small.
func WithSearchBounds(scope, rank int) Option {
	return func(s *Store) { s.scopeSize, s.rankScope = max(1, scope), max(1, min(rank, scope)) }
}

// busyTimeout is how long a connection waits for another process's lock
// (a second sitrep, the sqlite3 shell) before failing.
const busyTimeout = 10 * time.Second

// Open opens (creating it if needed) the database at path and migrates it
// to the schema this program knows. path is a file name or a "file:" URI;
// ":memory:" gives a private in-memory database (tests, dry runs).
//
// Pragmas: WAL, so readers never block the writer nor the writer them;
// synchronous=NORMAL, which in WAL mode fsyncs only at checkpoints: a
// committed transaction has been written to the WAL file (the kernel's
// cache of it) when COMMIT returns, and the kernel outlives the process, so
// a crash of the process (kill -9, panic) never loses or corrupts it; only
// an OS crash or power loss can lose the last transactions since the last
// checkpoint, and even then the database stays consistent (WAL frames are
// checksummed; a torn tail is ignored on recovery). That trade buys
// a write rate FULL (an fsync per commit) could not give. foreign_keys=ON
// keeps keys and feed links tied to existing articles.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	s := &Store{path: path, now: time.Now, scopeSize: defaultScope, rankScope: defaultRankScope}
	for _, o := range opts {
		o(s)
	}
	memory := isMemory(path)
	if !memory && !strings.HasPrefix(path, "file:") && strings.Contains(path, "?") {
		// The driver cuts a plain file name at its first '?'.
		return nil, fmt.Errorf("sqlite: open %q: a file name may not contain '?' (use a file: URI)", path)
	}

	params := []string{
		"_pragma=busy_timeout(" + strconv.FormatInt(busyTimeout.Milliseconds(), 10) + ")",
		"_pragma=foreign_keys(1)",
		"_pragma=journal_mode(WAL)",
		"_pragma=synchronous(NORMAL)",
		// BEGIN IMMEDIATE takes the write lock up front, so a transaction
		// never fails half-way upgrading a read lock (SQLITE_BUSY that
		// busy_timeout cannot retry).
		"_txlock=immediate",
	}
	if path == "" || path == ":memory:" {
		path = "file::memory:"
	}

	var err error
	s.write, err = sql.Open("sqlite", dsn(path, params))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %q: %w", path, err)
	}
	s.write.SetMaxOpenConns(1)
	s.write.SetMaxIdleConns(1)
	// An in-memory database lives as long as its one connection: never
	// let the pool recycle it.
	s.write.SetConnMaxLifetime(0)
	s.write.SetConnMaxIdleTime(0)

	fail := func(err error) (*Store, error) {
		if s.read != nil && s.read != s.write {
			s.read.Close()
		}
		s.write.Close()
		return nil, err
	}
	if !memory {
		var mode string
		if err := s.write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			return fail(fmt.Errorf("sqlite: open %q: %w", path, err))
		}
		if !strings.EqualFold(mode, "wal") {
			return fail(fmt.Errorf("sqlite: open %q: journal mode is %q, WAL could not be enabled", path, mode))
		}
	}
	if err := s.migrate(ctx); err != nil {
		return fail(fmt.Errorf("sqlite: open %q: %w", path, err))
	}

	if memory {
		s.read = s.write
	} else {
		// 64 MiB of page cache per reader (SQLite's default is 2 MiB):
		// a search over a large store revisits the index's and feed
		// links' pages, and finding them in the cache is a third cheaper
		// than asking the OS each time. It only grows as pages are read.
		s.read, err = sql.Open("sqlite", dsn(path, append(params, "_pragma=query_only(1)", "_pragma=cache_size(-65536)")))
		if err != nil {
			return fail(fmt.Errorf("sqlite: open %q for reading: %w", path, err))
		}
		n := max(4, runtime.GOMAXPROCS(0))
		s.read.SetMaxOpenConns(n)
		s.read.SetMaxIdleConns(n)
		if err := s.read.PingContext(ctx); err != nil {
			return fail(fmt.Errorf("sqlite: open %q for reading: %w", path, err))
		}
	}
	if err := s.stmts.prepare(ctx, s.write); err != nil {
		return fail(fmt.Errorf("sqlite: open %q: %w", path, err))
	}
	return s, nil
}

func isMemory(path string) bool {
	return path == "" || path == ":memory:" || strings.HasPrefix(path, "file::memory:") ||
		strings.Contains(path, "mode=memory")
}

func dsn(path string, params []string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + strings.Join(params, "&")
}

// Close waits for in-flight operations, checkpoints the WAL into the main
// file (so the database is one self-contained file again) and closes it.
// Calling it again does nothing.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var errs []error
	s.stmts.close()
	s.readMu.Lock()
	for _, st := range s.readStmts {
		st.Close()
	}
	s.readStmts = nil
	s.readMu.Unlock()
	if s.read != s.write {
		if err := s.read.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if !isMemory(s.path) {
		if _, err := s.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			errs = append(errs, fmt.Errorf("checkpoint: %w", err))
		}
	}
	if err := s.write.Close(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close %q: %w", s.path, err)
	}
	return nil
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

// readStmt returns the read statement for query, preparing it once.
func (s *Store) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	s.readMu.Lock()
	defer s.readMu.Unlock()
	if st, ok := s.readStmts[query]; ok {
		return st, nil
	}
	st, err := s.read.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if s.readStmts == nil {
		s.readStmts = make(map[string]*sql.Stmt)
	}
	s.readStmts[query] = st
	return st, nil
}

// query runs a read query through the statement cache.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.readStmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// queryRow is query for one row; errors surface from Scan.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := s.readStmt(ctx, query)
	if err != nil {
		// A Row cannot be built with an error outside database/sql;
		// run the query unprepared so Scan reports the same error.
		return s.read.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// inTx runs fn in one write transaction, committed if fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	release, err := s.begin()
	if err != nil {
		return err
	}
	defer release()
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// conflict turns SQLite's uniqueness violations into store.ErrConflict.
func conflict(err error) error {
	var se *sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3lib.SQLITE_CONSTRAINT_UNIQUE, sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %w", store.ErrConflict, err)
		}
	}
	return err
}

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

// migrate applies the migrations the database lacks, each in its own
// transaction together with its row in schema_migrations, so a crash leaves
// the schema at a known version.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range ms {
		tx, err := s.write.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		// Read inside the (immediate) transaction: another process may
		// have migrated since.
		var cur int
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&cur); err != nil {
			tx.Rollback()
			return fmt.Errorf("read schema version: %w", err)
		}
		if cur > len(ms) {
			tx.Rollback()
			return fmt.Errorf("%w: database at version %d, this program knows up to %d", ErrSchemaTooNew, cur, len(ms))
		}
		if m.version <= cur {
			tx.Rollback()
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
			m.version, m.name, s.now().UnixMilli()); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: commit: %w", m.name, err)
		}
	}
	// A database newer than every migration we have has no migration left
	// to look at it above.
	var cur int
	if err := s.write.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&cur); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if cur > len(ms) {
		return fmt.Errorf("%w: database at version %d, this program knows up to %d", ErrSchemaTooNew, cur, len(ms))
	}
	return nil
}

// Times are stored as Unix milliseconds; 0 is the zero time.Time ("never").
func toMs(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMs(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func nullMs(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

func fromNullMs(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.UnixMilli(n.Int64).UTC()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Package pgtest gives tests a fresh PostgreSQL database each.
//
// The server is the one SITREP_TEST_POSTGRES names (a DSN whose user may
// CREATE DATABASE), else a private cluster that the test binary starts
// once, from PostgreSQL's binaries (/usr/lib/postgresql/*/bin, or initdb on
// PATH), in a temporary directory (in /dev/shm when it has room), and stops
// at its end. A test package
// that uses DSN must run its tests through Main:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// (or pgtest.Run, for a TestMain that does more).
//
// Each DSN is a new database copied from a template migrated once per test
// binary, dropped when the test ends. Without a server and without the
// binaries, DSN skips the test (fails under SITREP_TEST_STRICT=1, see
// testweb.Missing).
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sitrep/sitrep/internal/store/postgres"
	"github.com/sitrep/sitrep/internal/testweb"
)

// EnvDSN names the environment variable that points the tests at an
// existing server.
const EnvDSN = "SITREP_TEST_POSTGRES"

var (
	mainCalled atomic.Bool
	once       sync.Once
	srv        *server // nil until started
	srvErr     error   // why there is no server
	missing    bool    // srvErr is for want of PostgreSQL, not a failure
	seq        atomic.Int64
	// tag names this process's databases on a shared server.
	tag = fmt.Sprintf("%d_%04x", os.Getpid(), rand.IntN(1<<16))
)

// server is where the tests' databases live.
type server struct {
	mu       sync.Mutex // serialises CREATE and DROP DATABASE
	admin    *pgx.Conn  // to the maintenance database
	base     *url.URL   // DSN of the server and its maintenance database
	template string     // the migrated database each test's copies
	cluster  *cluster   // nil for SITREP_TEST_POSTGRES
}

// Main runs the tests, then stops the cluster and drops the template, and
// exits with the tests' status.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run is Main for a TestMain that does more: it runs the tests, stops the
// cluster, drops the template and returns the tests' status.
//
//	func TestMain(m *testing.M) {
//		setUp()
//		code := pgtest.Run(m)
//		tearDown()
//		os.Exit(code)
//	}
func Run(m *testing.M) int {
	mainCalled.Store(true)
	code := m.Run()
	if srv != nil {
		srv.close()
		srv = nil
	}
	return code
}

// DSN returns the DSN of a new, empty database with sitrep's schema,
// dropped when t ends.
func DSN(t testing.TB) string {
	t.Helper()
	return newDatabase(t, true)
}

// UnmigratedDSN returns the DSN of a new, empty database without any
// schema, dropped when t ends.
func UnmigratedDSN(t testing.TB) string {
	t.Helper()
	return newDatabase(t, false)
}

func newDatabase(t testing.TB, migrated bool) string {
	t.Helper()
	srv := server1(t)
	var err error
	name := fmt.Sprintf("sitrep_t%s_%d", tag, seq.Add(1))
	if migrated {
		err = srv.exec("CREATE DATABASE " + name + " TEMPLATE " + srv.template)
	} else {
		err = srv.createUTF8(name)
	}
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return srv.cleanup(t, name)
}

// Database returns the DSN of a new database created with the given
// clauses of CREATE DATABASE ("TEMPLATE template0 ENCODING 'SQL_ASCII'"),
// dropped when t ends.
func Database(t testing.TB, with string) string {
	t.Helper()
	s := server1(t)
	name := fmt.Sprintf("sitrep_t%s_%d", tag, seq.Add(1))
	if err := s.exec("CREATE DATABASE " + name + " " + with); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return s.cleanup(t, name)
}

// server1 returns the server, started if need be, or ends the test.
func server1(t testing.TB) *server {
	t.Helper()
	if !mainCalled.Load() {
		t.Fatal("pgtest: the test package's TestMain must call pgtest.Main or pgtest.Run")
	}
	once.Do(start)
	if srv == nil {
		if missing {
			testweb.Missing(t, "pgtest: %v", srvErr)
		}
		t.Fatalf("pgtest: %v", srvErr)
	}
	return srv
}

// cleanup drops the database name when t ends, and returns its DSN.
func (s *server) cleanup(t testing.TB, name string) string {
	t.Cleanup(func() {
		if err := s.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return s.dsn(name)
}

// createUTF8 creates an empty database that sitrep accepts: UTF8, with the
// C.UTF-8 locale where the server knows it, else the server's own.
func (s *server) createUTF8(name string) error {
	err := s.exec("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'")
	if err != nil {
		err = s.exec("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8'")
	}
	return err
}

func (s *server) dsn(database string) string {
	u := *s.base
	u.Path = "/" + database
	return u.String()
}

func (s *server) exec(sql string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := s.admin.Exec(ctx, sql)
	if err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}

func (s *server) close() {
	if s.template != "" {
		_ = s.exec("DROP DATABASE IF EXISTS " + s.template + " WITH (FORCE)")
	}
	s.admin.Close(context.Background())
	if s.cluster != nil {
		s.cluster.stop()
	}
}

// start finds or starts the server and migrates the template.
func start() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s := &server{}
	if env := os.Getenv(EnvDSN); env != "" {
		u, err := url.Parse(env)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			srvErr = fmt.Errorf("%s must be a postgres:// URL", EnvDSN)
			return
		}
		s.base = u
	} else {
		c, err := startCluster(ctx)
		if err != nil {
			srvErr = err
			missing = errors.Is(err, errNoPostgres)
			return
		}
		s.cluster = c
		s.base = &url.URL{Scheme: "postgres", User: url.User("postgres"), Host: "127.0.0.1:" + strconv.Itoa(c.port)}
	}
	admin, err := pgx.Connect(ctx, s.dsn(strings.TrimPrefix(s.base.Path, "/")))
	if err != nil {
		srvErr = fmt.Errorf("connect to %s: %w", s.base.Redacted(), err)
		if s.cluster != nil {
			s.cluster.stop()
		}
		return
	}
	s.admin = admin
	s.template = "sitrep_template_" + tag
	if err := s.createUTF8(s.template); err != nil {
		srvErr = err
		s.template = ""
		s.close()
		return
	}
	if err := postgres.Migrate(ctx, s.dsn(s.template)); err != nil {
		srvErr = fmt.Errorf("migrate the template: %w", err)
		s.close()
		return
	}
	srv = s
}

// errNoPostgres: neither a server nor the binaries to start one.
var errNoPostgres = errors.New("no PostgreSQL: set " + EnvDSN + " to a server's DSN or install PostgreSQL (initdb)")

// cluster is a private PostgreSQL cluster in a temporary directory.
type cluster struct {
	dir  string
	bin  string
	port int
	cmd  *exec.Cmd
	as   []string // the command prefix that runs a program as the cluster's owner
	done chan struct{}
}

// findBin returns the directory of PostgreSQL's initdb and postgres.
func findBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { // the newest version first
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errNoPostgres
}

// dirPrefix names the clusters' temporary directories.
const dirPrefix = "sitrep-pgtest-"

// clusterParent is where clusters are made: in memory (/dev/shm) when it
// has room, where creating and dropping a database's few hundred files is
// ten times faster than on a disk; else the temporary directory.
func clusterParent() string {
	const shm, room = "/dev/shm", 1 << 30
	var st syscall.Statfs_t
	if fi, err := os.Stat(shm); err == nil && fi.IsDir() && syscall.Statfs(shm, &st) == nil &&
		st.Bavail*uint64(st.Bsize) >= room && syscall.Access(shm, 2 /* W_OK */) == nil {
		return shm
	}
	return os.TempDir()
}

// sweep removes the directories of clusters whose test binary was killed
// (its server shut down, but nobody removed the directory): those that no
// server runs in and that are older than any cluster still starting.
func sweep() {
	var dirs []string
	for _, parent := range []string{"/dev/shm", os.TempDir()} {
		d, _ := filepath.Glob(filepath.Join(parent, dirPrefix+"*"))
		dirs = append(dirs, d...)
	}
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err != nil || time.Since(fi.ModTime()) < 10*time.Minute {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(d, "data", "postmaster.pid")); err == nil {
			pid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
			if pid > 0 && syscall.Kill(pid, 0) != syscall.ESRCH {
				continue // a server runs there
			}
		}
		os.RemoveAll(d)
	}
}

func startCluster(ctx context.Context) (*cluster, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	sweep()
	c := &cluster{bin: bin, done: make(chan struct{})}
	c.dir, err = os.MkdirTemp(clusterParent(), dirPrefix)
	if err != nil {
		return nil, err
	}
	// initdb and postgres refuse to run as root: as root, they run as the
	// postgres system user, who owns the directory.
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(c.dir)
			return nil, fmt.Errorf("running as root, PostgreSQL needs the postgres system user: %w", err)
		}
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			os.RemoveAll(c.dir)
			return nil, fmt.Errorf("running as root, PostgreSQL is run as postgres by runuser: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(c.dir, uid, gid); err != nil {
			os.RemoveAll(c.dir)
			return nil, err
		}
		c.as = []string{runuser, "-u", "postgres", "--"}
	}
	data := filepath.Join(c.dir, "data")
	out, err := c.command(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C.UTF-8", "--no-sync").CombinedOutput()
	if err != nil {
		os.RemoveAll(c.dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	var lastErr error
	for range 3 { // another process may take the free port first
		if lastErr = c.run(ctx, data); lastErr == nil {
			return c, nil
		}
	}
	os.RemoveAll(c.dir)
	return nil, lastErr
}

func (c *cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	argv := append(append(slices.Clone(c.as), name), args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = c.dir
	return cmd
}

// run starts the server on a free port and waits until it accepts
// connections.
func (c *cluster) run(ctx context.Context, data string) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	c.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	logPath := filepath.Join(c.dir, "postgres.log")
	log, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer log.Close()
	// Durability is not wanted of a test cluster: no fsync, no full
	// pages, commits not waited for.
	argv := append(slices.Clone(c.as), filepath.Join(c.bin, "postgres"), "-D", data,
		"-c", "listen_addresses=127.0.0.1", "-p", strconv.Itoa(c.port), "-k", c.dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=200", "-c", "shared_buffers=64MB")
	c.cmd = exec.Command(argv[0], argv[1:]...)
	c.cmd.Dir = c.dir
	c.cmd.Stdout, c.cmd.Stderr = log, log
	// If the test binary dies without Main's cleanup, the server is told
	// to shut down (runuser passes SIGTERM on to it).
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := c.cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	c.done = make(chan struct{})
	go func() { c.cmd.Wait(); close(c.done) }()
	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?connect_timeout=2", c.port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-c.done:
			b, _ := os.ReadFile(logPath)
			return fmt.Errorf("postgres exited: %s", b)
		default:
		}
		conn, err := pgx.Connect(ctx, dsn)
		if err == nil {
			conn.Close(ctx)
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			c.stop()
			b, _ := os.ReadFile(logPath)
			return fmt.Errorf("postgres did not start: %v\n%s", err, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop shuts the server down at once (it holds nothing worth keeping) and
// removes its directory.
func (c *cluster) stop() {
	if c.cmd != nil && c.cmd.Process != nil {
		pgctl := c.command(context.Background(), filepath.Join(c.bin, "pg_ctl"), "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
		if err := pgctl.Run(); err != nil {
			c.cmd.Process.Signal(syscall.SIGTERM)
		}
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			c.cmd.Process.Kill()
		}
	}
	os.RemoveAll(c.dir)
}

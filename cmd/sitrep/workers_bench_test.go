package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/benchweb"
	"github.com/sitrep/sitrep/internal/store"
	"github.com/sitrep/sitrep/internal/store/postgres"
	"github.com/sitrep/sitrep/internal/store/postgres/pgtest"
	"github.com/sitrep/sitrep/internal/store/sqlite"
)

// BenchmarkWorkers ingests the generated web of BenchmarkFetchRound (20
// hosts × 10 feeds × 50 articles of ~110 KB; SITREP_BENCH_* resize it)
// with 1, 2 and 4 `sitrep serve --role worker` processes sharing one
// PostgreSQL database (SITREP_BENCH_WORKERS="1,2,4"), and with one on a
// SQLite file for comparison. Each run starts from an empty database and
// ends when every article is stored. It reports articles/s, the workers'
// CPU per article, the database server's CPU per article (PostgreSQL's
// processes, read from /proc), and the connections the workers opened.
//
//	go test ./cmd/sitrep -run '^$' -bench Workers -benchtime 1x
func BenchmarkWorkers(b *testing.B) {
	cfg := benchweb.Config{
		Hosts:           envInt("SITREP_BENCH_HOSTS", 20),
		FeedsPerHost:    envInt("SITREP_BENCH_FEEDS", 10),
		ArticlesPerFeed: envInt("SITREP_BENCH_ARTICLES", 50),
		PageBytes:       envInt("SITREP_BENCH_PAGE_BYTES", 110_000),
	}
	web, err := benchweb.Start(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer web.Close()
	var y strings.Builder
	y.WriteString("sources:\n")
	for i, u := range web.FeedURLs() {
		fmt.Fprintf(&y, "  - name: feed %d\n    url: %s\n", i, u)
	}
	src := filepath.Join(b.TempDir(), "sources.yaml")
	if err := os.WriteFile(src, []byte(y.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	want := cfg.Hosts * cfg.FeedsPerHost * cfg.ArticlesPerFeed
	counts := os.Getenv("SITREP_BENCH_WORKERS")
	if counts == "" {
		counts = "1,2,4"
	}
	for _, c := range strings.Split(counts, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 {
			b.Fatalf("SITREP_BENCH_WORKERS: %q", counts)
		}
		b.Run(fmt.Sprintf("postgres/workers=%d", n), func(b *testing.B) {
			for range b.N {
				dsn := pgtest.UnmigratedDSN(b)
				benchSitrep(b, "migrate", "--db", dsn)
				ingest(b, dsn, src, n, want)
			}
		})
	}
	b.Run("sqlite/workers=1", func(b *testing.B) {
		for range b.N {
			ingest(b, filepath.Join(b.TempDir(), "bench.db"), src, 1, want)
		}
	})
}

// benchSitrep runs sitrep as a child process and fails the benchmark if it
// fails.
func benchSitrep(b *testing.B, args ...string) string {
	b.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "SITREP_TEST_MAIN=1", "SITREP_ALLOW_NETWORKS="+testAllowNetworks)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("sitrep %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

var connsRE = regexp.MustCompile(`msg="database connections" opened=(\d+)`)

// ingest runs n workers on db until want articles are stored, then stops
// them with SIGTERM, and reports.
func ingest(b *testing.B, db, src string, n, want int) {
	b.Helper()
	dbCPU0 := postgresCPU()
	type worker struct {
		cmd    *exec.Cmd
		stderr bytes.Buffer
	}
	workers := make([]*worker, n)
	start := time.Now()
	for i := range workers {
		w := &worker{}
		w.cmd = exec.Command(os.Args[0], "serve", "--role", "worker", "--db", db, "--sources", src, "--host-delay", "0")
		w.cmd.Env = append(os.Environ(), "SITREP_TEST_MAIN=1", "SITREP_ALLOW_NETWORKS="+testAllowNetworks)
		w.cmd.Stderr = &w.stderr
		if err := w.cmd.Start(); err != nil {
			b.Fatal(err)
		}
		workers[i] = w
	}
	defer func() {
		for _, w := range workers {
			if w.cmd.ProcessState == nil {
				w.cmd.Process.Kill()
				w.cmd.Wait()
			}
		}
	}()
	st, err := openCounting(db)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	for stored := 0; stored < want; {
		if time.Since(start) > 20*time.Minute {
			b.Fatalf("%d of %d articles stored after 20 minutes", stored, want)
		}
		time.Sleep(100 * time.Millisecond)
		srcs, err := st.Sources(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		stored = 0
		for _, s := range srcs {
			stored += s.Articles
		}
	}
	wall := time.Since(start)
	var cpu time.Duration
	conns := 0
	for _, w := range workers {
		w.cmd.Process.Signal(syscall.SIGTERM)
		if err := w.cmd.Wait(); err != nil {
			b.Errorf("worker: %v\n%s", err, w.stderr.String())
		}
		ru := w.cmd.ProcessState.SysUsage().(*syscall.Rusage)
		cpu += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		if m := connsRE.FindStringSubmatch(w.stderr.String()); m != nil {
			k, _ := strconv.Atoi(m[1])
			conns += k
		}
	}
	dbCPU := postgresCPU() - dbCPU0
	b.ReportMetric(float64(want)/wall.Seconds(), "articles/s")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(want), "cpu-ms/article")
	if strings.HasPrefix(db, "postgres") {
		b.ReportMetric(float64(dbCPU.Microseconds())/1000/float64(want), "db-cpu-ms/article")
		b.ReportMetric(float64(conns), "conns-opened")
	}
	b.ReportMetric(0, "ns/op")
}

// openCounting opens db to watch the article count.
func openCounting(db string) (store.Store, error) {
	if isPostgres(db) {
		return postgres.Open(context.Background(), db)
	}
	return sqlite.Open(context.Background(), db)
}

// postgresCPU is the CPU time of every PostgreSQL server process on the
// machine, the exited backends included (their time is the postmaster's
// cutime and cstime once reaped).
func postgresCPU() time.Duration {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var ticks int64
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(b)
		open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || closing < open || s[open+1:closing] != "postgres" {
			continue
		}
		f := strings.Fields(s[closing+1:])
		// After the name: state is field 3, utime 14, stime 15, cutime 16,
		// cstime 17 (1-based in proc(5)); f[0] is field 3.
		if len(f) < 15 {
			continue
		}
		for _, i := range []int{11, 12, 13, 14} {
			v, _ := strconv.ParseInt(f[i], 10, 64)
			ticks += v
		}
	}
	return time.Duration(ticks) * time.Second / 100 // USER_HZ is 100 on Linux
}

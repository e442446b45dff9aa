package main

import (
	"bytes"
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
)

// envInt reads a benchmark size from the environment, so a quick run can
// use a smaller web than the reference one.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkFetchRound measures one full `sitrep fetch` round, run as its own
// process with default settings but --host-delay 0 (it measures sitrep's
// cost, not its politeness), over a generated loopback web of 20 hosts × 10
// feeds × 50 articles with ~110 KB pages. It reports articles/s, the
// process's CPU seconds and CPU per article, and its peak RSS.
//
//	go test ./cmd/sitrep -run '^$' -bench FetchRound -benchtime 1x
func BenchmarkFetchRound(b *testing.B) {
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
	dir := b.TempDir()
	src := filepath.Join(dir, "sources.yaml")
	if err := os.WriteFile(src, []byte(y.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	want := cfg.Hosts * cfg.FeedsPerHost * cfg.ArticlesPerFeed
	newRE := regexp.MustCompile(`: (\d+) new`)
	b.ResetTimer()
	var articles int
	var wall, cpu time.Duration
	var rss int64
	for i := range b.N {
		db := filepath.Join(dir, fmt.Sprintf("bench-%d.db", i))
		args := []string{"fetch", "--db", db, "--sources", src, "--host-delay", "0"}
		// SITREP_BENCH_ARGS adds flags, to compare settings.
		args = append(args, strings.Fields(os.Getenv("SITREP_BENCH_ARGS"))...)
		if p := os.Getenv("SITREP_BENCH_CPUPROFILE"); p != "" {
			args = append(args, "--cpuprofile", p)
		}
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "SITREP_TEST_MAIN=1", "SITREP_ALLOW_NETWORKS="+testAllowNetworks)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("sitrep fetch: %v\n%s", err, errb.String())
		}
		wall += time.Since(start)
		n := 0
		for _, m := range newRE.FindAllStringSubmatch(out.String(), -1) {
			k, _ := strconv.Atoi(m[1])
			n += k
		}
		if n != want {
			b.Fatalf("stored %d new articles, want %d:\n%s", n, want, out.String())
		}
		articles += n
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(l, "time ") {
				b.Log(l)
			}
		}
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		cpu += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		rss = max(rss, ru.Maxrss) // KiB on Linux
	}
	b.ReportMetric(float64(articles)/wall.Seconds(), "articles/s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/round")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(articles), "cpu-ms/article")
	b.ReportMetric(float64(rss)/1024, "peak-RSS-MiB")
	b.ReportMetric(0, "ns/op")
}

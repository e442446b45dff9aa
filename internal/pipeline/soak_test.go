package pipeline

import (
	"flag"
	"os"
	"runtime"
	"testing"
	"time"
)

// soak is how long TestSoak runs; zero (the default) skips it. It is run by
// hand, not in CI:
//
//	go test ./internal/pipeline -run '^TestSoak$' -soak 10m -v
var soak = flag.Duration("soak", 0, "run TestSoak against the hostile web for this long")

type soakSample struct {
	at         time.Duration
	rounds     int
	heapMiB    float64 // live heap after a GC
	sysMiB     float64 // memory obtained from the OS
	goroutines int
	files      int
}

// TestSoak polls the hostile web round after round for -soak and samples
// the live heap, goroutines and open files: a leak of any of them shows as
// a rise from the first third of the run to the last.
func TestSoak(t *testing.T) {
	if *soak == 0 {
		t.Skip("run by hand: go test ./internal/pipeline -run '^TestSoak$' -soak 10m -v")
	}
	r := newHostileRig(t)
	r.round(t) // the good round
	r.web.Arm()
	start := time.Now()
	var samples []soakSample
	sample := func(rounds int) {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		s := soakSample{at: time.Since(start), rounds: rounds, heapMiB: float64(m.HeapAlloc) / (1 << 20),
			sysMiB: float64(m.Sys) / (1 << 20), goroutines: runtime.NumGoroutine(), files: openFiles()}
		samples = append(samples, s)
		t.Logf("%8s  rounds %4d  heap %6.1f MiB  sys %6.1f MiB  goroutines %4d  open files %4d",
			s.at.Round(time.Second), s.rounds, s.heapMiB, s.sysMiB, s.goroutines, s.files)
	}
	sample(0)
	next := start.Add(30 * time.Second)
	rounds := 0
	for time.Since(start) < *soak {
		r.round(t)
		rounds++
		if time.Now().After(next) {
			sample(rounds)
			next = next.Add(30 * time.Second)
		}
	}
	sample(rounds)
	if len(samples) < 6 {
		t.Fatalf("%d samples: run for a few minutes at least", len(samples))
	}
	third := len(samples) / 3
	peak := func(ss []soakSample) soakSample {
		var p soakSample
		for _, s := range ss {
			p.heapMiB = max(p.heapMiB, s.heapMiB)
			p.goroutines = max(p.goroutines, s.goroutines)
			p.files = max(p.files, s.files)
		}
		return p
	}
	// The first sample is before any hostile round: compare the first
	// third of the hostile run with the last.
	first, last := peak(samples[1:1+third]), peak(samples[len(samples)-third:])
	t.Logf("%d rounds in %v; first third peak: heap %.1f MiB, %d goroutines, %d files; last third: heap %.1f MiB, %d goroutines, %d files",
		rounds, time.Since(start).Round(time.Second), first.heapMiB, first.goroutines, first.files, last.heapMiB, last.goroutines, last.files)
	if last.heapMiB > first.heapMiB*1.25+16 {
		t.Errorf("live heap grew from %.1f to %.1f MiB", first.heapMiB, last.heapMiB)
	}
	if last.goroutines > first.goroutines+5 {
		t.Errorf("goroutines grew from %d to %d", first.goroutines, last.goroutines)
	}
	if last.files > first.files+10 {
		t.Errorf("open files grew from %d to %d", first.files, last.files)
	}
}

// openFiles counts this process's open file descriptors (Linux), sockets
// included; -1 where /proc is not there.
func openFiles() int {
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(fds)
}

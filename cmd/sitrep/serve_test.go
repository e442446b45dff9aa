package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServe runs `sitrep serve` on the testweb: it polls every source,
// serves /healthz and the status page, and shuts down cleanly on cancel.
func TestServe(t *testing.T) {
	s := startTestweb(t)
	src := writeSources(t, s, true)
	db := filepath.Join(t.TempDir(), "sitrep.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--sources", src, "--addr", "127.0.0.1:0", "--host-delay", "0"},
			testGetenv, strings.NewReader(""), &stdout, &stderr)
	}()
	addrRE := regexp.MustCompile(`addr=(http://[0-9.:]+)`)
	var base string
	deadline := time.Now().Add(10 * time.Second)
	for base == "" && time.Now().Before(deadline) {
		if m := addrRE.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	if base == "" {
		t.Fatalf("serve did not start:\n%s", stderr.String())
	}
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	// Wait until every source has been polled once.
	for time.Now().Before(deadline) && strings.Count(stderr.String(), "msg=polled") < 6 {
		time.Sleep(20 * time.Millisecond)
	}
	code, page := get("/sources")
	if code != 200 {
		t.Fatalf("sources page: %d", code)
	}
	for _, want := range []string{"NATO", "Europol", "US Defense Joint Chiefs of Staff", ">10</a>", `<span class="ok">ok</span>`} {
		if !strings.Contains(page, want) {
			t.Errorf("sources page lacks %q", want)
		}
	}
	if code, page := get("/"); code != 200 || !strings.Contains(page, "20 articles") {
		t.Errorf("latest page: %d, want 200 listing 20 articles", code)
	}
	if code, _ := get("/nope"); code != 404 {
		t.Errorf("/nope: %d, want 404", code)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop within 10 s of cancel")
	}
	if got := len(export(t, db)); got != 20 {
		t.Errorf("after serve: %d articles, want 20", got)
	}
}

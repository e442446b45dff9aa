package main

import (
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServeRoles: serve --role web serves and never polls; --role worker
// polls and listens nowhere; the two share one database.
func TestServeRoles(t *testing.T) {
	s := startTestweb(t)
	src := writeSources(t, s, true)
	db := filepath.Join(t.TempDir(), "sitrep.db")
	mustSitrep(t, "sources", "--db", db, "--sources", src) // create and seed the database first

	start := func(role string) (stop func() error, logs *syncBuffer) {
		ctx, cancel := context.WithCancel(context.Background())
		var stdout, stderr syncBuffer
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"serve", "--role", role, "--db", db, "--sources", src, "--addr", "127.0.0.1:0", "--host-delay", "0"},
				testGetenv, strings.NewReader(""), &stdout, &stderr)
		}()
		return func() error {
			cancel()
			select {
			case err := <-done:
				return err
			case <-time.After(10 * time.Second):
				t.Fatalf("serve --role %s did not stop", role)
				return nil
			}
		}, &stderr
	}

	stopWeb, webLog := start("web")
	addrRE := regexp.MustCompile(`addr=(http://[0-9.:]+)`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(webLog.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("serve --role web did not start:\n%s", webLog.String())
	}
	time.Sleep(500 * time.Millisecond)
	if strings.Contains(webLog.String(), "msg=polled") || len(export(t, db)) != 0 {
		t.Fatalf("the web role polled:\n%s", webLog.String())
	}

	stopWorker, workerLog := start("worker")
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && strings.Count(workerLog.String(), "msg=polled") < 6; {
		time.Sleep(20 * time.Millisecond)
	}
	if strings.Contains(workerLog.String(), "addr=") {
		t.Errorf("the worker role listens:\n%s", workerLog.String())
	}
	// What the worker stored, the web process serves.
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n := len(export(t, db)); n != 20 {
		t.Errorf("the worker stored %d articles, want 20:\n%s", n, workerLog.String())
	}
	if err := stopWorker(); err != nil {
		t.Errorf("worker: %v", err)
	}
	if err := stopWeb(); err != nil {
		t.Errorf("web: %v", err)
	}
	if strings.Contains(webLog.String(), "msg=polled") {
		t.Error("the web role polled")
	}
	if _, _, err := sitrep(t, "serve", "--role", "boss", "--db", db); err == nil {
		t.Error("--role boss accepted")
	}
}

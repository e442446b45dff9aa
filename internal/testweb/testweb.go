// Package testweb serves the offline copy of the five official sources in
// ../shared/testweb over loopback HTTP, as the real sites publish them, and
// counts the requests per path. End-to-end tests and benchmarks use it; the
// program itself never does.
package testweb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Dir finds shared/testweb: a sibling of the repository root (CI clones the
// repository with shared/ beside it), found by walking up from the working
// directory.
func Dir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		for _, cand := range []string{filepath.Join(d, "shared", "testweb"), filepath.Join(d, "..", "shared", "testweb")} {
			if st, err := os.Stat(filepath.Join(cand, "manifest.json")); err == nil && !st.IsDir() {
				return filepath.Clean(cand), nil
			}
		}
		if filepath.Dir(d) == d {
			return "", errors.New("testweb: shared/testweb not found beside the repository")
		}
	}
}

type entry struct {
	Path        string `json:"path"`
	File        string `json:"file"`
	ContentType string `json:"content_type"`
	Status      int    `json:"status"`
}

// modTime is fixed so that ETags and Last-Modified stay the same across runs.
var modTime = time.Date(2024, 10, 16, 12, 0, 0, 0, time.UTC)

// Server is a running copy of the testweb.
type Server struct {
	*httptest.Server
	Dir string

	mu       sync.Mutex
	counts   map[string]int
	statuses map[string]int
	bodies   map[string][]byte
	ctypes   map[string]string
	modTimes map[string]time.Time
}

// Start serves dir (see Dir) on a loopback port.
func Start(dir string) (*Server, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("testweb: %w", err)
	}
	var manifest []entry
	if err := json.Unmarshal(raw, &manifest); err != nil {
		return nil, fmt.Errorf("testweb: manifest.json: %w", err)
	}
	s := &Server{Dir: dir, counts: map[string]int{}, statuses: map[string]int{}, bodies: map[string][]byte{}, ctypes: map[string]string{}, modTimes: map[string]time.Time{}}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Server.Start()
	for _, e := range manifest {
		b, err := os.ReadFile(filepath.Join(dir, e.File))
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("testweb: %w", err)
		}
		s.bodies[e.Path] = bytes.ReplaceAll(b, []byte("{{BASE}}"), []byte(s.URL))
		s.ctypes[e.Path] = e.ContentType
		s.statuses[e.Path] = e.Status
	}
	return s, nil
}

// Override replaces what a path answers (status, content type and body), or
// adds a path; a test uses it to break or change one source.
func (s *Server) Override(path string, status int, contentType string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bodies[path], s.ctypes[path], s.statuses[path] = body, contentType, status
	// A changed file has a newer modification time, as on a real server.
	s.modTimes[path] = modTime.Add(time.Hour)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Path
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	s.mu.Lock()
	s.counts[target]++
	body, ok := s.bodies[target]
	ctype, status := s.ctypes[target], s.statuses[target]
	mt, ok2 := s.modTimes[target]
	s.mu.Unlock()
	if !ok2 {
		mt = modTime
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", ctype)
	if status != http.StatusOK {
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	h := fnv.New64a()
	h.Write(body)
	w.Header().Set("ETag", fmt.Sprintf(`"%x"`, h.Sum64()))
	http.ServeContent(w, r, "", mt, bytes.NewReader(body))
}

// Count returns how many requests the path (with ?query) has had.
func (s *Server) Count(target string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[target]
}

// Counts returns a copy of all request counts.
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		m[k] = v
	}
	return m
}

// ResetCounts forgets the counts so far.
func (s *Server) ResetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.counts)
}

// Source is one line of sources.json.
type Source struct {
	Name string `json:"name"`
	Type string `json:"type"`
	URL  string `json:"url"`
}

// Sources returns sources.json with the server's base URL filled in.
func (s *Server) Sources() ([]Source, error) {
	raw, err := os.ReadFile(filepath.Join(s.Dir, "sources.json"))
	if err != nil {
		return nil, fmt.Errorf("testweb: %w", err)
	}
	var src []Source
	if err := json.Unmarshal(raw, &src); err != nil {
		return nil, fmt.Errorf("testweb: sources.json: %w", err)
	}
	for i := range src {
		src[i].URL = strings.ReplaceAll(src[i].URL, "{{BASE}}", s.URL)
	}
	return src, nil
}

// Paths lists every request target the server answers, sorted.
func (s *Server) Paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.bodies))
	for p := range s.bodies {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

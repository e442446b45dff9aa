package web

import (
	"bytes"
	"net/http"
	"time"

	"github.com/sitrep/sitrep/internal/model"
)

// healthz answers 200 when the database answers.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if _, err := s.store.Sources(r.Context()); err != nil {
		s.log.Error("health check", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// statusPage is the data of status.html.
type statusPage struct {
	Version string
	Now     time.Time
	Sources []model.SourceState
}

// status lists every source with its state.
func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	srcs, err := s.store.Sources(r.Context())
	if err != nil {
		s.log.Error("status page", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	page := statusPage{Version: s.version, Now: s.now(), Sources: srcs}
	s.render(w, "status.html", page)
}

// render executes a template into a buffer first, so that a failing
// template gives a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, name string, data any) {
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("rendering", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	buf.WriteTo(w)
}

package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/chart"
	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/pipeline"
	"github.com/sitrep/sitrep/internal/source"
	"github.com/sitrep/sitrep/internal/store"
)

// sparkWeeks is how many weeks the sources table's sparklines show.
const sparkWeeks = 26

// sourceRow is one source on the sources page.
type sourceRow struct {
	model.SourceState
	PerWeek float64       // mean articles per week since its first article
	Spark   template.HTML // articles per week, last sparkWeeks weeks
	Plain   string        // the last error in plain words
}

// sourcesPage is the data of sources.html.
type sourcesPage struct {
	page
	Rows      []sourceRow
	FromFile  string // the sources file that defines them, if any
	Preview   bool   // test fetches are available
	Flash     string
	FlashErr  bool
	CanManage bool // add, edit, delete (not when a file defines the sources)
}

// monday is the start (Monday 00:00 UTC) of t's week.
func monday(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

func (s *Server) sources(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	srcs, err := s.store.Sources(ctx)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	// The sparklines' weeks; the mean per week runs from each source's
	// first article.
	thisWeek := monday(s.now())
	counts, err := s.store.WeeklyCounts(ctx, thisWeek.AddDate(0, 0, -7*(sparkWeeks-1)))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	spark := map[string][]float64{}
	for _, c := range counts {
		if i := sparkWeeks - 1 - int(thisWeek.Sub(c.Week).Hours()/(24*7)); i >= 0 && i < sparkWeeks {
			if spark[c.Source] == nil {
				spark[c.Source] = make([]float64, sparkWeeks)
			}
			spark[c.Source][i] += float64(c.N)
		}
	}
	p := sourcesPage{
		page: s.page(r, "Sources", "sources"), FromFile: s.cfg.SourcesFile, Preview: s.cfg.Preview != nil,
		Flash: r.URL.Query().Get("done"),
	}
	p.CanManage = p.CanWrite && s.cfg.SourcesFile == ""
	for _, src := range srcs {
		row := sourceRow{SourceState: src, Plain: plainError(src.LastError)}
		if src.Articles > 0 && !src.FirstArticle.IsZero() {
			weeks := max(1, thisWeek.Sub(monday(src.FirstArticle)).Hours()/(24*7)+1)
			row.PerWeek = float64(src.Articles) / weeks
		}
		vals := spark[src.Name]
		if vals == nil {
			vals = make([]float64, sparkWeeks)
		}
		row.Spark = chart.Spark(vals, fmt.Sprintf("%s: articles per week over the last %d weeks", src.Name, sparkWeeks))
		p.Rows = append(p.Rows, row)
	}
	s.render(w, r, http.StatusOK, "sources.html", p)
}

// sourceForm is a source as the add/edit form holds it: text, so a
// rejected form comes back exactly as typed.
type sourceForm struct {
	Name, URL, Type, Links, Interval, PerHost, HostDelay string
}

func formOf(src model.Source) sourceForm {
	f := sourceForm{Name: src.Name, URL: src.URL, Type: src.Type, Links: src.Links}
	if src.Interval > 0 {
		f.Interval = src.Interval.String()
	}
	if src.PerHost > 0 {
		f.PerHost = strconv.Itoa(src.PerHost)
	}
	if src.HostDelay > 0 {
		f.HostDelay = src.HostDelay.String()
	}
	return f
}

func readForm(r *http.Request) sourceForm {
	return sourceForm{
		Name: r.PostFormValue("name"), URL: r.PostFormValue("url"), Type: r.PostFormValue("type"),
		Links: r.PostFormValue("links"), Interval: r.PostFormValue("interval"),
		PerHost: r.PostFormValue("per_host"), HostDelay: r.PostFormValue("host_delay"),
	}
}

// reservedName tells whether a source name would collide with the fixed
// routes under /sources/ (routes.go).
func reservedName(name string) bool {
	switch name {
	case "new", "test", "import":
		return true
	}
	return false
}

// source turns the form into a validated source.
func (f sourceForm) source() (model.Source, error) {
	src := model.Source{Name: f.Name, URL: f.URL, Type: f.Type, Links: f.Links}
	var bad source.Invalid
	dur := func(field, v string) time.Duration {
		v = strings.TrimSpace(v)
		if v == "" {
			return 0
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			bad = append(bad, source.FieldError{Field: field, Msg: fmt.Sprintf("%s %q: want a duration like 30m or 2h", field, v)})
		}
		return d
	}
	src.Interval = dur("interval", f.Interval)
	src.HostDelay = dur("host_delay", f.HostDelay)
	if v := strings.TrimSpace(f.PerHost); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			bad = append(bad, source.FieldError{Field: "per_host", Msg: fmt.Sprintf("per_host %q: want a whole number", v)})
		}
		src.PerHost = n
	}
	if err := source.Validate(&src); err != nil {
		var inv source.Invalid
		if errors.As(err, &inv) {
			bad = append(bad, inv...)
		}
	}
	if reservedName(src.Name) {
		bad = append(bad, source.FieldError{Field: "name", Msg: fmt.Sprintf("name %q is taken by a page of sitrep's own; choose another", src.Name)})
	}
	if len(bad) > 0 {
		return src, bad
	}
	return src, nil
}

// sourcePage is the data of source.html: the add or edit form, with a
// test fetch's result when one was asked for.
type sourcePage struct {
	page
	New       bool
	Orig      string // the name being edited
	Form      sourceForm
	State     *model.SourceState
	Errors    map[string]string // by field
	Problem   string
	Preview   *pipeline.Preview
	PreviewOK bool
	PreviewOn bool // test fetches are available
	FromFile  string
	Saved     bool
}

func (s *Server) sourceNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "source.html", sourcePage{
		page: s.page(r, "Add a source", "sources"), New: true, Form: sourceForm{Type: model.SourceFeed},
		PreviewOn: s.cfg.Preview != nil, FromFile: s.cfg.SourcesFile,
	})
}

func (s *Server) sourceEdit(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	st, err := s.store.Source(r.Context(), name)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "source.html", sourcePage{
		page: s.page(r, st.Name, "sources"), Orig: st.Name, Form: formOf(st.Source), State: &st,
		PreviewOn: s.cfg.Preview != nil, FromFile: s.cfg.SourcesFile, Saved: r.URL.Query().Get("saved") != "",
	})
}

// formFailed shows the form again with what was wrong.
func (s *Server) formFailed(w http.ResponseWriter, r *http.Request, p sourcePage, err error) {
	pr := problemOf(err)
	if pr.Status >= 500 {
		s.pageError(w, r, err)
		return
	}
	p.Errors = map[string]string{}
	for _, fe := range pr.Errors {
		p.Errors[fe.Field] = fe.Msg
	}
	p.Problem = pr.Detail
	if errors.Is(err, store.ErrConflict) {
		p.Errors["name"] = fmt.Sprintf("a source named %q exists already", p.Form.Name)
		p.Problem = p.Errors["name"]
	}
	s.render(w, r, pr.Status, "source.html", p)
}

func (s *Server) sourceCreate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := sourcePage{page: s.page(r, "Add a source", "sources"), New: true, Form: f, PreviewOn: s.cfg.Preview != nil, FromFile: s.cfg.SourcesFile}
	if s.cfg.SourcesFile != "" {
		s.formFailed(w, r, p, errSourcesFromFile)
		return
	}
	src, err := f.source()
	if err == nil {
		err = s.store.CreateSource(r.Context(), src)
	}
	if err != nil {
		s.formFailed(w, r, p, err)
		return
	}
	s.log.Info("source added", "source", src.Name, "url", src.URL, "by", identityOf(r).user)
	http.Redirect(w, r, "/sources/"+url.PathEscape(src.Name)+"?saved=1", http.StatusSeeOther)
}

func (s *Server) sourceUpdate(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	f := readForm(r)
	p := sourcePage{page: s.page(r, name, "sources"), Orig: name, Form: f, PreviewOn: s.cfg.Preview != nil, FromFile: s.cfg.SourcesFile}
	if st, err := s.store.Source(r.Context(), name); err == nil {
		p.State = &st
	}
	if s.cfg.SourcesFile != "" {
		s.formFailed(w, r, p, errSourcesFromFile)
		return
	}
	src, err := f.source()
	if err == nil {
		err = s.store.UpdateSource(r.Context(), name, src)
	}
	if err != nil {
		s.formFailed(w, r, p, err)
		return
	}
	s.log.Info("source changed", "source", name, "now", src.Name, "url", src.URL, "by", identityOf(r).user)
	http.Redirect(w, r, "/sources/"+url.PathEscape(src.Name)+"?saved=1", http.StatusSeeOther)
}

// sourceTest runs a test fetch of the form's source and shows what a poll
// would ingest, storing nothing; the form stays filled for saving.
func (s *Server) sourceTest(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	orig := r.PostFormValue("orig")
	p := sourcePage{page: s.page(r, "Test fetch", "sources"), New: orig == "", Orig: orig, Form: f, PreviewOn: s.cfg.Preview != nil, FromFile: s.cfg.SourcesFile}
	if s.cfg.Preview == nil {
		s.formFailed(w, r, p, &Error{Status: http.StatusNotImplemented, Title: "No test fetch", Detail: "test fetches are not available in this server"})
		return
	}
	src, err := f.source()
	if err != nil {
		s.formFailed(w, r, p, err)
		return
	}
	pv, err := s.cfg.Preview(r.Context(), src)
	if err != nil {
		p.Problem = "The test fetch failed: " + err.Error()
		s.render(w, r, http.StatusOK, "source.html", p)
		return
	}
	p.Preview, p.PreviewOK = &pv, true
	s.render(w, r, http.StatusOK, "source.html", p)
}

func (s *Server) sourceDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	st, err := s.store.Source(r.Context(), r.PathValue("name"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "source_delete.html", struct {
		page
		S        model.SourceState
		FromFile string
	}{s.page(r, "Delete "+st.Name, "sources"), st, s.cfg.SourcesFile})
}

func (s *Server) sourceDelete(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if s.cfg.SourcesFile != "" {
		s.pageError(w, r, errSourcesFromFile)
		return
	}
	if err := s.store.DeleteSource(r.Context(), name); err != nil {
		s.pageError(w, r, err)
		return
	}
	s.log.Info("source deleted", "source", name, "by", identityOf(r).user)
	http.Redirect(w, r, "/sources?done="+url.QueryEscape("Deleted "+name+"; its articles stay."), http.StatusSeeOther)
}

func (s *Server) sourcePause(paused bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		if err := s.store.SetPaused(r.Context(), name, paused); err != nil {
			s.pageError(w, r, err)
			return
		}
		msg := "Resumed " + name + "."
		if paused {
			msg = "Paused " + name + "."
		}
		http.Redirect(w, r, "/sources?done="+url.QueryEscape(msg), http.StatusSeeOther)
	}
}

func (s *Server) sourcePoll(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if err := s.store.PollNow(r.Context(), name); err != nil {
		s.pageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/sources?done="+url.QueryEscape(name+" will be fetched in a moment."), http.StatusSeeOther)
}

func (s *Server) opmlExport(w http.ResponseWriter, r *http.Request) {
	srcs, err := s.store.Sources(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	list := make([]model.Source, len(srcs))
	for i, st := range srcs {
		list[i] = st.Source
	}
	var buf bytes.Buffer
	if err := source.WriteOPML(&buf, "sitrep sources", list); err != nil {
		s.pageError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/x-opml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="sitrep-sources.opml"`)
	buf.WriteTo(w)
}

// opmlImport adds the feeds of an uploaded OPML file; names already taken
// are left as they are.
func (s *Server) opmlImport(w http.ResponseWriter, r *http.Request) {
	if s.cfg.SourcesFile != "" {
		s.pageError(w, r, errSourcesFromFile)
		return
	}
	file, hdr, err := r.FormFile("opml")
	if err != nil {
		s.pageError(w, r, badRequest("choose an OPML file to import"))
		return
	}
	defer file.Close()
	srcs, err := source.ReadOPML(file, hdr.Filename)
	if err != nil {
		s.pageError(w, r, badRequest(err.Error()))
		return
	}
	added, skipped := 0, 0
	for _, src := range srcs {
		err := s.store.CreateSource(r.Context(), src)
		switch {
		case err == nil:
			added++
		case errors.Is(err, store.ErrConflict):
			skipped++
		default:
			s.pageError(w, r, err)
			return
		}
	}
	msg := fmt.Sprintf("Imported %d sources from %s", added, hdr.Filename)
	if skipped > 0 {
		msg += fmt.Sprintf("; %d skipped (their names exist already)", skipped)
	}
	http.Redirect(w, r, "/sources?done="+url.QueryEscape(msg+"."), http.StatusSeeOther)
}

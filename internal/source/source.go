// Package source reads and writes the list of configured sources: the
// sources.yaml file (validated, with errors naming file and line), OPML
// import and export, and the built-in defaults.
package source

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"gopkg.in/yaml.v3"

	"github.com/sitrep/sitrep/internal/model"
)

// MinInterval is the shortest polling interval a source may ask for: polling
// an official news site more often than this is impolite and pointless.
const MinInterval = time.Minute

// ErrInvalid is wrapped by every validation error, so callers can tell a
// bad sources file from an unreadable one with errors.Is.
var ErrInvalid = errors.New("invalid sources")

// Error is one problem in a sources file or OPML document.
type Error struct {
	File   string
	Line   int    // 0 when unknown (OPML)
	Source string // the source's name, when known
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Source != "" {
		fmt.Fprintf(&b, "source %q: ", e.Source)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap lets errors.Is(err, ErrInvalid) hold for every Error.
func (e *Error) Unwrap() error { return ErrInvalid }

// Defaults are the public sources sitrep watches out of the box. Listing
// pages carry no selector: link discovery finds their articles.
func Defaults() []model.Source {
	list := []model.Source{
		{Name: "NATO", URL: "https://www.nato.int/cps/rss/en/natohq/rssFeed.xsl/rssFeed.xml", Type: model.SourceFeed},
		{Name: "Europol", URL: "https://www.europol.europa.eu/cms/api/rss/news", Type: model.SourceFeed},
		{Name: "Interpol (news and events)", URL: "https://www.interpol.int/en/News-and-Events/News", Type: model.SourceHTML},
		{Name: "Eurojust", URL: "https://www.eurojust.europa.eu/rss/press-releases.xml", Type: model.SourceFeed},
		{Name: "US Department of Defense", URL: "https://www.war.gov/news/rss_releases2.xml", Type: model.SourceFeed},
		{Name: "US Defense Joint Chiefs of Staff", URL: "https://www.jcs.mil/Media/News/", Type: model.SourceHTML},
	}
	for i := range list {
		list[i].Position = i
	}
	return list
}

// Load reads and validates a sources file.
func Load(path string) ([]model.Source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read sources %s: %w", path, err)
	}
	return Parse(data, path)
}

// knownKeys are the keys a source entry may have, in the order Marshal
// writes them.
var knownKeys = []string{"name", "url", "type", "links", "interval", "per_host", "host_delay"}

// Parse reads a sources file's content; filename names it in errors. All
// problems found are reported together, one per line, each wrapping
// ErrInvalid. A file without sources gives an empty list.
func Parse(data []byte, filename string) ([]model.Source, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{File: filename, Line: syntaxLine(data, yamlErrorLine(err)), Msg: "YAML syntax: " + yamlErrorMsg(err)}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil // empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &Error{File: filename, Line: root.Line, Msg: `expected a mapping with a "sources:" list`}
	}
	var errs []error
	fail := func(line int, src, format string, args ...any) {
		errs = append(errs, &Error{File: filename, Line: line, Source: src, Msg: fmt.Sprintf(format, args...)})
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "sources" {
			fail(k.Line, "", "unknown key %q (expected \"sources\")", k.Value)
			continue
		}
		list = v
	}
	if list == nil {
		if len(errs) == 0 {
			fail(root.Line, "", `no "sources:" list`)
		}
		return nil, errors.Join(errs...)
	}
	if list.Kind == yaml.ScalarNode && list.Tag == "!!null" {
		return nil, errors.Join(errs...) // "sources:" with nothing under it
	}
	if list.Kind != yaml.SequenceNode {
		fail(list.Line, "", `"sources" must be a list of sources (lines starting with "- name:")`)
		return nil, errors.Join(errs...)
	}

	var out []model.Source
	firstLine := map[string]int{} // lower-cased name → line it was first seen
	for i, n := range list.Content {
		s, problems := decodeSource(n)
		label := s.Name
		for _, p := range problems {
			fail(p.line, label, "%s", p.msg)
		}
		if s.Name != "" {
			key := strings.ToLower(s.Name)
			if line, dup := firstLine[key]; dup {
				fail(n.Line, label, "duplicate name (first used at line %d)", line)
			} else {
				firstLine[key] = n.Line
			}
		}
		s.Position = i
		out = append(out, s)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

type problem struct {
	line int
	msg  string
}

// decodeSource reads one entry of the list, collecting every problem with
// the line it is on.
func decodeSource(n *yaml.Node) (model.Source, []problem) {
	var s model.Source
	var probs []problem
	add := func(line int, format string, args ...any) {
		probs = append(probs, problem{line, fmt.Sprintf(format, args...)})
	}
	if n.Kind != yaml.MappingNode {
		add(n.Line, "a source must be a mapping with name and url")
		return s, probs
	}
	lines := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !known(k.Value) {
			add(k.Line, "unknown key %q (known keys: %s)", k.Value, strings.Join(knownKeys, ", "))
			continue
		}
		if _, dup := lines[k.Value]; dup {
			add(k.Line, "key %q given twice", k.Value)
			continue
		}
		lines[k.Value] = k.Line
		if v.Kind != yaml.ScalarNode {
			add(v.Line, "%s must be a single value", k.Value)
			continue
		}
		val := strings.TrimSpace(v.Value)
		switch k.Value {
		case "name":
			s.Name = val
		case "url":
			s.URL = val
		case "type":
			s.Type = strings.ToLower(val)
		case "links":
			s.Links = val
		case "interval":
			d, err := time.ParseDuration(val)
			if err != nil {
				add(v.Line, "interval %q is not a duration (e.g. 30m, 1h)", val)
				break
			}
			s.Interval = d
		case "host_delay":
			d, err := time.ParseDuration(val)
			if err != nil {
				add(v.Line, "host_delay %q is not a duration (e.g. 2s, 1m)", val)
				break
			}
			s.HostDelay = d
		case "per_host":
			p, err := strconv.Atoi(val)
			if err != nil {
				add(v.Line, "per_host %q is not a whole number", val)
				break
			}
			s.PerHost = p
		}
	}
	for _, msg := range check(&s, lines["links"] > 0) {
		line := n.Line
		if l, ok := lines[msg.key]; ok {
			line = l
		}
		add(line, "%s", msg.msg)
	}
	return s, probs
}

func known(k string) bool {
	for _, kk := range knownKeys {
		if k == kk {
			return true
		}
	}
	return false
}

type keyed struct{ key, msg string }

// check validates a decoded source and fills in the default type; each
// problem names the key it is about.
func check(s *model.Source, hasLinks bool) []keyed {
	var out []keyed
	if s.Name == "" {
		out = append(out, keyed{"name", "missing name"})
	}
	if s.URL == "" {
		out = append(out, keyed{"url", "missing url"})
	} else if msg := checkURL(s.URL); msg != "" {
		out = append(out, keyed{"url", msg})
	}
	switch s.Type {
	case "":
		s.Type = model.SourceFeed
	case model.SourceFeed, model.SourceHTML:
	default:
		out = append(out, keyed{"type", fmt.Sprintf("unknown type %q (use %q or %q)", s.Type, model.SourceFeed, model.SourceHTML)})
	}
	if hasLinks || s.Links != "" {
		if s.Links == "" {
			out = append(out, keyed{"links", "links is empty (leave it out to discover the links)"})
		} else if _, err := cascadia.Compile(s.Links); err != nil {
			out = append(out, keyed{"links", fmt.Sprintf("links %q is not a valid CSS selector: %v", s.Links, err)})
		} else if s.Type == model.SourceFeed {
			out = append(out, keyed{"links", `links is only for listing pages (type: html)`})
		}
	}
	if s.Interval < 0 {
		out = append(out, keyed{"interval", fmt.Sprintf("interval %s is negative", formatDuration(s.Interval))})
	} else if s.Interval != 0 && s.Interval < MinInterval {
		out = append(out, keyed{"interval", fmt.Sprintf("interval %s is too short (at least %s)", formatDuration(s.Interval), formatDuration(MinInterval))})
	}
	if s.PerHost < 0 {
		out = append(out, keyed{"per_host", fmt.Sprintf("per_host %d is negative", s.PerHost)})
	}
	if s.HostDelay < 0 {
		out = append(out, keyed{"host_delay", fmt.Sprintf("host_delay %s is negative", formatDuration(s.HostDelay))})
	}
	return out
}

func checkURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Sprintf("url %q does not parse: %v", raw, errors.Unwrap(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Sprintf("url %q is not an absolute http(s) URL", raw)
	}
	return ""
}

// yamlErrorLine digs the line out of a yaml.v3 error ("yaml: line 7: ...").
func yamlErrorLine(err error) int {
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		rest := msg[i+len("line "):]
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if n, err := strconv.Atoi(rest[:j]); err == nil {
			return n
		}
	}
	return 0
}

// syntaxLine finds the line a YAML syntax error is on. yaml.v3 reports the
// line where the enclosing construct started (minus one, for parser errors),
// not the offending line, so look for the first prefix of the file that no
// longer parses, starting from the reported line.
func syntaxLine(data []byte, reported int) int {
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) > 2000 {
		return reported // not worth the quadratic search
	}
	var n yaml.Node
	for k := max(reported, 1); k <= len(lines); k++ {
		if yaml.Unmarshal(bytes.Join(lines[:k], nil), &n) != nil {
			return k
		}
	}
	return reported
}

// yamlErrorMsg is the yaml error without its "yaml: line N:" prefix, which
// our own position replaces.
func yamlErrorMsg(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if strings.HasPrefix(msg, "line ") {
		if i := strings.Index(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
	}
	return msg
}

// formatDuration writes durations the way people type them: 1h, 30m, 90s,
// 1h30m, rather than Go's 1h0m0s.
func formatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Marshal writes sources in the sources.yaml format that Parse reads (for
// "sources import"); defaults (type feed, zero values) are left out.
func Marshal(sources []model.Source) ([]byte, error) {
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, s := range sources {
		m := &yaml.Node{Kind: yaml.MappingNode}
		add := func(k, v string) {
			m.Content = append(m.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Value: k},
				&yaml.Node{Kind: yaml.ScalarNode, Value: v, Tag: "!!str"})
		}
		add("name", s.Name)
		add("url", s.URL)
		if s.Type != "" && s.Type != model.SourceFeed {
			add("type", s.Type)
		}
		if s.Links != "" {
			add("links", s.Links)
		}
		if s.Interval != 0 {
			add("interval", formatDuration(s.Interval))
		}
		if s.PerHost != 0 {
			m.Content = append(m.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Value: "per_host"},
				&yaml.Node{Kind: yaml.ScalarNode, Value: strconv.Itoa(s.PerHost), Tag: "!!int"})
		}
		if s.HostDelay != 0 {
			add("host_delay", formatDuration(s.HostDelay))
		}
		seq.Content = append(seq.Content, m)
	}
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{
		Kind:    yaml.MappingNode,
		Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "sources"}, seq},
	}}}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode sources: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode sources: %w", err)
	}
	return buf.Bytes(), nil
}

// FieldError is one problem with one setting of a source entered in a form
// or an API request, named by its sources-file key.
type FieldError struct {
	Field string `json:"field"` // name, url, type, links, interval, per_host or host_delay
	Msg   string `json:"message"`
}

// Invalid is every problem with one source; it wraps ErrInvalid.
type Invalid []FieldError

func (v Invalid) Error() string {
	msgs := make([]string, len(v))
	for i, f := range v {
		msgs[i] = f.Msg
	}
	return strings.Join(msgs, "; ")
}

// Unwrap lets errors.Is(err, ErrInvalid) hold.
func (v Invalid) Unwrap() error { return ErrInvalid }

// Validate checks one source as a sources file would (and fills in the
// default type): nil, or an Invalid listing each problem.
func Validate(s *model.Source) error {
	s.Name = model.CleanLine(s.Name)
	s.URL = strings.TrimSpace(s.URL)
	s.Links = strings.TrimSpace(s.Links)
	var v Invalid
	for _, k := range check(s, false) {
		v = append(v, FieldError{Field: k.key, Msg: k.msg})
	}
	if len(s.Name) > 200 {
		v = append(v, FieldError{Field: "name", Msg: "name is longer than 200 characters"})
	}
	if len(v) > 0 {
		return v
	}
	return nil
}

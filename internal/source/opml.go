package source

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep/sitrep/internal/model"
)

// opmlNS is the namespace of the attributes sitrep adds to OPML outlines so
// that what plain OPML cannot say (listing pages, selectors, intervals)
// survives an export and re-import. Other readers ignore them.
const opmlNS = "https://github.com/sitrep/sitrep/opml"

type opmlDoc struct {
	XMLName xml.Name      `xml:"opml"`
	Version string        `xml:"version,attr"`
	Title   string        `xml:"head>title"`
	Body    []opmlOutline `xml:"body>outline"`
}

type opmlOutline struct {
	Attrs    []xml.Attr    `xml:",any,attr"`
	Children []opmlOutline `xml:"outline"`
}

func (o opmlOutline) attr(name string) string {
	for _, a := range o.Attrs {
		if a.Name.Space == "" && strings.EqualFold(a.Name.Local, name) {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

func (o opmlOutline) sitrep(name string) string {
	for _, a := range o.Attrs {
		if (a.Name.Space == opmlNS || a.Name.Space == "sitrep") && a.Name.Local == name {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// ReadOPML reads the subscriptions of an OPML file (ours or another
// reader's); name identifies it in errors. Category outlines are flattened
// in document order. An outline with an xmlUrl is a feed; one marked as a
// listing page (sitrep:type="html", or type="link" with an htmlUrl or url)
// is an html source. Names come from title, else text, else the URL's host,
// and are made unique by numbering ("Name (2)").
func ReadOPML(r io.Reader, name string) ([]model.Source, error) {
	var doc opmlDoc
	dec := xml.NewDecoder(r)
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	if err := dec.Decode(&doc); err != nil {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, &Error{File: name, Line: se.Line, Msg: "OPML syntax: " + se.Msg}
		}
		return nil, fmt.Errorf("read OPML %s: %w", name, err)
	}

	var out []model.Source
	var errs []error
	used := map[string]bool{}
	var walk func([]opmlOutline)
	walk = func(list []opmlOutline) {
		for _, o := range list {
			s, ok, err := outlineSource(o)
			if err != nil {
				errs = append(errs, &Error{File: name, Source: s.Name, Msg: err.Error()})
			} else if ok {
				s.Name = unique(s.Name, used)
				s.Position = len(out)
				out = append(out, s)
			}
			walk(o.Children)
		}
	}
	walk(doc.Body)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// outlineSource makes a source of one outline; ok is false for outlines
// that subscribe to nothing (categories, plain notes).
func outlineSource(o opmlOutline) (s model.Source, ok bool, err error) {
	// A name from someone else's OPML file is third-party text: one clean
	// line, as titles are.
	s.Name = model.CleanLine(o.attr("title"))
	if s.Name == "" {
		s.Name = model.CleanLine(o.attr("text"))
	}
	typ := strings.ToLower(o.sitrep("type"))
	switch {
	case typ == model.SourceHTML:
		s.Type = model.SourceHTML
		s.URL = firstOf(o.attr("htmlUrl"), o.attr("url"), o.attr("xmlUrl"))
	case o.attr("xmlUrl") != "":
		s.Type = model.SourceFeed
		s.URL = o.attr("xmlUrl")
	case strings.EqualFold(o.attr("type"), "link") && firstOf(o.attr("htmlUrl"), o.attr("url")) != "":
		s.Type = model.SourceHTML
		s.URL = firstOf(o.attr("htmlUrl"), o.attr("url"))
	default:
		return s, false, nil
	}
	if s.Name == "" {
		if u, perr := url.Parse(s.URL); perr == nil && u.Host != "" {
			s.Name = u.Hostname()
		} else {
			s.Name = s.URL
		}
	}
	s.Links = o.sitrep("links")
	var probs []string
	if v := o.sitrep("interval"); v != "" {
		if s.Interval, err = time.ParseDuration(v); err != nil {
			probs = append(probs, fmt.Sprintf("interval %q is not a duration (e.g. 30m, 1h)", v))
		}
	}
	if v := o.sitrep("host_delay"); v != "" {
		if s.HostDelay, err = time.ParseDuration(v); err != nil {
			probs = append(probs, fmt.Sprintf("host_delay %q is not a duration (e.g. 2s, 1m)", v))
		}
	}
	if v := o.sitrep("per_host"); v != "" {
		if s.PerHost, err = strconv.Atoi(v); err != nil {
			probs = append(probs, fmt.Sprintf("per_host %q is not a whole number", v))
		}
	}
	for _, k := range check(&s, false) {
		probs = append(probs, k.msg)
	}
	if len(probs) > 0 {
		return s, false, errors.New(strings.Join(probs, "; "))
	}
	return s, true, nil
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// unique returns name, or name numbered "(2)", "(3)"... if already used
// (case-insensitively, as Parse compares names), and records it.
func unique(name string, used map[string]bool) string {
	n := name
	for i := 2; used[strings.ToLower(n)]; i++ {
		n = fmt.Sprintf("%s (%d)", name, i)
	}
	used[strings.ToLower(n)] = true
	return n
}

// WriteOPML writes sources as an OPML 2.0 subscription list. Feeds are
// type="rss" outlines with xmlUrl; listing pages are type="link" outlines
// with htmlUrl, marked sitrep:type="html" so that they come back as such.
func WriteOPML(w io.Writer, title string, sources []model.Source) error {
	var b strings.Builder
	b.WriteString(xml.Header)
	fmt.Fprintf(&b, "<opml version=\"2.0\" xmlns:sitrep=\"%s\">\n", opmlNS)
	fmt.Fprintf(&b, "  <head>\n    <title>%s</title>\n  </head>\n  <body>\n", esc(title))
	for _, s := range sources {
		b.WriteString("    <outline")
		attr := func(k, v string) {
			if v != "" {
				fmt.Fprintf(&b, " %s=\"%s\"", k, esc(v))
			}
		}
		attr("text", s.Name)
		attr("title", s.Name)
		if s.Type == model.SourceHTML {
			attr("type", "link")
			attr("htmlUrl", s.URL)
			attr("sitrep:type", model.SourceHTML)
		} else {
			attr("type", "rss")
			attr("xmlUrl", s.URL)
		}
		attr("sitrep:links", s.Links)
		if s.Interval != 0 {
			attr("sitrep:interval", formatDuration(s.Interval))
		}
		if s.PerHost != 0 {
			attr("sitrep:per_host", strconv.Itoa(s.PerHost))
		}
		if s.HostDelay != 0 {
			attr("sitrep:host_delay", formatDuration(s.HostDelay))
		}
		b.WriteString("/>\n")
	}
	b.WriteString("  </body>\n</opml>\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write OPML: %w", err)
	}
	return nil
}

// esc escapes text for an XML attribute or element.
func esc(s string) string {
	var b strings.Builder
	// EscapeText only fails on a failing writer; a Builder does not fail.
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

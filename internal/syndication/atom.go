package syndication

import "strings"

// Atom returns f as an Atom 1.0 feed (RFC 4287), UTF-8, with an XML
// declaration. Every entry has an author (its source), so the feed needs
// none. The error reports a Feed the caller built wrong: no title, or an id
// or feed URL that is not valid (see Feed and Item).
func Atom(f Feed) ([]byte, error) {
	p, err := prepare(f)
	if err != nil {
		return nil, err
	}
	// The XML is written by hand rather than with encoding/xml, which
	// escapes every newline in character data as "&#xA;": the HTML content
	// would come out as one unreadable line, in feeds and golden files
	// alike. Every string has been through clean, so escaping the markup
	// characters is all that is left to do.
	var w strings.Builder
	w.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	w.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom">` + "\n")
	element(&w, "  ", "id", p.id)
	element(&w, "  ", "title", p.title)
	element(&w, "  ", "updated", stamp(p.updated))
	if p.self != "" {
		link(&w, "  ", "self", "application/atom+xml", p.self)
	}
	if p.home != "" {
		link(&w, "  ", "alternate", "text/html", p.home)
	}
	if p.generator != "" {
		element(&w, "  ", "generator", p.generator)
	}
	for _, e := range p.entries {
		w.WriteString("  <entry>\n")
		element(&w, "    ", "id", e.id)
		element(&w, "    ", "title", e.title)
		element(&w, "    ", "updated", stamp(e.updated))
		if !e.published.IsZero() {
			element(&w, "    ", "published", stamp(e.published))
		}
		// No type on these: the original may well be a PDF, and sitrep's
		// page is the caller's to describe.
		if e.link != "" {
			link(&w, "    ", "alternate", "", e.link)
		}
		if e.related != "" {
			link(&w, "    ", "related", "", e.related)
		}
		w.WriteString("    <author>\n")
		element(&w, "      ", "name", e.author)
		w.WriteString("    </author>\n")
		for _, t := range e.tags {
			w.WriteString(`    <category term="` + attrEscaper.Replace(t) + `"/>` + "\n")
		}
		if e.summary != "" {
			w.WriteString(`    <summary type="text">` + textEscaper.Replace(e.summary) + "</summary>\n")
		}
		w.WriteString(`    <content type="html">` + textEscaper.Replace(e.html) + "</content>\n")
		w.WriteString("  </entry>\n")
	}
	w.WriteString("</feed>\n")
	return []byte(w.String()), nil
}

// textEscaper escapes character data. ">" is escaped too so that "]]>",
// which XML forbids in character data, cannot occur.
var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// attrEscaper escapes a double-quoted attribute value. Tab and newline are
// written as references because a parser would turn them into spaces.
var attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;",
	"\t", "&#9;", "\n", "&#10;")

// element writes <name>text</name> on one line.
func element(w *strings.Builder, indent, name, text string) {
	w.WriteString(indent + "<" + name + ">" + textEscaper.Replace(text) + "</" + name + ">\n")
}

// link writes an atom:link; typ is left out when empty.
func link(w *strings.Builder, indent, rel, typ, href string) {
	w.WriteString(indent + `<link rel="` + rel + `"`)
	if typ != "" {
		w.WriteString(` type="` + typ + `"`)
	}
	w.WriteString(` href="` + attrEscaper.Replace(href) + `"/>` + "\n")
}

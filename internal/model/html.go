package model

import (
	"html"
	"strings"
)

// RenderHTML renders blocks as an HTML fragment: paragraphs as <p> (line
// breaks inside as <br>), headings as <h3>, runs of list items as one <ul>,
// captions as <p class="caption">, quotes as <blockquote>. All text is
// escaped, so the fragment is safe to embed in a page or a feed whatever the
// source wrote.
func RenderHTML(blocks []Block) string {
	var b strings.Builder
	inList := false
	for _, bl := range blocks {
		if inList && bl.Kind != ListItem {
			b.WriteString("</ul>\n")
			inList = false
		}
		text := strings.ReplaceAll(html.EscapeString(bl.Text), "\n", "<br>")
		switch bl.Kind {
		case ListItem:
			if !inList {
				b.WriteString("<ul>\n")
				inList = true
			}
			b.WriteString("<li>" + text + "</li>\n")
		case Heading:
			b.WriteString("<h3>" + text + "</h3>\n")
		case Caption:
			b.WriteString(`<p class="caption">` + text + "</p>\n")
		case Quote:
			b.WriteString("<blockquote><p>" + text + "</p></blockquote>\n")
		default:
			b.WriteString("<p>" + text + "</p>\n")
		}
	}
	if inList {
		b.WriteString("</ul>\n")
	}
	return b.String()
}

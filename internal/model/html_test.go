package model

import "testing"

func TestRenderHTML(t *testing.T) {
	tests := []struct {
		name   string
		blocks []Block
		want   string
	}{
		{"empty", nil, ""},
		{"paragraph with break and markup", []Block{{Paragraph, "a <b>&\nc"}},
			"<p>a &lt;b&gt;&amp;<br>c</p>\n"},
		{"list run closed before the next block", []Block{{ListItem, "one"}, {ListItem, "two"}, {Heading, "H"}, {ListItem, "three"}},
			"<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<h3>H</h3>\n<ul>\n<li>three</li>\n</ul>\n"},
		{"caption and quote", []Block{{Caption, `"x"`}, {Quote, "q"}},
			"<p class=\"caption\">&#34;x&#34;</p>\n<blockquote><p>q</p></blockquote>\n"},
	}
	for _, tt := range tests {
		if got := RenderHTML(tt.blocks); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

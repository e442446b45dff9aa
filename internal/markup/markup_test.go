package markup

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func depth(n *html.Node) int {
	d := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		d = max(d, depth(c))
	}
	return d + 1
}

func TestParseDeep(t *testing.T) {
	const para = "<p>Europol arrested twelve suspects.</p>"
	tests := []struct {
		name, src, want string
	}{
		{"shallow", "<div>" + para + "</div>", "Europol arrested twelve suspects."},
		{"600 nested divs", strings.Repeat("<div>", 600) + para + strings.Repeat("</div>", 600) + "<p>After.</p>", "Europol arrested twelve suspects. After."},
		{"100k unclosed divs", strings.Repeat("<div>", 100000) + para, "Europol arrested twelve suspects."},
		{"100k unclosed spans", strings.Repeat("<span>", 100000) + "x" + para, "x Europol arrested twelve suspects."},
		{"100k nested b", strings.Repeat("<b>", 100000) + para, "Europol arrested twelve suspects."},
		{"misnested formatting", strings.Repeat("<b><i></b></i>", 3000) + para, "Europol arrested twelve suspects."},
		{"tables", strings.Repeat("<table><tr><td>", 1000) + para, "Europol arrested twelve suspects."},
		{"script kept deep", strings.Repeat("<div>", 700) + "<script>var a = '<div>';</script>" + para, "var a = '<div>'; Europol arrested twelve suspects."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse([]byte("<html><body>" + tt.src + "</body></html>"))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := text(doc); got != tt.want {
				t.Errorf("text = %.200q, want %q", got, tt.want)
			}
			if d := depth(doc); d > 520 {
				t.Errorf("depth %d", d)
			}
		})
	}
}

func TestParseFragmentDeep(t *testing.T) {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := ParseFragment(strings.Repeat("<div>", 2000)+"deep text", ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, n := range nodes {
		b.WriteString(text(n))
	}
	if got := b.String(); got != "deep text" {
		t.Errorf("got %q", got)
	}
}

func TestFlattenKeepsShallowBytes(t *testing.T) {
	src := `<!DOCTYPE html><html><head><title>a<b</title><style>p>a{}</style></head><body><p class="x">Hi &amp; bye<br><img src=a.png></p><!-- c --></body></html>`
	if got := string(Flatten([]byte(src), 256)); got != src {
		t.Errorf("Flatten changed a shallow document:\n got %s\nwant %s", got, src)
	}
}

func TestShrink(t *testing.T) {
	page := "<html><head><script>" + strings.Repeat("var x = '<p>not text</p>';", 1000) + "</script><style>" +
		strings.Repeat("p{}", 1000) + "</style></head><body><!--" + strings.Repeat("c", 5000) + "--><svg><path d='" +
		strings.Repeat("M0 0", 2000) + "'/><text>no</text></svg><p>The article.</p>" + strings.Repeat("<p>tail</p>", 10000) + "</body></html>"
	got := Shrink([]byte(page), 20000)
	if len(got) > 20000 {
		t.Fatalf("Shrink kept %d bytes, over 20000", len(got))
	}
	doc, err := Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	txt := text(doc)
	if !strings.HasPrefix(txt, "The article. tail") {
		t.Errorf("text starts %.80q, want the article first", txt)
	}
	for _, bad := range []string{"not text", "p{}", "no"} {
		if strings.Contains(txt, bad+" ") || strings.Contains(string(got), bad+"</") {
			t.Errorf("%q kept", bad)
		}
	}
	if small := "<p>small</p>"; string(Shrink([]byte(small), 100)) != small {
		t.Error("a page under the limit changed")
	}
}

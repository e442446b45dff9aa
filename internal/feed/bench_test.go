package feed

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkLinks measures link discovery on a large listing (3000 items,
// about 470 KB), to keep the ancestor walks of item() in check.
func BenchmarkLinks(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("<html><body><nav>")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&sb, "<a href=\"/section/%d\">S%d</a>", i, i)
	}
	sb.WriteString("</nav><main><ul>")
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&sb, "<li><div><h3><a href=\"/news/2024/%d/some-long-article-title-%d\">Title %d</a></h3><time datetime=\"2024-01-02\">x</time><p>teaser text %d</p></div></li>", i, i, i, i)
	}
	sb.WriteString("</ul></main></body></html>")
	page := []byte(sb.String())
	b.SetBytes(int64(len(page)))
	for i := 0; i < b.N; i++ {
		e, err := Links(page, "https://example.org/news/", "")
		if err != nil || len(e) != MaxEntries {
			b.Fatal(len(e), err)
		}
	}
}

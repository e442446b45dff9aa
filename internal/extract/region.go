package extract

import (
	"github.com/sitrep/sitrep/internal/model"
	"golang.org/x/net/html"
)

// Trafilatura costs about twice what readability does, much of it in work
// proportional to the whole page (metadata, cleaning, three copies of the
// tree). Since its job here is to vote on readability's blocks, it only
// needs to see the part of the page readability took them from, with the
// markup (classes, ids, link density) it judges by.

// anchorWords is how many words of a block are looked up in the page to
// find where the block came from: enough to be unique on a page.
const anchorWords = 6

// region returns the smallest element of doc that holds both the start of
// the first block and the end of the last block (of those with at least
// anchorWords words), or nil when they cannot be found.
func region(doc *html.Node, blocks []model.Block) *html.Node {
	var first, last []string
	for _, b := range blocks {
		if w := words(b.Text); len(w) >= anchorWords {
			if first == nil {
				first = w[:anchorWords]
			}
			last = w[len(w)-anchorWords:]
		}
	}
	if first == nil {
		return nil
	}
	// The page's words, each with the text node it is in.
	var toks []string
	var owners []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			for _, w := range words(n.Data) {
				toks = append(toks, w)
				owners = append(owners, n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	start := indexWords(toks, first, 0, false)
	end := indexWords(toks, last, 0, true)
	if start < 0 || end < 0 {
		return nil
	}
	a, b := owners[start], owners[end+anchorWords-1]
	if end < start {
		a, b = b, a
	}
	return commonAncestor(a, b)
}

// indexWords finds seq in toks: the first occurrence, or the last if fromEnd.
func indexWords(toks, seq []string, from int, fromEnd bool) int {
	match := func(i int) bool {
		for j, w := range seq {
			if toks[i+j] != w {
				return false
			}
		}
		return true
	}
	if fromEnd {
		for i := len(toks) - len(seq); i >= from; i-- {
			if match(i) {
				return i
			}
		}
		return -1
	}
	for i := from; i+len(seq) <= len(toks); i++ {
		if match(i) {
			return i
		}
	}
	return -1
}

func commonAncestor(a, b *html.Node) *html.Node {
	seen := map[*html.Node]bool{}
	for n := a; n != nil; n = n.Parent {
		seen[n] = true
	}
	for n := b; n != nil; n = n.Parent {
		if seen[n] && n.Type == html.ElementNode {
			return n
		}
	}
	return nil
}

// standalone moves n out of its tree into a document of its own. Its
// ancestors come along as empty shells (tag and attributes, no other
// children): trafilatura looks for the article by the containers it sits
// in (<article>, <main>, class="post-content"...).
func standalone(n *html.Node) *html.Node {
	if n.Data == "body" || n.Data == "html" {
		return n.Parent // already the whole page
	}
	doc := &html.Node{Type: html.DocumentNode}
	top := doc
	var chain []*html.Node
	for a := n.Parent; a != nil && a.Type == html.ElementNode; a = a.Parent {
		chain = append(chain, a)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		a := chain[i]
		shell := &html.Node{Type: html.ElementNode, DataAtom: a.DataAtom, Data: a.Data, Namespace: a.Namespace, Attr: a.Attr}
		top.AppendChild(shell)
		top = shell
	}
	n.Parent.RemoveChild(n)
	top.AppendChild(n)
	return doc
}

// clone copies the tree under n.
func clone(n *html.Node) *html.Node {
	c := &html.Node{Type: n.Type, DataAtom: n.DataAtom, Data: n.Data, Namespace: n.Namespace, Attr: n.Attr}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		c.AppendChild(clone(ch))
	}
	return c
}

package storetest

import (
	"errors"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// testCopy: a dump loaded into a new store gives back the same sources
// with their state, users, tokens and articles with their keys, feeds,
// facts and stories; a second load is refused; a failing load leaves the
// new store empty.
func testCopy(t *testing.T, src store.Store, open func(*testing.T) store.Store) {
	ctx := t.Context()
	ids := factsCorpus(t, src)
	mustReport(t, src, "Interpol", store.PollResult{At: t0, ETag: `"e1"`, LastModified: "Sat, 01 Mar 2025 10:00:00 GMT",
		NextDue: t0.Add(time.Hour), ArticleErr: "1 of 3 articles failed"})
	mustReport(t, src, "Europol", store.PollResult{At: t0, Err: "GET x: 503", NextDue: t0.Add(2 * time.Hour)})
	if err := src.SetPaused(ctx, "Europol", true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := src.SaveArticle(ctx, store.Save{Article: model.Article{Title: "From a digest", Blocks: []model.Block{{Kind: model.Paragraph, Text: "Imported text."}}},
		Feed: "Old digest", Keys: []string{"import:abc"}, Imported: true}); err != nil {
		t.Fatal(err)
	}
	if err := src.SetPassword(ctx, "alice", "$2a$10$hash"); err != nil {
		t.Fatal(err)
	}
	if err := src.CreateToken(ctx, "ci", "tokenhash"); err != nil {
		t.Fatal(err)
	}

	var dump []store.Record
	if err := src.Dump(ctx, func(r store.Record) error { dump = append(dump, r); return nil }); err != nil {
		t.Fatalf("Dump: %v", err)
	}
	dst := open(t)
	if err := dst.Load(ctx, records(dump)); err != nil {
		t.Fatalf("Load: %v", err)
	}

	// Sources, with their state.
	want, got := mustSources(t, src), mustSources(t, dst)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sources after copy:\n got %+v\nwant %+v", got, want)
	}
	// Articles, by identity.
	all := mustArticles(t, src, store.Filter{Order: store.ByImported, Limit: 1000})
	if n := len(mustArticles(t, dst, store.Filter{Order: store.ByImported, Limit: 1000})); n != len(all) {
		t.Errorf("%d articles copied, want %d", n, len(all))
	}
	for _, a := range all {
		var rec store.ArticleRecord
		for _, r := range dump {
			if r.Article != nil && r.Article.Article.ID == a.ID {
				rec = *r.Article
			}
		}
		ref, err := dst.FindArticle(ctx, rec.Identity)
		if err != nil {
			t.Errorf("%q: not found by its identity %q: %v", a.Title, rec.Identity, err)
			continue
		}
		b := mustArticle(t, dst, ref.ID)
		a := mustArticle(t, src, a.ID)
		if b.Title != a.Title || b.URL != a.URL || !b.Published.Equal(a.Published) || !b.Fetched.Equal(a.Fetched) ||
			!b.Updated.Equal(a.Updated) || b.SummaryOnly != a.SummaryOnly || !reflect.DeepEqual(b.Blocks, a.Blocks) ||
			!reflect.DeepEqual(b.Feeds, a.Feeds) || b.Source != a.Source {
			t.Errorf("%q changed by the copy:\n got %+v\nwant %+v", a.Title, b, a)
		}
		if !reflect.DeepEqual(b.Facts, a.Facts) {
			t.Errorf("%q: facts %+v, want %+v", a.Title, b.Facts, a.Facts)
		}
		if b.Story.Title != a.Story.Title || b.Story.Articles != a.Story.Articles {
			t.Errorf("%q: story %+v, want %+v", a.Title, b.Story, a.Story)
		}
		for _, k := range rec.Keys {
			if r, err := dst.FindArticle(ctx, k); err != nil || r.ID != ref.ID {
				t.Errorf("%q: key %q leads to %v, %v", a.Title, k, r.ID, err)
			}
		}
		fa, err := src.ArticleFeeds(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		fb, err := dst.ArticleFeeds(ctx, ref.ID)
		if err != nil || !reflect.DeepEqual(fb, fa) {
			t.Errorf("%q: feed listings %+v, %v; want %+v", a.Title, fb, err, fa)
		}
	}
	if _, ok := ids["Operation Jackal strikes again"]; !ok {
		t.Fatal("the corpus changed: no Jackal article")
	}
	// Users and tokens.
	if h, err := dst.PasswordHash(ctx, "alice"); err != nil || h != "$2a$10$hash" {
		t.Errorf("alice's hash after copy: %q, %v", h, err)
	}
	if tok, err := dst.TokenByHash(ctx, "tokenhash", t0); err != nil || tok.Name != "ci" {
		t.Errorf("token after copy: %+v, %v", tok, err)
	}

	if err := dst.Load(ctx, records(dump)); !errors.Is(err, store.ErrNotEmpty) {
		t.Errorf("second Load: %v, want ErrNotEmpty", err)
	}
	// A load that fails half-way leaves nothing behind.
	empty := open(t)
	boom := errors.New("read error")
	n := 0
	err := empty.Load(ctx, func() (store.Record, error) {
		if n == len(dump)/2 {
			return store.Record{}, boom
		}
		n++
		return dump[n-1], nil
	})
	if !errors.Is(err, boom) {
		t.Errorf("failing Load: %v, want the reader's error", err)
	}
	if srcs := mustSources(t, empty); len(srcs) != 0 {
		t.Errorf("a failed Load left %d sources", len(srcs))
	}
	if arts := mustArticles(t, empty, store.Filter{Limit: 10}); len(arts) != 0 {
		t.Errorf("a failed Load left %d articles", len(arts))
	}
}

// records returns Load's reader over a dump.
func records(dump []store.Record) func() (store.Record, error) {
	i := 0
	return func() (store.Record, error) {
		if i == len(dump) {
			return store.Record{}, io.EOF
		}
		i++
		return dump[i-1], nil
	}
}

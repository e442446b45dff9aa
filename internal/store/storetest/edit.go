package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/store"
)

func testSeedSources(t *testing.T, s store.Store) {
	ctx := t.Context()
	seeded, err := s.SeedSources(ctx, sources("A", "B"))
	if err != nil || !seeded {
		t.Fatalf("first SeedSources = %v, %v; want true, nil", seeded, err)
	}
	if got, want := stateNames(mustSources(t, s)), []string{"A", "B"}; !slices.Equal(got, want) {
		t.Fatalf("after seeding: %v, want %v", got, want)
	}
	// Deleting every source must not bring the defaults back.
	for _, n := range []string{"A", "B"} {
		if err := s.DeleteSource(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	seeded, err = s.SeedSources(ctx, sources("A", "B", "C"))
	if err != nil || seeded {
		t.Fatalf("second SeedSources = %v, %v; want false, nil", seeded, err)
	}
	if got := mustSources(t, s); len(got) != 0 {
		t.Fatalf("seeded again: %v", stateNames(got))
	}
}

func testSeedAfterSync(t *testing.T, s store.Store) {
	mustSync(t, s, sources("X"))
	if seeded, err := s.SeedSources(t.Context(), sources("A")); err != nil || seeded {
		t.Fatalf("SeedSources after SyncSources = %v, %v; want false, nil", seeded, err)
	}
}

func testCreateSource(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustSync(t, s, sources("A", "B"))
	if err := s.CreateSource(ctx, sources("C")[0]); err != nil {
		t.Fatal(err)
	}
	if got, want := stateNames(mustSources(t, s)), []string{"A", "B", "C"}; !slices.Equal(got, want) {
		t.Fatalf("after create: %v, want %v (appended)", got, want)
	}
	if got := mustClaim(t, s, t0, 10, time.Minute); !slices.Contains(got, "C") {
		t.Errorf("a new source is not due at once: claimed %v", got)
	}
	if err := s.CreateSource(ctx, sources("A")[0]); !errors.Is(err, store.ErrConflict) {
		t.Errorf("creating a taken name: %v, want ErrConflict", err)
	}
	if seeded, _ := s.SeedSources(ctx, sources("Z")); seeded {
		t.Error("SeedSources seeded a store that had sources created")
	}
}

func testUpdateSource(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustSync(t, s, sources("A", "B"))
	mustReport(t, s, "A", store.PollResult{At: t0, ETag: `"1"`, LastModified: "Mon", NextDue: t0.Add(time.Hour), FeedURL: "https://example.org/A/real.xml"})
	id, _ := mustSave(t, s, store.Save{Article: article("https://example.org/1", "One", t0), Feed: "A",
		Keys: []string{store.SourceKey(store.KeyFingerprint, "A", "f1"), store.SourceKey(store.KeyGUID, "A", "g1"), store.SourceKey(store.KeyGUID, "AB", "g2")}})

	// A new interval keeps validators and state.
	src := sources("A")[0]
	src.Interval = time.Hour
	if err := s.UpdateSource(ctx, "A", src); err != nil {
		t.Fatal(err)
	}
	got := mustSource(t, s, "A")
	if got.Interval != time.Hour || got.ETag != `"1"` || got.FeedURL == "" || !got.NextDue.Equal(t0.Add(time.Hour)) {
		t.Errorf("interval change: %+v; want interval 1h, validators, feed and due time kept", got)
	}
	// A new URL forgets them.
	src.URL = "https://example.org/A/other.xml"
	if err := s.UpdateSource(ctx, "A", src); err != nil {
		t.Fatal(err)
	}
	if got := mustSource(t, s, "A"); got.ETag != "" || got.LastModified != "" || got.FeedURL != "" {
		t.Errorf("URL change kept validators or feed: %+v", got)
	}
	// Renaming carries the articles and the position.
	src.Name = "A2"
	if err := s.UpdateSource(ctx, "A", src); err != nil {
		t.Fatal(err)
	}
	if got, want := stateNames(mustSources(t, s)), []string{"A2", "B"}; !slices.Equal(got, want) {
		t.Errorf("after rename: %v, want %v", got, want)
	}
	if a := mustArticle(t, s, id); a.Source != "A2" || !slices.Equal(a.Feeds, []string{"A2"}) {
		t.Errorf("renamed source's article: source %q feeds %v, want A2", a.Source, a.Feeds)
	}
	if got := mustSource(t, s, "A2"); got.Articles != 1 {
		t.Errorf("renamed source counts %d articles, want 1", got.Articles)
	}
	// Its source-scoped keys follow it (else its next poll would take
	// every entry for new); another source's keys stay.
	for key, want := range map[string]bool{
		store.SourceKey(store.KeyFingerprint, "A2", "f1"): true, store.SourceKey(store.KeyGUID, "A2", "g1"): true,
		store.SourceKey(store.KeyFingerprint, "A", "f1"): false, store.SourceKey(store.KeyGUID, "AB", "g2"): true,
	} {
		ref, err := s.FindArticle(ctx, key)
		if found := err == nil && ref.ID == id; found != want {
			t.Errorf("after rename, key %q found: %v, want %v (%v)", key, found, want, err)
		}
	}
	// Names with letters beyond ASCII too.
	src2 := src
	src2.Name = "Ünïcødé"
	if err := s.UpdateSource(ctx, "A2", src2); err != nil {
		t.Fatal(err)
	}
	if ref, err := s.FindArticle(ctx, store.SourceKey(store.KeyGUID, "Ünïcødé", "g1")); err != nil || ref.ID != id {
		t.Errorf("after a rename to a non-ASCII name the GUID key is lost: %v", err)
	}
	src2.Name = "A2"
	if err := s.UpdateSource(ctx, "Ünïcødé", src2); err != nil {
		t.Fatal(err)
	}
	// Errors.
	if err := s.UpdateSource(ctx, "nope", src); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("updating an unknown source: %v, want ErrNotFound", err)
	}
	src.Name = "B"
	if err := s.UpdateSource(ctx, "A2", src); !errors.Is(err, store.ErrConflict) {
		t.Errorf("renaming onto a taken name: %v, want ErrConflict", err)
	}
}

func testDeleteSource(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustSync(t, s, sources("A", "B"))
	id, _ := mustSave(t, s, store.Save{Article: article("https://example.org/1", "One", t0), Feed: "A"})
	if err := s.DeleteSource(ctx, "A"); err != nil {
		t.Fatal(err)
	}
	if got, want := stateNames(mustSources(t, s)), []string{"B"}; !slices.Equal(got, want) {
		t.Errorf("after delete: %v, want %v", got, want)
	}
	if a := mustArticle(t, s, id); !slices.Equal(a.Feeds, []string{"A"}) {
		t.Errorf("a deleted source's article lost its feed: %v", a.Feeds)
	}
	if err := s.DeleteSource(ctx, "A"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting twice: %v, want ErrNotFound", err)
	}
	// The name can be used again and finds its articles.
	if err := s.CreateSource(ctx, sources("A")[0]); err != nil {
		t.Fatal(err)
	}
	if got := mustSource(t, s, "A"); got.Articles != 1 {
		t.Errorf("re-created source counts %d articles, want 1", got.Articles)
	}
}

func testPollNow(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustSync(t, s, sources("A", "B"))
	dueAt(t, s, map[string]time.Time{"A": t0.Add(time.Hour), "B": t0.Add(time.Hour)})
	if err := s.PollNow(ctx, "B"); err != nil {
		t.Fatal(err)
	}
	if got, want := mustClaim(t, s, t0, 10, time.Minute), []string{"B"}; !slices.Equal(got, want) {
		t.Errorf("claimed %v after PollNow(B), want %v", got, want)
	}
	if err := s.PollNow(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PollNow of an unknown source: %v, want ErrNotFound", err)
	}
}

func testWeeklyCounts(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustSync(t, s, sources("A", "B"))
	// 2025-03-01 is a Saturday: its week starts Monday 2025-02-24.
	mon := time.Date(2025, 2, 24, 0, 0, 0, 0, time.UTC)
	saves := []struct {
		url  string
		feed string
		at   time.Time
	}{
		{"https://example.org/1", "A", t0},
		{"https://example.org/2", "A", mon},                    // Monday 00:00: same week
		{"https://example.org/3", "A", mon.Add(-time.Second)},  // Sunday: the week before
		{"https://example.org/4", "B", t0.Add(48 * time.Hour)}, // Monday after
		{"https://example.org/5", "B", mon.AddDate(0, 0, -30)}, // before since
		{"https://example.org/1", "B", t0},                     // listed by both
	}
	for _, sv := range saves {
		mustSave(t, s, store.Save{Article: article(sv.url, "T "+sv.url, sv.at), Feed: sv.feed})
	}
	got, err := s.WeeklyCounts(ctx, mon.AddDate(0, 0, -7))
	if err != nil {
		t.Fatal(err)
	}
	want := []store.WeekCount{
		{Source: "A", Week: mon.AddDate(0, 0, -7), N: 1},
		{Source: "A", Week: mon, N: 2},
		{Source: "B", Week: mon, N: 1},
		{Source: "B", Week: mon.AddDate(0, 0, 7), N: 1},
	}
	if !slices.Equal(got, want) {
		t.Errorf("WeeklyCounts:\n got %v\nwant %v", got, want)
	}
	// Each source knows the day of its oldest article.
	for name, day := range map[string]time.Time{"A": mon.AddDate(0, 0, -1), "B": mon.AddDate(0, 0, -30)} {
		if got := mustSource(t, s, name).FirstArticle; !got.Equal(day) {
			t.Errorf("source %s: FirstArticle %v, want %v", name, got, day)
		}
	}
}

func testArticleFeeds(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustSync(t, s, sources("A", "B"))
	id, _ := mustSave(t, s, store.Save{Article: article("https://example.org/1", "One", t0), Feed: "B"})
	time.Sleep(3 * time.Millisecond)
	mustSave(t, s, store.Save{Article: article("https://example.org/1", "One", t0), Feed: "A"})
	got, err := s.ArticleFeeds(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Feed != "A" || got[1].Feed != "B" || !got[1].FirstSeen.Before(got[0].FirstSeen) {
		t.Errorf("ArticleFeeds = %+v; want A then B (sources order), B seen first", got)
	}
	if _, err := s.ArticleFeeds(ctx, id+100); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ArticleFeeds of an unknown article: %v, want ErrNotFound", err)
	}
}

func testAuth(t *testing.T, s store.Store) {
	ctx := t.Context()
	if _, err := s.PasswordHash(ctx, "ann"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("PasswordHash of nobody: %v, want ErrNotFound", err)
	}
	if err := s.SetPassword(ctx, "ann", "h1"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, store.Session{Hash: "s1", User: "ann", Created: t0, Expires: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if se, err := s.SessionByHash(ctx, "s1", t0.Add(time.Minute)); err != nil || se.User != "ann" || !se.Expires.Equal(t0.Add(time.Hour)) {
		t.Errorf("SessionByHash = %+v, %v", se, err)
	}
	if _, err := s.SessionByHash(ctx, "s1", t0.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an expired session: %v, want ErrNotFound", err)
	}
	// A new password ends the sessions.
	if err := s.SetPassword(ctx, "ann", "h2"); err != nil {
		t.Fatal(err)
	}
	if h, err := s.PasswordHash(ctx, "ann"); err != nil || h != "h2" {
		t.Errorf("PasswordHash = %q, %v; want h2", h, err)
	}
	if _, err := s.SessionByHash(ctx, "s1", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session after a password change: %v, want ErrNotFound", err)
	}
	s.CreateSession(ctx, store.Session{Hash: "s2", User: "ann", Created: t0, Expires: t0.Add(time.Hour)})
	if err := s.DeleteSession(ctx, "s2", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionByHash(ctx, "s2", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("session after sign-out: %v, want ErrNotFound", err)
	}
	if err := s.SetPassword(ctx, "bob", "h3"); err != nil {
		t.Fatal(err)
	}
	if users, err := s.Users(ctx); err != nil || !slices.Equal(users, []string{"ann", "bob"}) {
		t.Errorf("Users = %v, %v", users, err)
	}

	// Tokens.
	if err := s.CreateToken(ctx, "script", "th1"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateToken(ctx, "script", "th2"); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a taken token name: %v, want ErrConflict", err)
	}
	tok, err := s.TokenByHash(ctx, "th1", t0)
	if err != nil || tok.Name != "script" || !tok.LastUsed.Equal(t0) {
		t.Errorf("TokenByHash = %+v, %v; want script, last used now", tok, err)
	}
	if _, err := s.TokenByHash(ctx, "nope", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown token: %v, want ErrNotFound", err)
	}
	if toks, err := s.Tokens(ctx); err != nil || len(toks) != 1 || toks[0].Name != "script" {
		t.Errorf("Tokens = %+v, %v", toks, err)
	}
	if err := s.DeleteToken(ctx, "script"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenByHash(ctx, "th1", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked token: %v, want ErrNotFound", err)
	}
	if err := s.DeleteToken(ctx, "script"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking twice: %v, want ErrNotFound", err)
	}
}

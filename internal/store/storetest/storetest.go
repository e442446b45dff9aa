// Package storetest is the conformance suite of store.Store: every
// implementation (SQLite, PostgreSQL...) runs Run from its own tests and
// must pass it unchanged, so the rest of sitrep can rely on the contract
// written in package store, not on one engine's behaviour.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/model"
	"github.com/sitrep/sitrep/internal/store"
)

// t0 is the suite's fixed "now" for polling state; stores stamp Fetched and
// Updated with their own clock, which must advance (the suite sleeps a few
// milliseconds where it needs a later stamp).
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// Run runs the suite. open must return a new, empty store for each call and
// arrange for it to be closed when the test ends (t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"SyncSources/AddUpdateRemove", testSyncAddUpdateRemove},
		{"SyncSources/KeepsState", testSyncKeepsState},
		{"SyncSources/DuplicateName", testSyncDuplicate},
		{"Source/NotFound", testSourceNotFound},
		{"ClaimDue/Order", testClaimOrder},
		{"ClaimDue/Limit", testClaimLimit},
		{"ClaimDue/Lease", testClaimLease},
		{"ClaimDue/Paused", testClaimPaused},
		{"ClaimDue/Release", testClaimRelease},
		{"ClaimDue/Renew", testClaimRenew},
		{"ReportPoll/Failures", testReportFailures},
		{"ReportPoll/Validators", testReportValidators},
		{"ReportPoll/NotFound", testReportNotFound},
		{"ReportPoll/ArticleErr", testReportArticleErr},
		{"SaveArticle/Outcomes", testSaveOutcomes},
		{"SaveArticle/Identity", testSaveIdentity},
		{"SaveArticle/NoURL", testSaveNoURL},
		{"SaveArticle/Feeds", testSaveFeeds},
		{"SaveArticle/BlocksRoundTrip", testBlocksRoundTrip},
		{"SaveArticle/Concurrent", testSaveConcurrent},
		{"SaveArticle/ConcurrentDistinct", testSaveConcurrentDistinct},
		{"FindArticle", testFindArticle},
		{"Article/NotFound", testArticleNotFound},
		{"Articles/Order", testArticlesOrder},
		{"Articles/Filter", testArticlesFilter},
		{"Articles/Imported", testArticlesImported},
		{"ArticleFeeds", testArticleFeeds},
		{"SeedSources", testSeedSources},
		{"SeedSources/AfterSync", testSeedAfterSync},
		{"CreateSource", testCreateSource},
		{"UpdateSource", testUpdateSource},
		{"DeleteSource", testDeleteSource},
		{"PollNow", testPollNow},
		{"WeeklyCounts", testWeeklyCounts},
		{"Auth", testAuth},
		{"Search/Language", testSearchLanguage},
		{"Search/Relevance", testSearchRelevance},
		{"Search/Paging", testSearchPaging},
		{"Search/Facets", testSearchFacets},
		{"Search/Notes", testSearchNotes},
		{"Search/FollowsUpdates", testSearchFollowsUpdates},
		{"Facts/RoundTrip", testFactsRoundTrip},
		{"Facts/Filters", testFactsFilters},
		{"Facts/EnrichQueue", testFactsEnrichQueue},
		{"Facts/Counts", testFactsCounts},
		{"Facts/WithSave", testFactsWithSave},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
	t.Run("Copy/RoundTrip", func(t *testing.T) { testCopy(t, open(t), open) })
}

func sources(names ...string) []model.Source {
	var out []model.Source
	for i, n := range names {
		out = append(out, model.Source{
			Name: n, URL: "https://example.org/" + n + "/feed.xml", Type: model.SourceFeed,
			Interval: 15 * time.Minute, Position: i,
		})
	}
	return out
}

func mustSync(t *testing.T, s store.Store, srcs []model.Source) {
	t.Helper()
	if err := s.SyncSources(t.Context(), srcs); err != nil {
		t.Fatalf("SyncSources: %v", err)
	}
}

func mustSources(t *testing.T, s store.Store) []model.SourceState {
	t.Helper()
	got, err := s.Sources(t.Context())
	if err != nil {
		t.Fatalf("Sources: %v", err)
	}
	return got
}

func mustSource(t *testing.T, s store.Store, name string) model.SourceState {
	t.Helper()
	got, err := s.Source(t.Context(), name)
	if err != nil {
		t.Fatalf("Source(%q): %v", name, err)
	}
	return got
}

func mustClaim(t *testing.T, s store.Store, now time.Time, limit int, lease time.Duration) []string {
	t.Helper()
	got, err := s.ClaimDue(t.Context(), now, limit, lease)
	if err != nil {
		t.Fatalf("ClaimDue(%v, %d, %v): %v", now, limit, lease, err)
	}
	return stateNames(got)
}

func mustReport(t *testing.T, s store.Store, name string, r store.PollResult) {
	t.Helper()
	if err := s.ReportPoll(t.Context(), name, r); err != nil {
		t.Fatalf("ReportPoll(%q): %v", name, err)
	}
}

func mustSave(t *testing.T, s store.Store, sv store.Save) (int64, store.Outcome) {
	t.Helper()
	id, out, err := s.SaveArticle(t.Context(), sv)
	if err != nil {
		t.Fatalf("SaveArticle(%s): %v", sv.Article.URL, err)
	}
	if id <= 0 {
		t.Fatalf("SaveArticle(%s): id %d, want > 0", sv.Article.URL, id)
	}
	return id, out
}

func mustArticle(t *testing.T, s store.Store, id int64) model.Article {
	t.Helper()
	a, err := s.Article(t.Context(), id)
	if err != nil {
		t.Fatalf("Article(%d): %v", id, err)
	}
	return a
}

func mustArticles(t *testing.T, s store.Store, f store.Filter) []model.Article {
	t.Helper()
	got, err := s.Articles(t.Context(), f)
	if err != nil {
		t.Fatalf("Articles(%+v): %v", f, err)
	}
	return got
}

func stateNames(ss []model.SourceState) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Name)
	}
	return out
}

func urls(as []model.Article) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.URL)
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

// article is a simple dated article at url.
func article(url, title string, published time.Time) model.Article {
	return model.Article{
		URL: url, Title: title, Published: published,
		Blocks: []model.Block{{Kind: model.Paragraph, Text: "Body of " + title + "."}},
	}
}

func testSyncAddUpdateRemove(t *testing.T, s store.Store) {
	ctx := t.Context()
	first := []model.Source{
		{Name: "C", URL: "https://c.example/feed", Type: model.SourceFeed, Position: 2},
		{Name: "A", URL: "https://a.example/feed", Type: model.SourceFeed, Position: 0, Interval: time.Hour},
		{Name: "B", URL: "https://b.example/news/", Type: model.SourceHTML, Links: "div.alist a.title",
			Position: 1, PerHost: 2, HostDelay: 1500 * time.Millisecond},
	}
	mustSync(t, s, first)
	got := mustSources(t, s)
	if want := []string{"A", "B", "C"}; !slices.Equal(stateNames(got), want) {
		t.Fatalf("Sources() = %v, want %v (Position order)", stateNames(got), want)
	}
	for _, st := range got {
		i := slices.IndexFunc(first, func(src model.Source) bool { return src.Name == st.Name })
		if st.Source != first[i] {
			t.Errorf("Sources(): %q = %+v, want %+v", st.Name, st.Source, first[i])
		}
		if st.Paused || st.Failures != 0 || st.ETag != "" || st.LastError != "" || st.Articles != 0 {
			t.Errorf("Sources(): new source %q has state %+v", st.Name, st)
		}
	}
	// New sources are due at once.
	if got, want := sorted(mustClaim(t, s, t0, 10, time.Minute)), []string{"A", "B", "C"}; !slices.Equal(got, want) {
		t.Errorf("ClaimDue after first sync = %v, want %v", got, want)
	}

	second := []model.Source{
		{Name: "D", URL: "https://d.example/atom", Type: model.SourceFeed, Position: 0},
		{Name: "B", URL: "https://b.example/news/", Type: model.SourceHTML, Links: "ul.news a",
			Position: 1, Interval: 30 * time.Minute},
		{Name: "A", URL: "https://a.example/feed", Type: model.SourceFeed, Position: 2, Interval: 2 * time.Hour},
	}
	mustSync(t, s, second)
	got = mustSources(t, s)
	if want := []string{"D", "B", "A"}; !slices.Equal(stateNames(got), want) {
		t.Fatalf("Sources() after resync = %v, want %v", stateNames(got), want)
	}
	for i, st := range got {
		if st.Source != second[i] {
			t.Errorf("Sources() after resync: %q = %+v, want %+v", st.Name, st.Source, second[i])
		}
	}
	if _, err := s.Source(ctx, "C"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Source(removed) error = %v, want ErrNotFound", err)
	}
	if b := mustSource(t, s, "B"); b.Links != "ul.news a" || b.Interval != 30*time.Minute {
		t.Errorf("Source(B) = %+v, want updated settings", b.Source)
	}
	// D is new, so due at once; A and B are still leased from the claim above.
	if got, want := mustClaim(t, s, t0.Add(time.Second), 10, time.Minute), []string{"D"}; !slices.Equal(got, want) {
		t.Errorf("ClaimDue after resync = %v, want %v", got, want)
	}

	mustSync(t, s, nil)
	if got := mustSources(t, s); len(got) != 0 {
		t.Errorf("Sources() after syncing none = %v, want none", stateNames(got))
	}
}

func testSyncKeepsState(t *testing.T, s store.Store) {
	ctx := t.Context()
	srcs := sources("A", "B")
	mustSync(t, s, srcs)
	mustClaim(t, s, t0, 10, time.Minute)
	mustReport(t, s, "A", store.PollResult{At: t0.Add(time.Second), ETag: `"e1"`, LastModified: "Sat, 01 Mar 2025 11:00:00 GMT",
		NextDue: t0.Add(15 * time.Minute)})
	mustReport(t, s, "B", store.PollResult{At: t0.Add(2 * time.Second), Err: "HTTP 503", NextDue: t0.Add(5 * time.Minute)})
	if err := s.SetPaused(ctx, "B", true); err != nil {
		t.Fatalf("SetPaused: %v", err)
	}
	before := mustSources(t, s)

	srcs[0].Interval = time.Hour
	srcs[1].Links = "a.story"
	mustSync(t, s, srcs)
	after := mustSources(t, s)
	if len(after) != len(before) {
		t.Fatalf("Sources() after resync = %v, want %v", stateNames(after), stateNames(before))
	}
	for i := range after {
		want := before[i]
		want.Source = srcs[i]
		if !reflect.DeepEqual(after[i], want) {
			t.Errorf("after resync %q:\n got %+v\nwant %+v", want.Name, after[i], want)
		}
	}
	a := after[0]
	if a.ETag != `"e1"` || !a.NextDue.Equal(t0.Add(15*time.Minute)) || !a.LastSuccess.Equal(t0.Add(time.Second)) {
		t.Errorf("A state after resync = %+v", a)
	}
	if b := after[1]; b.Failures != 1 || b.LastError != "HTTP 503" {
		t.Errorf("B state after resync = %+v", b)
	}
}

func testSyncDuplicate(t *testing.T, s store.Store) {
	srcs := sources("A", "B")
	srcs[1].Name = "A"
	err := s.SyncSources(t.Context(), srcs)
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("SyncSources(duplicate names) error = %v, want ErrConflict", err)
	}
}

func testSourceNotFound(t *testing.T, s store.Store) {
	mustSync(t, s, sources("A"))
	if _, err := s.Source(t.Context(), "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Source(unknown) error = %v, want ErrNotFound", err)
	}
}

// dueAt makes each named source due at the given time.
func dueAt(t *testing.T, s store.Store, due map[string]time.Time) {
	t.Helper()
	for name, at := range due {
		mustReport(t, s, name, store.PollResult{At: t0.Add(-time.Hour), NextDue: at})
	}
}

func testClaimOrder(t *testing.T, s store.Store) {
	mustSync(t, s, sources("A", "B", "C", "D"))
	dueAt(t, s, map[string]time.Time{
		"A": t0.Add(3 * time.Minute), "B": t0.Add(time.Minute), "C": t0.Add(2 * time.Minute), "D": t0.Add(10 * time.Minute),
	})
	tests := []struct {
		now  time.Time
		want []string
	}{
		{t0, nil},
		{t0.Add(5 * time.Minute), []string{"B", "C", "A"}},
		{t0.Add(10 * time.Minute), []string{"D"}}, // due exactly now
	}
	for _, tt := range tests {
		if got := mustClaim(t, s, tt.now, 10, time.Hour); !slices.Equal(got, tt.want) {
			t.Errorf("ClaimDue(%v) = %v, want %v", tt.now, got, tt.want)
		}
	}
}

func testClaimLimit(t *testing.T, s store.Store) {
	mustSync(t, s, sources("A", "B", "C", "D"))
	dueAt(t, s, map[string]time.Time{
		"A": t0.Add(-4 * time.Minute), "B": t0.Add(-time.Minute), "C": t0.Add(-3 * time.Minute), "D": t0.Add(-2 * time.Minute),
	})
	tests := []struct {
		limit int
		want  []string
	}{
		{2, []string{"A", "C"}},
		{1, []string{"D"}},
		{5, []string{"B"}},
		{5, nil},
	}
	for _, tt := range tests {
		if got := mustClaim(t, s, t0, tt.limit, time.Hour); !slices.Equal(got, tt.want) {
			t.Errorf("ClaimDue(limit %d) = %v, want %v", tt.limit, got, tt.want)
		}
	}
}

func testClaimRelease(t *testing.T, s store.Store) {
	mustSync(t, s, sources("A", "B"))
	if got := mustClaim(t, s, t0, 10, time.Hour); !reflect.DeepEqual(got, []string{"A", "B"}) {
		t.Fatalf("ClaimDue = %v, want [A B]", got)
	}
	before := mustSource(t, s, "A")
	if err := s.Release(t.Context(), "A"); err != nil {
		t.Fatal(err)
	}
	if got := mustClaim(t, s, t0.Add(time.Minute), 10, time.Hour); !reflect.DeepEqual(got, []string{"A"}) {
		t.Errorf("ClaimDue after Release(A) = %v, want [A] (B still leased)", got)
	}
	after := mustSource(t, s, "A")
	if after.Failures != before.Failures || after.LastError != before.LastError || !after.LastAttempt.Equal(before.LastAttempt) {
		t.Errorf("Release changed the state: %+v -> %+v", before, after)
	}
	if err := s.Release(t.Context(), "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Release(unknown) = %v, want ErrNotFound", err)
	}
}

func testClaimLease(t *testing.T, s store.Store) {
	mustSync(t, s, sources("A", "B"))
	steps := []struct {
		name   string
		report string // report a poll of this source first, due again at t0
		now    time.Time
		want   []string
	}{
		{"first claim", "", t0, []string{"A", "B"}},
		{"leased", "", t0.Add(30 * time.Second), nil},
		{"report releases", "A", t0.Add(40 * time.Second), []string{"A"}},
		{"lease ran out", "", t0.Add(61 * time.Second), []string{"B"}},
	}
	for _, st := range steps {
		if st.report != "" {
			mustReport(t, s, st.report, store.PollResult{At: st.now, NextDue: t0})
		}
		if got := sorted(mustClaim(t, s, st.now, 10, time.Minute)); !slices.Equal(got, st.want) {
			t.Errorf("%s: ClaimDue(%v) = %v, want %v", st.name, st.now, got, st.want)
		}
	}
}

func testClaimPaused(t *testing.T, s store.Store) {
	p := s
	ctx := t.Context()
	mustSync(t, s, sources("A", "B", "C"))
	if err := p.SetPaused(ctx, "B", true); err != nil {
		t.Fatalf("SetPaused(B): %v", err)
	}
	if err := p.SetPaused(ctx, "nope", true); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetPaused(unknown) error = %v, want ErrNotFound", err)
	}
	if !mustSource(t, s, "B").Paused {
		t.Errorf("Source(B).Paused = false after pausing")
	}
	if got, want := sorted(mustClaim(t, s, t0, 10, time.Minute)), []string{"A", "C"}; !slices.Equal(got, want) {
		t.Errorf("ClaimDue with B paused = %v, want %v", got, want)
	}
	if got := mustClaim(t, s, t0.Add(time.Hour), 10, time.Minute); slices.Contains(got, "B") {
		t.Errorf("ClaimDue later = %v: paused B claimed", got)
	}
	if err := p.SetPaused(ctx, "B", false); err != nil {
		t.Fatalf("SetPaused(B, false): %v", err)
	}
	if got, want := mustClaim(t, s, t0.Add(2*time.Hour), 10, time.Minute), []string{"A", "B", "C"}; !slices.Equal(sorted(got), want) {
		t.Errorf("ClaimDue after resuming B = %v, want %v", got, want)
	}
}

func testReportFailures(t *testing.T, s store.Store) {
	mustSync(t, s, sources("A"))
	steps := []struct {
		r            store.PollResult
		failures     int
		lastError    string
		lastSuccess  time.Time
		wantNotFound bool
	}{
		{store.PollResult{At: t0, NextDue: t0.Add(time.Minute)}, 0, "", t0, false},
		{store.PollResult{At: t0.Add(1 * time.Minute), Err: "timeout", NextDue: t0.Add(2 * time.Minute)}, 1, "timeout", t0, false},
		{store.PollResult{At: t0.Add(2 * time.Minute), Err: "HTTP 500", NextDue: t0.Add(4 * time.Minute)}, 2, "HTTP 500", t0, false},
		{store.PollResult{At: t0.Add(3 * time.Minute), NotModified: true, NextDue: t0.Add(5 * time.Minute)}, 0, "", t0.Add(3 * time.Minute), false},
		{store.PollResult{At: t0.Add(4 * time.Minute), Err: "dns", NextDue: t0.Add(6 * time.Minute)}, 1, "dns", t0.Add(3 * time.Minute), false},
	}
	for i, st := range steps {
		mustClaim(t, s, st.r.At, 1, time.Minute)
		mustReport(t, s, "A", st.r)
		got := mustSource(t, s, "A")
		if got.Failures != st.failures || got.LastError != st.lastError || !got.LastSuccess.Equal(st.lastSuccess) ||
			!got.LastAttempt.Equal(st.r.At) || !got.NextDue.Equal(st.r.NextDue) {
			t.Errorf("step %d: state = failures %d, error %q, success %v, attempt %v, due %v; want %d, %q, %v, %v, %v",
				i, got.Failures, got.LastError, got.LastSuccess.UTC(), got.LastAttempt.UTC(), got.NextDue.UTC(),
				st.failures, st.lastError, st.lastSuccess, st.r.At, st.r.NextDue)
		}
	}
}

func testReportValidators(t *testing.T, s store.Store) {
	mustSync(t, s, sources("A"))
	steps := []struct {
		r            store.PollResult
		etag, lastMd string
	}{
		{store.PollResult{ETag: `"v1"`, LastModified: "Sat, 01 Mar 2025 10:00:00 GMT"}, `"v1"`, "Sat, 01 Mar 2025 10:00:00 GMT"},
		{store.PollResult{NotModified: true}, `"v1"`, "Sat, 01 Mar 2025 10:00:00 GMT"},
		{store.PollResult{NotModified: true, ETag: `"v2"`}, `"v2"`, "Sat, 01 Mar 2025 10:00:00 GMT"},
		{store.PollResult{ETag: `"v3"`}, `"v3"`, ""},
	}
	for i, st := range steps {
		st.r.At = t0.Add(time.Duration(i) * time.Minute)
		st.r.NextDue = st.r.At.Add(time.Minute)
		mustReport(t, s, "A", st.r)
		if got := mustSource(t, s, "A"); got.ETag != st.etag || got.LastModified != st.lastMd {
			t.Errorf("step %d: validators = %q, %q; want %q, %q", i, got.ETag, got.LastModified, st.etag, st.lastMd)
		}
	}

	// The feed a page advertises: stored on success, kept on failure,
	// cleared by a success without it, and forgotten with a new URL.
	feedSteps := []struct {
		r    store.PollResult
		want string
	}{
		{store.PollResult{FeedURL: "https://example.org/A/rss"}, "https://example.org/A/rss"},
		{store.PollResult{Err: "HTTP 500"}, "https://example.org/A/rss"},
		{store.PollResult{NotModified: true, FeedURL: "https://example.org/A/rss"}, "https://example.org/A/rss"},
		{store.PollResult{}, ""},
		{store.PollResult{FeedURL: "https://example.org/A/atom"}, "https://example.org/A/atom"},
	}
	for i, st := range feedSteps {
		st.r.At = t0.Add(time.Hour + time.Duration(i)*time.Minute)
		mustReport(t, s, "A", st.r)
		if got := mustSource(t, s, "A").FeedURL; got != st.want {
			t.Errorf("feed step %d: FeedURL = %q, want %q", i, got, st.want)
		}
	}
	mustReport(t, s, "A", store.PollResult{At: t0.Add(2 * time.Hour), ETag: `"v9"`, FeedURL: "https://example.org/A/rss"})
	reselected := sources("A")
	reselected[0].Links = "div.news a"
	mustSync(t, s, reselected)
	if got := mustSource(t, s, "A"); got.ETag != "" || got.FeedURL != "https://example.org/A/rss" {
		t.Errorf("after a selector change: ETag %q, FeedURL %q; want no ETag, the feed kept", got.ETag, got.FeedURL)
	}
	moved := sources("A")
	moved[0].URL = "https://example.org/elsewhere"
	mustSync(t, s, moved)
	if got := mustSource(t, s, "A"); got.FeedURL != "" || got.ETag != "" {
		t.Errorf("after a URL change: FeedURL %q, ETag %q; want both empty", got.FeedURL, got.ETag)
	}
}

func testReportNotFound(t *testing.T, s store.Store) {
	mustSync(t, s, sources("A"))
	err := s.ReportPoll(t.Context(), "nope", store.PollResult{At: t0, NextDue: t0})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ReportPoll(unknown) error = %v, want ErrNotFound", err)
	}
}

func testSaveOutcomes(t *testing.T, s store.Store) {
	mustSync(t, s, sources("NATO"))
	base := article("https://nato.example/a1", "Ministers meet", t0.Add(-time.Hour))
	id, out := mustSave(t, s, store.Save{Article: base, Feed: "NATO"})
	if out != store.Created {
		t.Fatalf("first SaveArticle outcome = %v, want %v", out, store.Created)
	}
	first := mustArticle(t, s, id)
	if first.ID != id || first.URL != base.URL || first.Title != base.Title || !first.Published.Equal(base.Published) ||
		first.SummaryOnly || !reflect.DeepEqual(first.Blocks, base.Blocks) || first.Source != "NATO" ||
		!slices.Equal(first.Feeds, []string{"NATO"}) {
		t.Errorf("Article after create = %+v, want %+v from NATO", first, base)
	}
	if first.Fetched.IsZero() || !first.Updated.Equal(first.Fetched) {
		t.Errorf("after create Fetched = %v, Updated = %v; want set and equal", first.Fetched, first.Updated)
	}

	changes := []struct {
		name   string
		change func(a *model.Article)
		want   store.Outcome
	}{
		{"identical", func(a *model.Article) {}, store.Unchanged},
		{"title", func(a *model.Article) { a.Title = "Ministers met" }, store.Updated},
		{"same again", func(a *model.Article) {}, store.Unchanged},
		{"published", func(a *model.Article) { a.Published = a.Published.Add(time.Minute) }, store.Updated},
		{"published in another zone", func(a *model.Article) { a.Published = a.Published.In(time.FixedZone("CET", 3600)) }, store.Unchanged},
		{"undated", func(a *model.Article) { a.Published = time.Time{} }, store.Updated},
		{"summary flag", func(a *model.Article) { a.SummaryOnly = true }, store.Updated},
		{"text", func(a *model.Article) { a.Blocks = append(a.Blocks, model.Block{Kind: model.ListItem, Text: "item"}) }, store.Updated},
		{"block kind", func(a *model.Article) { a.Blocks[1].Kind = model.Paragraph }, store.Updated},
		{"store-set fields ignored", func(a *model.Article) {
			a.ID, a.Source, a.Feeds, a.Fetched, a.Updated = 99, "X", []string{"X"}, t0, t0
		}, store.Unchanged},
	}
	cur := base
	cur.Blocks = slices.Clone(base.Blocks)
	prev := first
	for _, c := range changes {
		time.Sleep(3 * time.Millisecond) // a later Updated stamp is visible at millisecond precision
		c.change(&cur)
		cur.Blocks = slices.Clone(cur.Blocks)
		gotID, out := mustSave(t, s, store.Save{Article: cur, Feed: "NATO"})
		if gotID != id || out != c.want {
			t.Errorf("%s: SaveArticle = %d, %v; want %d, %v", c.name, gotID, out, id, c.want)
		}
		got := mustArticle(t, s, id)
		if got.Title != cur.Title || !got.Published.Equal(cur.Published) || got.SummaryOnly != cur.SummaryOnly ||
			!reflect.DeepEqual(got.Blocks, cur.Blocks) {
			t.Errorf("%s: stored %+v, want %+v", c.name, got, cur)
		}
		if !got.Fetched.Equal(first.Fetched) {
			t.Errorf("%s: Fetched changed from %v to %v", c.name, first.Fetched, got.Fetched)
		}
		switch c.want {
		case store.Updated:
			if !got.Updated.After(prev.Updated) {
				t.Errorf("%s: Updated = %v, want after %v", c.name, got.Updated, prev.Updated)
			}
		case store.Unchanged:
			if !got.Updated.Equal(prev.Updated) {
				t.Errorf("%s: Updated = %v, want unchanged %v", c.name, got.Updated, prev.Updated)
			}
		}
		prev = got
	}
	if got := mustArticles(t, s, store.Filter{}); len(got) != 1 {
		t.Errorf("Articles() = %v, want one article", urls(got))
	}
}

// testSaveNoURL: an article without a URL (imported from a digest, or a
// feed item with only a GUID) is known by its first key.
func testSaveNoURL(t *testing.T, s store.Store) {
	a := article("", "Imported", time.Time{})
	id, out := mustSave(t, s, store.Save{Article: a, Feed: "Europol", Keys: []string{"import:abc"}, Imported: true})
	if out != store.Created {
		t.Fatalf("outcome = %v, want Created", out)
	}
	if _, out := mustSave(t, s, store.Save{Article: a, Feed: "Europol", Keys: []string{"import:abc"}, Imported: true}); out != store.Unchanged {
		t.Errorf("second save = %v, want Unchanged", out)
	}
	b := article("", "Other imported", time.Time{})
	if id2, out := mustSave(t, s, store.Save{Article: b, Feed: "Europol", Keys: []string{"import:def"}}); id2 == id || out != store.Created {
		t.Errorf("another keyed article = %d, %v; want a new ID, Created", id2, out)
	}
	got := mustArticle(t, s, id)
	if got.URL != "" || got.Title != "Imported" || got.Source != "Europol" || !got.Published.IsZero() {
		t.Errorf("Article = %+v, want no URL, title Imported, source Europol, undated", got)
	}
	if ref, err := s.FindArticle(t.Context(), "import:abc"); err != nil || ref.ID != id {
		t.Errorf("FindArticle(import:abc) = %+v, %v; want ID %d", ref, err, id)
	}
	if _, _, err := s.SaveArticle(t.Context(), store.Save{Article: article("", "Nothing", t0), Feed: "Europol"}); err == nil {
		t.Error("SaveArticle with neither URL nor key succeeded")
	}
}

func testSaveIdentity(t *testing.T, s store.Store) {
	a := article("https://www.interpol.example/news/1", "Operation X", t0)
	id, out := mustSave(t, s, store.Save{Article: a, Feed: "Interpol",
		Keys: []string{"https://www.interpol.example/news/1?utm_source=rss", "guid-1"}})
	if out != store.Created {
		t.Fatalf("SaveArticle outcome = %v, want Created", out)
	}
	tests := []struct {
		name string
		url  string
		keys []string
		want store.Outcome
	}{
		{"same URL", a.URL, nil, store.Unchanged},
		{"other URL, known GUID", "https://interpol.example/news/1", []string{"guid-1"}, store.Unchanged},
		{"other URL, known link", "https://m.interpol.example/1", []string{"https://www.interpol.example/news/1?utm_source=rss"}, store.Unchanged},
		{"URL added as key before", "https://interpol.example/news/1", []string{"guid-new"}, store.Unchanged},
	}
	for _, tt := range tests {
		b := a
		b.URL = tt.url
		gotID, out := mustSave(t, s, store.Save{Article: b, Feed: "Interpol", Keys: tt.keys})
		if gotID != id || out != tt.want {
			t.Errorf("%s: SaveArticle = %d, %v; want %d, %v", tt.name, gotID, out, id, tt.want)
		}
	}
	if got := mustArticles(t, s, store.Filter{}); len(got) != 1 || got[0].URL != a.URL {
		t.Errorf("Articles() = %v, want only %s (identity kept)", urls(got), a.URL)
	}
	for _, k := range []string{a.URL, "guid-1", "guid-new", "https://interpol.example/news/1", "https://m.interpol.example/1"} {
		ref, err := s.FindArticle(t.Context(), k)
		if err != nil || ref.ID != id {
			t.Errorf("FindArticle(%q) = %+v, %v; want ID %d", k, ref, err, id)
		}
	}
	// A new identity with no known key is another article.
	id2, out := mustSave(t, s, store.Save{Article: article("https://www.interpol.example/news/2", "Other", t0), Feed: "Interpol",
		Keys: []string{"guid-2"}})
	if id2 == id || out != store.Created {
		t.Errorf("SaveArticle(new) = %d, %v; want a new ID, Created", id2, out)
	}
}

func testSaveFeeds(t *testing.T, s store.Store) {
	srcs := sources("NATO", "Interpol", "Interpol CAC")
	mustSync(t, s, srcs)
	a := article("https://interpol.example/n/7", "Children rescued", t0)
	steps := []struct {
		feed string
		want []string
	}{
		{"Interpol CAC", []string{"Interpol CAC"}},
		{"Interpol", []string{"Interpol", "Interpol CAC"}},
		{"Imported Z", []string{"Interpol", "Interpol CAC", "Imported Z"}},
		{"Interpol CAC", []string{"Interpol", "Interpol CAC", "Imported Z"}},
		{"Imported A", []string{"Interpol", "Interpol CAC", "Imported Z", "Imported A"}},
		{"NATO", []string{"NATO", "Interpol", "Interpol CAC", "Imported Z", "Imported A"}},
	}
	var id int64
	for i, st := range steps {
		var out store.Outcome
		id, out = mustSave(t, s, store.Save{Article: a, Feed: st.feed})
		if want := store.Unchanged; i > 0 && out != want {
			t.Errorf("save from %q: outcome %v, want %v", st.feed, out, want)
		}
		got := mustArticle(t, s, id)
		if !slices.Equal(got.Feeds, st.want) || got.Source != st.want[0] {
			t.Errorf("after save from %q: Feeds %q, Source %q; want %q, %q", st.feed, got.Feeds, got.Source, st.want, st.want[0])
		}
		ref, err := s.FindArticle(t.Context(), a.URL)
		if err != nil || !slices.Equal(ref.Feeds, st.want) {
			t.Errorf("after save from %q: FindArticle = %+v, %v; want Feeds %q", st.feed, ref, err, st.want)
		}
	}
	counts := map[string]int{}
	for _, st := range mustSources(t, s) {
		counts[st.Name] = st.Articles
	}
	if want := map[string]int{"NATO": 1, "Interpol": 1, "Interpol CAC": 1}; !reflect.DeepEqual(counts, want) {
		t.Errorf("Sources() article counts = %v, want %v", counts, want)
	}

	// Order follows the sources file as it is now; a source no longer
	// configured goes with the unknown names, in first-seen order.
	resync := []struct {
		srcs []model.Source
		want []string
	}{
		{sources("Interpol CAC", "Interpol", "NATO"), []string{"Interpol CAC", "Interpol", "NATO", "Imported Z", "Imported A"}},
		{sources("NATO", "Interpol CAC"), []string{"NATO", "Interpol CAC", "Interpol", "Imported Z", "Imported A"}},
		{nil, []string{"Interpol CAC", "Interpol", "Imported Z", "Imported A", "NATO"}},
	}
	for _, rs := range resync {
		mustSync(t, s, rs.srcs)
		got := mustArticle(t, s, id)
		if !slices.Equal(got.Feeds, rs.want) || got.Source != rs.want[0] {
			t.Errorf("sources %v: Feeds %q, Source %q; want %q, %q", names(rs.srcs), got.Feeds, got.Source, rs.want, rs.want[0])
		}
	}
}

func names(srcs []model.Source) []string {
	var out []string
	for _, s := range srcs {
		out = append(out, s.Name)
	}
	return out
}

func testBlocksRoundTrip(t *testing.T, s store.Store) {
	tests := []struct {
		name   string
		blocks []model.Block
	}{
		{"none", nil},
		{"all kinds", []model.Block{
			{Kind: model.Heading, Text: "Heading"},
			{Kind: model.Paragraph, Text: "First line\nsecond line after a <br>"},
			{Kind: model.ListItem, Text: "one"},
			{Kind: model.ListItem, Text: "two"},
			{Kind: model.Caption, Text: "Photo: INTERPOL"},
			{Kind: model.Quote, Text: "“We will not stop,” she said."},
		}},
		{"special characters", []model.Block{
			{Kind: model.Paragraph, Text: "12\u00a0000 euros — 5\u00a0%, <b>not bold</b> & \"quoted\" 'single' \\ back\tslash"},
			{Kind: model.Paragraph, Text: "Ελληνικά, русский, 中文, emoji 🚓, zero\u200bwidth, trailing space "},
			{Kind: model.Paragraph, Text: "\nleading and trailing newlines\n\n"},
			{Kind: model.Paragraph, Text: ""},
		}},
	}
	for i, tt := range tests {
		a := article(fmt.Sprintf("https://example.org/blocks/%d", i), tt.name, t0)
		a.Blocks = tt.blocks
		id, _ := mustSave(t, s, store.Save{Article: a, Feed: "F"})
		got := mustArticle(t, s, id)
		if len(tt.blocks) == 0 {
			if len(got.Blocks) != 0 {
				t.Errorf("%s: Blocks = %q, want none", tt.name, got.Blocks)
			}
		} else if !reflect.DeepEqual(got.Blocks, tt.blocks) {
			t.Errorf("%s: Blocks = %q, want %q", tt.name, got.Blocks, tt.blocks)
		}
		if got.Body() != model.RenderText(tt.blocks) {
			t.Errorf("%s: Body() = %q, want %q", tt.name, got.Body(), model.RenderText(tt.blocks))
		}
		if _, out := mustSave(t, s, store.Save{Article: a, Feed: "F"}); out != store.Unchanged {
			t.Errorf("%s: saving the same blocks again: outcome %v, want Unchanged", tt.name, out)
		}
	}
}

func testSaveConcurrent(t *testing.T, s store.Store) {
	const n = 16
	a := article("https://example.org/race", "Race", t0)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		ids      = map[int64]bool{}
		outcomes = map[store.Outcome]int{}
		errs     []error
	)
	for i := range n {
		wg.Go(func() {
			id, out, err := s.SaveArticle(context.Background(), store.Save{Article: a, Feed: fmt.Sprintf("feed %02d", i),
				Keys: []string{"guid-race"}})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			ids[id] = true
			outcomes[out]++
		})
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("concurrent SaveArticle errors: %v", errs)
	}
	if len(ids) != 1 || outcomes[store.Created] != 1 || outcomes[store.Unchanged] != n-1 {
		t.Errorf("concurrent SaveArticle: ids %v, outcomes %v; want one ID, 1 Created, %d Unchanged", ids, outcomes, n-1)
	}
	all := mustArticles(t, s, store.Filter{})
	if len(all) != 1 {
		t.Fatalf("Articles() = %v, want one", urls(all))
	}
	if len(all[0].Feeds) != n {
		t.Errorf("Feeds = %q, want %d feeds", all[0].Feeds, n)
	}
}

// testSaveConcurrentDistinct writes and reads from many goroutines at once:
// no call may fail (no "database is locked").
func testSaveConcurrentDistinct(t *testing.T, s store.Store) {
	const writers, each = 4, 25
	mustSync(t, s, sources("A", "B"))
	var wg sync.WaitGroup
	errc := make(chan error, writers*each+writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				a := article(fmt.Sprintf("https://example.org/w%d/%d", w, i), "T", t0.Add(time.Duration(i)*time.Minute))
				if _, _, err := s.SaveArticle(context.Background(), store.Save{Article: a, Feed: "A"}); err != nil {
					errc <- err
				}
			}
		})
		wg.Go(func() {
			for range each {
				if _, err := s.Articles(context.Background(), store.Filter{Sources: []string{"A"}, Limit: 10}); err != nil {
					errc <- err
				}
				if _, err := s.ClaimDue(context.Background(), t0, 1, time.Millisecond); err != nil {
					errc <- err
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Errorf("concurrent use: %v", err)
	}
	if got := mustArticles(t, s, store.Filter{}); len(got) != writers*each {
		t.Errorf("Articles() = %d articles, want %d", len(got), writers*each)
	}
	if got := mustSource(t, s, "A").Articles; got != writers*each {
		t.Errorf("Source(A).Articles = %d, want %d", got, writers*each)
	}
}

func testFindArticle(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustSync(t, s, sources("Europol"))
	a := article("https://europol.example/n/1", "Arrests", t0)
	id, _ := mustSave(t, s, store.Save{Article: a, Feed: "Europol", Keys: []string{"https://europol.example/n/1?x=1", "urn:guid:1"}})
	want := store.ArticleRef{ID: id, URL: a.URL, Feeds: []string{"Europol"}}
	tests := []struct {
		keys    []string
		missing bool
	}{
		{[]string{a.URL}, false},
		{[]string{"urn:guid:1"}, false},
		{[]string{"https://europol.example/n/1?x=1"}, false},
		{[]string{"nope", "", "urn:guid:1"}, false},
		{[]string{"nope"}, true},
		{[]string{""}, true},
		{nil, true},
		{[]string{"https://europol.example/n/1/"}, true}, // keys are exact strings
	}
	for _, tt := range tests {
		got, err := s.FindArticle(ctx, tt.keys...)
		if tt.missing {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("FindArticle(%q) = %+v, %v; want ErrNotFound", tt.keys, got, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("FindArticle(%q) = %+v, %v; want %+v", tt.keys, got, err, want)
		}
	}
}

func testArticleNotFound(t *testing.T, s store.Store) {
	for _, id := range []int64{0, -1, 12345} {
		if _, err := s.Article(t.Context(), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Article(%d) error = %v, want ErrNotFound", id, err)
		}
	}
}

// saveSet stores articles in order, a few milliseconds apart so that their
// Fetched stamps differ, and returns them by URL.
func saveSet(t *testing.T, s store.Store, saves []store.Save) {
	t.Helper()
	for i, sv := range saves {
		if i > 0 {
			time.Sleep(3 * time.Millisecond)
		}
		mustSave(t, s, sv)
	}
}

func orderSet() []store.Save {
	return []store.Save{
		{Article: article("u1", "oldest", t0.Add(-72*time.Hour)), Feed: "X"},
		{Article: article("u2", "newest", t0.Add(-24*time.Hour)), Feed: "Y"},
		{Article: article("u3", "undated", time.Time{}), Feed: "X"},
		{Article: article("u4", "middle", t0.Add(-48*time.Hour)), Feed: "Y"},
		{Article: article("u5", "undated too", time.Time{}), Feed: "Y"},
	}
}

func testArticlesOrder(t *testing.T, s store.Store) {
	saveSet(t, s, orderSet())
	tests := []struct {
		f    store.Filter
		want []string
	}{
		{store.Filter{Order: store.ByPublished}, []string{"u2", "u4", "u1", "u5", "u3"}},
		{store.Filter{Order: store.ByFetched}, []string{"u5", "u4", "u3", "u2", "u1"}},
		{store.Filter{Order: store.ByImported}, []string{"u1", "u2", "u3", "u4", "u5"}},
		{store.Filter{Order: store.ByPublished, Limit: 2}, []string{"u2", "u4"}},
		{store.Filter{Order: store.ByImported, Limit: 1}, []string{"u1"}},
		{store.Filter{Order: store.ByFetched, Limit: 10}, []string{"u5", "u4", "u3", "u2", "u1"}},
	}
	for _, tt := range tests {
		if got := urls(mustArticles(t, s, tt.f)); !slices.Equal(got, tt.want) {
			t.Errorf("Articles(%+v) = %v, want %v", tt.f, got, tt.want)
		}
	}
}

func testArticlesFilter(t *testing.T, s store.Store) {
	mustSync(t, s, sources("Y", "X"))
	saves := orderSet()
	// u4 is listed by X as well, later.
	saves = append(saves, store.Save{Article: saves[3].Article, Feed: "X"})
	saveSet(t, s, saves)
	all := mustArticles(t, s, store.Filter{})
	fetched := map[string]time.Time{}
	for _, a := range all {
		fetched[a.URL] = a.Fetched
		if a.URL == "u4" && (!slices.Equal(a.Feeds, []string{"Y", "X"}) || a.Source != "Y") {
			t.Errorf("u4: Feeds %q, Source %q; want [Y X], Y", a.Feeds, a.Source)
		}
	}
	tests := []struct {
		f    store.Filter
		want []string
	}{
		{store.Filter{Sources: []string{"X"}}, []string{"u4", "u1", "u3"}},
		{store.Filter{Sources: []string{"Y"}}, []string{"u2", "u4", "u5"}},
		{store.Filter{Sources: []string{"nobody"}}, nil},
		{store.Filter{Since: t0.Add(-48 * time.Hour)}, []string{"u2", "u4", "u5", "u3"}}, // undated: by Fetched, which is now
		{store.Filter{Since: t0.Add(-48*time.Hour + time.Millisecond)}, []string{"u2", "u5", "u3"}},
		{store.Filter{Since: t0.Add(-48 * time.Hour), Sources: []string{"X"}}, []string{"u4", "u3"}},
		{store.Filter{Since: t0.Add(-48 * time.Hour), Sources: []string{"X"}, Limit: 1}, []string{"u4"}},
		{store.Filter{Since: fetched["u5"], Order: store.ByFetched}, []string{"u5"}},
		{store.Filter{Since: fetched["u3"], Sources: []string{"X"}, Order: store.ByFetched}, []string{"u3"}},
		{store.Filter{Since: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}, nil},
		{store.Filter{Sources: []string{"X", "Y"}}, []string{"u2", "u4", "u1", "u5", "u3"}},
	}
	for _, tt := range tests {
		got := mustArticles(t, s, tt.f)
		if !slices.Equal(urls(got), tt.want) {
			t.Errorf("Articles(%+v) = %v, want %v", tt.f, urls(got), tt.want)
		}
		for _, a := range got {
			if len(tt.f.Sources) == 1 && !slices.Contains(a.Feeds, tt.f.Sources[0]) {
				t.Errorf("Articles(%+v): %s has feeds %q", tt.f, a.URL, a.Feeds)
			}
		}
	}
}

func testArticlesImported(t *testing.T, s store.Store) {
	// Digest files are read in their own order, whatever the dates.
	var saves []store.Save
	for i, d := range []int{5, 1, 9, 3} {
		a := article(fmt.Sprintf("digest:%d", i), fmt.Sprintf("Imported %d", i), t0.Add(-time.Duration(d)*time.Hour))
		saves = append(saves, store.Save{Article: a, Feed: "NATO", Imported: true})
	}
	saveSet(t, s, saves)
	// A later crawl finding an imported article does not move it.
	mustSave(t, s, saves[0])
	got := urls(mustArticles(t, s, store.Filter{Order: store.ByImported}))
	if want := []string{"digest:0", "digest:1", "digest:2", "digest:3"}; !slices.Equal(got, want) {
		t.Errorf("Articles(ByImported) = %v, want %v", got, want)
	}
	got = urls(mustArticles(t, s, store.Filter{Order: store.ByPublished}))
	if want := []string{"digest:1", "digest:3", "digest:0", "digest:2"}; !slices.Equal(got, want) {
		t.Errorf("Articles(ByPublished) = %v, want %v", got, want)
	}
}

// testReportArticleErr: a poll that read the feed sets the article error
// (a success without failures clears it); a failed poll and a 304 keep it.
func testReportArticleErr(t *testing.T, s store.Store) {
	mustSync(t, s, sources("A"))
	steps := []struct {
		r    store.PollResult
		want string
	}{
		{store.PollResult{ArticleErr: "1 of 3 articles failed"}, "1 of 3 articles failed"},
		{store.PollResult{Err: "HTTP 500"}, "1 of 3 articles failed"},
		{store.PollResult{NotModified: true}, "1 of 3 articles failed"},
		{store.PollResult{}, ""},
	}
	for i, st := range steps {
		st.r.At = t0.Add(time.Duration(i) * time.Minute)
		st.r.NextDue = st.r.At.Add(time.Minute)
		mustReport(t, s, "A", st.r)
		if got := mustSource(t, s, "A").ArticleError; got != st.want {
			t.Errorf("step %d: ArticleError = %q, want %q", i, got, st.want)
		}
	}
}

// testClaimRenew: a renewed lease holds past its first end; renewing a
// source not claimed (reported, released) claims nothing.
func testClaimRenew(t *testing.T, s store.Store) {
	mustSync(t, s, sources("A", "B", "C"))
	if got := sorted(mustClaim(t, s, t0, 10, time.Minute)); !slices.Equal(got, []string{"A", "B", "C"}) {
		t.Fatalf("first claim = %v", got)
	}
	mustReport(t, s, "C", store.PollResult{At: t0, NextDue: t0})
	if err := s.RenewLeases(t.Context(), []string{"A", "C", "unknown"}, t0.Add(5*time.Minute)); err != nil {
		t.Fatalf("RenewLeases: %v", err)
	}
	// At +2m: B's lease ran out, A's was renewed, C was never re-leased.
	if got := sorted(mustClaim(t, s, t0.Add(2*time.Minute), 10, time.Minute)); !slices.Equal(got, []string{"B", "C"}) {
		t.Errorf("claim at +2m = %v, want [B C]", got)
	}
	if got := sorted(mustClaim(t, s, t0.Add(6*time.Minute), 10, time.Minute)); !slices.Equal(got, []string{"A", "B", "C"}) {
		t.Errorf("claim at +6m = %v, want all", got)
	}
	if err := s.RenewLeases(t.Context(), nil, t0); err != nil {
		t.Errorf("RenewLeases(nil): %v", err)
	}
}

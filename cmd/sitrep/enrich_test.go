package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/model"
)

// records reads an export.
func records(t *testing.T, jsonl string) map[string]model.Record {
	t.Helper()
	out := map[string]model.Record{}
	for _, line := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		var r model.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("export line %q: %v", line, err)
		}
		out[r.Title] = r
	}
	return out
}

const (
	jackalTitle = "Closing ranks on West African organized crime: more than EUR 2 million seized in Operation Jackal"
	kosovoTitle = "NATO Secretary General meets Ms Osmani of Kosovo to discuss tensions in northern Kosovo"
	cyberTitle  = "Cybercrime: 14 arrests, thousands of illicit cyber networks disrupted in Africa operation"
)

// TestEnrichTestweb: fetch enriches what it stores; `sitrep enrich` finds
// nothing more to do, and re-enriching everything changes nothing; the
// facts reach export, search and the digest.
func TestEnrichTestweb(t *testing.T) {
	s := startTestweb(t)
	db := filepath.Join(t.TempDir(), "sitrep.db")
	mustSitrep(t, "fetch", "--db", db, "--sources", writeSources(t, s, true), "--host-delay", "0")
	first := mustSitrep(t, "export", "--db", db)
	recs := records(t, first)
	if len(recs) != 20 {
		t.Fatalf("export: %d articles, want 20", len(recs))
	}
	for title, r := range recs {
		if r.FactsRules == nil {
			t.Errorf("%q: not enriched by fetch", title)
		}
		if r.Story == nil {
			t.Errorf("%q: no story", title)
		}
	}
	jackal := recs[jackalTitle]
	if len(jackal.Operations) == 0 || jackal.Operations[0].Name != "Operation Jackal" || jackal.Operations[0].Agency != "INTERPOL" {
		t.Errorf("Jackal operations: %+v", jackal.Operations)
	}
	found := false
	for _, f := range jackal.Figures {
		if f.Kind == model.FigArrests && f.Value == 103 && f.About == "Operation Jackal" && f.Sentence == "103 arrests" {
			found = true
		}
	}
	if !found {
		t.Errorf("Jackal figures lack 103 arrests: %+v", jackal.Figures)
	}
	if cs := recs[kosovoTitle].Countries; len(cs) == 0 || cs[0].Code != "XK" || !cs[0].Subject || cs[0].Name == "" {
		t.Errorf("Kosovo article countries: %+v", cs)
	}

	if out := mustSitrep(t, "enrich", "--db", db); !strings.HasPrefix(out, "0 articles enriched") {
		t.Errorf("enrich after fetch: %q, want nothing left to do", out)
	}
	for range 2 {
		out := mustSitrep(t, "enrich", "--db", db, "--all")
		if !strings.HasPrefix(out, "20 articles enriched with rules ") {
			t.Errorf("enrich --all: %q", out)
		}
		if again := mustSitrep(t, "export", "--db", db); again != first {
			t.Errorf("enrich --all changed the facts fetch made")
		}
	}

	if got := mustSitrep(t, "search", "--db", db, "country:XK"); !strings.Contains(got, kosovoTitle) {
		t.Errorf("search country:XK:\n%s", got)
	}
	if got := mustSitrep(t, "search", "--db", db, `operation:"Operation Jackal"`); !strings.Contains(got, jackalTitle) {
		t.Errorf("search operation:\n%s", got)
	}
	if got := mustSitrep(t, "search", "--db", db, "topic:cybercrime", "org:AFRIPOL"); !strings.Contains(got, cyberTitle) {
		t.Errorf("search topic:cybercrime org:AFRIPOL:\n%s", got)
	}
	digest := mustSitrep(t, "digest", "--db", db, "--with-facts")
	if !strings.Contains(digest, "\n\nFacts:\n  Countries: ") || !strings.Contains(digest, "  Operations: Operation Jackal (INTERPOL, 2023-05-15/2023-05-29)") {
		t.Errorf("digest --with-facts lacks the Facts block of the Jackal article")
	}
	if plain := mustSitrep(t, "digest", "--db", db); strings.Contains(plain, "Facts:") {
		t.Errorf("digest without --with-facts shows facts")
	}
}

// TestEnrichUserRules: a user's organisations file is new rules, so every
// article is enriched again and the organisation found; a broken file is
// refused with its name.
func TestEnrichUserRules(t *testing.T) {
	s := startTestweb(t)
	db := filepath.Join(t.TempDir(), "sitrep.db")
	mustSitrep(t, "fetch", "--db", db, "--sources", writeSources(t, s, true), "--host-delay", "0")
	if orgs := records(t, mustSitrep(t, "export", "--db", db))[cyberTitle].Orgs; hasOrg(orgs, "Uppsala Security") {
		t.Fatalf("the built-in list already knows Uppsala Security: pick another test organisation")
	}
	file := filepath.Join(t.TempDir(), "orgs.yaml")
	if err := os.WriteFile(file, []byte("- name: Uppsala Security\n  kind: company\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustSitrep(t, "enrich", "--db", db, "--orgs", file)
	if !regexp.MustCompile(`^20 articles enriched with rules 2\.[0-9a-f]{8}\+[0-9a-f]{10} `).MatchString(out) {
		t.Errorf("enrich with a user file: %q, want all 20 again under new rules", out)
	}
	if orgs := records(t, mustSitrep(t, "export", "--db", db))[cyberTitle].Orgs; !hasOrg(orgs, "Uppsala Security") {
		t.Errorf("user organisation not found: %+v", orgs)
	}
	if out := mustSitrep(t, "enrich", "--db", db, "--orgs", file); !strings.HasPrefix(out, "0 articles") {
		t.Errorf("enrich again with the same file: %q", out)
	}
	if err := os.WriteFile(file, []byte("- name: [oops\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := sitrep(t, "enrich", "--db", db, "--orgs", file); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("a broken orgs file: %v, want an error naming it", err)
	}
}

func hasOrg(orgs []model.Org, name string) bool {
	for _, o := range orgs {
		if o.Name == name {
			return true
		}
	}
	return false
}

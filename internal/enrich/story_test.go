package enrich

import (
	"strings"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/model"
)

func TestSameStory(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2023, 6, d, 12, 0, 0, 0, time.UTC) }
	// One real release, as a second source republishes it (a figure
	// corrected, a credit line added), and another release.
	var release, another struct{ Body string }
	readJSON(t, "testdata/dev/000.json", &release)
	readJSON(t, "testdata/dev/006.json", &another)
	sig := Signature(model.ParseText(release.Body))
	edited := Signature(model.ParseText(strings.Replace(release.Body, "131", "132", 1) + "\n\nPhoto credit: INTERPOL."))
	other := Signature(model.ParseText(another.Body))
	tests := []struct {
		name string
		a, b StoryKey
		want bool
	}{
		{"same release, another source", StoryKey{Title: "Closing ranks on organized crime", Date: day(1), Signature: sig},
			StoryKey{Title: "INTERPOL operation hits Black Axe", Date: day(2), Signature: edited}, true},
		{"unrelated texts", StoryKey{Title: "A", Date: day(1), Signature: sig}, StoryKey{Title: "B", Date: day(1), Signature: other}, false},
		{"same operation within two weeks", StoryKey{Title: "Results of Operation Jackal", Date: day(1), Operations: []string{"Operation Jackal"}},
			StoryKey{Title: "Ireland's part in a global crackdown", Date: day(12), Operations: []string{"operation jackal"}}, true},
		{"same operation a year later", StoryKey{Title: "x", Date: day(1), Operations: []string{"Operation Jackal"}},
			StoryKey{Title: "y", Date: day(1).AddDate(1, 0, 0), Operations: []string{"Operation Jackal"}}, false},
		{"titles alike", StoryKey{Title: "Europol supports Serbia in arresting contract killer", Date: day(1)},
			StoryKey{Title: "Serbia: contract killer arrested with Europol support", Date: day(2)}, true},
		{"titles alike but a week apart", StoryKey{Title: "Europol supports Serbia in arresting contract killer", Date: day(1)},
			StoryKey{Title: "Serbia: contract killer arrested with Europol support", Date: day(9)}, false},
		{"short titles tell nothing", StoryKey{Title: "Press release", Date: day(1)}, StoryKey{Title: "Press release", Date: day(1)}, false},
	}
	for _, tt := range tests {
		if got := SameStory(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: SameStory = %v, want %v", tt.name, got, tt.want)
		}
		if got := SameStory(tt.b, tt.a); got != tt.want {
			t.Errorf("%s: SameStory is not symmetric", tt.name)
		}
	}
	if Signature(model.ParseText("Too short to sign.")) != 0 {
		t.Errorf("a short text has a signature")
	}
}

package enrich

import (
	"strconv"
	"testing"

	"github.com/sitrep/sitrep/internal/model"
)

func TestParseNumbers(t *testing.T) {
	rules, err := Load(Files{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text     string
		value    float64
		currency string
		span     string // the quantity as written
	}{
		{"seized EUR 2.15M in cash", 2150000, "EUR", "EUR 2.15M"},
		{"more than USD 40 million was frozen", 40000000, "USD", "USD 40 million"},
		{"almost EUR 1.4 million", 1400000, "EUR", "EUR 1.4 million"},
		{"1,110 suspects", 1110, "", "1,110"},
		{"EUR 77 000 in France", 77000, "EUR", "EUR 77 000"},
		{"€5 million seized", 5000000, "EUR", "€5 million"},
		{"US$ 3.5 billion", 3500000000, "USD", "US$ 3.5 billion"},
		{"A$300,000 in cash", 300000, "AUD", "A$300,000"},
		{"£630,000 worth of drugs", 630000, "GBP", "£630,000"},
		{"3 million euros", 3000000, "EUR", "3 million euros"},
		{"Fourteen electronic devices", 14, "", "Fourteen"},
		{"twenty-five arrests", 25, "", "twenty-five"},
		{"a dozen raids", 12, "", "a dozen"},
		{"6kg of heroin", 6, "", "6"},
		{"3,545 pounds (1,608 kilograms) of cocaine", 3545, "", "3,545"},
		{"the 2nd phase", 0, "", ""},
		{"a 15 m fence", 15, "", "15"},
		{"NGN 5 million", 5000000, "NGN", "NGN 5 million"},
		{"ABC 5 arrests", 5, "", "5"}, // not an ISO 4217 code
		{"more than a tonne of cocaine", 1, "", "a"},
		{"a million euros were frozen", 1000000, "EUR", "a million euros"},
		{"a man was arrested", 0, "", ""},
	}
	for _, tt := range tests {
		got := parseNumbers(tt.text, tokenize(tt.text), rules.currencies)
		if tt.span == "" {
			if len(got) != 0 {
				t.Errorf("%q: got %+v, want no quantity", tt.text, got)
			}
			continue
		}
		if len(got) == 0 {
			t.Errorf("%q: no quantity, want %v", tt.text, tt.value)
			continue
		}
		n := got[0]
		if n.value != tt.value || n.currency != tt.currency || tt.text[n.start:n.end] != tt.span {
			t.Errorf("%q: got %v %q %q, want %v %q %q", tt.text, n.value, n.currency, tt.text[n.start:n.end], tt.value, tt.currency, tt.span)
		}
	}
}

func TestFigures(t *testing.T) {
	rules, err := Load(Files{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string // kind value unit qualifier
	}{
		{"Police arrested 72 suspects.", []string{"arrests 72  "}},
		{"More than 200 bank accounts were blocked.", []string{"accounts_blocked 200  more than"}},
		{"The operation led to the identification and arrest of the two suspects.", []string{"arrests 2  ", "suspects_identified 2  "}},
		{"A total of 34 arrests were made, 12 for fraud and 22 for money laundering.", []string{"arrests 34  "}},
		{"Officers seized some 300 kg of cocaine worth EUR 9 million.", []string{"goods_seized 300 kg around", "goods_seized 9000000 EUR "}},
		{"Seven victims are identified every day.", nil},
		{"Efforts to identify 22 suspected victims continue.", nil},
		{"INTERPOL has 195 member countries.", nil},
		{"Police in 21 countries took part in the operation.", []string{"countries 21  "}},
		{"The operation targeting 450 fugitives saw a quarter arrested.", nil},
		{"Of the 502 fugitives on the list, 471 have been apprehended.", []string{"arrests 471  "}},
		{"Two women, aged 27 and 29, were arrested.", []string{"arrests 2  "}},
		{"More than 130 suspects – including five teachers – were arrested.", []string{"arrests 130  more than"}},
		{"The seizure of $8.4 million in counterfeit $100 notes.", []string{"goods_seized 8400000 USD "}},
		{"On 15 May 2023 the court sat; 93 troops were injured.", []string{"injured 93  "}},
		{"4 932 websites were suspended.", []string{"takedowns 4932  "}},
	}
	for _, tt := range tests {
		s := sentence{text: tt.text, toks: tokenize(tt.text)}
		var got []string
		for _, h := range rules.findFigures([]sentence{s}) {
			got = append(got, h.Kind+" "+trimFloat(h.Value)+" "+h.Unit+" "+h.Qualifier)
		}
		if len(got) != len(tt.want) {
			t.Errorf("%q: got %q, want %q", tt.text, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%q: got %q, want %q", tt.text, got, tt.want)
				break
			}
		}
	}
}

func trimFloat(v float64) string {
	if v == float64(int64(v)) {
		return itoa(int64(v))
	}
	return ftoa(v)
}

func itoa(n int64) string   { return strconv.FormatInt(n, 10) }
func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// TestNumbersDoNotOverlap: a currency between two numbers belongs to one.
func TestNumbersDoNotOverlap(t *testing.T) {
	rules, err := Load(Files{})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"Police seized 5 EUR 10 times.", "a fine of 300 EUR 500 and US$ 3 US$ 4", "four (4) (4) €€5 5"} {
		nums := parseNumbers(text, tokenize(text), rules.currencies)
		for i := 1; i < len(nums); i++ {
			if nums[i].start < nums[i-1].end {
				t.Errorf("%q: %+v overlaps %+v", text, nums[i], nums[i-1])
			}
		}
		rules.Enrich(Input{Title: text, Blocks: model.ParseText(text + "\n\n" + text)})
	}
}

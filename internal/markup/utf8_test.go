package markup

import "testing"

func TestRepairUTF8(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"valid", "Gürak – 5 €", "Gürak – 5 €"},
		{"windows-1252 labelled UTF-8", "G\xfcrak \x96 5 \x80", "Gürak – 5 €"},
		{"mostly UTF-8 with a stray byte", "Gürak \xff end", "Gürak \ufffd end"},
		{"ascii", "plain", "plain"},
	}
	for _, tt := range tests {
		if got := string(RepairUTF8([]byte(tt.in))); got != tt.want {
			t.Errorf("%s: RepairUTF8(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

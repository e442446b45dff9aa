package sqlite

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/model"
)

func TestBlocksCodec(t *testing.T) {
	tests := []struct {
		name   string
		blocks []model.Block
	}{
		{"nil", nil},
		{"empty", []model.Block{}},
		{"plain", []model.Block{{Kind: model.Paragraph, Text: "Hello"}, {Kind: model.ListItem, Text: "item"}}},
		{"empty text", []model.Block{{Kind: model.Paragraph, Text: ""}}},
		{"escapes", []model.Block{{Kind: model.Quote, Text: "a\"b\\c/d\ne\rf\tg\bh\fi\x00j\x1fk"}}},
		{"html", []model.Block{{Kind: model.Paragraph, Text: "<b>&amp;</b> > <"}}},
		{"unicode", []model.Block{{Kind: model.Caption, Text: "12\u00a0000 \u2028\u2029 🚓 Ελληνικά \ufeff"}}},
		{"invalid UTF-8 becomes U+FFFD", []model.Block{{Kind: model.Paragraph, Text: "a\xffb"}}},
	}
	for _, tt := range tests {
		enc, err := encodeBlocks(tt.blocks)
		if err != nil {
			t.Fatalf("%s: encode: %v", tt.name, err)
		}
		got, err := decodeBlocks(enc)
		if err != nil {
			t.Fatalf("%s: decode %s: %v", tt.name, enc, err)
		}
		var want []model.Block
		if err := json.Unmarshal([]byte(enc), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: decode(%s) = %q, want %q (encoding/json)", tt.name, enc, got, want)
		}
		if !strings.Contains(tt.name, "invalid") && !reflect.DeepEqual(got, tt.blocks) {
			t.Errorf("%s: round trip = %q, want %q", tt.name, got, tt.blocks)
		}
	}
}

// TestBlocksDecodeFallback feeds JSON that encodeBlocks does not write
// (other spacing, key order, escapes): the result must match encoding/json.
func TestBlocksDecodeFallback(t *testing.T) {
	tests := []struct {
		in      string
		wantErr bool
	}{
		{`[ {"k":"p","t":"x"} ]`, false},
		{`[{"t":"x","k":"p"}]`, false},
		{`[{"k":"p","t":"\u00e9\ud83d\ude93\ud800x"}]`, false},
		{`[{"k":"p","t":"a\u003cb"},{"k":"h","t":"\/"}]`, false},
		{`[{"k":"p"}]`, false},
		{`[]`, false},
		{`null`, false},
		{`[{"k":"p","t":"x"}`, true},
		{`[{"k":"p","t":"\x"}]`, true},
		{`[{"k":"p","t":"\u12"}]`, true},
		{`{}`, true},
		{``, true},
	}
	for _, tt := range tests {
		got, err := decodeBlocks(tt.in)
		var want []model.Block
		wantErr := json.Unmarshal([]byte(tt.in), &want) != nil
		if (err != nil) != tt.wantErr || wantErr != tt.wantErr {
			t.Errorf("decodeBlocks(%s) error = %v, want error %v (encoding/json error %v)", tt.in, err, tt.wantErr, wantErr)
			continue
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("decodeBlocks(%s) = %q, want %q", tt.in, got, want)
		}
	}
}

// TestBlocksCodecRandom round-trips random text built from the characters
// that need care.
func TestBlocksCodecRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("ab \"\\/\n\r\t\b\f\x00\x01\x1f<>&\u00a0\u2028\u2029é😀\ufffd\u007f")
	for i := range 2000 {
		var blocks []model.Block
		for range r.IntN(4) {
			var sb strings.Builder
			for range r.IntN(20) {
				sb.WriteRune(alphabet[r.IntN(len(alphabet))])
			}
			blocks = append(blocks, model.Block{Kind: model.BlockKind([]string{"p", "h", "li"}[r.IntN(3)]), Text: sb.String()})
		}
		enc, err := encodeBlocks(blocks)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := parseBlocks(enc)
		if !ok {
			t.Fatalf("case %d: parseBlocks(%s) rejected its own encoding", i, enc)
		}
		if len(blocks) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, blocks) {
			t.Fatalf("case %d: round trip of %q = %q", i, blocks, got)
		}
	}
}

func FuzzDecodeBlocks(f *testing.F) {
	f.Add(`[{"k":"p","t":"a\nb\u00a0"}]`)
	f.Add(`[{"k":"p","t":"\ud83d\ude93"}]`)
	f.Fuzz(func(t *testing.T, in string) {
		got, err := decodeBlocks(in)
		var want []model.Block
		if json.Unmarshal([]byte(in), &want) != nil {
			if err == nil {
				// parseBlocks may accept what encoding/json rejects
				// only if it is not our format at all; it must not.
				t.Errorf("decodeBlocks(%q) = %q, encoding/json rejects it", in, got)
			}
			return
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("decodeBlocks(%q) = %q, %v; encoding/json %q", in, got, err, want)
		}
	})
}

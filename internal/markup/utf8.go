package markup

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// RepairUTF8 makes text that claims to be UTF-8 valid. Text that is valid is
// returned as is. Text without a single valid multi-byte sequence is in
// fact windows-1252, the commonest mislabelling on the web (a CMS that
// declares UTF-8 and writes Latin-1), and is decoded as such; otherwise the
// invalid bytes become U+FFFD, as a browser shows them.
func RepairUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	multi := false
	for i := 0; i < len(b); {
		r, w := utf8.DecodeRune(b[i:])
		if w > 1 && r != utf8.RuneError {
			multi = true
			break
		}
		i += w
	}
	if !multi {
		if out, err := charmap.Windows1252.NewDecoder().Bytes(b); err == nil {
			return out
		}
	}
	return bytes.ToValidUTF8(b, []byte("\uFFFD"))
}

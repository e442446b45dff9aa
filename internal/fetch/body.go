package fetch

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/sitrep/sitrep/internal/markup"
	"golang.org/x/net/html/charset"
)

// gzipReaders recycles gzip decompressors (each holds ~40 KB of tables), the
// one sizeable allocation per request besides the body itself.
var gzipReaders sync.Pool

// readBody reads the whole (decompressed) body, failing with ErrTooLarge
// past limit (or cutting the body there when truncate is set). The read is
// bounded by the request's context deadline, so a server trickling bytes
// cannot hold us beyond the total timeout.
func readBody(resp *http.Response, limit int64, truncate bool) ([]byte, error) {
	var r io.Reader = resp.Body
	hint := int64(32 << 10)
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		if resp.ContentLength > limit && !truncate {
			drain(resp)
			return nil, fmt.Errorf("%w: Content-Length %d over %d bytes", ErrTooLarge, resp.ContentLength, limit)
		}
		if resp.ContentLength >= 0 {
			hint = resp.ContentLength + 1 // +1: the read that sees EOF
		}
	case "gzip", "x-gzip":
		gz, _ := gzipReaders.Get().(*gzip.Reader)
		var err error
		if gz == nil {
			gz, err = gzip.NewReader(resp.Body)
		} else {
			err = gz.Reset(resp.Body)
		}
		if err == io.EOF {
			return []byte{}, nil // empty body labelled gzip
		}
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer gzipReaders.Put(gz)
		r = gz
		if resp.ContentLength > 0 {
			hint = min(4*resp.ContentLength, 1<<20)
		}
	default:
		return nil, fmt.Errorf("unsupported Content-Encoding %q", enc)
	}
	body, err := readAll(io.LimitReader(r, limit+1), min(hint, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		if truncate {
			return body[:limit], nil
		}
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit)
	}
	return body, nil
}

// readAll is io.ReadAll with an initial capacity, so a body of known length
// is read into one allocation.
func readAll(r io.Reader, hint int64) ([]byte, error) {
	b := make([]byte, 0, max(hint, 512))
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// drain reads a little of an unwanted body so the connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, drainLimit)
}

// metaCharset finds the charset label in a <meta charset> or <meta
// http-equiv content="…; charset=…"> declaration.
var metaCharset = regexp.MustCompile(`(?i)<meta\b[^>]*?charset\s*=\s*["']?\s*([-\w.:]+)`)

// decodeBody returns the media type and, for HTML, the body decoded to UTF-8.
func decodeBody(header string, body []byte) (string, []byte) {
	mt := mediaType(header)
	if mt == "" || mt == "application/octet-stream" {
		// No (useful) type: sniff as browsers do.
		if sniffed := mediaType(http.DetectContentType(body)); sniffed != "" {
			mt = sniffed
		}
	}
	if mt != "text/html" && mt != "application/xhtml+xml" {
		return mt, body
	}
	return mt, toUTF8(body, header)
}

// mediaType is the lower-cased type/subtype of a Content-Type value, even a
// malformed one.
func mediaType(v string) string {
	if mt, _, err := mime.ParseMediaType(v); err == nil {
		return mt
	}
	mt, _, _ := strings.Cut(v, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

var utf8BOM = []byte("\xef\xbb\xbf")

// toUTF8 decodes HTML per the HTML spec's order (BOM, header charset,
// <meta>), with one practical deviation: when neither a BOM nor the header
// is certain and the whole body is valid UTF-8, it is UTF-8 — pages often
// keep a stale <meta charset=iso-8859-1>, and x/net only checks the first
// 1024 bytes for UTF-8 before defaulting to windows-1252.
func toUTF8(body []byte, header string) []byte {
	enc, name, certain := charset.DetermineEncoding(body, header)
	if !certain && utf8.Valid(body) {
		return bytes.TrimPrefix(body, utf8BOM)
	}
	if name == "utf-8" {
		// Declared (or defaulted to) UTF-8 but not always so: repaired,
		// so that no invalid byte reaches the parsers or the store.
		return markup.RepairUTF8(bytes.TrimPrefix(body, utf8BOM))
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return body // undecodable: better raw bytes than nothing
	}
	out = bytes.TrimPrefix(out, utf8BOM)
	// The text is UTF-8 now; say so, so that a parser that reads the
	// declaration does not decode it a second time.
	if loc := metaCharset.FindSubmatchIndex(out); loc != nil {
		fixed := make([]byte, 0, len(out)+5)
		fixed = append(fixed, out[:loc[2]]...)
		fixed = append(fixed, "utf-8"...)
		out = append(fixed, out[loc[3]:]...)
	}
	return out
}

// DecodeHTML converts an HTML page read from elsewhere than the network (a
// saved file, standard input) to UTF-8 as Get does for downloaded pages:
// BOM, the Content-Type header's charset if one is given, then <meta>.
func DecodeHTML(body []byte, contentType string) []byte { return toUTF8(body, contentType) }

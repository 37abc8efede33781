package importer

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// Encoding is the character encoding of a CSV file.
type Encoding string

// Encodings a CSV file may use. Files from Excel on Windows are usually
// Windows-1252; ISO-8859-15 differs from it only in a few characters (€,
// Œ, œ, Š, š, Ž, ž, Ÿ at other places).
const (
	UTF8        Encoding = "utf-8"
	Windows1252 Encoding = "windows-1252"
	ISO885915   Encoding = "iso-8859-15"
)

// Encodings lists the encodings accepted.
var Encodings = []Encoding{UTF8, Windows1252, ISO885915}

// sampleSize is how much of a file the detection reads.
const sampleSize = 64 << 10

var bom = []byte{0xEF, 0xBB, 0xBF}

// DetectEncoding guesses the encoding of a file from its first bytes: a
// UTF-8 byte order mark or valid UTF-8 means UTF-8 (a character cut at the
// end of the sample does not count against it); anything else is taken as
// Windows-1252, the usual encoding of French files saved by Excel.
func DetectEncoding(sample []byte) Encoding {
	if bytes.HasPrefix(sample, bom) {
		return UTF8
	}
	s := sample
	// Drop a possibly truncated character at the end of the sample.
	for i := 0; i < utf8.UTFMax && len(s) > 0; i++ {
		if r, size := utf8.DecodeLastRune(s); r != utf8.RuneError || size > 1 {
			break
		}
		s = s[:len(s)-1]
	}
	if utf8.Valid(s) {
		return UTF8
	}
	return Windows1252
}

// Separators a CSV file may use.
var Separators = []rune{',', ';', '\t'}

// DetectSeparator guesses the field separator from the first lines of a
// (decoded) sample: the candidate that appears the same, non-zero number
// of times outside quotes on the most lines wins; ties go to the one with
// more fields. A comma is the default.
func DetectSeparator(sample []byte) rune {
	best, bestScore := ',', -1
	for _, sep := range Separators {
		counts := countPerRecord(sample, sep, 50)
		if len(counts) == 0 || counts[0] == 0 {
			continue
		}
		same := 0
		for _, c := range counts {
			if c == counts[0] {
				same++
			}
		}
		score := same*1000 + counts[0]
		if score > bestScore {
			best, bestScore = sep, score
		}
	}
	return best
}

// countPerRecord counts sep outside quotes in each of the first max
// complete records of sample (a record may span lines inside quotes).
func countPerRecord(sample []byte, sep rune, max int) []int {
	var counts []int
	n, quoted := 0, false
	for _, r := range string(sample) {
		switch {
		case r == '"':
			quoted = !quoted
		case r == sep && !quoted:
			n++
		case r == '\n' && !quoted:
			counts = append(counts, n)
			n = 0
			if len(counts) == max {
				return counts
			}
		}
	}
	return counts
}

// decoder returns a reader of r's text in UTF-8 without a byte order mark.
func decoder(r *bufio.Reader, enc Encoding) io.Reader {
	switch enc {
	case Windows1252:
		return transform.NewReader(r, charmap.Windows1252.NewDecoder())
	case ISO885915:
		return transform.NewReader(r, charmap.ISO8859_15.NewDecoder())
	}
	if b, err := r.Peek(3); err == nil && bytes.Equal(b, bom) {
		_, _ = r.Discard(3)
	}
	return r
}

// lineGuard fails a read when a physical line exceeds max bytes, so that a
// file without line breaks (or a runaway quoted field) cannot fill memory.
type lineGuard struct {
	r   io.Reader
	max int
	n   int // bytes since the last line break
}

// ErrLineTooLong is returned when a line of the file is longer than the
// importer accepts.
var ErrLineTooLong = errorString("a line of the file is longer than 1 MiB: is it really a CSV file?")

type errorString string

func (e errorString) Error() string { return string(e) }

func (g *lineGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for _, b := range p[:n] {
		if b == '\n' {
			g.n = 0
			continue
		}
		g.n++
		if g.n > g.max {
			return 0, ErrLineTooLong
		}
	}
	return n, err
}

package importer

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/registre/registre/internal/errs"
)

// Format is a file format.
type Format string

// Formats read.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// Limits on a file's shape; beyond them a row or the file is refused.
const (
	MaxColumns    = 200
	MaxFieldBytes = 10_000
	maxLineBytes  = 1 << 20
)

// Source reads a file's records one at a time: the header first, then each
// row with the number of its line in the file (its first line when a
// quoted field spans several).
type Source interface {
	Header() []string
	// Next returns the next row, io.EOF at the end, or a *FileError when
	// the file cannot be read further.
	Next() (rec []string, line int, err error)
	Close() error
}

// FileError is a problem with the file itself (not with one row's
// values): the import stops there. Line and Column are 1-based, 0 when not
// known.
type FileError struct {
	Line, Column int
	Reason       string
}

func (e *FileError) Error() string {
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Reason)
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return e.Reason
}

// AsError returns the problem as an Invalid *errs.Error for the file field.
func (e *FileError) AsError() error {
	return &errs.Error{Code: errs.Invalid, Message: "The file cannot be read.", Fields: map[string]string{"file": e.Error()}}
}

// CSVOptions say how to read a CSV file; zero values are detected.
type CSVOptions struct {
	Encoding  Encoding
	Separator rune
}

// CSVSource reads a CSV file as a stream.
type CSVSource struct {
	r         *csv.Reader
	closer    io.Closer
	header    []string
	Encoding  Encoding // as detected or given
	Separator rune
}

// OpenCSV starts reading a CSV file: it detects (unless given) the
// encoding and the separator from the first 64 KiB, and reads the header.
// Quoted fields may hold separators and line breaks; a stray quote is an
// error naming its line and column. The error is a *FileError.
func OpenCSV(r io.Reader, opt CSVOptions) (*CSVSource, error) {
	br := bufio.NewReaderSize(r, sampleSize)
	sample, err := br.Peek(sampleSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, &FileError{Reason: "the file cannot be read: " + err.Error()}
	}
	if opt.Encoding == "" {
		opt.Encoding = DetectEncoding(sample)
	}
	if !oneOf(opt.Encoding, Encodings) {
		return nil, &FileError{Reason: "unknown encoding (use utf-8, windows-1252 or iso-8859-15)"}
	}
	if opt.Separator == 0 {
		opt.Separator = DetectSeparator(decodeSample(sample, opt.Encoding))
	}
	if opt.Separator != ',' && opt.Separator != ';' && opt.Separator != '\t' {
		return nil, &FileError{Reason: "unknown separator (use a comma, a semicolon or a tab)"}
	}
	cr := csv.NewReader(&lineGuard{r: decoder(br, opt.Encoding), max: maxLineBytes})
	cr.Comma = opt.Separator
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	s := &CSVSource{r: cr, Encoding: opt.Encoding, Separator: opt.Separator}
	if c, ok := r.(io.Closer); ok {
		s.closer = c
	}
	rec, _, err := s.Next()
	if errors.Is(err, io.EOF) {
		return nil, &FileError{Reason: "the file is empty"}
	}
	if err != nil {
		return nil, err
	}
	s.header = cleanHeader(rec)
	if len(s.header) > MaxColumns {
		return nil, &FileError{Line: 1, Reason: fmt.Sprintf("too many columns (at most %d)", MaxColumns)}
	}
	return s, nil
}

func decodeSample(sample []byte, enc Encoding) []byte {
	if enc == UTF8 {
		return sample
	}
	out, _ := io.ReadAll(decoder(bufio.NewReader(strings.NewReader(string(sample))), enc))
	return out
}

// Header returns the column names of the first row.
func (s *CSVSource) Header() []string { return s.header }

// Next returns the next row (see Source). The slice is reused by the next
// call.
func (s *CSVSource) Next() ([]string, int, error) {
	rec, err := s.r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, 0, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, 0, &FileError{Line: pe.Line, Column: pe.Column, Reason: csvReason(pe.Err)}
		}
		if errors.Is(err, ErrLineTooLong) {
			return nil, 0, &FileError{Reason: ErrLineTooLong.Error()}
		}
		return nil, 0, &FileError{Reason: "the file cannot be read: " + err.Error()}
	}
	line, _ := s.r.FieldPos(0)
	return rec, line, nil
}

func csvReason(err error) string {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return `a quote (") inside a field that does not start with one: put the whole field in quotes and double the quotes inside it`
	case errors.Is(err, csv.ErrQuote):
		return `a quoted field is not closed, or its closing quote is followed by other characters`
	}
	return err.Error()
}

// Close closes the underlying file when it is one.
func (s *CSVSource) Close() error {
	if s.closer != nil {
		return s.closer.Close()
	}
	return nil
}

func cleanHeader(rec []string) []string {
	out := make([]string, len(rec))
	for i, h := range rec {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		if !utf8.ValidString(h) {
			h = strings.ToValidUTF8(h, "?")
		}
		if r := []rune(h); len(r) > 200 {
			h = string(r[:200])
		}
		out[i] = h
	}
	return out
}

// XLSXSource reads the first worksheet of an XLSX workbook row by row.
type XLSXSource struct {
	f      *excelize.File
	rows   *excelize.Rows
	header []string
	line   int
}

// OpenXLSX starts reading the first sheet of a workbook. The workbook's
// compressed bytes are held in memory (the ZIP format needs random
// access); the sheet's rows are then streamed, large sheets through
// temporary files. The error is a *FileError.
func OpenXLSX(r io.Reader) (*XLSXSource, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, &FileError{Reason: "the file is not an XLSX workbook (save it as .xlsx or .csv)"}
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, &FileError{Reason: "the workbook has no sheet"}
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, &FileError{Reason: "the first sheet cannot be read"}
	}
	s := &XLSXSource{f: f, rows: rows}
	rec, _, err := s.Next()
	if errors.Is(err, io.EOF) {
		s.Close()
		return nil, &FileError{Reason: "the first sheet is empty"}
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	s.header = cleanHeader(rec)
	if len(s.header) > MaxColumns {
		s.Close()
		return nil, &FileError{Line: 1, Reason: fmt.Sprintf("too many columns (at most %d)", MaxColumns)}
	}
	return s, nil
}

// Header returns the column names of the first row.
func (s *XLSXSource) Header() []string { return s.header }

// Next returns the next row (see Source); empty rows are skipped.
func (s *XLSXSource) Next() ([]string, int, error) {
	for s.rows.Next() {
		s.line++
		cols, err := s.rows.Columns()
		if err != nil {
			return nil, 0, &FileError{Line: s.line, Reason: "this row cannot be read"}
		}
		if len(cols) == 0 {
			continue
		}
		return cols, s.line, nil
	}
	if err := s.rows.Error(); err != nil {
		return nil, 0, &FileError{Line: s.line, Reason: "the sheet cannot be read further"}
	}
	return nil, 0, io.EOF
}

// Close releases the workbook.
func (s *XLSXSource) Close() error {
	if s.rows != nil {
		_ = s.rows.Close()
	}
	return s.f.Close()
}

func oneOf[T comparable](v T, all []T) bool {
	for _, a := range all {
		if v == a {
			return true
		}
	}
	return false
}

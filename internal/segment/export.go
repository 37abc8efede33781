package segment

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Writer writes an export, row by row, without keeping rows in memory.
type Writer interface {
	Header(cols []string) error
	Row(values []string) error
	Close() error
	Format() string
}

// Formats of exports.
const (
	FormatCSV   = "csv"
	FormatXLSX  = "xlsx"
	FormatJSONL = "jsonl"
)

// ExportOptions choose the format and, for CSV, what Excel users need.
type ExportOptions struct {
	Format    string
	BOM       bool // a UTF-8 byte order mark, so that Excel reads accents
	Semicolon bool // ";" between fields, as French Excel expects
}

// ContentType returns the MIME type and file extension of a format.
func ContentType(format string) (string, string) {
	switch format {
	case FormatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
	case FormatJSONL:
		return "application/x-ndjson", "jsonl"
	}
	return "text/csv; charset=utf-8", "csv"
}

// NewWriter returns the writer of a format over w.
func NewWriter(w io.Writer, o ExportOptions) (Writer, error) {
	switch o.Format {
	case FormatCSV, "":
		bw := bufio.NewWriterSize(w, 64<<10)
		if o.BOM {
			bw.WriteString("\uFEFF")
		}
		cw := csv.NewWriter(bw)
		if o.Semicolon {
			cw.Comma = ';'
		}
		return &csvWriter{bw: bw, cw: cw}, nil
	case FormatJSONL:
		return &jsonlWriter{bw: bufio.NewWriterSize(w, 64<<10)}, nil
	case FormatXLSX:
		return newXLSXWriter(w)
	}
	return nil, fmt.Errorf("unknown export format %q", o.Format)
}

type csvWriter struct {
	bw *bufio.Writer
	cw *csv.Writer
}

func (c *csvWriter) Format() string             { return FormatCSV }
func (c *csvWriter) Header(cols []string) error { return c.cw.Write(cols) }

// Row writes a row; a value that a spreadsheet would run as a formula
// (=, +, -, @ first) is prefixed with an apostrophe (CSV injection).
func (c *csvWriter) Row(values []string) error {
	for i, v := range values {
		values[i] = defuse(v)
	}
	return c.cw.Write(values)
}

func (c *csvWriter) Close() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	return c.bw.Flush()
}

func defuse(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '@', '\t', '\r':
		return "'" + v
	case '+', '-':
		// A phone number (+33…) or a negative number stays as it is.
		if strings.Trim(v[1:], "0123456789 .") != "" {
			return "'" + v
		}
	}
	return v
}

type jsonlWriter struct {
	bw   *bufio.Writer
	cols []string
}

func (j *jsonlWriter) Format() string { return FormatJSONL }
func (j *jsonlWriter) Header(cols []string) error {
	j.cols = cols
	return nil
}

func (j *jsonlWriter) Row(values []string) error {
	// Keys in the chosen order: an ordered object, written by hand.
	j.bw.WriteByte('{')
	for i, v := range values {
		if i > 0 {
			j.bw.WriteByte(',')
		}
		k, _ := json.Marshal(j.cols[i])
		val, _ := json.Marshal(v)
		j.bw.Write(k)
		j.bw.WriteByte(':')
		j.bw.Write(val)
	}
	j.bw.WriteString("}\n")
	return nil
}

func (j *jsonlWriter) Close() error { return j.bw.Flush() }

// xlsxWriter streams rows through excelize's StreamWriter, which keeps
// them in a temporary file past a threshold rather than in memory.
type xlsxWriter struct {
	out  io.Writer
	f    *excelize.File
	sw   *excelize.StreamWriter
	row  int
	cell []any
}

func newXLSXWriter(w io.Writer) (*xlsxWriter, error) {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		f.Close()
		return nil, err
	}
	return &xlsxWriter{out: w, f: f, sw: sw}, nil
}

func (x *xlsxWriter) Format() string { return FormatXLSX }

func (x *xlsxWriter) Header(cols []string) error { return x.Row(cols) }

func (x *xlsxWriter) Row(values []string) error {
	x.row++
	if cap(x.cell) < len(values) {
		x.cell = make([]any, len(values))
	}
	x.cell = x.cell[:len(values)]
	for i, v := range values {
		x.cell[i] = v
	}
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, x.cell)
}

func (x *xlsxWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	_, err := x.f.WriteTo(x.out)
	return err
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/demo"
	"github.com/registre/registre/internal/importer"
	"github.com/registre/registre/internal/sqldb"
)

// runImportPeople imports people from a CSV or XLSX file, with a progress
// bar; the declared source and legal basis are required.
func runImportPeople(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import people", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	slug := fs.String("workspace", "", "workspace slug (needed when there are several)")
	source := fs.String("source", "", "where the file comes from, e.g. \"Salon des entrepreneurs, Lyon, mars 2026\" (required)")
	origin := fs.String("origin", string(crm.OriginImport), "kind of source: trade_show, purchased_file, partner, import (another CRM or file), event, referral, other")
	basis := fs.String("legal-basis", "", "legal basis: consent, contract, legitimate_interest, legal_obligation… (required)")
	purposes := fs.String("purposes", "", "with --legal-basis consent: the purposes consented to, comma-separated (e.g. email_marketing)")
	proof := fs.String("proof", "", "where the proof of consent is kept (required for consent)")
	mappingName := fs.String("mapping", "", "use the saved mapping of this name instead of the suggestions")
	saveAs := fs.String("save-mapping", "", "save the mapping used under this name")
	encoding := fs.String("encoding", "", "utf-8, windows-1252 or iso-8859-15 (detected when empty)")
	separator := fs.String("separator", "", "comma, semicolon or tab (detected when empty)")
	dedupe := fs.String("dedupe", "skip", "when an email is already known: update, skip or review")
	audience := fs.String("audience", "b2b", "b2b or b2c, for rows without a column saying it")
	report := fs.String("report", "", "write the rows not imported (line, column, reason) to this CSV file")
	// The file comes first (registre import people FILE --flags) or last.
	var path string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		path, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if path == "" && fs.NArg() == 1 {
		path = fs.Arg(0)
	} else if fs.NArg() > 0 || path == "" {
		return usageError{"give one file: registre import people FILE --source … --legal-basis …"}
	}
	sep, err := separatorFlag(*separator)
	if err != nil {
		return err
	}
	ctx, database, ws, err := openWorkspace(ctx, db, *slug)
	if err != nil {
		return err
	}
	defer database.Close()
	st := sqldb.ImportStore{DB: database}
	head := make([]byte, 4)
	if f, err := os.Open(path); err == nil {
		_, _ = f.Read(head)
		f.Close()
	}
	format := importer.FormatOf(path, head)
	csvOpt := importer.CSVOptions{Encoding: importer.Encoding(*encoding), Separator: sep}
	open := func() (importer.Source, error) { return importer.OpenFile(path, format, csvOpt) }
	src, err := open()
	if err != nil {
		return describeImport(err)
	}
	header := src.Header()
	src.Close()
	mapping, err := cliMapping(ctx, database, st, ws.ID, header, *mappingName)
	if err != nil {
		return err
	}
	printMapping(header, mapping)
	imp := &importer.Import{WorkspaceID: ws.ID, FileName: filepath.Base(path), Format: format, Encoding: csvOpt.Encoding,
		Separator: *separator, Header: header, Mapping: mapping,
		Options: importer.Options{Origin: crm.Origin(*origin), OriginDetail: *source, LegalBasis: consent.LegalBasis(*basis),
			Purposes: splitList(*purposes), ProofRef: *proof, Dedupe: importer.Dedupe(*dedupe), Audience: crm.Audience(*audience)}}
	svc := &importer.Service{Store: st, Workspace: sqldb.ImportWorkspace{DB: database}}
	if err := svc.Prepare(ctx, imp); err != nil {
		return describe(err)
	}
	if *saveAs != "" {
		if err := svc.SaveMapping(ctx, ws.ID, mapping.Save(*saveAs, header)); err != nil {
			return describe(err)
		}
	}
	start := time.Now()
	var bar *demo.ProgressBar
	err = svc.Execute(ctx, imp, open, func(done int64) {
		if bar == nil {
			bar = demo.NewProgressBar(os.Stderr, int(imp.Total))
		}
		bar.Update(int(done))
	})
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		if ctx.Err() != nil {
			// Interrupted (Ctrl-C): the server cannot resume a file it
			// does not hold, so the import ends here, cancelled.
			err = errors.Join(err, svc.Abandon(ctx, imp))
		}
		return describeImport(err)
	}
	printImportResult(imp, time.Since(start))
	if *report != "" {
		if err := writeReportFile(ctx, st, imp, *report); err != nil {
			return err
		}
	}
	return nil
}

func separatorFlag(s string) (rune, error) {
	switch strings.ToLower(s) {
	case "":
		return 0, nil
	case ",", "comma":
		return ',', nil
	case ";", "semicolon":
		return ';', nil
	case "tab", "\t", `\t`:
		return '\t', nil
	}
	return 0, usageError{"--separator must be comma, semicolon or tab"}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func cliMapping(ctx context.Context, db *sqldb.DB, st sqldb.ImportStore, ws int64, header []string, name string) (importer.Mapping, error) {
	if name != "" {
		saved, err := st.Mapping(ctx, ws, name)
		if err != nil {
			return nil, describe(err)
		}
		m, _ := saved.Apply(header)
		return m, nil
	}
	w := sqldb.ImportWorkspace{DB: db}
	fields, err := w.CustomFields(ctx, ws)
	if err != nil {
		return nil, err
	}
	purposes, err := w.Purposes(ctx, ws)
	if err != nil {
		return nil, err
	}
	return importer.Suggest(header, fields, purposes), nil
}

func printMapping(header []string, m importer.Mapping) {
	fmt.Fprintln(os.Stderr, "columns:")
	for i, h := range header {
		t := m[i]
		if t == "" {
			t = "(ignored)"
		}
		fmt.Fprintf(os.Stderr, "  %-28s → %s\n", h, t)
	}
}

func printImportResult(imp *importer.Import, elapsed time.Duration) {
	c := imp.Counts
	fmt.Printf("import %s: %d rows in %s (%.0f rows/s)\n", imp.PublicID, c.Rows, elapsed.Round(time.Millisecond),
		float64(c.Rows)/elapsed.Seconds())
	fmt.Printf("  created %d, updated %d, skipped %d, kept for review %d, invalid %d, suppression list %d, consent events %d\n",
		c.Created, c.Updated, c.Skipped, c.Review, c.Invalid, c.Suppressed, c.Events)
	if imp.Status == importer.StatusCancelled {
		fmt.Printf("  cancelled (from the web interface or the API): the %d rows read before the cancellation stay\n", c.Rows)
	}
	if c.Review > 0 {
		fmt.Printf("  the rows kept for review are resolved in the web interface (Import → the import) or with the API\n")
	}
}

func writeReportFile(ctx context.Context, st sqldb.ImportStore, imp *importer.Import, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := importer.WriteReport(ctx, st, imp, f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Printf("  report: %s\n", path)
	return nil
}

// describeImport shows a file problem as it is (it names a line and a
// column), and other errors as describe does.
func describeImport(err error) error {
	var fe *importer.FileError
	if errors.As(err, &fe) {
		return fmt.Errorf("the file cannot be imported: %s", fe.Error())
	}
	return describe(err)
}

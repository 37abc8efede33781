package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/register"
	"github.com/registre/registre/internal/sqldb"
)

func registerService(db *sqldb.DB) *register.Service {
	return register.NewService(sqldb.RegisterStore{DB: db}, sqldb.CRMStore{DB: db}, sqldb.ConsentStore{DB: db}, sqldb.AuditStore{DB: db})
}

// output opens the -o file, or stdout; the returned function closes it.
func output(path string) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return os.Stdout, func() error { return nil }, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

// runRegisterExport writes a workspace's register of processing activities
// as CSV or PDF (audited as register.export).
func runRegisterExport(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("register export", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	slug := fs.String("workspace", "", "workspace slug (needed when there are several)")
	format := fs.String("format", "csv", "csv or pdf")
	lang := fs.String("lang", "fr", "fr or en")
	out := fs.String("o", "", "output file (default: standard output)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != register.FormatCSV && *format != register.FormatPDF {
		return usageError{"--format must be csv or pdf"}
	}
	ctx, database, ws, err := openWorkspace(ctx, db, *slug)
	if err != nil {
		return err
	}
	defer database.Close()
	w, closeOut, err := output(*out)
	if err != nil {
		return err
	}
	if err := registerService(database).Export(ctx, ws.ID, ws.Name, *format, *lang, w); err != nil {
		closeOut()
		return err
	}
	return closeOut()
}

// runRegisterAdopt adopts the CNIL templates in a workspace.
func runRegisterAdopt(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("register adopt", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	slug := fs.String("workspace", "", "workspace slug (needed when there are several)")
	only := fs.String("templates", "", "comma-separated template keys (default: all)")
	if err := parse(fs, args); err != nil {
		return err
	}
	ctx, database, ws, err := openWorkspace(ctx, db, *slug)
	if err != nil {
		return err
	}
	defer database.Close()
	var keys []string
	if *only != "" {
		keys = strings.Split(*only, ",")
	}
	entries, err := registerService(database).AdoptTemplates(ctx, ws.ID, keys)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %d entries adopted\n", ws.Slug, len(entries))
	return nil
}

// runRegisterProcessors writes the operator's processor register (GDPR
// Art. 30(2)): one row per client workspace of the installation.
func runRegisterProcessors(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("register processors", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	out := fs.String("o", "", "output file (default: standard output)")
	security := fs.String("security", "Chiffrement TLS, contrôle d'accès par rôle, journal d'audit, sauvegardes / TLS encryption, role-based access control, audit log, backups",
		"the operator's security measures (Art. 30(2)(d))")
	transfers := fs.String("transfers", "", "the operator's transfers outside the EU, separated by ';' (none by default)")
	if err := parse(fs, args); err != nil {
		return err
	}
	database, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer database.Close()
	ctx = cliContext(ctx)
	workspaces, err := sqldb.WorkspaceStore{DB: database}.List(ctx)
	if err != nil {
		return err
	}
	var tr []string
	for _, t := range strings.Split(*transfers, ";") {
		if t = strings.TrimSpace(t); t != "" {
			tr = append(tr, t)
		}
	}
	svc := registerService(database)
	var records []register.ProcessorRecord
	for _, ws := range workspaces {
		r, err := svc.ProcessorRecord(ctx, ws.ID, ws.Slug, ws.Name, tr)
		if err != nil {
			return err
		}
		records = append(records, r)
	}
	if err := (sqldb.AuditStore{DB: database}).Record(ctx, audit.NewEntry(ctx, 0, "register.processor_export", "installation", "",
		map[string]any{"workspaces": len(records)})); err != nil {
		return err
	}
	w, closeOut, err := output(*out)
	if err != nil {
		return err
	}
	if err := register.WriteProcessorCSV(w, records, *security); err != nil {
		closeOut()
		return err
	}
	return closeOut()
}

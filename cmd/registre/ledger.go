package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/sqldb"
)

// runLedgerVerify walks a workspace's consent chain and reports the first
// altered, removed or inserted event; it exits non-zero when it finds one.
func runLedgerVerify(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ledger verify", flag.ContinueOnError)
	var db dbFlags
	db.register(fs)
	slug := fs.String("workspace", "", "workspace slug (needed when there are several)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	ctx, database, ws, err := openWorkspace(ctx, db, *slug)
	if err != nil {
		return err
	}
	defer database.Close()
	rep, err := consent.Verify(ctx, sqldb.ConsentStore{DB: database}, ws.ID)
	if err != nil {
		return err
	}
	detail := map[string]any{"events": rep.Events, "ok": rep.OK()}
	if err := (sqldb.AuditStore{DB: database}).Record(ctx, audit.NewEntry(ctx, ws.ID, "ledger.verify", "workspace", ws.PublicID, detail)); err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else if rep.OK() {
		fmt.Printf("consent ledger of %s: %d events, chain intact\nhead: %d %s\n", ws.Slug, rep.Events, rep.HeadSeq, rep.HeadHash)
	} else {
		fmt.Printf("consent ledger of %s: PROBLEM at event %d: %s\n", ws.Slug, rep.Problem.Seq, rep.Problem.Reason)
	}
	if !rep.OK() {
		return fmt.Errorf("the consent ledger of %s does not verify", ws.Slug)
	}
	return nil
}

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

func TestImportCommand(t *testing.T) {
	for _, engine := range []sqldb.Engine{sqldb.SQLite, sqldb.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			dbFlag := []string{"--data-dir", t.TempDir()}
			if engine == sqldb.Postgres {
				dbFlag = []string{"--database", sqldbtest.DSN(t, sqldb.Postgres)}
			}
			ctx := context.Background()
			cmd := func(args ...string) error { return run(ctx, append(args, dbFlag...)) }
			if err := cmd("migrate"); err != nil {
				t.Fatal(err)
			}
			if err := cmd("workspace", "create", "--slug", "acme", "--name", "Acme"); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			file := filepath.Join(dir, "salon.csv")
			if err := os.WriteFile(file, []byte("Prénom;Nom;Courriel;Portable\nÉlodie;Lefèvre;elodie@exemple.fr;06 12 34 56 78\nJean;Dupont;pas-un-email;\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			report := filepath.Join(dir, "report.csv")
			if err := cmd("import", "people", file, "--workspace", "acme", "--legal-basis", "legitimate_interest"); err == nil || !strings.Contains(err.Error(), "origin_detail") {
				t.Fatalf("import without a source: %v", err)
			}
			for range 2 { // the second run changes nothing
				if err := cmd("import", "people", file, "--workspace", "acme", "--source", "Salon de Lyon 2026", "--origin", "trade_show",
					"--legal-basis", "legitimate_interest", "--report", report, "--save-mapping", "salon"); err != nil {
					t.Fatal(err)
				}
			}
			b, err := os.ReadFile(report)
			if err != nil || !strings.Contains(string(b), "3;Courriel;invalid;") {
				t.Fatalf("report %q %v", b, err)
			}
			if err := cmd("import", "people", file, "--workspace", "acme", "--source", "x", "--legal-basis", "consent"); err == nil {
				t.Fatal("consent without proof accepted")
			}
			if err := cmd("import", "people", file, "--workspace", "acme", "--source", "x", "--legal-basis", "contract", "--mapping", "salon", "--dedupe", "update"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

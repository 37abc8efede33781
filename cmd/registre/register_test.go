package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestRegisterCommands adopts the templates, exports the register as CSV
// and PDF, and writes the processor register, on both databases.
func TestRegisterCommands(t *testing.T) {
	for _, engine := range []sqldb.Engine{sqldb.SQLite, sqldb.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			dbFlag := []string{"--data-dir", t.TempDir()}
			if engine == sqldb.Postgres {
				dbFlag = []string{"--database", sqldbtest.DSN(t, sqldb.Postgres)}
			}
			ctx := context.Background()
			cmd := func(args ...string) error { return run(ctx, append(args, dbFlag...)) }
			for _, args := range [][]string{{"migrate"}, {"workspace", "create", "--slug", "acme", "--name", "Acme SARL"},
				{"workspace", "create", "--slug", "beta", "--name", "Beta"}, {"register", "adopt", "--workspace", "acme"}} {
				if err := cmd(args...); err != nil {
					t.Fatal(args, err)
				}
			}
			dir := t.TempDir()
			csvPath, pdfPath, procPath := filepath.Join(dir, "r.csv"), filepath.Join(dir, "r.pdf"), filepath.Join(dir, "p.csv")
			if err := cmd("register", "export", "--workspace", "acme", "--format", "csv", "-o", csvPath); err != nil {
				t.Fatal(err)
			}
			rows := readCSV(t, csvPath)
			if len(rows) != 8 || rows[0][0] != "Nom du traitement" {
				t.Fatalf("csv rows = %d: %v", len(rows), rows[0])
			}
			if err := cmd("register", "export", "--workspace", "acme", "--format", "pdf", "-o", pdfPath); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(pdfPath); !strings.HasPrefix(string(b), "%PDF-") {
				t.Fatal("not a PDF")
			}
			if err := cmd("register", "export", "--workspace", "acme", "--format", "xml"); err == nil {
				t.Fatal("xml accepted")
			}
			if err := cmd("register", "processors", "-o", procPath); err != nil {
				t.Fatal(err)
			}
			proc := readCSV(t, procPath)
			if len(proc) != 3 || proc[1][0] != "acme" || !strings.Contains(proc[1][5], "Gestion des clients") || strings.Contains(proc[2][5], "Gestion des clients") {
				t.Fatalf("processor register = %v", proc)
			}
		})
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

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

// TestCommands runs the data commands one after the other, as an operator
// would, on both databases.
func TestCommands(t *testing.T) {
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
			if err := cmd("user", "create", "--email", "a@example.com"); err == nil || !strings.Contains(err.Error(), "no workspace") {
				t.Fatalf("user create without a workspace: %v", err)
			}
			if err := cmd("workspace", "create", "--slug", "acme", "--name", "Acme SARL"); err != nil {
				t.Fatal(err)
			}
			if err := cmd("workspace", "create", "--slug", "Not A Slug!", "--name", "x"); err == nil || !strings.Contains(err.Error(), "slug") {
				t.Fatalf("bad slug: %v", err)
			}
			withStdin(t, "a long enough password\n", func(stdin *os.File) {
				args := append([]string{"--email", "Admin@Example.com", "--role", "admin", "--dpo"}, dbFlag...)
				if err := runUserCreate(ctx, args, stdin); err != nil {
					t.Fatal(err)
				}
			})
			if err := cmd("user", "create", "--email", "b@example.com", "--role", "boss"); err == nil {
				t.Fatal("unknown role accepted")
			}
			if err := cmd("workspace", "create", "--slug", "beta", "--name", "Beta"); err != nil {
				t.Fatal(err)
			}
			if err := cmd("demo", "--people", "50"); err == nil || !strings.Contains(err.Error(), "--workspace") {
				t.Fatalf("demo with two workspaces and no --workspace: %v", err)
			}
			if err := cmd("demo", "--people", "50", "--workspace", "acme"); err != nil {
				t.Fatal(err)
			}
			if err := cmd("token", "create", "--workspace", "acme", "--name", "site", "--role", "sales"); err != nil {
				t.Fatal(err)
			}
			if err := cmd("ledger", "verify", "--workspace", "acme"); err != nil {
				t.Fatal(err)
			}
			if err := cmd("nonsense"); err == nil {
				t.Fatal("unknown command accepted")
			}
		})
	}
}

func withStdin(t *testing.T, input string, fn func(*os.File)) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(path, []byte(input), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fn(f)
}

package sqldb_test

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestMigrationParity migrates both engines and compares their tables and
// columns: the two migration folders must describe one schema.
func TestMigrationParity(t *testing.T) {
	lite := sqldbtest.Open(t, sqldb.SQLite)
	pg := sqldbtest.Open(t, sqldb.Postgres)
	ctx := context.Background()
	liteCols := columns(t, lite, `SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`)
	pgCols := columns(t, pg, `SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE table_schema = current_schema()`)
	if fmt.Sprint(liteCols) != fmt.Sprint(pgCols) {
		t.Errorf("schemas differ:\nsqlite:   %v\npostgres: %v", liteCols, pgCols)
	}
	// Migrating again applies nothing.
	for _, db := range []*sqldb.DB{lite, pg} {
		applied, err := db.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Errorf("%s: second migrate applied %v, %v", db.Engine, applied, err)
		}
	}
}

func columns(t *testing.T, db *sqldb.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

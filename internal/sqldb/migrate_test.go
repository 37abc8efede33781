package sqldb_test

import (
	"context"
	"fmt"
	"regexp"
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

// TestCheckConstraintsStillReject: migration 0090 rewrote SQLite's CHECK
// constraints without IN lists; each engine still refuses a value outside
// them, and the connection that migrated uses the new text (no temporary
// index of the list built per row).
func TestCheckConstraintsStillReject(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		if _, err := db.Exec(ctx, `INSERT INTO workspaces (id, public_id, slug, name, created_at) VALUES (1, 'w', 'w', 'W', 0)`); err != nil {
			t.Fatal(err)
		}
		insert := `INSERT INTO people (public_id, workspace_id, sort_key, alt_key, lifecycle, audience, origin, collected_at,
			created_at, updated_at) VALUES ($1, 1, '', '', $2, 'b2c', $3, 0, 0, 0)`
		for _, c := range []struct {
			lifecycle, origin string
			ok                bool
		}{
			{"lead", "import", true},
			{"former_customer", "other", true},
			{"lead", "imported", false},
			{"leads", "import", false},
			{"", "import", false},
		} {
			_, err := db.Exec(ctx, insert, c.lifecycle+"/"+c.origin, c.lifecycle, c.origin)
			if (err == nil) != c.ok {
				t.Errorf("lifecycle %q, origin %q: err = %v, want accepted %v", c.lifecycle, c.origin, err, c.ok)
			}
		}
		if db.Engine != sqldb.SQLite {
			return
		}
		for _, q := range []string{"PRAGMA integrity_check", "PRAGMA foreign_key_check"} {
			got := columns(t, db, q)
			if q == "PRAGMA integrity_check" && fmt.Sprint(got) != "[ok]" || q != "PRAGMA integrity_check" && len(got) != 0 {
				t.Errorf("%s: %v", q, got)
			}
		}
		listed := regexp.MustCompile(`CHECK \(\w+ IN \('[^']*', '[^']*', `)
		for _, table := range columns(t, db, `SELECT sql FROM sqlite_schema WHERE type = 'table'`) {
			if listed.MatchString(table) {
				t.Errorf("a CHECK with an IN list of three or more values is left: %s", listed.FindString(table))
			}
		}
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			rows, err := tx.Query(ctx, "EXPLAIN "+insert, "x", "lead", "import")
			if err != nil {
				return err
			}
			program, err := anyRows(rows)
			for _, op := range program {
				if fmt.Sprint(op[1]) == "OpenEphemeral" {
					t.Error("the writing connection still builds a temporary index for a CHECK's IN list")
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

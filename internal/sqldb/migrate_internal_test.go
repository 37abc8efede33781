package sqldb

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestUpgradeKeepsRows upgrades a SQLite database holding a person, their
// consent projection and a flag across migrations 0090 (CHECK constraints
// rewritten in place) and 0091 (projections rebuilt WITHOUT ROWID): the
// rows are all there, the file is sound, and the constraints still hold.
func TestUpgradeKeepsRows(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "registre.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	steps, err := loadMigrations(SQLite)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range steps {
		if m.version < 90 {
			if err := applyMigration(ctx, conn, db.dialect, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, q := range []string{
		`INSERT INTO workspaces (id, public_id, slug, name, created_at) VALUES (1, 'w', 'w', 'W', 0)`,
		`INSERT INTO people (id, public_id, workspace_id, sort_key, alt_key, lifecycle, audience, origin, collected_at, created_at, updated_at)
			VALUES (7, 'p', 1, '', '', 'lead', 'b2c', 'import', 0, 0, 0)`,
		`INSERT INTO consent_states (person_id, purpose, workspace_id, state, at, event_id) VALUES (7, 'newsletter', 1, 'granted', 5, 9)`,
		`INSERT INTO person_flags (person_id, flag, workspace_id, is_on, at, event_id) VALUES (7, 'objected', 1, TRUE, 6, 10)`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	read := func(q string) string {
		t.Helper()
		var out []string
		err := db.InTx(ctx, func(tx *Tx) error {
			rows, err := tx.Query(ctx, q)
			if err != nil {
				return err
			}
			defer rows.Close()
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				for i := range vals {
					vals[i] = new(any)
				}
				if err := rows.Scan(vals...); err != nil {
					return err
				}
				for _, v := range vals {
					out = append(out, fmt.Sprint(*v.(*any)))
				}
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(out, " ")
	}
	for q, want := range map[string]string{
		`SELECT person_id, purpose, workspace_id, state, at, event_id FROM consent_states`: "7 newsletter 1 granted 5 9",
		`SELECT person_id, flag, workspace_id, is_on, at, event_id FROM person_flags`:      "7 objected 1 true 6 10",
		`SELECT id, origin FROM people`: "7 import",
		`PRAGMA integrity_check`:        "ok",
		`PRAGMA foreign_key_check`:      "",
		`SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('consent_states', 'person_flags') AND sql LIKE '%WITHOUT ROWID'`: "2",
		`SELECT COUNT(*) FROM sqlite_schema WHERE name = 'consent_states_purpose'`:                                          "1",
	} {
		if got := read(q); got != want {
			t.Errorf("%s = %q, want %q", q, got, want)
		}
	}
	if _, err := db.Exec(ctx, `UPDATE consent_states SET state = 'maybe'`); err == nil || !strings.Contains(err.Error(), "CHECK") {
		t.Errorf("a state outside the list: %v", err)
	}
	if _, err := db.Exec(ctx, `DELETE FROM people`); err != nil {
		t.Fatal(err)
	}
	if got := read(`SELECT (SELECT COUNT(*) FROM consent_states) + (SELECT COUNT(*) FROM person_flags)`); got != "0" {
		t.Errorf("%s projection rows outlive their person", got)
	}
}

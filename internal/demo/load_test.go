package demo_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/demo"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

func newWorkspace(t testing.TB, db *sqldb.DB, slug string) int64 {
	t.Helper()
	var id int64
	err := db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO workspaces (public_id, slug, name, created_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, uuid.NewString(), slug, "Démo "+slug, time.Now().UnixMicro()).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func count(t *testing.T, db *sqldb.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestLoad(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "demo")
		var bar bytes.Buffer
		st, err := demo.Load(ctx, db, ws, demo.Options{People: 2000, Seed: 1, Activities: true, Progress: &bar})
		if err != nil {
			t.Fatal(err)
		}
		if st.People != 2000 || st.Organisations != 250 || st.Emails < 2000 || st.Phones < 1500 || st.Activities < 2000 {
			t.Errorf("stats = %+v", st)
		}
		for table, want := range map[string]int{"people": st.People, "person_emails": st.Emails,
			"person_phones": st.Phones, "organisations": st.Organisations, "activities": st.Activities} {
			if got := count(t, db, `SELECT COUNT(*) FROM `+table+` WHERE workspace_id = $1`, ws); got != want {
				t.Errorf("%s: %d rows, want %d", table, got, want)
			}
		}
		if !strings.Contains(bar.String(), "100% 2000/2000") || !strings.HasSuffix(bar.String(), "\n") {
			t.Errorf("progress = %q", bar.String())
		}
		checkConsistent(t, db, ws)

		st2, err := demo.Load(ctx, db, ws, demo.Options{People: 2000, Seed: 1})
		if err != nil {
			t.Fatalf("second load: %v", err)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM people WHERE workspace_id = $1`, ws); got != 4000 || st2.People != 2000 {
			t.Errorf("after a second load: %d people, stats %+v", got, st2)
		}
		other := newWorkspace(t, db, "other")
		if _, err := demo.Load(ctx, db, other, demo.Options{People: 100, Seed: 1, Activities: true}); err != nil {
			t.Fatalf("load into another workspace: %v", err)
		}
	})
}

// checkConsistent checks what the application relies on: primary columns
// match the first email and phone, sort keys match the names, and the last
// interaction dates match the activities.
func checkConsistent(t *testing.T, db *sqldb.DB, ws int64) {
	t.Helper()
	for name, q := range map[string]string{
		"primary email": `SELECT COUNT(*) FROM people p WHERE p.workspace_id = $1 AND p.email <> COALESCE((SELECT e.email
			FROM person_emails e WHERE e.person_id = p.id AND e.is_primary = TRUE), '')`,
		"primary phone": `SELECT COUNT(*) FROM people p WHERE p.workspace_id = $1 AND p.phone <> COALESCE((SELECT ph.e164
			FROM person_phones ph WHERE ph.person_id = p.id AND ph.is_primary = TRUE), '')`,
		"interaction": `SELECT COUNT(*) FROM people p WHERE p.workspace_id = $1 AND EXISTS (SELECT 1 FROM activities a
			WHERE a.person_id = p.id AND a.counts_as_interaction = TRUE) AND p.last_interaction_at <> (SELECT MAX(a.occurred_at)
			FROM activities a WHERE a.person_id = p.id AND a.counts_as_interaction = TRUE)`,
		"activity organisation": `SELECT COUNT(*) FROM activities a JOIN people p ON p.id = a.person_id
			WHERE a.workspace_id = $1 AND a.organisation_id IS DISTINCT FROM p.organisation_id`,
		"organisation interaction": `SELECT COUNT(*) FROM organisations o WHERE o.workspace_id = $1 AND
			o.last_interaction_at IS DISTINCT FROM (SELECT MAX(p.last_interaction_at) FROM people p WHERE p.organisation_id = o.id)`,
	} {
		if n := count(t, db, q, ws); n != 0 {
			t.Errorf("%s: %d inconsistent rows", name, n)
		}
	}
	rows, err := db.Query(context.Background(), `SELECT first_name, last_name, sort_key, alt_key FROM people WHERE workspace_id = $1`, ws)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p crm.Person
		var sortKey, altKey string
		if err := rows.Scan(&p.FirstName, &p.LastName, &sortKey, &altKey); err != nil {
			t.Fatal(err)
		}
		if s, a := p.SortKeys(); s != sortKey || a != altKey {
			t.Fatalf("sort keys of a person: %q %q, want %q %q", sortKey, altKey, s, a)
		}
	}
}

func TestLoadUnknownWorkspace(t *testing.T) {
	db := sqldbtest.Open(t, sqldb.SQLite)
	if _, err := demo.Load(context.Background(), db, 42, demo.Options{People: 10}); err == nil {
		t.Fatal("loading into a missing workspace succeeded")
	}
}

// TestLoadAfterDeletes loads again with the same seed once some demo people
// are gone, so that the person count no longer says where the last load
// ended: ids and addresses must still be new.
func TestLoadAfterDeletes(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "deletes")
		opt := demo.Options{People: 300, Seed: 3, Activities: true, Now: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
		if _, err := demo.Load(ctx, db, ws, opt); err != nil {
			t.Fatal(err)
		}
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			_, err := tx.Exec(ctx, `DELETE FROM people WHERE workspace_id = $1 AND id IN
				(SELECT id FROM people WHERE workspace_id = $1 ORDER BY id LIMIT 40)`, ws)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Load(ctx, db, ws, opt); err != nil {
			t.Fatalf("load after deletes: %v", err)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM people WHERE workspace_id = $1`, ws); got != 560 {
			t.Errorf("%d people, want 560", got)
		}
		if st, err := demo.Load(ctx, db, ws, demo.Options{}); err != nil || st.People != 0 {
			t.Errorf("empty load: %+v, %v", st, err)
		}
	})
}

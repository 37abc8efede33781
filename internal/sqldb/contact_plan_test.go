package sqldb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestContactCountReadsThePartialIndex guards the figure of
// docs/BENCHMARKS.md: counting contactable people must read only the
// channel's contact index, never the table nor consent_states. The indexes
// match the predicate's address conditions word for word, so editing one
// without the other would silently fall back to reading the table.
// (PostgreSQL is asked with sequential scans off, as its planner rightly
// prefers them on a small table.)
func TestContactCountReadsThePartialIndex(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "plan")
		purposes, err := sqldb.ConsentStore{DB: db}.Purposes(ctx, ws.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[consent.Channel]string{consent.Email: "people_contact_email", consent.SMS: "people_contact_phone",
			consent.Phone: "people_contact_phone", consent.Postal: "people_contact_postal"}
		for _, pu := range purposes {
			index, ok := want[pu.Channel]
			if !ok || pu.Kind != consent.Marketing {
				continue
			}
			q, args := sqldb.CountContactableSQL(ws.ID, pu, pu.Channel, time.Now(), consent.DefaultSettings())
			plan := explain(t, db, q, args)
			only := "USING COVERING INDEX " + index
			if db.Engine == sqldb.Postgres {
				only = "Index Only Scan using " + index
			}
			if !strings.Contains(plan, only) || strings.Contains(plan, "consent_states") {
				t.Errorf("%s: the count should read only %s; plan:\n%s", pu.Key, index, plan)
			}
		}
	})
}

func explain(t *testing.T, db *sqldb.DB, q string, args []any) string {
	t.Helper()
	var lines []string
	err := db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		prefix := "EXPLAIN QUERY PLAN "
		if db.Engine == sqldb.Postgres {
			prefix = "EXPLAIN "
			if _, err := tx.Exec(context.Background(), "SET LOCAL enable_seqscan = off"); err != nil {
				return err
			}
		}
		rows, err := tx.Query(context.Background(), prefix+q, args...)
		if err != nil {
			return err
		}
		all, err := anyRows(rows)
		for _, vals := range all {
			lines = append(lines, toString(vals[len(vals)-1]))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

func toString(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	s, _ := v.(string)
	return s
}

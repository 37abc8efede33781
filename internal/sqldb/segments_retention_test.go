package sqldb_test

import (
	"context"
	"testing"

	"github.com/registre/registre/internal/register"
	"github.com/registre/registre/internal/segment"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

// TestSegmentRetentionComesFromTheRegister: the retention templates of
// segments read the prospects' period after the last interaction from the
// register's active entries; without one, the CNIL's three years.
func TestSegmentRetentionComesFromTheRegister(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "acme")
		store := sqldb.SegmentStore{DB: db}
		retention := func() segment.Retention {
			t.Helper()
			cat, _, err := store.Catalogue(ctx, ws.ID)
			if err != nil {
				t.Fatal(err)
			}
			return cat.Retention
		}
		if r := retention(); r != segment.DefaultRetention {
			t.Fatalf("without a register: %+v", r)
		}
		reg := register.NewService(sqldb.RegisterStore{DB: db}, sqldb.CRMStore{DB: db}, sqldb.ConsentStore{DB: db}, sqldb.AuditStore{DB: db})
		entries, err := reg.AdoptTemplates(ctx, ws.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r := retention(); r != (segment.Retention{Years: 3}) {
			t.Fatalf("with the CNIL templates: %+v", r)
		}
		e := entries[0]
		for i := range entries {
			for _, rule := range entries[i].Activity.Retention {
				if rule.Subjects == register.Prospects && rule.Start == register.FromLastInteraction {
					e = entries[i]
				}
			}
		}
		a := e.Activity
		for i := range a.Retention {
			if a.Retention[i].Subjects == register.Prospects && a.Retention[i].Start == register.FromLastInteraction {
				a.Retention[i].Period = register.Period{Count: 18, Unit: register.Months}
			}
		}
		if _, err := reg.Update(ctx, ws.ID, e.PublicID, e.Version, a); err != nil {
			t.Fatal(err)
		}
		if r := retention(); r != (segment.Retention{Months: 18}) {
			t.Errorf("after an entry set 18 months: %+v", r)
		}
	})
}

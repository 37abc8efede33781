package sqldb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
)

func TestRecordBulk(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "acme")
		var targets []consent.BulkTarget
		for i, aud := range []crm.Audience{crm.B2B, crm.B2B, crm.B2C} {
			p, _ := newService(db).CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: fmt.Sprint("B", i), Audience: aud})
			targets = append(targets, consent.BulkTarget{PublicID: p.PublicID, Audience: aud})
		}
		store := sqldb.ConsentStore{DB: db}
		svc := consent.NewService(store)
		grant := consent.Change{Purpose: consent.EmailMarketing, Action: consent.Grant}
		tests := []struct {
			name    string
			targets []consent.BulkTarget
			change  consent.Change
			proof   consent.Proof
			code    errs.Code
		}{
			{"ErrNoJustification", targets, grant, consent.Proof{}, errs.Invalid},
			{"ErrB2CWithoutProof", targets, grant, consent.Proof{Note: "Salon 2026"}, errs.Invalid},
			{"ErrSuppressed", targets, consent.Change{Flag: consent.Suppressed, Action: consent.Set}, consent.Proof{Note: "x"}, errs.Invalid},
			{"ErrImpossibleForOne", targets, consent.Change{Purpose: consent.SMSMarketing, Action: consent.Withdraw}, consent.Proof{Note: "x"}, errs.Conflict},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := svc.RecordBulk(ctx, ws.ID, tt.targets, tt.change, tt.proof); !errs.Is(err, tt.code) {
					t.Fatalf("err = %v, want %s", err, tt.code)
				}
			})
		}
		n, err := svc.RecordBulk(ctx, ws.ID, targets[:2], grant, consent.Proof{Note: "Professional contacts met at Salon 2026"})
		if err != nil || n != 2 {
			t.Fatalf("B2B bulk grant: %d %v", n, err)
		}
		n, err = svc.RecordBulk(ctx, ws.ID, targets, consent.Change{Flag: consent.SMSOptOut, Action: consent.Set}, consent.Proof{Note: "STOP replies to the March campaign"})
		if err != nil || n != 3 {
			t.Fatalf("bulk opt-out: %d %v", n, err)
		}
		rep, _ := consent.Verify(ctx, store, ws.ID)
		if !rep.OK() || rep.Events != 5 {
			t.Fatalf("verify: %+v", rep)
		}
	})
}

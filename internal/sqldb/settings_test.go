package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/sqldb"
	"github.com/registre/registre/internal/sqldb/sqldbtest"
	"github.com/registre/registre/internal/workspace"
)

// TestSettingsKeepEachOther: saving the contact rules keeps the suppression
// policy, and the other way round.
func TestSettingsKeepEachOther(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "acme")
		store, wss := sqldb.ConsentStore{DB: db}, sqldb.WorkspaceStore{DB: db}
		e := audit.NewEntry(ctx, ws.ID, "settings.test", "workspace", "", nil)
		if err := wss.SetSuppressionPolicy(ctx, ws.ID, workspace.SuppressionFlag, e); err != nil {
			t.Fatal(err)
		}
		if err := store.SetContactSettings(ctx, ws.ID, consent.SettingsJSON{SoftOptIn: true, MaxCallsPer30Days: 3}, e); err != nil {
			t.Fatal(err)
		}
		if err := wss.SetSuppressionPolicy(ctx, ws.ID, workspace.SuppressionFlag, e); err != nil {
			t.Fatal(err)
		}
		cfg, err := store.ContactSettings(ctx, ws.ID)
		if err != nil || !cfg.SoftOptInEnabled || cfg.MaxCallsPer30Days != 3 || cfg.RefusalQuietDays != 60 {
			t.Errorf("contact settings: %v %+v", err, cfg.JSON())
		}
		if p, err := wss.SuppressionPolicy(ctx, ws.ID); err != nil || p != workspace.SuppressionFlag {
			t.Errorf("suppression policy: %v %q", err, p)
		}
		if err := store.SetContactSettings(ctx, ws.ID, consent.SettingsJSON{RefusalQuietDays: 400}, e); err == nil {
			t.Errorf("400 quiet days were saved")
		}
	})
}

// TestContactSubjectReadsTheCallLog: calls count when they fall in the 30
// days before the time asked; the last refusal is the latest one up to it.
func TestContactSubjectReadsTheCallLog(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ws := newWorkspace(t, db, "acme")
		svc := newService(db)
		p, err := svc.CreatePerson(ctx, ws.ID, crm.PersonInput{LastName: "Martin", Phones: []string{"0612345678"}, Audience: crm.B2C})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		for _, c := range []struct {
			ago     time.Duration
			kind    crm.ActivityKind
			outcome crm.CallOutcome
		}{
			{31 * 24 * time.Hour, crm.KindCall, crm.OutcomeRefused}, // outside the window, but the last refusal so far
			{29 * 24 * time.Hour, crm.KindCall, crm.OutcomeNoAnswer},
			{2 * 24 * time.Hour, crm.KindCall, crm.OutcomeReached},
			{24 * time.Hour, crm.KindMeeting, ""},
			{-time.Hour, crm.KindCall, crm.OutcomeRefused}, // after the time asked
		} {
			if _, err := svc.AddActivity(ctx, ws.ID, 0, crm.ActivityInput{PersonID: p.PublicID, Kind: c.kind, Outcome: c.outcome,
				Subject: "x", OccurredAt: at.Add(-c.ago)}); err != nil {
				t.Fatal(err)
			}
		}
		s, err := sqldb.ConsentStore{DB: db}.ContactSubject(ctx, ws.ID, p.PublicID, at, consent.DefaultSettings())
		if err != nil {
			t.Fatal(err)
		}
		if s.CallsLast30Days != 2 || len(s.CallTimes) != 2 || !s.CallTimes[0].Equal(at.Add(-29*24*time.Hour)) ||
			!s.LastCallRefusal.Equal(at.Add(-31*24*time.Hour)) || !s.HasPhone || s.HasEmail {
			t.Errorf("subject: %d calls %v, refusal %v, phone %v, email %v", s.CallsLast30Days, s.CallTimes, s.LastCallRefusal, s.HasPhone, s.HasEmail)
		}
	})
}

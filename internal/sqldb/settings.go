package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
)

// Workspace settings live in workspaces.settings, a JSON object with one
// key per area (suppression_policy, contact…). Each setter rewrites its own
// key only, under a row lock, so that two admins saving different areas
// do not undo each other.

func readSetting(ctx context.Context, q querier, workspaceID int64, key string, into any) (bool, error) {
	var raw string
	if err := q.QueryRow(ctx, `SELECT CAST(settings AS TEXT) FROM workspaces WHERE id = $1`, workspaceID).Scan(&raw); err != nil {
		return false, notFound(err, "Workspace")
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &all); err != nil {
		return false, fmt.Errorf("workspace settings: %w", err)
	}
	v, ok := all[key]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(v, into); err != nil {
		return false, fmt.Errorf("workspace setting %s: %w", key, err)
	}
	return true, nil
}

// writeSetting sets one key of the settings inside tx.
func writeSetting(ctx context.Context, tx *Tx, workspaceID int64, key string, value any) error {
	var raw string
	err := tx.QueryRow(ctx, `SELECT CAST(settings AS TEXT) FROM workspaces WHERE id = $1`+tx.dialect.forUpdate(), workspaceID).Scan(&raw)
	if err != nil {
		return notFound(err, "Workspace")
	}
	all := map[string]json.RawMessage{}
	if err := json.Unmarshal([]byte(raw), &all); err != nil {
		return fmt.Errorf("workspace settings: %w", err)
	}
	v, err := json.Marshal(value)
	if err != nil {
		return err
	}
	all[key] = v
	out, err := json.Marshal(all)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE workspaces SET settings = $2 WHERE id = $1`, workspaceID, string(out))
	return err
}

// ContactSettings returns the workspace's contact-rule settings (the
// defaults until an admin saves them).
func (s ConsentStore) ContactSettings(ctx context.Context, workspaceID int64) (consent.Settings, error) {
	var j consent.SettingsJSON
	if _, err := readSetting(ctx, s.DB, workspaceID, "contact", &j); err != nil {
		return consent.Settings{}, err
	}
	cfg, err := j.Settings()
	if err != nil {
		return consent.Settings{}, fmt.Errorf("stored contact settings: %w", err)
	}
	return cfg, nil
}

// SetContactSettings validates and saves the contact-rule settings, audited
// with their new values.
func (s ConsentStore) SetContactSettings(ctx context.Context, workspaceID int64, j consent.SettingsJSON, e audit.Entry) error {
	cfg, err := j.Settings()
	if err != nil {
		return err
	}
	j = cfg.JSON()
	return s.DB.InTx(ctx, func(tx *Tx) error {
		if err := writeSetting(ctx, tx, workspaceID, "contact", j); err != nil {
			return err
		}
		e.Detail = map[string]any{"soft_opt_in": j.SoftOptIn, "phone_consent_from": j.PhoneConsentFrom,
			"max_calls_per_30_days": j.MaxCallsPer30Days, "refusal_quiet_days": j.RefusalQuietDays}
		return insertAudit(ctx, tx, e)
	})
}

// ContactSubject reads what the rules need of a person at time at: their
// facts, consent projection, and call history from the timeline (calls in
// the 30 days before at; the last call whose outcome was a refusal).
func (s ConsentStore) ContactSubject(ctx context.Context, workspaceID int64, personPublicID string, at time.Time, cfg consent.Settings) (consent.Subject, error) {
	subjects, err := s.ContactSubjects(ctx, workspaceID, []string{personPublicID}, at, cfg)
	if err != nil {
		return consent.Subject{}, err
	}
	subject, ok := subjects[personPublicID]
	if !ok {
		return consent.Subject{}, notFound(sql.ErrNoRows, "Person")
	}
	return subject, nil
}

// ContactSubjects is ContactSubject for several people at once, keyed by
// public id (a person who does not exist is left out): five reads for the
// whole list, which the outbox's sender checks in one go.
func (s ConsentStore) ContactSubjects(ctx context.Context, workspaceID int64, publicIDs []string, at time.Time, cfg consent.Settings) (map[string]consent.Subject, error) {
	out := make(map[string]consent.Subject, len(publicIDs))
	if len(publicIDs) == 0 {
		return out, nil
	}
	err := s.DB.ReadTx(ctx, func(tx *Tx) error {
		type found struct {
			person    crm.Person
			softOptIn bool
		}
		people := map[int64]*found{}
		var ids []int64
		err := inList(ctx, tx, `SELECT id, public_id, audience, lifecycle, email, phone, address_line1, postal_code, city, soft_opt_in
			FROM people WHERE workspace_id = $1 AND public_id IN (…)`, []any{workspaceID}, publicIDs,
			func(row interface{ Scan(...any) error }) error {
				f := &found{}
				var email, phone string
				p := &f.person
				if err := row.Scan(&p.ID, &p.PublicID, &p.Audience, &p.Lifecycle, &email, &phone, &p.Address.Line1,
					&p.Address.PostalCode, &p.Address.City, &f.softOptIn); err != nil {
					return err
				}
				if email != "" {
					p.Emails = []crm.Email{{Address: email}}
				}
				if phone != "" {
					p.Phones = []crm.Phone{{E164: phone}}
				}
				people[p.ID] = f
				ids = append(ids, p.ID)
				return nil
			})
		if err != nil {
			return fmt.Errorf("read people: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		projections, err := loadProjections(ctx, tx, ids)
		if err != nil {
			return err
		}
		refusals := map[int64]int64{}
		err = inList(ctx, tx, `SELECT person_id, MAX(occurred_at) FROM activities
			WHERE kind = 'call' AND outcome = 'refused' AND occurred_at <= $1 AND person_id IN (…) GROUP BY person_id`,
			[]any{at.UnixMicro()}, ids, func(row interface{ Scan(...any) error }) error {
				var id, t int64
				err := row.Scan(&id, &t)
				refusals[id] = t
				return err
			})
		if err != nil {
			return fmt.Errorf("read call history: %w", err)
		}
		// The times, not just a count, so that the engine can say when the
		// call limit frees up.
		calls := map[int64][]time.Time{}
		err = inList(ctx, tx, `SELECT person_id, occurred_at FROM activities
			WHERE kind = 'call' AND occurred_at > $1 AND occurred_at <= $2 AND person_id IN (…) ORDER BY person_id, occurred_at`,
			[]any{at.Add(-30 * 24 * time.Hour).UnixMicro(), at.UnixMicro()}, ids, func(row interface{ Scan(...any) error }) error {
				var id, t int64
				err := row.Scan(&id, &t)
				calls[id] = append(calls[id], time.UnixMicro(t).UTC())
				return err
			})
		if err != nil {
			return fmt.Errorf("read call history: %w", err)
		}
		for id, f := range people {
			subject := Subject(&f.person, projections[id], f.softOptIn)
			if t, ok := refusals[id]; ok {
				subject.LastCallRefusal = time.UnixMicro(t).UTC()
			}
			subject.CallTimes = append([]time.Time{}, calls[id]...)
			subject.CallsLast30Days = len(subject.CallTimes)
			out[f.person.PublicID] = subject
		}
		return nil
	})
	return out, err
}

package sqldb

import (
	"context"
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
	var p crm.Person
	var email, phone string
	var id int64
	err := s.DB.QueryRow(ctx, `SELECT id, audience, lifecycle, email, phone, address_line1, postal_code, city, soft_opt_in
		FROM people WHERE workspace_id = $1 AND public_id = $2`, workspaceID, personPublicID).
		Scan(&id, &p.Audience, &p.Lifecycle, &email, &phone, &p.Address.Line1, &p.Address.PostalCode, &p.Address.City, &p.SoftOptIn)
	if err != nil {
		return consent.Subject{}, notFound(err, "Person")
	}
	if email != "" {
		p.Emails = []crm.Email{{Address: email}}
	}
	if phone != "" {
		p.Phones = []crm.Phone{{E164: phone}}
	}
	proj, err := loadProjection(ctx, s.DB, id)
	if err != nil {
		return consent.Subject{}, err
	}
	subject := Subject(&p, proj, p.SoftOptIn)
	var refusal *int64
	err = s.DB.QueryRow(ctx, `SELECT MAX(occurred_at) FROM activities
		WHERE person_id = $1 AND kind = 'call' AND outcome = 'refused' AND occurred_at <= $2`, id, at.UnixMicro()).Scan(&refusal)
	if err != nil {
		return consent.Subject{}, fmt.Errorf("read call history: %w", err)
	}
	if refusal != nil {
		subject.LastCallRefusal = time.UnixMicro(*refusal).UTC()
	}
	// The times, not just a count, so that the engine can say when the
	// call limit frees up.
	rows, err := s.DB.Query(ctx, `SELECT occurred_at FROM activities
		WHERE person_id = $1 AND kind = 'call' AND occurred_at > $2 AND occurred_at <= $3 ORDER BY occurred_at`,
		id, at.Add(-30*24*time.Hour).UnixMicro(), at.UnixMicro())
	if err != nil {
		return consent.Subject{}, fmt.Errorf("read call history: %w", err)
	}
	defer rows.Close()
	subject.CallTimes = []time.Time{}
	for rows.Next() {
		var t int64
		if err := rows.Scan(&t); err != nil {
			return consent.Subject{}, err
		}
		subject.CallTimes = append(subject.CallTimes, time.UnixMicro(t).UTC())
	}
	subject.CallsLast30Days = len(subject.CallTimes)
	return subject, rows.Err()
}

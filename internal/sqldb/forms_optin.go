package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/forms"
	"github.com/registre/registre/internal/mail"
)

const optinColumns = `r.id, r.public_id, r.workspace_id, r.person_id, p.public_id, COALESCE(r.submission_id, 0), r.kind,
	r.purposes, r.created_at, r.expires_at, COALESCE(r.used_at, 0), r.status, COALESCE(f.public_id, ''),
	COALESCE(v.public_id, ''), COALESCE(v.definition, '')`

const optinFrom = ` FROM optin_requests r JOIN people p ON p.id = r.person_id
	LEFT JOIN form_submissions s ON s.id = r.submission_id
	LEFT JOIN forms f ON f.id = s.form_id
	LEFT JOIN form_versions v ON v.id = s.version_id`

func scanOptin(row interface{ Scan(...any) error }) (*forms.OptinRequest, error) {
	var r forms.OptinRequest
	var purposes, def string
	var created, expires, used int64
	if err := row.Scan(&r.ID, &r.PublicID, &r.WorkspaceID, &r.PersonID, &r.PersonPublicID, &r.SubmissionID, &r.Kind,
		&purposes, &created, &expires, &used, &r.Status, &r.FormPublicID, &r.VersionPublic, &def); err != nil {
		return nil, err
	}
	r.Purposes = splitPurposes(purposes)
	r.CreatedAt, r.ExpiresAt = time.UnixMicro(created).UTC(), time.UnixMicro(expires).UTC()
	if used != 0 {
		r.UsedAt = time.UnixMicro(used).UTC()
	}
	r.Wordings = map[string]string{}
	if def != "" {
		var d forms.Definition
		if err := json.Unmarshal([]byte(def), &d); err != nil {
			return nil, fmt.Errorf("read form version: %w", err)
		}
		r.Lang = d.Lang
		for _, c := range d.Checkboxes {
			r.Wordings[c.Purpose] = c.Wording() + "\n\n" + d.Notice()
		}
	}
	return &r, nil
}

// OptinRequest returns a request by public id.
func (s FormStore) OptinRequest(ctx context.Context, publicID string) (*forms.OptinRequest, error) {
	r, err := scanOptin(s.DB.QueryRow(ctx, `SELECT `+optinColumns+optinFrom+` WHERE r.public_id = $1`, publicID))
	if err != nil {
		return nil, notFound(err, "Request")
	}
	return r, nil
}

// PendingOptins lists a person's pending double opt-in requests, newest
// first.
func (s FormStore) PendingOptins(ctx context.Context, workspaceID int64, personPublicID string) ([]forms.OptinRequest, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+optinColumns+optinFrom+` WHERE p.workspace_id = $1 AND p.public_id = $2
		AND r.kind = 'optin' AND r.status = 'pending' ORDER BY r.id DESC`, workspaceID, personPublicID)
	if err != nil {
		return nil, fmt.Errorf("read opt-in requests: %w", err)
	}
	defer rows.Close()
	var out []forms.OptinRequest
	for rows.Next() {
		r, err := scanOptin(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// UseOptin marks a pending request used and appends the events: confirm
// events only for purposes still pending (one withdrawn meanwhile stays
// withdrawn). Conflict when the request was used or expired meanwhile.
func (s FormStore) UseOptin(ctx context.Context, r *forms.OptinRequest, events []*consent.Event, e audit.Entry) error {
	key, err := suppressionKey(ctx, s.DB, r.WorkspaceID)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		now := time.Now().UnixMicro()
		if len(events) > 0 {
			now = events[0].At.UnixMicro()
		}
		res, err := tx.Exec(ctx, `UPDATE optin_requests SET status = 'confirmed', used_at = $2 WHERE id = $1 AND status = 'pending'`, r.ID, now)
		if err != nil {
			return fmt.Errorf("use request: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return forms.ErrUsedLink
		}
		if r.Kind == "optin" {
			// Every link sent for the submission is spent with this one.
			if _, err := tx.Exec(ctx, `UPDATE optin_requests SET status = 'confirmed', used_at = $2
				WHERE submission_id = $1 AND status = 'pending'`, r.SubmissionID, now); err != nil {
				return fmt.Errorf("use request: %w", err)
			}
			if _, err := tx.Exec(ctx, `UPDATE form_submissions SET status = 'confirmed' WHERE id = $1`, r.SubmissionID); err != nil {
				return fmt.Errorf("confirm submission: %w", err)
			}
		}
		proj, err := loadProjection(ctx, tx, r.PersonID)
		if err != nil {
			return err
		}
		var keep []*consent.Event
		for _, ev := range events {
			if ev.Action == consent.Confirm && proj.State(ev.Purpose) != consent.Pending {
				continue
			}
			if err := ev.Validate(); err != nil {
				return err
			}
			keep = append(keep, ev)
		}
		if len(keep) > 0 {
			if err := appendEvents(ctx, tx, key, r.WorkspaceID, keep); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, e)
	})
}

// CreateOptin stores a request with the messages to queue.
func (s FormStore) CreateOptin(ctx context.Context, r *forms.OptinRequest, msgs []*mail.Message, e audit.Entry) error {
	return s.DB.InTx(ctx, func(tx *Tx) error {
		if err := insertOptin(ctx, tx, r); err != nil {
			return err
		}
		for _, m := range msgs {
			if err := enqueueMail(ctx, tx, m, r.CreatedAt); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, e)
	})
}

// Expire ends up to limit double opt-in requests past their expiry, each
// in its own transaction: the purposes still pending are withdrawn (a
// system event says why), the submission is marked expired, and a person
// who exists only because of unconfirmed submissions is deleted, their
// ledger events pseudonymised and their queued email scrubbed (privacy by
// default, GDPR Art. 25). It also drops rate counters older than an hour.
func (s FormStore) Expire(ctx context.Context, now time.Time, limit int) (int, error) {
	if _, err := s.DB.Exec(ctx, `DELETE FROM rate_counters WHERE window_start < $1`, now.Add(-time.Hour).UnixMicro()); err != nil {
		return 0, fmt.Errorf("drop rate counters: %w", err)
	}
	rows, err := s.DB.Query(ctx, `SELECT `+optinColumns+optinFrom+` WHERE r.status = 'pending' AND r.expires_at < $1
		ORDER BY r.expires_at LIMIT $2`, now.UnixMicro(), limit)
	if err != nil {
		return 0, fmt.Errorf("read expired requests: %w", err)
	}
	var due []*forms.OptinRequest
	for rows.Next() {
		r, err := scanOptin(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		due = append(due, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for i, r := range due {
		if err := s.expireOne(ctx, r, now); err != nil {
			return i, err
		}
	}
	return len(due), nil
}

func (s FormStore) expireOne(ctx context.Context, r *forms.OptinRequest, now time.Time) error {
	key, err := suppressionKey(ctx, s.DB, r.WorkspaceID)
	if err != nil {
		return err
	}
	sys := audit.WithActor(ctx, audit.System)
	return s.DB.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `UPDATE optin_requests SET status = 'expired' WHERE id = $1 AND status = 'pending'`, r.ID)
		if err != nil {
			return fmt.Errorf("expire request: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 || r.Kind != "optin" {
			return nil
		}
		// Another link for the same submission may still be pending (a
		// resend with the same expiry): it expires with this one.
		if _, err := tx.Exec(ctx, `UPDATE optin_requests SET status = 'expired' WHERE submission_id = $1 AND status = 'pending'`, r.SubmissionID); err != nil {
			return fmt.Errorf("expire request: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE form_submissions SET status = 'expired' WHERE id = $1 AND status = 'pending'`, r.SubmissionID); err != nil {
			return fmt.Errorf("expire submission: %w", err)
		}
		if err := withdrawPending(ctx, tx, key, r, now); err != nil {
			return err
		}
		deleted, err := deleteIfOnlyUnconfirmed(ctx, tx, r)
		if err != nil || !deleted {
			return err
		}
		return insertAudit(ctx, tx, audit.NewEntry(sys, r.WorkspaceID, "person.delete", "person", r.PersonPublicID,
			map[string]any{"reason": "double opt-in not confirmed in time"}))
	})
}

func withdrawPending(ctx context.Context, tx *Tx, key []byte, r *forms.OptinRequest, now time.Time) error {
	proj, err := loadProjection(ctx, tx, r.PersonID)
	if err != nil {
		return err
	}
	var events []*consent.Event
	for _, p := range r.Purposes {
		if proj.State(p) != consent.Pending {
			continue
		}
		events = append(events, &consent.Event{At: now, PersonID: r.PersonID, PersonPublicID: r.PersonPublicID, Purpose: p,
			Action: consent.Withdraw, ActorKind: string(audit.ActorSystem), SourceKind: consent.SourceSystem, SourceID: r.PublicID,
			Note: "double opt-in not confirmed in time"})
	}
	if len(events) == 0 {
		return nil
	}
	return appendEvents(ctx, tx, key, r.WorkspaceID, events)
}

// deleteIfOnlyUnconfirmed deletes the person when a submission created
// them and nothing else links them to the workspace: no other submission
// that was confirmed or needed no confirmation, no request still pending,
// no granted consent, no activity other than form submissions.
func deleteIfOnlyUnconfirmed(ctx context.Context, tx *Tx, r *forms.OptinRequest) (bool, error) {
	var keep bool
	err := tx.QueryRow(ctx, `SELECT
		NOT EXISTS (SELECT 1 FROM form_submissions WHERE id = $2 AND created_person)
		OR EXISTS (SELECT 1 FROM form_submissions WHERE person_id = $1 AND status IN ('done', 'confirmed'))
		OR EXISTS (SELECT 1 FROM optin_requests WHERE person_id = $1 AND status = 'pending')
		OR EXISTS (SELECT 1 FROM activities WHERE person_id = $1 AND kind <> 'form_submission')
		OR EXISTS (SELECT 1 FROM people WHERE id = $1 AND (consent_granted <> 0 OR origin <> 'web_form'))`,
		r.PersonID, r.SubmissionID).Scan(&keep)
	if err != nil {
		return false, fmt.Errorf("check person: %w", err)
	}
	if keep {
		return false, nil
	}
	if _, err := tx.Exec(ctx, `UPDATE consent_events SET ip = '', user_agent = '', page_url = '', note = '', pseudonymised = TRUE
		WHERE workspace_id = $1 AND person_id = $2 AND person_public_id = $3`, r.WorkspaceID, r.PersonID, r.PersonPublicID); err != nil {
		return false, fmt.Errorf("pseudonymise ledger: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE outbox SET to_addr = 'erased@invalid', subject = '', text_body = '', html_body = '',
		status = CASE WHEN status = 'queued' THEN 'denied' ELSE status END,
		last_error = CASE WHEN status = 'queued' THEN 'person_deleted' ELSE last_error END
		WHERE workspace_id = $1 AND person_public_id = $2`, r.WorkspaceID, r.PersonPublicID); err != nil {
		return false, fmt.Errorf("scrub outbox: %w", err)
	}
	res, err := tx.Exec(ctx, `DELETE FROM people WHERE id = $1`, r.PersonID)
	if err != nil {
		return false, fmt.Errorf("delete person: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

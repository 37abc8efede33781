package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/crm"
)

const activityColumns = `a.id, a.public_id, a.workspace_id, a.person_id, p.public_id, p.first_name, p.last_name,
	a.organisation_id, o.public_id, a.kind, a.occurred_at, a.author_user_id, u.name, a.subject, a.body,
	a.outcome, a.counts_as_interaction, a.created_at, fm.public_id, fm.name`

const activityFrom = ` FROM activities a
	LEFT JOIN people p ON p.id = a.person_id
	LEFT JOIN organisations o ON o.id = a.organisation_id
	LEFT JOIN users u ON u.id = a.author_user_id
	LEFT JOIN forms fm ON fm.id = a.form_id`

func scanActivity(row interface{ Scan(...any) error }) (*crm.Activity, error) {
	var a crm.Activity
	var personID, orgID, authorID, occurred, created sql.NullInt64
	var personPublic, first, last, orgPublic, author, formPublic, formName sql.NullString
	err := row.Scan(&a.ID, &a.PublicID, &a.WorkspaceID, &personID, &personPublic, &first, &last,
		&orgID, &orgPublic, &a.Kind, &occurred, &authorID, &author, &a.Subject, &a.Body,
		&a.Outcome, &a.CountsAsInteraction, &created, &formPublic, &formName)
	if err != nil {
		return nil, err
	}
	a.PersonID, a.PersonPublicID = personID.Int64, personPublic.String
	a.PersonName = first.String + " " + last.String
	a.OrganisationID, a.OrganisationPublicID = orgID.Int64, orgPublic.String
	a.AuthorUserID, a.AuthorName = authorID.Int64, author.String
	a.FormPublicID, a.FormName = formPublic.String, formName.String
	a.OccurredAt, a.CreatedAt = fromMicros(occurred), fromMicros(created)
	return &a, nil
}

// AddActivity inserts an activity and moves the last interaction dates of
// its person and organisation forward when it counts.
func (s CRMStore) AddActivity(ctx context.Context, a *crm.Activity, e audit.Entry) error {
	return s.DB.InTx(ctx, func(tx *Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO activities (public_id, workspace_id, person_id, organisation_id,
			kind, occurred_at, author_user_id, subject, body, outcome, counts_as_interaction, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			a.PublicID, a.WorkspaceID, nullID(a.PersonID), nullID(a.OrganisationID), string(a.Kind),
			a.OccurredAt.UnixMicro(), nullID(a.AuthorUserID), a.Subject, a.Body, string(a.Outcome), a.CountsAsInteraction,
			a.CreatedAt.UnixMicro()).Scan(&a.ID)
		if err != nil {
			return fmt.Errorf("insert activity: %w", err)
		}
		if a.CountsAsInteraction {
			if err := bumpInteraction(ctx, tx, a); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, e)
	})
}

// bumpInteraction moves last_interaction_at forward, never back: an activity
// entered late for an old call must not hide a newer one.
func bumpInteraction(ctx context.Context, tx *Tx, a *crm.Activity) error {
	const set = ` SET last_interaction_at = CASE WHEN last_interaction_at IS NULL OR last_interaction_at < $1
		THEN $1 ELSE last_interaction_at END WHERE id = $2`
	if a.PersonID != 0 {
		if _, err := tx.Exec(ctx, `UPDATE people`+set, a.OccurredAt.UnixMicro(), a.PersonID); err != nil {
			return fmt.Errorf("update last interaction: %w", err)
		}
	}
	if a.OrganisationID != 0 {
		if _, err := tx.Exec(ctx, `UPDATE organisations`+set, a.OccurredAt.UnixMicro(), a.OrganisationID); err != nil {
			return fmt.Errorf("update last interaction: %w", err)
		}
	}
	return nil
}

// DeleteActivity deletes an activity and recomputes the last interaction
// dates it may have set.
func (s CRMStore) DeleteActivity(ctx context.Context, workspaceID int64, publicID string, e audit.Entry) error {
	return s.DB.InTx(ctx, func(tx *Tx) error {
		var personID, orgID sql.NullInt64
		err := tx.QueryRow(ctx, `DELETE FROM activities WHERE workspace_id = $1 AND public_id = $2
			RETURNING person_id, organisation_id`, workspaceID, publicID).Scan(&personID, &orgID)
		if err != nil {
			return notFound(err, "Activity")
		}
		if personID.Valid {
			if _, err := tx.Exec(ctx, `UPDATE people SET last_interaction_at = (SELECT MAX(occurred_at)
				FROM activities WHERE person_id = $1 AND counts_as_interaction = TRUE) WHERE id = $1`, personID.Int64); err != nil {
				return fmt.Errorf("recompute last interaction: %w", err)
			}
		}
		if orgID.Valid {
			if err := recomputeOrgInteraction(ctx, tx, orgID.Int64); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, e)
	})
}

func recomputeOrgInteraction(ctx context.Context, tx *Tx, orgID int64) error {
	_, err := tx.Exec(ctx, `UPDATE organisations SET last_interaction_at = (SELECT MAX(occurred_at)
		FROM activities WHERE organisation_id = $1 AND counts_as_interaction = TRUE) WHERE id = $1`, orgID)
	if err != nil {
		return fmt.Errorf("recompute last interaction: %w", err)
	}
	return nil
}

// Activity returns one activity.
func (s CRMStore) Activity(ctx context.Context, workspaceID int64, publicID string) (*crm.Activity, error) {
	a, err := scanActivity(s.DB.QueryRow(ctx, `SELECT `+activityColumns+activityFrom+
		` WHERE a.workspace_id = $1 AND a.public_id = $2`, workspaceID, publicID))
	return a, notFound(err, "Activity")
}

// Activities returns the newest activities of a person or an organisation.
func (s CRMStore) Activities(ctx context.Context, workspaceID int64, personID, organisationID int64, limit int) ([]crm.Activity, error) {
	b := &builder{}
	b.and("a.workspace_id = " + b.arg(workspaceID))
	if personID != 0 {
		b.and("a.person_id = " + b.arg(personID))
	}
	if organisationID != 0 {
		b.and("a.organisation_id = " + b.arg(organisationID))
	}
	rows, err := s.DB.Query(ctx, `SELECT `+activityColumns+activityFrom+b.whereSQL()+
		` ORDER BY a.occurred_at DESC, a.id DESC LIMIT `+b.arg(limit), b.args...)
	if err != nil {
		return nil, fmt.Errorf("list activities: %w", err)
	}
	defer rows.Close()
	var out []crm.Activity
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// Counts returns the workspace's headline figures.
func (s CRMStore) Counts(ctx context.Context, workspaceID int64, since time.Time) (crm.Counts, error) {
	var c crm.Counts
	err := s.DB.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM people WHERE workspace_id = $1),
		(SELECT COUNT(*) FROM organisations WHERE workspace_id = $1),
		(SELECT COUNT(*) FROM activities WHERE workspace_id = $1 AND occurred_at >= $2),
		(SELECT COUNT(*) FROM people WHERE workspace_id = $1 AND COALESCE(last_interaction_at, -1) = -1)`,
		workspaceID, since.UnixMicro()).Scan(&c.People, &c.Organisations, &c.ActivitiesSince, &c.PeopleNoInteraction)
	if err != nil {
		return c, fmt.Errorf("count: %w", err)
	}
	return c, nil
}

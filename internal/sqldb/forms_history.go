package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/forms"
)

// Versions lists a form's versions, newest first.
func (s FormStore) Versions(ctx context.Context, workspaceID, formID int64) ([]forms.Version, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+versionColumns+` FROM form_versions v
		WHERE v.workspace_id = $1 AND v.form_id = $2 ORDER BY v.number DESC`, workspaceID, formID)
	if err != nil {
		return nil, fmt.Errorf("list form versions: %w", err)
	}
	defer rows.Close()
	var out []forms.Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

// FormSubmissions reads a page of a form's submissions by id, newest
// first (the index form_submissions_form), then their values, and records
// the audit entry with the count, in one transaction.
func (s FormStore) FormSubmissions(ctx context.Context, q forms.SubmissionQuery, e audit.Entry) (*forms.SubmissionPage, error) {
	page := &forms.SubmissionPage{Submissions: []forms.Submission{}}
	err := s.DB.InTx(ctx, func(tx *Tx) error {
		page.Submissions, page.HasNext = []forms.Submission{}, false
		var before int64
		if q.After != "" {
			err := tx.QueryRow(ctx, `SELECT id FROM form_submissions WHERE workspace_id = $1 AND form_id = $2 AND public_id = $3`,
				q.WorkspaceID, q.FormID, q.After).Scan(&before)
			if err == sql.ErrNoRows {
				return &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"cursor": "is not a submission of this form"}}
			}
			if err != nil {
				return fmt.Errorf("read submission cursor: %w", err)
			}
		}
		ids, err := pageSubmissions(ctx, tx, q, before, page)
		if err != nil {
			return err
		}
		if err := submissionValues(ctx, tx, ids, page.Submissions); err != nil {
			return err
		}
		e.Detail = map[string]any{"count": len(page.Submissions)}
		return insertAudit(ctx, tx, e)
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// pageSubmissions fills page with up to q.Limit submissions below the id
// before (0: from the newest) and returns their ids.
func pageSubmissions(ctx context.Context, tx *Tx, q forms.SubmissionQuery, before int64, page *forms.SubmissionPage) ([]int64, error) {
	b := &builder{}
	b.and("s.workspace_id = " + b.arg(q.WorkspaceID))
	b.and("s.form_id = " + b.arg(q.FormID))
	if before != 0 {
		b.and("s.id < " + b.arg(before))
	}
	rows, err := tx.Query(ctx, `SELECT s.id, s.public_id, p.public_id, f.public_id, f.name, v.number, s.at, s.page_url, s.status
		FROM form_submissions s JOIN people p ON p.id = s.person_id JOIN forms f ON f.id = s.form_id
		JOIN form_versions v ON v.id = s.version_id`+b.whereSQL()+` ORDER BY s.id DESC LIMIT `+b.arg(q.Limit+1), b.args...)
	if err != nil {
		return nil, fmt.Errorf("list form submissions: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id, at int64
		var sub forms.Submission
		if err := rows.Scan(&id, &sub.PublicID, &sub.PersonPublicID, &sub.FormPublicID, &sub.FormName, &sub.VersionNumber,
			&at, &sub.PageURL, &sub.Status); err != nil {
			return nil, err
		}
		if len(ids) == q.Limit {
			page.HasNext = true
			break
		}
		sub.At = time.UnixMicro(at).UTC()
		ids = append(ids, id)
		page.Submissions = append(page.Submissions, sub)
	}
	return ids, rows.Err()
}

// submissionValues adds the values of the submissions ids (subs in the
// same order).
func submissionValues(ctx context.Context, tx *Tx, ids []int64, subs []forms.Submission) error {
	if len(ids) == 0 {
		return nil
	}
	b := &builder{}
	index := map[int64]int{}
	in := make([]string, len(ids))
	for i, id := range ids {
		index[id], in[i] = i, b.arg(id)
	}
	rows, err := tx.Query(ctx, `SELECT submission_id, field, label, value FROM form_submission_values
		WHERE submission_id IN (`+strings.Join(in, ", ")+`) ORDER BY submission_id, field`, b.args...)
	if err != nil {
		return fmt.Errorf("read submitted values: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v forms.Value
		if err := rows.Scan(&id, &v.Field, &v.Label, &v.Value); err != nil {
			return err
		}
		sub := &subs[index[id]]
		sub.Values = append(sub.Values, v)
	}
	return rows.Err()
}

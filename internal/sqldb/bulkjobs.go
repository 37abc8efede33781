package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/segment"
)

// bulkBatchHook, when set (by tests), runs inside each batch's transaction
// just before it commits; an error rolls the batch back, as a crash would.
var bulkBatchHook func(j *segment.Job) error

const jobColumns = `j.id, j.public_id, j.workspace_id, COALESCE(j.segment_id, 0), COALESCE(g.public_id, ''), COALESCE(g.name, ''),
	j.action, CAST(j.params AS TEXT), CAST(j.tree AS TEXT), j.state, j.cancel, j.total, j.processed, j.last_person, j.error,
	j.actor_kind, j.actor_id, j.request_id, j.created_at, j.started_at, j.finished_at`

const jobFrom = ` FROM bulk_jobs j LEFT JOIN segments g ON g.id = j.segment_id`

func scanJob(row interface{ Scan(...any) error }) (*segment.Job, error) {
	var j segment.Job
	var params, tree, actorKind string
	var created int64
	var started, finished sql.NullInt64
	if err := row.Scan(&j.ID, &j.PublicID, &j.WorkspaceID, &j.SegmentID, &j.Segment, &j.SegmentName, &j.Action, &params, &tree,
		&j.State, &j.Cancel, &j.Total, &j.Processed, &j.LastPerson, &j.Error, &actorKind, &j.Actor.ID, &j.RequestID,
		&created, &started, &finished); err != nil {
		return nil, err
	}
	j.Actor.Kind = audit.ActorKind(actorKind)
	if err := json.Unmarshal([]byte(params), &j.Params); err != nil {
		return nil, fmt.Errorf("job params: %w", err)
	}
	if err := json.Unmarshal([]byte(tree), &j.Tree); err != nil {
		return nil, fmt.Errorf("job tree: %w", err)
	}
	j.CreatedAt, j.StartedAt, j.FinishedAt = time.UnixMicro(created).UTC(), fromMicros(started), fromMicros(finished)
	return &j, nil
}

// CreateJob queues a job.
func (s SegmentStore) CreateJob(ctx context.Context, j *segment.Job) error {
	params, err := json.Marshal(j.Params)
	if err != nil {
		return err
	}
	tree, err := json.Marshal(j.Tree)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO bulk_jobs (public_id, workspace_id, segment_id, action, params, tree, state, total,
			actor_kind, actor_id, request_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			j.PublicID, j.WorkspaceID, nullID(j.SegmentID), string(j.Action), string(params), string(tree), j.State, j.Total,
			string(j.Actor.Kind), j.Actor.ID, j.RequestID, j.CreatedAt.UnixMicro()).Scan(&j.ID)
	})
}

// Job returns a job of the workspace.
func (s SegmentStore) Job(ctx context.Context, workspaceID int64, publicID string) (*segment.Job, error) {
	j, err := scanJob(s.DB.QueryRow(ctx, `SELECT `+jobColumns+jobFrom+` WHERE j.workspace_id = $1 AND j.public_id = $2`, workspaceID, publicID))
	return j, notFound(err, "Job")
}

// Jobs lists the workspace's latest jobs, newest first.
func (s SegmentStore) Jobs(ctx context.Context, workspaceID int64, limit int) ([]segment.Job, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+jobColumns+jobFrom+` WHERE j.workspace_id = $1 ORDER BY j.id DESC LIMIT $2`, workspaceID, limit)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	defer rows.Close()
	var out []segment.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *j)
	}
	return out, rows.Err()
}

// CancelJob marks a job to stop: a queued job is cancelled at once, a
// running one after its current batch.
func (s SegmentStore) CancelJob(ctx context.Context, workspaceID int64, publicID string, e audit.Entry) error {
	return s.DB.InTx(ctx, func(tx *Tx) error {
		var state string
		err := tx.QueryRow(ctx, `SELECT state FROM bulk_jobs WHERE workspace_id = $1 AND public_id = $2`+tx.dialect.forUpdate(),
			workspaceID, publicID).Scan(&state)
		if err != nil {
			return notFound(err, "Job")
		}
		switch state {
		case segment.JobQueued:
			_, err = tx.Exec(ctx, `UPDATE bulk_jobs SET state = $3, cancel = TRUE, finished_at = $4 WHERE workspace_id = $1 AND public_id = $2`,
				workspaceID, publicID, segment.JobCancelled, time.Now().UnixMicro())
		case segment.JobRunning:
			_, err = tx.Exec(ctx, `UPDATE bulk_jobs SET cancel = TRUE WHERE workspace_id = $1 AND public_id = $2`, workspaceID, publicID)
		default:
			return errs.Errorf(errs.Conflict, "The job has already finished.")
		}
		if err != nil {
			return fmt.Errorf("cancel job: %w", err)
		}
		return insertAudit(ctx, tx, e)
	})
}

// ClaimJob marks the oldest claimable job running and returns it.
func (s SegmentStore) ClaimJob(ctx context.Context, now, staleBefore time.Time) (*segment.Job, error) {
	var j *segment.Job
	err := s.DB.InTx(ctx, func(tx *Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM bulk_jobs WHERE state = $1 OR (state = $2 AND heartbeat_at < $3)
			ORDER BY id LIMIT 1`+tx.dialect.forUpdate(), segment.JobQueued, segment.JobRunning, staleBefore.UnixMicro()).Scan(&id)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim job: %w", err)
		}
		res, err := tx.Exec(ctx, `UPDATE bulk_jobs SET state = $2, heartbeat_at = $3, started_at = COALESCE(started_at, $3)
			WHERE id = $1 AND (state = $4 OR (state = $2 AND heartbeat_at < $5))`,
			id, segment.JobRunning, now.UnixMicro(), segment.JobQueued, staleBefore.UnixMicro())
		if err != nil {
			return fmt.Errorf("claim job: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // another process took it
		}
		j, err = scanJob(tx.QueryRow(ctx, `SELECT `+jobColumns+jobFrom+` WHERE j.id = $1`, id))
		return err
	})
	return j, err
}

// RunBatch applies a job to its next batch of people: those of the
// segment (as the job's tree says, evaluated at the job's creation) whose
// id is above the cursor, in id order, to whom the action still applies.
// The changes, the new cursor and the progress commit together; when no
// one is left, or the job was cancelled, it finishes the job and writes
// its single audit entry with the count.
func (s SegmentStore) RunBatch(ctx context.Context, cat *segment.Catalogue, j *segment.Job, size int, now time.Time) (bool, error) {
	var key []byte
	if j.Action == segment.ActConsent {
		var err error
		if key, err = suppressionKey(ctx, s.DB, j.WorkspaceID); err != nil {
			return false, err
		}
	}
	done := false
	err := s.DB.InTx(ctx, func(tx *Tx) error {
		done = false
		var state string
		var cancel bool
		var last, processed int64
		err := tx.QueryRow(ctx, `SELECT state, cancel, last_person, processed FROM bulk_jobs WHERE id = $1`+tx.dialect.forUpdate(), j.ID).
			Scan(&state, &cancel, &last, &processed)
		if err != nil {
			return fmt.Errorf("read job: %w", err)
		}
		j.LastPerson, j.Processed = last, processed
		if state != segment.JobRunning {
			done = true
			j.State = state
			return nil
		}
		if cancel {
			done = true
			return finishJob(ctx, tx, j, segment.JobCancelled, "", now)
		}
		ids, publicIDs, err := s.nextBatch(ctx, tx, cat, j, size)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			done = true
			return finishJob(ctx, tx, j, segment.JobDone, "", now)
		}
		if err := applyBulk(ctx, tx, s.DB.Engine, cat, key, j, ids, publicIDs, now); err != nil {
			return err
		}
		j.LastPerson = ids[len(ids)-1]
		j.Processed += int64(len(ids))
		if _, err := tx.Exec(ctx, `UPDATE bulk_jobs SET last_person = $2, processed = $3, heartbeat_at = $4 WHERE id = $1`,
			j.ID, j.LastPerson, j.Processed, now.UnixMicro()); err != nil {
			return fmt.Errorf("move job cursor: %w", err)
		}
		if bulkBatchHook != nil {
			return bulkBatchHook(j)
		}
		return nil
	})
	if err != nil && errs.CodeOf(err) != errs.Internal && ctx.Err() == nil {
		// A refusal (an impossible change) will not go away by retrying.
		ferr := s.DB.InTx(ctx, func(tx *Tx) error { return finishJob(ctx, tx, j, segment.JobFailed, err.Error(), now) })
		if ferr != nil {
			return false, ferr
		}
		return true, err
	}
	return done, err
}

func finishJob(ctx context.Context, tx *Tx, j *segment.Job, state, message string, now time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE bulk_jobs SET state = $2, error = $3, finished_at = $4, heartbeat_at = $4 WHERE id = $1`,
		j.ID, state, message, now.UnixMicro()); err != nil {
		return fmt.Errorf("finish job: %w", err)
	}
	j.State = state
	detail := map[string]any{"job": j.PublicID, "action": string(j.Action), "people": j.Processed, "state": state}
	switch j.Action {
	case segment.ActSetField:
		detail["field"] = j.Params.Field
	case segment.ActConsent:
		detail["change"] = string(j.Params.Change)
		detail["purpose"], detail["flag"] = j.Params.Purpose, string(j.Params.Flag)
	}
	return insertAudit(ctx, tx, audit.NewEntry(ctx, j.WorkspaceID, "segment.bulk_"+string(j.Action), "segment", j.Segment, detail))
}

// nextBatch selects the ids of the next people of a job.
func (s SegmentStore) nextBatch(ctx context.Context, tx *Tx, cat *segment.Catalogue, j *segment.Job, size int) ([]int64, []string, error) {
	b, _, err := s.segmentWhere(segment.Query{WorkspaceID: j.WorkspaceID, Cat: cat, Tree: j.Tree, At: j.CreatedAt})
	if err != nil {
		return nil, nil, err
	}
	b.and("p.id > " + b.arg(j.LastPerson))
	if cond := applicable(b, cat, j); cond != "" {
		b.and(cond)
	}
	rows, err := tx.Query(ctx, `SELECT p.id, p.public_id FROM people p`+b.whereSQL()+` ORDER BY p.id LIMIT `+b.arg(size), b.args...)
	if err != nil {
		return nil, nil, fmt.Errorf("next batch: %w", err)
	}
	defer rows.Close()
	var ids []int64
	var pids []string
	for rows.Next() {
		var id int64
		var pid string
		if err := rows.Scan(&id, &pid); err != nil {
			return nil, nil, err
		}
		ids, pids = append(ids, id), append(pids, pid)
	}
	return ids, pids, rows.Err()
}

// applicable narrows a consent action to the people for whom the change is
// possible: withdrawing from those who granted it (or are pending), setting
// a flag that is off, clearing one that is on, granting to those who have
// not. The others are left as they are and not counted.
func applicable(b *builder, cat *segment.Catalogue, j *segment.Job) string {
	if j.Action != segment.ActConsent {
		return ""
	}
	p := j.Params
	if p.Flag != "" {
		bit := b.arg(consent.FlagBit(p.Flag))
		if p.Change == consent.Set {
			return `(p.consent_flags & ` + bit + `) = 0`
		}
		return `(p.consent_flags & ` + bit + `) <> 0`
	}
	var mask int64
	for _, pu := range cat.Purposes {
		if pu.Key == p.Purpose {
			mask = int64(1) << pu.Bit
		}
	}
	if p.Change == consent.Grant {
		return `(p.consent_granted & ` + b.arg(mask) + `) = 0`
	}
	return `((p.consent_granted & ` + b.arg(mask) + `) <> 0 OR EXISTS (SELECT 1 FROM consent_states cs WHERE cs.person_id = p.id AND cs.purpose = ` +
		b.arg(p.Purpose) + ` AND cs.state = ` + b.arg(string(consent.Pending)) + `))`
}

func idList(b *builder, ids []int64) string {
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = b.arg(id)
	}
	return "(" + strings.Join(ph, ", ") + ")"
}

var settableColumns = map[string]string{"job_title": "job_title", "origin_detail": "origin_detail", "city": "city",
	"postal_code": "postal_code", "region": "region", "country": "country"}

// applyBulk applies the job's action to a batch of people.
func applyBulk(ctx context.Context, tx *Tx, engine Engine, cat *segment.Catalogue, key []byte, j *segment.Job, ids []int64, publicIDs []string, now time.Time) error {
	b := &builder{}
	var q string
	p := j.Params
	switch j.Action {
	case segment.ActSetField:
		if k, ok := strings.CutPrefix(p.Field, "custom."); ok {
			f, ok := cat.Field(p.Field)
			if !ok {
				return errs.Errorf(errs.Invalid, "The field is not a field of this workspace.")
			}
			q = `UPDATE people SET custom = ` + customSet(b, engine, k, typedCustom(f.Custom, p.Value)) + `, updated_at = ` + b.arg(now.UnixMicro())
		} else {
			col, ok := settableColumns[p.Field]
			if !ok {
				return errs.Errorf(errs.Invalid, "The field cannot be set in bulk.")
			}
			q = `UPDATE people SET ` + col + ` = ` + b.arg(p.Value) + `, updated_at = ` + b.arg(now.UnixMicro())
		}
		q += ` WHERE id IN ` + idList(b, ids)
	case segment.ActSetLifecycle:
		q = `UPDATE people SET lifecycle = ` + b.arg(p.Value) + `, updated_at = ` + b.arg(now.UnixMicro()) + ` WHERE id IN ` + idList(b, ids)
	case segment.ActSetStatus:
		q = `UPDATE organisations SET status = ` + b.arg(p.Value) + `, updated_at = ` + b.arg(now.UnixMicro()) +
			` WHERE id IN (SELECT organisation_id FROM people WHERE id IN ` + idList(b, ids) + `)`
	case segment.ActConsent:
		return appendBulkConsent(ctx, tx, key, j, ids, publicIDs, now)
	case segment.ActDelete:
		return deleteBatch(ctx, tx, ids)
	default:
		return errs.Errorf(errs.Invalid, "Unknown bulk action.")
	}
	if _, err := tx.Exec(ctx, q, b.args...); err != nil {
		return fmt.Errorf("bulk %s: %w", j.Action, err)
	}
	return nil
}

// customSet is the SQL of custom with one key set to a value of the
// field's kind (the value is JSON-encoded and passed as an argument).
func customSet(b *builder, engine Engine, key string, v any) string {
	raw, _ := json.Marshal(v)
	if engine == Postgres {
		return `jsonb_set(custom, ARRAY[CAST(` + b.arg(key) + ` AS TEXT)], CAST(` + b.arg(string(raw)) + ` AS JSONB))`
	}
	return `json_set(custom, ` + b.arg(`$."`+key+`"`) + `, json(` + b.arg(string(raw)) + `))`
}

// typedCustom converts a custom field's value to its JSON type (the
// value was validated when the job was queued); empty clears it.
func typedCustom(kind crm.FieldKind, value string) any {
	if value == "" {
		return nil
	}
	switch kind {
	case crm.FieldNumber:
		if f, err := strconv.ParseFloat(value, 64); err == nil {
			return f
		}
	case crm.FieldBoolean:
		return value == "true"
	}
	return value
}

func appendBulkConsent(ctx context.Context, tx *Tx, key []byte, j *segment.Job, ids []int64, publicIDs []string, now time.Time) error {
	p := j.Params
	events := make([]*consent.Event, len(ids))
	for i, id := range ids {
		e := &consent.Event{At: now, PersonID: id, PersonPublicID: publicIDs[i], Purpose: p.Purpose, Flag: p.Flag, Action: p.Change,
			ActorKind: string(j.Actor.Kind), ActorID: j.Actor.ID, LegalBasis: p.LegalBasis, SourceKind: consent.SourceBulk,
			SourceID: p.SourceRef, SourceVersion: j.PublicID, Note: p.Note}
		if err := e.Validate(); err != nil {
			return err
		}
		events[i] = e
	}
	return appendEvents(ctx, tx, key, j.WorkspaceID, events)
}

func deleteBatch(ctx context.Context, tx *Tx, ids []int64) error {
	b := &builder{}
	list := idList(b, ids)
	rows, err := tx.Query(ctx, `SELECT DISTINCT organisation_id FROM activities WHERE organisation_id IS NOT NULL AND person_id IN `+list+
		` UNION SELECT DISTINCT organisation_id FROM people WHERE organisation_id IS NOT NULL AND id IN `+list, b.args...)
	if err != nil {
		return fmt.Errorf("bulk delete: %w", err)
	}
	var orgs []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		orgs = append(orgs, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM people WHERE id IN `+list, b.args...); err != nil {
		return fmt.Errorf("bulk delete: %w", err)
	}
	for _, id := range orgs {
		if err := recomputeOrgInteraction(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

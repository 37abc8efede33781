package sqldb

import (
	"context"
	"fmt"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/importer"
)

// Resolve applies a resolution to one held row (see importer.Store). The
// row is claimed by a conditional UPDATE (resolved_at IS NULL) before
// anything is applied: a second resolution, or one running concurrently,
// finds it claimed and changes nothing.
func (s ImportStore) Resolve(ctx context.Context, imp *importer.Import, line int64, res importer.Resolution, e audit.Entry) (*importer.Review, bool, error) {
	begin, err := s.newResolver(ctx, imp, res)
	if err != nil {
		return nil, false, err
	}
	var out *importer.Review
	var changed bool
	err = s.DB.InTx(ctx, func(tx *Tx) error {
		out, changed = nil, false
		h, err := readHeld(ctx, tx, imp.ID, line)
		if err != nil {
			return err
		}
		if h.Resolved() {
			out = &h.Review
			return sameResolution(h, res)
		}
		r, err := begin(tx)
		if err != nil {
			return err
		}
		p := r.add(h)
		refused, err := r.screen(ctx)
		if err != nil {
			return err
		}
		if err := refused[p]; err != nil {
			return err
		}
		if res == importer.ResolveCreate {
			if err := r.checkCreate(ctx, p); err != nil {
				return err
			}
		}
		if n, err := r.resolve(ctx, e); err != nil || n == 0 {
			if err == nil { // resolved meanwhile by someone else
				h, err = readHeld(ctx, tx, imp.ID, line)
				if err == nil {
					out, err = &h.Review, sameResolution(h, res)
				}
			}
			return err
		}
		h.Row, h.Resolution, h.ResolvedAt, h.ResolvedBy = importer.ReviewRow{}, res, r.now, r.actor
		h.CreatedPerson = p.created.publicID
		out, changed = &h.Review, true
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	if changed {
		imp.Counts.Review--
	}
	return out, changed, nil
}

func sameResolution(h *heldRow, res importer.Resolution) error {
	if h.Resolution == res {
		return nil
	}
	return &errs.Error{Code: errs.Conflict, Message: "This row has already been resolved otherwise.",
		Fields: map[string]string{"resolution": "already " + string(h.Resolution)}}
}

func readHeld(ctx context.Context, tx *Tx, importID, line int64) (*heldRow, error) {
	h, err := scanHeld(tx.QueryRow(ctx, `SELECT `+reviewColumns+reviewFrom+` WHERE r.import_id = $1 AND r.line = $2`, importID, line))
	if err != nil {
		return nil, notFound(err, "Held row")
	}
	return h, nil
}

// ResolveRemaining applies update or discard to up to limit waiting rows
// after line after (see importer.Store).
func (s ImportStore) ResolveRemaining(ctx context.Context, imp *importer.Import, res importer.Resolution, after int64, limit int, e audit.Entry) (importer.BulkResult, error) {
	begin, err := s.newResolver(ctx, imp, res)
	if err != nil {
		return importer.BulkResult{}, err
	}
	var out importer.BulkResult
	err = s.DB.InTx(ctx, func(tx *Tx) error {
		out = importer.BulkResult{}
		r, err := begin(tx)
		if err != nil {
			return err
		}
		held, err := waitingRows(ctx, tx, imp.ID, after, limit)
		if err != nil || len(held) == 0 {
			return err
		}
		if len(held) == limit {
			out.Next = held[len(held)-1].Line
		}
		r.bulk = true
		all := &resolver{batchWriter: r.batchWriter, res: res}
		for _, h := range held {
			all.add(h)
		}
		refused, err := all.screen(ctx)
		if err != nil {
			return err
		}
		for i, p := range all.rows {
			if refused[p] == nil {
				r.held, r.rows = append(r.held, all.held[i]), append(r.rows, p)
			}
		}
		out.Refused = int64(len(refused))
		out.Resolved, err = r.resolve(ctx, e)
		return err
	})
	if err == nil {
		imp.Counts.Review -= out.Resolved
	}
	return out, err
}

func waitingRows(ctx context.Context, tx *Tx, importID, after int64, limit int) ([]*heldRow, error) {
	rows, err := tx.Query(ctx, `SELECT `+reviewColumns+reviewFrom+` WHERE r.import_id = $1 AND r.line > $2
		AND r.resolved_at IS NULL ORDER BY r.line LIMIT $3`, importID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("read held rows: %w", err)
	}
	defer rows.Close()
	var out []*heldRow
	for rows.Next() {
		h, err := scanHeld(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// resolve claims the resolver's rows, applies the resolution to those it
// claimed (rows another transaction resolved first are left alone), and
// records the import's counts, the report and the audit entry. It returns
// how many rows it resolved; with none, it writes nothing.
func (r *resolver) resolve(ctx context.Context, e audit.Entry) (int64, error) {
	claimed, err := r.claim(ctx)
	if err != nil || len(claimed) == 0 {
		return 0, err
	}
	var rows []*pending
	for _, p := range r.rows {
		if claimed[p.r.Line] {
			rows = append(rows, p)
		}
	}
	if err := r.apply(ctx, rows); err != nil {
		return 0, err
	}
	if err := r.record(ctx, rows); err != nil {
		return 0, err
	}
	n := int64(len(rows))
	if e.Detail == nil {
		e.Detail = map[string]any{}
	}
	if r.bulk {
		e.Detail["count"] = n
	} else {
		e.Detail["person"] = rows[0].existing.publicID
		if r.res == importer.ResolveCreate {
			e.Detail["created_person"] = rows[0].created.publicID
		}
	}
	e.Detail["consent_events"] = r.delta.Events
	return n, insertAudit(ctx, r.tx, e)
}

// claim marks the rows resolved, by whom, and clears their values; only
// the rows still waiting are claimed.
func (r *resolver) claim(ctx context.Context) (map[int64]bool, error) {
	lines := make([]int64, len(r.rows))
	for i, p := range r.rows {
		lines[i] = p.r.Line
	}
	claimed := map[int64]bool{}
	err := inList(ctx, r.tx, `UPDATE import_reviews SET resolution = $2, resolved_at = $3, resolved_by_kind = $4,
		resolved_by = $5, resolved_user = $6, data = '{}'
		WHERE import_id = $1 AND resolved_at IS NULL AND line IN (…) RETURNING line`,
		[]any{r.imp.ID, string(r.res), r.now.UnixMicro(), string(r.actor.Kind), r.actor.ID, nullID(r.actor.UserID)}, lines,
		func(row interface{ Scan(...any) error }) error {
			var line int64
			if err := row.Scan(&line); err != nil {
				return err
			}
			claimed[line] = true
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("claim held rows: %w", err)
	}
	return claimed, nil
}

// apply writes the rows through the import's code: the "update" policy's
// updatePeople, or insertPeople for new people.
func (r *resolver) apply(ctx context.Context, rows []*pending) error {
	switch r.res {
	case importer.ResolveUpdate:
		r.updates = rows
	case importer.ResolveCreate:
		r.inserts = rows
	default:
		return nil
	}
	for _, step := range []func(context.Context) error{r.resolveOrgs, r.insertPeople, r.updatePeople} {
		if err := step(ctx); err != nil {
			if isUniqueViolation(err) {
				return &errs.Error{Code: errs.Conflict, Message: "Another person already has this email address.",
					Fields: map[string]string{"resolution": "the email address belongs to another person"}}
			}
			return err
		}
	}
	for _, p := range r.inserts {
		if _, err := r.tx.Exec(ctx, `UPDATE import_reviews SET created_person_id = $3 WHERE import_id = $1 AND line = $2`,
			r.imp.ID, p.r.Line, p.created.id); err != nil {
			return fmt.Errorf("record created person: %w", err)
		}
	}
	return nil
}

// record moves the import's counts (a resolved row leaves "review" for
// updated, created or skipped) and its report: a row now imported leaves
// it, a discarded row stays as skipped.
func (r *resolver) record(ctx context.Context, rows []*pending) error {
	var discarded, suppressed int64
	for _, p := range rows {
		if p.suppressed {
			suppressed++
		}
		q := `DELETE FROM import_problems WHERE import_id = $1 AND line = $2 AND kind = 'review'`
		if r.res == importer.ResolveDiscard {
			discarded++
			q = `UPDATE import_problems SET kind = 'skipped', reason = 'matches an existing person: discarded at review'
				WHERE import_id = $1 AND line = $2 AND kind = 'review'`
		}
		if _, err := r.tx.Exec(ctx, q, r.imp.ID, p.r.Line); err != nil {
			return fmt.Errorf("update import report: %w", err)
		}
	}
	d := r.delta
	_, err := r.tx.Exec(ctx, `UPDATE imports SET review = review - $2, created = created + $3, updated = updated + $4,
		skipped = skipped + $5, suppressed = suppressed + $6, events = events + $7, updated_at = $8 WHERE id = $1`,
		r.imp.ID, len(rows), d.Created, d.Updated, discarded, suppressed, d.Events, r.now.UnixMicro())
	if err != nil {
		return fmt.Errorf("import counts: %w", err)
	}
	return nil
}

package sqldb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/register"
)

// RegisterStore implements register.Store: entries, their append-only
// versions, and the consent purposes the entries define.
type RegisterStore struct{ DB *DB }

var _ register.Store = RegisterStore{}

const entryColumns = `e.id, e.public_id, e.workspace_id, e.template, e.status, e.version, e.created_at, e.updated_at, CAST(v.activity AS TEXT)`

func scanEntry(sc interface{ Scan(...any) error }) (register.Entry, error) {
	var e register.Entry
	var created, updated int64
	var activity string
	if err := sc.Scan(&e.ID, &e.PublicID, &e.WorkspaceID, &e.Template, &e.Status, &e.Version, &created, &updated, &activity); err != nil {
		return e, err
	}
	e.CreatedAt, e.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	if err := json.Unmarshal([]byte(activity), &e.Activity); err != nil {
		return e, fmt.Errorf("register entry %s: %w", e.PublicID, err)
	}
	return e, nil
}

// Entries lists a workspace's entries with their current version.
func (s RegisterStore) Entries(ctx context.Context, workspaceID int64) ([]register.Entry, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+entryColumns+` FROM register_entries e
		JOIN register_versions v ON v.entry_id = e.id AND v.version = e.version
		WHERE e.workspace_id = $1 ORDER BY e.id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list register entries: %w", err)
	}
	defer rows.Close()
	out := []register.Entry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Entry returns one entry; NotFound for an unknown id or another
// workspace's.
func (s RegisterStore) Entry(ctx context.Context, workspaceID int64, publicID string) (*register.Entry, error) {
	e, err := scanEntry(s.DB.QueryRow(ctx, `SELECT `+entryColumns+` FROM register_entries e
		JOIN register_versions v ON v.entry_id = e.id AND v.version = e.version
		WHERE e.workspace_id = $1 AND e.public_id = $2`, workspaceID, publicID))
	if err != nil {
		return nil, notFound(err, "Register entry")
	}
	return &e, nil
}

// Versions lists an entry's versions, oldest first.
func (s RegisterStore) Versions(ctx context.Context, workspaceID int64, publicID string) ([]register.Version, error) {
	rows, err := s.DB.Query(ctx, `SELECT v.version, v.status, v.created_at, v.actor_kind, v.actor_id, v.sha256, CAST(v.activity AS TEXT)
		FROM register_versions v JOIN register_entries e ON e.id = v.entry_id
		WHERE e.workspace_id = $1 AND e.public_id = $2 ORDER BY v.version`, workspaceID, publicID)
	if err != nil {
		return nil, fmt.Errorf("list register versions: %w", err)
	}
	defer rows.Close()
	var out []register.Version
	for rows.Next() {
		var v register.Version
		var at int64
		var activity string
		if err := rows.Scan(&v.Version, &v.Status, &at, &v.ActorKind, &v.ActorID, &v.SHA256, &activity); err != nil {
			return nil, err
		}
		v.At = time.UnixMicro(at).UTC()
		if err := json.Unmarshal([]byte(activity), &v.Activity); err != nil {
			return nil, fmt.Errorf("register version: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errs.Errorf(errs.NotFound, "Register entry not found.")
	}
	return out, nil
}

// Save inserts the entry or appends its next version, with the consent
// purposes it defines and the audit entry, in one transaction.
func (s RegisterStore) Save(ctx context.Context, e *register.Entry, a audit.Entry) error {
	doc, err := json.Marshal(e.Activity)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(doc)
	return s.DB.InTx(ctx, func(tx *Tx) error {
		if e.ID == 0 {
			err = tx.QueryRow(ctx, `INSERT INTO register_entries (public_id, workspace_id, template, status, version, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, e.PublicID, e.WorkspaceID, e.Template, string(e.Status),
				e.Version, e.CreatedAt.UnixMicro(), e.UpdatedAt.UnixMicro()).Scan(&e.ID)
		} else {
			var res interface{ RowsAffected() (int64, error) }
			res, err = tx.Exec(ctx, `UPDATE register_entries SET status = $3, version = $4, updated_at = $5
				WHERE id = $1 AND workspace_id = $2 AND version = $4 - 1`, e.ID, e.WorkspaceID, string(e.Status), e.Version, e.UpdatedAt.UnixMicro())
			if err == nil {
				if n, _ := res.RowsAffected(); n != 1 {
					return errs.Errorf(errs.Conflict, "Someone saved this entry meanwhile; reload it and make your change again.")
				}
			}
		}
		if err != nil {
			return fmt.Errorf("save register entry: %w", err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO register_versions (entry_id, workspace_id, version, status, activity, sha256, actor_kind, actor_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, e.ID, e.WorkspaceID, e.Version, string(e.Status), string(doc),
			hex.EncodeToString(sum[:]), string(a.Actor.Kind), a.Actor.ID, e.UpdatedAt.UnixMicro())
		if isUniqueViolation(err) {
			return errs.Errorf(errs.Conflict, "Someone saved this entry meanwhile; reload it and make your change again.")
		}
		if err != nil {
			return fmt.Errorf("insert register version: %w", err)
		}
		if err := ensurePurposes(ctx, tx, e.WorkspaceID, e.Activity.Purposes, e.UpdatedAt); err != nil {
			return err
		}
		a.ObjectID = e.PublicID
		return insertAudit(ctx, tx, a)
	})
}

// ensurePurposes creates the consent purposes an activity defines that the
// workspace lacks, each with the lowest free bit of the consent masks.
func ensurePurposes(ctx context.Context, tx *Tx, workspaceID int64, specs []register.PurposeSpec, at time.Time) error {
	bits, err := purposeBits(ctx, tx, workspaceID)
	if err != nil {
		return err
	}
	used := map[int64]bool{}
	for _, b := range bits {
		used[b] = true
	}
	for _, p := range specs {
		if p.Key == "" {
			continue
		}
		if _, ok := bits[p.Key]; ok {
			continue
		}
		bit := 0
		for bit < consent.MaxPurposes && used[int64(1)<<bit] {
			bit++
		}
		if bit >= consent.MaxPurposes {
			return &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{
				"purposes": fmt.Sprintf("a workspace has at most %d consent purposes", consent.MaxPurposes)}}
		}
		labelFR, labelEN := p.LabelFR, p.LabelEN
		if labelFR == "" {
			labelFR = labelEN
		}
		if labelEN == "" {
			labelEN = labelFR
		}
		if _, err := tx.Exec(ctx, `INSERT INTO purposes (workspace_id, key, label_fr, label_en, channel, kind, bit, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, workspaceID, p.Key, labelFR, labelEN, string(p.Channel), string(p.Kind), bit, at.UnixMicro()); err != nil {
			return fmt.Errorf("create purpose: %w", err)
		}
		used[int64(1)<<bit], bits[p.Key] = true, int64(1)<<bit
	}
	return nil
}

// Organisation returns the register's common sheet.
func (s RegisterStore) Organisation(ctx context.Context, workspaceID int64) (register.Organisation, error) {
	var o register.Organisation
	_, err := readSetting(ctx, s.DB, workspaceID, "register", &o)
	return o, err
}

// SetOrganisation saves the common sheet.
func (s RegisterStore) SetOrganisation(ctx context.Context, workspaceID int64, o register.Organisation, e audit.Entry) error {
	return s.DB.InTx(ctx, func(tx *Tx) error {
		if err := writeSetting(ctx, tx, workspaceID, "register", o); err != nil {
			return err
		}
		return insertAudit(ctx, tx, e)
	})
}

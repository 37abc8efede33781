package sqldb

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// SuppressionStore keeps the suppression list.
type SuppressionStore struct{ DB *DB }

var suppressionKeys sync.Map // workspace id → key; keys never change once made

// suppressionKey returns the workspace's HMAC key, creating it once. It must
// be called outside a transaction: on SQLite the write connection is the
// transaction's.
func suppressionKey(ctx context.Context, db *DB, workspaceID int64) ([]byte, error) {
	if k, ok := suppressionKeys.Load(workspaceID); ok {
		return k.([]byte), nil
	}
	k, err := db.Secret(ctx, "suppression:"+strconv.FormatInt(workspaceID, 10))
	if err != nil {
		return nil, err
	}
	suppressionKeys.Store(workspaceID, k)
	return k, nil
}

// personHashes returns the suppression hashes of a person's addresses.
func personHashes(key []byte, emails []crm.Email, phones []crm.Phone) []consent.Suppression {
	return hashPerson(consent.NewSuppressionHasher(key), emails, phones)
}

// hashPerson is personHashes with a hasher kept across people.
func hashPerson(h *consent.SuppressionHasher, emails []crm.Email, phones []crm.Phone) []consent.Suppression {
	out := make([]consent.Suppression, 0, len(emails)+len(phones))
	for _, e := range emails {
		out = append(out, consent.Suppression{Kind: consent.SuppressEmail, Hash: h.Hash(consent.SuppressEmail, e.Norm)})
	}
	for _, p := range phones {
		out = append(out, consent.Suppression{Kind: consent.SuppressPhone, Hash: h.Hash(consent.SuppressPhone, p.E164)})
	}
	return out
}

func insertSuppressions(ctx context.Context, tx *Tx, workspaceID int64, entries []consent.Suppression) (int, error) {
	n := 0
	for _, e := range entries {
		res, err := tx.Exec(ctx, `INSERT INTO suppressions (workspace_id, kind, hash, reason, created_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, kind, hash) DO NOTHING`,
			workspaceID, string(e.Kind), e.Hash, string(e.Reason), time.Now().UnixMicro())
		if err != nil {
			return n, fmt.Errorf("add to the suppression list: %w", err)
		}
		if k, _ := res.RowsAffected(); k > 0 {
			n++
		}
	}
	return n, nil
}

// suppressedAny reports whether any of the hashes is on the list.
func suppressedAny(ctx context.Context, tx querier, workspaceID int64, entries []consent.Suppression) (bool, error) {
	for _, e := range entries {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM suppressions WHERE workspace_id = $1 AND kind = $2 AND hash = $3`,
			workspaceID, string(e.Kind), e.Hash).Scan(&n); err != nil {
			return false, fmt.Errorf("check the suppression list: %w", err)
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// errSuppressed is returned when a create or update would bring back an
// address on the suppression list.
var errSuppressed = &errs.Error{Code: errs.Conflict,
	Message: "This address is on the suppression list: the person objected to prospecting or asked to be erased. Only their own new consent can lift it.",
	Fields:  map[string]string{"emails": "is on the suppression list"}}

// Add puts addresses on the list (manual entry or an import of addresses).
// They are normalised, hashed and never stored. It returns how many were
// new; Invalid names the first address that is not an email or a phone.
func (s SuppressionStore) Add(ctx context.Context, workspaceID int64, addresses []string, reason consent.SuppressionReason, e audit.Entry) (int, error) {
	key, err := suppressionKey(ctx, s.DB, workspaceID)
	if err != nil {
		return 0, err
	}
	var entries []consent.Suppression
	for i, a := range addresses {
		entry, ok := hashAddress(key, a)
		if !ok {
			return 0, &errs.Error{Code: errs.Invalid, Message: "Some addresses are not valid.",
				Fields: map[string]string{"addresses": fmt.Sprintf("line %d is neither an email address nor a phone number", i+1)}}
		}
		entry.Reason = reason
		entries = append(entries, entry)
	}
	var n int
	err = s.DB.InTx(ctx, func(tx *Tx) error {
		if n, err = insertSuppressions(ctx, tx, workspaceID, entries); err != nil {
			return err
		}
		e.Detail = map[string]any{"added": n, "given": len(entries)}
		return insertAudit(ctx, tx, e)
	})
	return n, err
}

func hashAddress(key []byte, a string) (consent.Suppression, bool) {
	if _, norm, problem := crm.NormalizeEmail(a); problem == "" {
		return consent.Suppression{Kind: consent.SuppressEmail, Hash: consent.SuppressionHash(key, consent.SuppressEmail, norm)}, true
	}
	if e164, _, problem := crm.NormalizePhone(a); problem == "" {
		return consent.Suppression{Kind: consent.SuppressPhone, Hash: consent.SuppressionHash(key, consent.SuppressPhone, e164)}, true
	}
	return consent.Suppression{}, false
}

// Remove takes an address off the list: an administrator's decision, with a
// reason, audited. NotFound when the address is not on it.
func (s SuppressionStore) Remove(ctx context.Context, workspaceID int64, address, reason string, e audit.Entry) error {
	if len(reason) < 10 {
		return &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.",
			Fields: map[string]string{"reason": "say why (at least 10 characters): this lifts an objection"}}
	}
	key, err := suppressionKey(ctx, s.DB, workspaceID)
	if err != nil {
		return err
	}
	entry, ok := hashAddress(key, address)
	if !ok {
		return &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.",
			Fields: map[string]string{"address": "is neither an email address nor a phone number"}}
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM suppressions WHERE workspace_id = $1 AND kind = $2 AND hash = $3`,
			workspaceID, string(entry.Kind), entry.Hash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Errorf(errs.NotFound, "This address is not on the suppression list.")
		}
		// The reason is the administrator's words about a decision, not
		// the address: it may be kept in the audit log.
		e.Detail = map[string]any{"kind": string(entry.Kind), "reason": reason}
		return insertAudit(ctx, tx, e)
	})
}

// List returns every entry (hashes only), for export.
func (s SuppressionStore) List(ctx context.Context, workspaceID int64) ([]consent.Suppression, error) {
	rows, err := s.DB.Query(ctx, `SELECT kind, hash, reason FROM suppressions WHERE workspace_id = $1 ORDER BY id`, workspaceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []consent.Suppression
	for rows.Next() {
		var e consent.Suppression
		if err := rows.Scan(&e.Kind, &e.Hash, &e.Reason); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ImportHashes adds entries exported from this workspace (a restore).
func (s SuppressionStore) ImportHashes(ctx context.Context, workspaceID int64, entries []consent.Suppression, e audit.Entry) (int, error) {
	for i, en := range entries {
		if (en.Kind != consent.SuppressEmail && en.Kind != consent.SuppressPhone) || len(en.Hash) != 64 {
			return 0, &errs.Error{Code: errs.Invalid, Message: "The file is not a suppression list export.",
				Fields: map[string]string{"file": fmt.Sprintf("line %d: expected kind (email or phone) and a 64-character hash", i+2)}}
		}
		if en.Reason == "" {
			entries[i].Reason = consent.ReasonImport
		}
	}
	var n int
	err := s.DB.InTx(ctx, func(tx *Tx) error {
		var err error
		if n, err = insertSuppressions(ctx, tx, workspaceID, entries); err != nil {
			return err
		}
		e.Detail = map[string]any{"added": n, "given": len(entries)}
		return insertAudit(ctx, tx, e)
	})
	return n, err
}

// Count returns the size of the list.
func (s SuppressionStore) Count(ctx context.Context, workspaceID int64) (int, error) {
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM suppressions WHERE workspace_id = $1`, workspaceID).Scan(&n)
	return n, err
}

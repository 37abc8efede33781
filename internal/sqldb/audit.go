package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/registre/registre/internal/audit"
)

// AuditStore reads and writes the audit log.
type AuditStore struct{ DB *DB }

// Record writes one entry outside any other change (reads, exports).
func (s AuditStore) Record(ctx context.Context, e audit.Entry) error {
	return s.DB.InTx(ctx, func(tx *Tx) error { return insertAudit(ctx, tx, e) })
}

// insertAudit writes an entry inside the transaction of the change it records.
func insertAudit(ctx context.Context, tx *Tx, e audit.Entry) error {
	detail, err := jsonText(e.Detail)
	if err != nil {
		return fmt.Errorf("audit detail: %w", err)
	}
	if _, err = tx.Exec(ctx, insertAuditSQL, auditRow(e, detail)...); err != nil {
		return fmt.Errorf("write audit entry: %w", err)
	}
	return nil
}

// auditColumns and auditRow are an entry as a row, for insertAudit and
// for the multi-row INSERTs of a group of form submissions.
const auditColumns = "workspace_id, at, actor_kind, actor_id, action, object_type, object_id, request_id, detail"

var insertAuditSQL = MultiRowSQL("INSERT INTO audit_log ("+auditColumns+") VALUES ", "", 1, 9)

func auditRow(e audit.Entry, detail string) []any {
	return []any{nullID(e.WorkspaceID), e.At.UnixMicro(), string(e.Actor.Kind), e.Actor.ID, e.Action,
		e.ObjectType, e.ObjectID, e.RequestID, detail}
}

// List returns entries matching f, newest first.
func (s AuditStore) List(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	var b builder
	b.and("a.workspace_id = " + b.arg(f.WorkspaceID))
	if f.Action != "" {
		b.and("a.action = " + b.arg(f.Action))
	}
	if f.ObjectType != "" {
		b.and("a.object_type = " + b.arg(f.ObjectType))
	}
	if f.ObjectID != "" {
		b.and("a.object_id = " + b.arg(f.ObjectID))
	}
	if f.ActorID != "" {
		b.and("a.actor_id = " + b.arg(f.ActorID))
	}
	if !f.Since.IsZero() {
		b.and("a.at >= " + b.arg(f.Since.UnixMicro()))
	}
	if !f.Until.IsZero() {
		b.and("a.at < " + b.arg(f.Until.UnixMicro()))
	}
	if f.BeforeID > 0 {
		b.and("a.id < " + b.arg(f.BeforeID))
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.DB.Query(ctx, `SELECT a.id, a.at, a.actor_kind, a.actor_id, a.action, a.object_type,
		a.object_id, a.request_id, a.detail FROM audit_log a`+b.whereSQL()+
		` ORDER BY a.id DESC LIMIT `+b.arg(limit), b.args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var e audit.Entry
		var at sql.NullInt64
		var kind, detail string
		if err := rows.Scan(&e.ID, &at, &kind, &e.Actor.ID, &e.Action, &e.ObjectType, &e.ObjectID, &e.RequestID, &detail); err != nil {
			return nil, err
		}
		e.WorkspaceID, e.At, e.Actor.Kind = f.WorkspaceID, fromMicros(at), audit.ActorKind(kind)
		_ = json.Unmarshal([]byte(detail), &e.Detail)
		out = append(out, e)
	}
	return out, rows.Err()
}

package sqldb

import (
	"context"
	"fmt"
	"time"

	"github.com/registre/registre/internal/mail"
)

// OutboxStore implements mail.Outbox.
type OutboxStore struct{ DB *DB }

var _ mail.Outbox = OutboxStore{}

// enqueueMail writes a message to the outbox inside tx: it leaves only if
// the change that caused it commits.
func enqueueMail(ctx context.Context, tx *Tx, m *mail.Message, now time.Time) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if err := tx.QueryRow(ctx, enqueueSQL, outboxRow(m, now)...).Scan(&m.ID); err != nil {
		return fmt.Errorf("queue email: %w", err)
	}
	return nil
}

// outboxColumns and outboxRow are a queued message as a row, for
// enqueueMail and for the multi-row INSERTs of a group of form submissions.
const outboxColumns = `workspace_id, person_public_id, purpose, kind, from_addr, reply_to, to_addr, subject,
	text_body, html_body, message_id, status, next_attempt_at, created_at`

var enqueueSQL = MultiRowSQL("INSERT INTO outbox ("+outboxColumns+") VALUES ", " RETURNING id", 1, 14)

func outboxRow(m *mail.Message, now time.Time) []any {
	return []any{m.WorkspaceID, m.PersonPublicID, m.Purpose, m.Kind, m.From, m.ReplyTo, m.To, m.Subject, m.Text, m.HTML,
		m.MessageID, mail.StatusQueued, now.UnixMicro(), now.UnixMicro()}
}

// Claim leases up to limit due messages. On PostgreSQL, SKIP LOCKED lets
// several processes claim different messages at once; on SQLite the single
// writer does the same.
func (s OutboxStore) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*mail.Message, error) {
	lock := ""
	if s.DB.Engine == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var out []*mail.Message
	err := s.DB.InTx(ctx, func(tx *Tx) error {
		out = out[:0]
		rows, err := tx.Query(ctx, `UPDATE outbox SET claimed_until = $3 WHERE id IN (
			SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= $1 AND claimed_until <= $1
			ORDER BY next_attempt_at, id LIMIT $2`+lock+`)
			RETURNING id, workspace_id, person_public_id, purpose, kind, from_addr, reply_to, to_addr, subject,
			text_body, html_body, message_id, attempts, created_at`,
			now.UnixMicro(), limit, now.Add(lease).UnixMicro())
		if err != nil {
			return fmt.Errorf("claim outbox: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var m mail.Message
			var created int64
			if err := rows.Scan(&m.ID, &m.WorkspaceID, &m.PersonPublicID, &m.Purpose, &m.Kind, &m.From, &m.ReplyTo,
				&m.To, &m.Subject, &m.Text, &m.HTML, &m.MessageID, &m.Attempts, &created); err != nil {
				return err
			}
			m.CreatedAt = time.UnixMicro(created).UTC()
			out = append(out, &m)
		}
		return rows.Err()
	})
	return out, err
}

// Finish records a round's outcomes: the messages sent (the usual case)
// in one statement, each other outcome with its own.
func (s OutboxStore) Finish(ctx context.Context, outcomes []mail.Outcome) error {
	return s.DB.InTx(ctx, func(tx *Tx) error {
		var sent []int64
		var at time.Time
		for _, o := range outcomes {
			var err error
			switch o.Status {
			case mail.StatusSent:
				sent, at = append(sent, o.ID), o.At
				continue
			case mail.StatusQueued:
				_, err = tx.Exec(ctx, `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2, claimed_until = 0,
					last_error = $3 WHERE id = $1`, o.ID, o.Next.UnixMicro(), o.Detail)
			default:
				attempts := 1
				if o.Status == mail.StatusDenied {
					attempts = 0
				}
				_, err = tx.Exec(ctx, `UPDATE outbox SET status = $2, attempts = attempts + $5, last_error = $3, done_at = $4,
					claimed_until = 0 WHERE id = $1`, o.ID, o.Status, o.Detail, o.At.UnixMicro(), attempts)
			}
			if err != nil {
				return fmt.Errorf("record email outcome: %w", err)
			}
		}
		if len(sent) == 0 {
			return nil
		}
		err := inList(ctx, tx, `UPDATE outbox SET status = 'sent', attempts = attempts + 1, last_error = '', done_at = $1,
			claimed_until = 0 WHERE id IN (…)`, []any{at.UnixMicro()}, sent, nil)
		if err != nil {
			return fmt.Errorf("record emails sent: %w", err)
		}
		return nil
	})
}

// PersonMessages lists the messages queued for a person, newest first.
func (s OutboxStore) PersonMessages(ctx context.Context, workspaceID int64, personPublicID string) ([]mail.Entry, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, kind, purpose, status, attempts, last_error, created_at FROM outbox
		WHERE workspace_id = $1 AND person_public_id = $2 ORDER BY id DESC LIMIT 50`, workspaceID, personPublicID)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []mail.Entry
	for rows.Next() {
		var e mail.Entry
		var created int64
		if err := rows.Scan(&e.ID, &e.Kind, &e.Purpose, &e.Status, &e.Attempts, &e.LastError, &created); err != nil {
			return nil, err
		}
		e.CreatedAt = time.UnixMicro(created).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/importer"
	"github.com/registre/registre/internal/workspace"
)

const reviewColumns = `r.line, r.data, r.created_at, COALESCE(r.person_id, 0), COALESCE(p.public_id, ''), r.resolution,
	r.resolved_at, r.resolved_by_kind, r.resolved_by, COALESCE(u.name, ''), COALESCE(c.public_id, '')`

const reviewFrom = ` FROM import_reviews r LEFT JOIN people p ON p.id = r.person_id
	LEFT JOIN users u ON u.id = r.resolved_user LEFT JOIN people c ON c.id = r.created_person_id`

// heldRow is a row of import_reviews as read, with the internal id of the
// person it matched.
type heldRow struct {
	importer.Review
	personID       int64
	personPublicID string
}

func scanHeld(row interface{ Scan(...any) error }) (*heldRow, error) {
	var h heldRow
	var data, kind, res string
	var created int64
	var resolved sql.NullInt64
	if err := row.Scan(&h.Line, &data, &created, &h.personID, &h.personPublicID, &res, &resolved, &kind,
		&h.ResolvedBy.ID, &h.ResolvedByName, &h.CreatedPerson); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(data), &h.Row); err != nil {
		return nil, fmt.Errorf("read held row: %w", err)
	}
	h.Resolution, h.ResolvedBy.Kind, h.PersonID = importer.Resolution(res), audit.ActorKind(kind), h.personPublicID
	h.CreatedAt, h.ResolvedAt = time.UnixMicro(created).UTC(), fromMicros(resolved)
	return &h, nil
}

// Reviews returns a page of an import's held rows in line order; a row
// waiting for review comes with the person it matched (fields, emails,
// phones, consent state), whether one of its addresses is on the
// suppression list, and who has its email.
func (s ImportStore) Reviews(ctx context.Context, imp *importer.Import, f importer.ReviewFilter) (*importer.ReviewPage, error) {
	key, err := suppressionKey(ctx, s.DB, imp.WorkspaceID)
	if err != nil {
		return nil, err
	}
	state := ` AND r.resolved_at IS NULL`
	if f.Resolved {
		state = ` AND r.resolved_at IS NOT NULL`
	}
	rows, err := s.DB.Query(ctx, `SELECT `+reviewColumns+reviewFrom+` WHERE r.import_id = $1 AND r.line > $2`+state+
		` ORDER BY r.line LIMIT $3`, imp.ID, f.After, f.Limit+1)
	if err != nil {
		return nil, fmt.Errorf("list held rows: %w", err)
	}
	var held []*heldRow
	for rows.Next() {
		h, err := scanHeld(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		held = append(held, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	page := &importer.ReviewPage{}
	if len(held) > f.Limit {
		held = held[:f.Limit]
		page.Next = held[len(held)-1].Line
	}
	for _, h := range held {
		if !h.Resolved() {
			if err := s.describe(ctx, key, imp.WorkspaceID, h); err != nil {
				return nil, err
			}
		}
		page.Reviews = append(page.Reviews, h.Review)
	}
	err = s.DB.QueryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN resolved_at IS NULL THEN 1 ELSE 0 END), 0), COUNT(*)
		FROM import_reviews WHERE import_id = $1`, imp.ID).Scan(&page.Waiting, &page.Resolved)
	page.Resolved -= page.Waiting
	return page, err
}

// describe adds to a waiting row what the review screen shows beside it.
func (s ImportStore) describe(ctx context.Context, key []byte, ws int64, h *heldRow) error {
	var err error
	if h.Person, err = personByID(ctx, s.DB, h.personID); err != nil {
		return err
	}
	if h.Consent, err = loadProjection(ctx, s.DB, h.personID); err != nil {
		return err
	}
	r := h.Row.Record(h.Line, importer.Options{})
	if h.Suppressed, err = suppressedAny(ctx, s.DB, ws, personHashes(key, r.Person.Emails, r.Person.Phones)); err != nil {
		return err
	}
	h.EmailOwner, err = emailOwner(ctx, s.DB, ws, r.Person.Emails)
	return err
}

// personByID reads a person with all their emails and phones.
func personByID(ctx context.Context, q querier, id int64) (*crm.Person, error) {
	p, err := scanPerson(q.QueryRow(ctx, `SELECT `+personColumns+personFrom+` WHERE p.id = $1`, id))
	if err != nil {
		return nil, notFound(err, "Person")
	}
	if p.Emails, err = personEmails(ctx, q, id); err != nil {
		return nil, err
	}
	if p.Phones, err = personPhones(ctx, q, id); err != nil {
		return nil, err
	}
	return p, nil
}

// emailOwner returns the public id of the person who has one of emails,
// or "".
func emailOwner(ctx context.Context, q querier, ws int64, emails []crm.Email) (string, error) {
	for _, em := range emails {
		var owner string
		err := q.QueryRow(ctx, `SELECT p.public_id FROM person_emails e JOIN people p ON p.id = e.person_id
			WHERE e.workspace_id = $1 AND e.email_norm = $2`, ws, em.Norm).Scan(&owner)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("check email: %w", err)
		}
		return owner, nil
	}
	return "", nil
}

// resolver applies resolutions inside one transaction, through the
// import's batch writer: an update is the "update" policy's code, a
// create is a new person of the batch.
type resolver struct {
	*batchWriter
	res  importer.Resolution
	bulk bool // resolving the remaining rows: audited with a count
	held []*heldRow
	rows []*pending
}

// newResolver reads what a transaction of resolutions needs before it
// begins: the suppression key and policy (outside the transaction, which on
// SQLite holds the only write connection).
func (s ImportStore) newResolver(ctx context.Context, imp *importer.Import, res importer.Resolution) (func(tx *Tx) (*resolver, error), error) {
	key, err := suppressionKey(ctx, s.DB, imp.WorkspaceID)
	if err != nil {
		return nil, err
	}
	policy, err := WorkspaceStore(s).SuppressionPolicy(ctx, imp.WorkspaceID)
	if err != nil {
		return nil, err
	}
	return func(tx *Tx) (*resolver, error) {
		w := &batchWriter{tx: tx, imp: imp, key: key, flagPolicy: policy == workspace.SuppressionFlag,
			now: time.Now().UTC(), actor: audit.ActorFrom(ctx)}
		var err error
		if w.bits, err = purposeBits(ctx, tx, w.ws()); err != nil {
			return nil, err
		}
		return &resolver{batchWriter: w, res: res}, nil
	}, nil
}

// add puts a held row in the resolver as the batch writer's pending row.
func (r *resolver) add(h *heldRow) *pending {
	rec := h.Row.Record(h.Line, r.imp.Options)
	p := &pending{r: rec, hashes: personHashes(r.key, rec.Person.Emails, rec.Person.Phones),
		existing: existingPerson{id: h.personID, publicID: h.personPublicID}}
	r.held, r.rows = append(r.held, h), append(r.rows, p)
	return p
}

// errRowSuppressed refuses to apply a row with an address on the
// suppression list under the workspace's "refuse" policy.
var errRowSuppressed = &errs.Error{Code: errs.Conflict,
	Message: "An address of this row is on the suppression list (the person objected or was erased): it cannot be imported. Discard the row.",
	Fields:  map[string]string{"resolution": "an address of the row is on the suppression list"}}

// screen checks the rows against the suppression list as the import does:
// under the "refuse" policy a row with a listed address is refused (the
// error says why), under "flag" the person is marked suppressed.
func (r *resolver) screen(ctx context.Context) (map[*pending]error, error) {
	refused := map[*pending]error{}
	if r.res == importer.ResolveDiscard {
		return refused, nil
	}
	onList, err := r.suppressedHashes(ctx, r.rows)
	if err != nil {
		return nil, err
	}
	for _, p := range r.rows {
		switch {
		case r.res == importer.ResolveUpdate && p.existing.id == 0:
			refused[p] = errs.Errorf(errs.Conflict, "The person this row matched no longer exists.")
		case suppressedHash(p.hashes, onList) == "":
		case r.flagPolicy:
			p.suppressed = true
		default:
			refused[p] = errRowSuppressed
		}
	}
	return refused, nil
}

// checkCreate refuses to make a row a separate person when one of its
// emails already belongs to someone: the email index is unique.
func (r *resolver) checkCreate(ctx context.Context, p *pending) error {
	owner, err := emailOwner(ctx, r.tx, r.ws(), p.r.Person.Emails)
	if err != nil || owner == "" {
		return err
	}
	return &errs.Error{Code: errs.Conflict,
		Message: "This row's email address already belongs to a person, and two people cannot share an email address: update that person with the file's values, or discard the row.",
		Fields:  map[string]string{"resolution": "the email address belongs to another person"}, Related: owner}
}

package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/forms"
)

// Submit applies a submission plan in one transaction: rate counters, the
// person (found by email, or created), the submission and its values, the
// activity, the audit entry, the consent events, the double opt-in request
// and the queued email. Any failure leaves nothing of the plan behind.
//
// Concurrent submissions are grouped: while one group commits, the next
// gathers, and each group is one transaction. The plans that create a
// person are written together, the others each under its own savepoint (a
// refused plan rolls back alone); a group that fails as a whole is applied
// again plan by plan (forms_batch.go, forms_group.go). The ledger's chain
// head is then locked once and the commit flushed once for many
// submissions.
func (s FormStore) Submit(ctx context.Context, p *forms.Plan) (*forms.Result, error) {
	if _, err := suppressionKey(ctx, s.DB, p.WorkspaceID); err != nil {
		return nil, err
	}
	r := &submitReq{plan: p, done: make(chan struct{})}
	batcherFor(s.DB).submit(r)
	select {
	case <-r.done:
		return r.res, r.err
	case <-ctx.Done():
		// The group may still commit it: the submitter is told it failed,
		// which is the safe side (submitting again finds the person).
		return nil, ctx.Err()
	}
}

// applyPlan applies one plan inside tx, except its rate counters, which
// the group counts, and its consent events, which it returns: the group
// appends the events of all its plans together, so that the ledger's
// chain head is locked once, at the end, for the shortest time.
func (s FormStore) applyPlan(ctx context.Context, tx *Tx, key []byte, p *forms.Plan) (*forms.Result, []*consent.Event, error) {
	res := &forms.Result{}
	person, err := s.submitPerson(ctx, tx, key, p, res)
	if err != nil {
		return nil, nil, err
	}
	subID, err := insertSubmission(ctx, tx, p, person, res.Created)
	if err != nil {
		return nil, nil, err
	}
	if err := insertFormActivity(ctx, tx, p, person); err != nil {
		return nil, nil, err
	}
	if p.Audit.Detail == nil {
		p.Audit.Detail = map[string]any{}
	}
	p.Audit.Detail["person"] = person.PublicID
	if err := insertAudit(ctx, tx, p.Audit); err != nil {
		return nil, nil, err
	}
	events, requested, err := planEvents(ctx, tx, p, person)
	if err != nil {
		return nil, nil, err
	}
	return res, events, s.submitMessages(ctx, tx, p, person, subID, requested)
}

func (s FormStore) submitPerson(ctx context.Context, tx *Tx, key []byte, p *forms.Plan, res *forms.Result) (*crm.Person, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT person_id FROM person_emails WHERE workspace_id = $1 AND email_norm = $2`, p.WorkspaceID, p.EmailNorm).Scan(&id)
	if err == sql.ErrNoRows {
		person := p.New
		custom, err := jsonText(person.Custom)
		if err != nil {
			return nil, err
		}
		sortKey, altKey := person.SortKeys()
		if err := insertPerson(ctx, tx, key, person, custom, sortKey, altKey); err != nil {
			return nil, err
		}
		res.PersonPublicID, res.Created = person.PublicID, true
		return person, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find person by email: %w", err)
	}
	old, err := scanPerson(tx.QueryRow(ctx, `SELECT `+personColumns+personFrom+` WHERE p.workspace_id = $1 AND p.id = $2`, p.WorkspaceID, id))
	if err != nil {
		return nil, notFound(err, "Person")
	}
	if old.Emails, old.Phones, err = storedContacts(ctx, tx, id); err != nil {
		return nil, err
	}
	person := p.Merge(old)
	custom, err := jsonText(person.Custom)
	if err != nil {
		return nil, err
	}
	sortKey, altKey := person.SortKeys()
	if err := updatePerson(ctx, tx, key, person, custom, sortKey, altKey); err != nil {
		return nil, err
	}
	res.PersonPublicID = person.PublicID
	return person, nil
}

func insertSubmission(ctx context.Context, tx *Tx, p *forms.Plan, person *crm.Person, created bool) (int64, error) {
	status := forms.StatusDone
	if p.Optin != nil {
		status = forms.StatusPending
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO form_submissions (public_id, workspace_id, form_id, version_id, person_id, at,
		page_url, created_person, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		p.SubmissionID, p.WorkspaceID, p.Form.ID, p.Version.ID, person.ID, p.At.UnixMicro(), p.Proof.PageURL, created, status).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert submission: %w", err)
	}
	if len(p.Values) == 0 {
		return id, nil
	}
	// One statement for every value.
	var q strings.Builder
	q.WriteString(`INSERT INTO form_submission_values (submission_id, person_id, field, label, value) VALUES `)
	args := []any{id, person.ID}
	for i, v := range p.Values {
		if i > 0 {
			q.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&q, "($1, $2, $%d, $%d, $%d)", n+1, n+2, n+3)
		args = append(args, v.Field, v.Label, v.Value)
	}
	if _, err := tx.Exec(ctx, q.String(), args...); err != nil {
		return 0, fmt.Errorf("insert submitted values: %w", err)
	}
	return id, nil
}

// planEvents returns one event per ticked box. A request for a purpose
// already granted or pending is skipped (the person's consent stands, or a
// confirmation is on its way); it returns the purposes actually requested.
func planEvents(ctx context.Context, tx *Tx, p *forms.Plan, person *crm.Person) ([]*consent.Event, []string, error) {
	if len(p.Consents) == 0 {
		return nil, nil, nil
	}
	proj, err := loadProjection(ctx, tx, person.ID)
	if err != nil {
		return nil, nil, err
	}
	var events []*consent.Event
	var requested []string
	for _, c := range p.Consents {
		if c.Action == consent.Request {
			if st := proj.State(c.Purpose); st == consent.Granted || st == consent.Pending {
				continue
			}
			requested = append(requested, c.Purpose)
		}
		e, err := consentEvent(p, c, person)
		if err != nil {
			return nil, nil, err
		}
		events = append(events, e)
	}
	return events, requested, nil
}

// consentEvent is the ledger event of one ticked box, with the plan's proof.
func consentEvent(p *forms.Plan, c forms.Consent, person *crm.Person) (*consent.Event, error) {
	pr := p.Proof
	e := &consent.Event{At: p.At, WorkspaceID: p.WorkspaceID, PersonID: person.ID, PersonPublicID: person.PublicID, Purpose: c.Purpose,
		Action: c.Action, ActorKind: string(audit.ActorPerson), LegalBasis: pr.LegalBasis, SourceKind: pr.SourceKind,
		SourceID: pr.SourceID, SourceVersion: pr.SourceVersion, Wording: c.Wording, PageURL: pr.PageURL, IP: pr.IP, UserAgent: pr.UserAgent}
	return e, e.Validate()
}

func insertFormActivity(ctx context.Context, tx *Tx, p *forms.Plan, person *crm.Person) error {
	a := &crm.Activity{PublicID: crm.NewPublicID(), WorkspaceID: p.WorkspaceID, PersonID: person.ID, Kind: crm.KindFormSubmission,
		OccurredAt: p.At, Subject: clipText(p.Form.Name, crm.MaxNameLength), Body: fmt.Sprintf("v%d", p.Version.Number),
		CountsAsInteraction: true, CreatedAt: p.At}
	_, err := tx.Exec(ctx, `INSERT INTO activities (public_id, workspace_id, person_id, kind, occurred_at, subject, body,
		outcome, counts_as_interaction, created_at, form_id) VALUES ($1, $2, $3, $4, $5, $6, $7, '', TRUE, $5, $8)`,
		a.PublicID, a.WorkspaceID, a.PersonID, string(a.Kind), a.OccurredAt.UnixMicro(), a.Subject, a.Body, p.Form.ID)
	if err != nil {
		return fmt.Errorf("insert activity: %w", err)
	}
	return bumpInteraction(ctx, tx, a)
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// submitMessages stores the double opt-in request (when some purpose was
// requested) with its email, and the staff notification.
func (s FormStore) submitMessages(ctx context.Context, tx *Tx, p *forms.Plan, person *crm.Person, subID int64, requested []string) error {
	if p.Optin != nil && len(requested) > 0 {
		r := p.Optin
		r.PersonID, r.PersonPublicID, r.SubmissionID, r.Purposes = person.ID, person.PublicID, subID, requested
		if err := insertOptin(ctx, tx, r); err != nil {
			return err
		}
		for _, m := range p.Messages {
			m.WorkspaceID, m.PersonPublicID = p.WorkspaceID, person.PublicID
			if err := enqueueMail(ctx, tx, m, p.At); err != nil {
				return err
			}
		}
	}
	if p.Notify == nil {
		return nil
	}
	to, err := memberEmail(ctx, tx, p.NotifyUserID, p.WorkspaceID)
	if err != nil || to == "" {
		return err // without an address, no longer a member: nobody to tell
	}
	m := *p.Notify
	m.WorkspaceID, m.To = p.WorkspaceID, to
	m.Text = strings.ReplaceAll(m.Text, forms.PersonPlaceholder, person.PublicID)
	return enqueueMail(ctx, tx, &m, p.At)
}

func insertOptin(ctx context.Context, tx *Tx, r *forms.OptinRequest) error {
	if err := tx.QueryRow(ctx, insertOptinSQL, optinRow(r)...).Scan(&r.ID); err != nil {
		return fmt.Errorf("insert opt-in request: %w", err)
	}
	return nil
}

// optinInsertColumns and optinRow are a new opt-in request as a row, for
// insertOptin and for the multi-row INSERTs of a group of submissions.
const optinInsertColumns = "public_id, workspace_id, person_id, submission_id, kind, purposes, created_at, expires_at, status"

var insertOptinSQL = MultiRowSQL("INSERT INTO optin_requests ("+optinInsertColumns+") VALUES ", " RETURNING id", 1, 9)

func optinRow(r *forms.OptinRequest) []any {
	return []any{r.PublicID, r.WorkspaceID, r.PersonID, nullID(r.SubmissionID), r.Kind, strings.Join(r.Purposes, ","),
		r.CreatedAt.UnixMicro(), r.ExpiresAt.UnixMicro(), forms.StatusPending}
}

// memberEmail is the address of a staff user still active in the
// workspace, "" when they are not.
func memberEmail(ctx context.Context, tx *Tx, userID, workspaceID int64) (string, error) {
	var to string
	err := tx.QueryRow(ctx, `SELECT u.email FROM users u JOIN memberships m ON m.user_id = u.id
		WHERE u.id = $1 AND m.workspace_id = $2 AND u.disabled_at IS NULL`, userID, workspaceID).Scan(&to)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("find user to notify: %w", err)
	}
	return to, nil
}

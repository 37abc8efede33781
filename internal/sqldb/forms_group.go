package sqldb

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/forms"
)

// A group of submissions is applied in two parts. The plans that create a
// person (their email belongs to nobody, none of their addresses is on the
// suppression list, and no earlier plan of the group has the same email)
// are written together, one multi-row statement per table for the whole
// group: on PostgreSQL each statement is a round trip, and a plan alone
// takes about fifteen. The others (an existing person to update, a
// suppressed address, a second submission of the same email) then go one
// by one, each under its own savepoint, as before.

// groupRates counts a group's submissions against their rate keys with
// one read and one write per group, rather than one UPSERT per key per
// plan. As when each plan counted alone, only the stored submissions
// count, and one past a limit is refused. Two processes counting the same
// key at once may together admit a few more than the limit within a
// minute: the counter is a brake, not a quota.
type groupRates struct {
	counts map[rateSlot]int // stored before the group
	added  map[rateSlot]int // by the group's plans admitted so far
	order  []rateSlot
}

type rateSlot struct {
	key    string
	window int64
}

// rateSlots returns the counters p adds to, with their limits.
func rateSlots(p *forms.Plan) map[rateSlot]int {
	out := map[rateSlot]int{}
	for _, k := range p.RateKeys {
		if k.Limit > 0 {
			out[rateSlot{k.Key, p.At.Truncate(time.Minute).UnixMicro()}] = k.Limit
		}
	}
	return out
}

func readGroupRates(ctx context.Context, tx *Tx, group []*submitReq) (*groupRates, error) {
	g := &groupRates{counts: map[rateSlot]int{}, added: map[rateSlot]int{}}
	byWindow := map[int64][]string{}
	for _, r := range group {
		for s := range rateSlots(r.plan) {
			if _, ok := g.counts[s]; !ok {
				g.counts[s] = 0
				byWindow[s.window] = append(byWindow[s.window], s.key)
			}
		}
	}
	for w, keys := range byWindow {
		err := inList(ctx, tx, `SELECT key, count FROM rate_counters WHERE window_start = $1 AND key IN (…)`, []any{w}, keys,
			func(row interface{ Scan(...any) error }) error {
				var k string
				var n int
				if err := row.Scan(&k, &n); err != nil {
					return err
				}
				g.counts[rateSlot{k, w}] = n
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("read rate counters: %w", err)
		}
	}
	return g, nil
}

// admit counts p, or returns TooMany when one of its keys is at its limit.
func (g *groupRates) admit(p *forms.Plan) error {
	slots := rateSlots(p)
	for s, limit := range slots {
		if g.counts[s]+g.added[s]+1 > limit {
			return errTooMany()
		}
	}
	for s := range slots {
		if _, seen := g.added[s]; !seen {
			g.order = append(g.order, s)
		}
		g.added[s]++
	}
	return nil
}

// release takes back the count of an admitted plan that was not stored.
func (g *groupRates) release(p *forms.Plan) {
	for s := range rateSlots(p) {
		g.added[s]--
	}
}

func (g *groupRates) write(ctx context.Context, tx *Tx) error {
	// In one order in every process: two groups updating the same rows
	// in opposite orders would deadlock.
	slices.SortFunc(g.order, func(a, b rateSlot) int {
		return cmp.Or(strings.Compare(a.key, b.key), cmp.Compare(a.window, b.window))
	})
	up := newMultiRow("rate_counters", "key, window_start, count",
		" ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counters.count + excluded.count")
	for _, s := range g.order {
		if g.added[s] > 0 {
			up.add(s.key, s.window, g.added[s])
		}
	}
	if up.rows() == 0 {
		return nil
	}
	if err := up.exec(ctx, tx, nil); err != nil {
		return fmt.Errorf("count rate: %w", err)
	}
	return nil
}

func errTooMany() error {
	return errs.Errorf(errs.TooMany, "Too many submissions in a short time. Wait a minute and try again.")
}

// splitNew returns the plans of group that create a person and can be
// written together, and the rest, in their order.
func splitNew(ctx context.Context, tx *Tx, keys map[int64][]byte, group []*submitReq) (fresh, rest []*submitReq, err error) {
	byWorkspace := map[int64][]*submitReq{}
	var order []int64
	for _, r := range group {
		if r.err != nil {
			continue
		}
		ws := r.plan.WorkspaceID
		if _, ok := byWorkspace[ws]; !ok {
			order = append(order, ws)
		}
		byWorkspace[ws] = append(byWorkspace[ws], r)
	}
	isFresh := map[*submitReq]bool{}
	for _, ws := range order {
		plans := byWorkspace[ws]
		norms := make([]string, 0, len(plans))
		hashes := map[consent.SuppressionKind][]string{}
		for _, r := range plans {
			for _, e := range r.plan.New.Emails {
				norms = append(norms, e.Norm)
			}
			for _, h := range personHashes(keys[ws], r.plan.New.Emails, r.plan.New.Phones) {
				hashes[h.Kind] = append(hashes[h.Kind], h.Hash)
			}
		}
		taken := map[string]bool{}
		err := inList(ctx, tx, `SELECT email_norm FROM person_emails WHERE workspace_id = $1 AND email_norm IN (…)`, []any{ws}, norms,
			func(row interface{ Scan(...any) error }) error {
				var n string
				err := row.Scan(&n)
				taken[n] = true
				return err
			})
		if err != nil {
			return nil, nil, fmt.Errorf("find people by email: %w", err)
		}
		suppressed := map[string]bool{}
		for kind, list := range hashes {
			err = inList(ctx, tx, `SELECT hash FROM suppressions WHERE workspace_id = $1 AND kind = $2 AND hash IN (…)`,
				[]any{ws, string(kind)}, list, func(row interface{ Scan(...any) error }) error {
					var h string
					err := row.Scan(&h)
					suppressed[h] = true
					return err
				})
			if err != nil {
				return nil, nil, fmt.Errorf("check the suppression list: %w", err)
			}
		}
		for _, r := range plans {
			ok := true
			for _, e := range r.plan.New.Emails {
				ok = ok && !taken[e.Norm]
				taken[e.Norm] = true // a later plan with it updates this one
			}
			for _, h := range personHashes(keys[ws], r.plan.New.Emails, r.plan.New.Phones) {
				ok = ok && !suppressed[h.Hash]
			}
			isFresh[r] = ok
		}
	}
	for _, r := range group {
		if r.err != nil {
			continue
		}
		if isFresh[r] {
			fresh = append(fresh, r)
		} else {
			rest = append(rest, r)
		}
	}
	return fresh, rest, nil
}

// vetNew moves to the one-by-one path the fresh plans that would fail
// (a value the database would refuse, an event or a message that does not
// validate): there, each fails alone under its savepoint, with its own
// error, instead of failing the multi-row statements of the whole group.
// The others keep what was worked out for them (r.fresh), which applyNew
// writes as it is.
func vetNew(fresh, rest []*submitReq) (ok, others []*submitReq) {
	for _, r := range fresh {
		var err error
		if r.fresh, err = prepareNew(r.plan); err == nil {
			ok = append(ok, r)
		} else {
			others = append(others, r)
		}
	}
	if len(others) == 0 {
		return ok, rest
	}
	return ok, append(others, rest...)
}

// preparedNew is what a fresh plan writes besides its person's fields.
type preparedNew struct {
	custom    string           // the person's custom fields, as JSON
	detail    string           // the audit entry's detail, as JSON
	events    []*consent.Event // their person id is set once it is known
	requested []string         // the purposes asked for under double opt-in
}

func prepareNew(p *forms.Plan) (*preparedNew, error) {
	out := &preparedNew{}
	var err error
	if out.custom, err = jsonText(p.New.Custom); err != nil {
		return nil, err
	}
	if p.Audit.Detail == nil {
		p.Audit.Detail = map[string]any{}
	}
	p.Audit.Detail["person"] = p.New.PublicID
	if out.detail, err = jsonText(p.Audit.Detail); err != nil {
		return nil, fmt.Errorf("audit detail: %w", err)
	}
	// A new person has no consent yet: every ticked box is requested, or
	// granted.
	for _, c := range p.Consents {
		if c.Action == consent.Request {
			out.requested = append(out.requested, c.Purpose)
		}
		e, err := consentEvent(p, c, p.New)
		if err != nil {
			return nil, err
		}
		out.events = append(out.events, e)
	}
	for _, m := range p.Messages {
		m.WorkspaceID, m.PersonPublicID = p.WorkspaceID, p.New.PublicID
		if err := m.Validate(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// newFormPeopleRows is the multi-row INSERT of people created by forms:
// their last interaction is the submission itself, so the activity needs
// no UPDATE.
func newFormPeopleRows() *multiRow {
	return newMultiRow("people", `public_id, workspace_id, first_name, last_name, sort_key, alt_key, email, phone,
	job_title, organisation_id, lifecycle, audience, origin, origin_detail, collected_at, address_line1, address_line2,
	postal_code, city, region, country, owner_user_id, custom, created_at, updated_at, soft_opt_in, last_interaction_at`,
		" RETURNING public_id, id")
}

// applyNew writes the fresh plans of a group and returns their consent
// events, which the group appends with the others'.
func (s FormStore) applyNew(ctx context.Context, tx *Tx, fresh []*submitReq) ([]*consent.Event, error) {
	if len(fresh) == 0 {
		return nil, nil
	}
	people := newFormPeopleRows()
	people.grow(len(fresh))
	byPublicID := make(map[string]*crm.Person, len(fresh))
	for _, r := range fresh {
		p := r.plan.New
		p.ID = 0 // set by this insert, not by a rolled-back attempt
		sortKey, altKey := p.SortKeys()
		a := p.Address
		people.add(p.PublicID, p.WorkspaceID, p.FirstName, p.LastName, sortKey, altKey, p.PrimaryEmail(), p.PrimaryPhone(),
			p.JobTitle, nullID(p.OrganisationID), string(p.Lifecycle), string(p.Audience), string(p.Origin), p.OriginDetail,
			p.CollectedAt.UnixMicro(), a.Line1, a.Line2, a.PostalCode, a.City, a.Region, a.Country, nullID(p.OwnerUserID),
			r.fresh.custom, p.CreatedAt.UnixMicro(), p.UpdatedAt.UnixMicro(), p.SoftOptIn, r.plan.At.UnixMicro())
		byPublicID[p.PublicID] = p
	}
	err := people.exec(ctx, tx, func(row interface{ Scan(...any) error }) error {
		var publicID string
		var id int64
		if err := row.Scan(&publicID, &id); err != nil {
			return err
		}
		if p := byPublicID[publicID]; p != nil {
			p.ID = id
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insert people: %w", err)
	}
	emails, phones := newEmailRows(), newPhoneRows()
	subs := newMultiRow("form_submissions", `public_id, workspace_id, form_id, version_id, person_id, at, page_url,
		created_person, status`, " RETURNING public_id, id")
	activities := newMultiRow("activities", `public_id, workspace_id, person_id, kind, occurred_at, subject, body,
		outcome, counts_as_interaction, created_at, form_id`, "")
	audits := newMultiRow("audit_log", auditColumns, "")
	bySubmission := make(map[string]*submitReq, len(fresh))
	for _, r := range fresh {
		p, person := r.plan, r.plan.New
		if person.ID == 0 {
			return nil, fmt.Errorf("insert people: no id returned for a new person")
		}
		for k, e := range person.Emails {
			emails.add(person.WorkspaceID, person.ID, e.Address, e.Norm, k == 0)
		}
		for k, ph := range person.Phones {
			phones.add(person.WorkspaceID, person.ID, ph.E164, phoneKindColumn(ph.Kind), k == 0)
		}
		status := forms.StatusDone
		if p.Optin != nil {
			status = forms.StatusPending
		}
		subs.add(p.SubmissionID, p.WorkspaceID, p.Form.ID, p.Version.ID, person.ID, p.At.UnixMicro(), p.Proof.PageURL, true, status)
		bySubmission[p.SubmissionID] = r
		activities.add(crm.NewPublicID(), p.WorkspaceID, person.ID, string(crm.KindFormSubmission), p.At.UnixMicro(),
			clipText(p.Form.Name, crm.MaxNameLength), fmt.Sprintf("v%d", p.Version.Number), "", true, p.At.UnixMicro(), p.Form.ID)
		audits.add(auditRow(p.Audit, r.fresh.detail)...)
		r.res = &forms.Result{PersonPublicID: person.PublicID, Created: true}
	}
	if err := emails.exec(ctx, tx, nil); err != nil {
		if isUniqueViolation(err) {
			// Another process took an email between the lookup and
			// the insert: alone, the plan finds its person.
			return nil, &groupError{err: fmt.Errorf("insert emails: %w", err), again: true}
		}
		return nil, fmt.Errorf("insert emails: %w", err)
	}
	if err := phones.exec(ctx, tx, nil); err != nil {
		return nil, fmt.Errorf("insert phones: %w", err)
	}
	subIDs := make(map[*submitReq]int64, len(fresh))
	err = subs.exec(ctx, tx, func(row interface{ Scan(...any) error }) error {
		var publicID string
		var id int64
		if err := row.Scan(&publicID, &id); err != nil {
			return err
		}
		subIDs[bySubmission[publicID]] = id
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insert submissions: %w", err)
	}
	values := newMultiRow("form_submission_values", "submission_id, person_id, field, label, value", "")
	for _, r := range fresh {
		for _, v := range r.plan.Values {
			values.add(subIDs[r], r.plan.New.ID, v.Field, v.Label, v.Value)
		}
	}
	for _, m := range []*multiRow{values, activities, audits} {
		if err := m.exec(ctx, tx, nil); err != nil {
			return nil, fmt.Errorf("record the submissions: %w", err)
		}
	}
	return s.newMessages(ctx, tx, fresh, subIDs)
}

// newMessages returns the consent events of fresh plans, now that their
// people have ids, and writes their double opt-in requests and queued
// emails.
func (s FormStore) newMessages(ctx context.Context, tx *Tx, fresh []*submitReq, subIDs map[*submitReq]int64) ([]*consent.Event, error) {
	optins := newMultiRow("optin_requests", optinInsertColumns, "")
	outbox := newMultiRow("outbox", outboxColumns, "")
	type member struct{ user, ws int64 }
	notifyTo := map[member]string{}
	var events []*consent.Event
	for _, r := range fresh {
		p, person := r.plan, r.plan.New
		for _, e := range r.fresh.events {
			e.PersonID = person.ID
		}
		events = append(events, r.fresh.events...)
		if o := p.Optin; o != nil && len(r.fresh.requested) > 0 {
			o.PersonID, o.PersonPublicID, o.SubmissionID, o.Purposes = person.ID, person.PublicID, subIDs[r], r.fresh.requested
			optins.add(optinRow(o)...)
			for _, m := range p.Messages { // validated by prepareNew
				outbox.add(outboxRow(m, p.At)...)
			}
		}
		if p.Notify == nil {
			continue
		}
		k := member{p.NotifyUserID, p.WorkspaceID}
		to, known := notifyTo[k]
		if !known {
			var err error
			if to, err = memberEmail(ctx, tx, k.user, k.ws); err != nil {
				return nil, err
			}
			notifyTo[k] = to
		}
		if to == "" {
			continue // no longer a member: nobody to tell
		}
		m := *p.Notify
		m.WorkspaceID, m.To = p.WorkspaceID, to
		m.Text = strings.ReplaceAll(m.Text, forms.PersonPlaceholder, person.PublicID)
		if err := m.Validate(); err != nil {
			return nil, err
		}
		outbox.add(outboxRow(&m, p.At)...)
	}
	if err := optins.exec(ctx, tx, nil); err != nil {
		return nil, fmt.Errorf("insert opt-in requests: %w", err)
	}
	if err := outbox.exec(ctx, tx, nil); err != nil {
		return nil, fmt.Errorf("queue email: %w", err)
	}
	return events, nil
}

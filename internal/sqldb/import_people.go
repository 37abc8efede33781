package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/importer"
)

// changes returns the consent events a row brings to a person whose
// current state is proj (nil for a new person): grants not yet granted,
// objections not yet set, and the suppressed flag when flagged.
func (w *batchWriter) changes(p *pending, proj *consent.Projection) {
	seen := map[string]bool{}
	for _, g := range p.r.Grants {
		if _, known := w.bits[g]; !known || seen[g] || (proj != nil && proj.State(g) == consent.Granted) {
			continue
		}
		seen[g] = true
		p.grants = append(p.grants, g)
	}
	flags := p.r.Flags
	if p.suppressed {
		flags = append(flags[:len(flags):len(flags)], consent.Suppressed)
	}
	on := map[consent.Flag]bool{}
	for _, f := range flags {
		if on[f] || (proj != nil && proj.On(f)) {
			continue
		}
		on[f] = true
		p.flags = append(p.flags, f)
	}
}

// events returns a person's events in order: grants, then flags.
func (w *batchWriter) events(p *pending, personID int64, publicID string) []*consent.Event {
	return w.appendEvents(nil, nil, p, personID, publicID)
}

// appendEvents appends a person's events to out, taking their room from
// slab while it lasts (one allocation for a batch's events rather than
// one each).
func (w *batchWriter) appendEvents(out []*consent.Event, slab *[]consent.Event, p *pending, personID int64,
	publicID string) []*consent.Event {
	next := func(e consent.Event) *consent.Event {
		if slab == nil || len(*slab) == cap(*slab) {
			return &e
		}
		*slab = append(*slab, e)
		return &(*slab)[len(*slab)-1]
	}
	if w.proofNote == "" {
		w.proofNote = "proof: " + w.imp.Options.ProofRef
	}
	for _, g := range p.grants {
		out = append(out, next(consent.Event{At: w.now, PersonID: personID, PersonPublicID: publicID, Purpose: g,
			Action: consent.Grant, ActorKind: string(w.actor.Kind), ActorID: w.actor.ID, LegalBasis: consent.BasisConsent,
			SourceKind: consent.SourceImport, SourceID: w.imp.PublicID, Note: w.proofNote}))
	}
	for _, f := range p.flags {
		e := consent.Event{At: w.now, PersonID: personID, PersonPublicID: publicID, Flag: f, Action: consent.Set,
			ActorKind: string(w.actor.Kind), ActorID: w.actor.ID, SourceKind: consent.SourceImport, SourceID: w.imp.PublicID,
			Note: "recorded in the imported file"}
		if f == consent.Suppressed {
			e.Note = "an address of this person is on the suppression list"
		}
		out = append(out, next(e))
	}
	return out
}

// The multi-row statements of an import batch; WriteBatch prepares their
// full-size forms once per database. The people of a batch share their
// workspace, import and time, bound once per statement; with bound, each
// row's first value is its id (Tx.nextRowID) and nothing comes back.
func newPeopleRows(workspaceID, importID int64, now time.Time, bound bool) *multiRow {
	columns, tail := withIDs(`public_id, first_name, last_name, sort_key, alt_key, email, phone, job_title,
	organisation_id, lifecycle, audience, origin, origin_detail, collected_at, address_line1, address_line2, postal_code,
	city, region, country, custom, consent_flags, consent_granted`, " RETURNING public_id, id", bound)
	return newSharedMultiRow("people", "workspace_id, import_id, created_at, updated_at", columns, tail,
		[]any{workspaceID, importID, now.UnixMicro(), now.UnixMicro()})
}

func newEmailRows() *multiRow {
	return newMultiRow("person_emails", "workspace_id, person_id, email, email_norm, is_primary", "")
}

func newPhoneRows() *multiRow {
	return newMultiRow("person_phones", "workspace_id, person_id, e164, kind, is_primary", "")
}

// newEventRows is the INSERT of ledger events; with bound, each row's
// first value is its id (Tx.nextRowID) and nothing comes back.
func newEventRows(bound bool) *multiRow {
	columns, tail := withIDs(`workspace_id, seq, at, person_id, person_public_id, purpose, flag, action, actor_kind,
		actor_id, legal_basis, source_kind, source_id, source_version, wording, wording_sha256, page_url, ip, user_agent,
		note, pii_digest, prev_hash, hash`, " RETURNING seq, id", bound)
	return newMultiRow("consent_events", columns, tail)
}

func newStateRows() *multiRow {
	return newMultiRow("consent_states", "person_id, purpose, workspace_id, state, at, event_id", "")
}

func newFlagRows() *multiRow {
	return newMultiRow("person_flags", "person_id, flag, workspace_id, is_on, at, event_id", "")
}

func prepareImportStatements(ctx context.Context, db *DB) error {
	for _, m := range []*multiRow{newPeopleRows(0, 0, time.Time{}, false), newEmailRows(), newPhoneRows(), newEventRows(false), newStateRows(), newFlagRows()} {
		if err := m.prepare(ctx, db); err != nil {
			return err
		}
	}
	return nil
}

// insertPeople writes the new people with their emails, phones, consent
// events and projection. Their masks are known before the events are
// written (a new person has no other state), so they go in the INSERT.
func (w *batchWriter) insertPeople(ctx context.Context) error {
	if len(w.inserts) == 0 {
		return nil
	}
	nextID, bound, err := w.tx.nextRowID(ctx, "people")
	if err != nil {
		return err
	}
	people := newPeopleRows(w.ws(), w.imp.ID, w.now, bound)
	people.grow(len(w.inserts))
	var byPublicID map[string]*pending
	if !bound {
		byPublicID = make(map[string]*pending, len(w.inserts))
	}
	for _, p := range w.inserts {
		w.changes(p, nil)
		var granted int64
		for _, g := range p.grants {
			granted |= w.bits[g]
		}
		id := p.publicID
		if id == "" {
			id = crm.NewPublicID()
		}
		if !bound {
			byPublicID[id] = p
		}
		per := p.r.Person
		custom := p.custom
		if custom == "" {
			if custom, err = jsonText(per.Custom); err != nil {
				return err
			}
		}
		sortKey, altKey := p.r.SortKey, p.r.AltKey
		a := per.Address
		if bound {
			p.created = existingPerson{id: nextID, publicID: id}
			people.add(nextID)
			nextID++
		}
		people.add(id, per.FirstName, per.LastName, sortKey, altKey, per.PrimaryEmail(), per.PrimaryPhone(),
			per.JobTitle, nullID(p.orgID), string(per.Lifecycle), string(per.Audience), string(per.Origin), per.OriginDetail,
			per.CollectedAt.UnixMicro(), a.Line1, a.Line2, a.PostalCode, a.City, a.Region, a.Country, custom,
			consent.FlagMask(p.flags...), granted)
	}
	if err := w.writePeople(ctx, people, bound, byPublicID); err != nil {
		return err
	}
	emails, phones := newEmailRows(), newPhoneRows()
	n := 0
	for _, p := range w.inserts {
		n += len(p.grants) + len(p.flags)
	}
	events, slab := make([]*consent.Event, 0, n), takeEventSlab(n)
	defer func() { releaseEventSlab(slab) }()
	for _, p := range w.inserts {
		id := p.created.id
		for k, e := range p.r.Person.Emails {
			emails.add(w.ws(), id, e.Address, e.Norm, k == 0)
		}
		for k, ph := range p.r.Person.Phones {
			phones.add(w.ws(), id, ph.E164, phoneKindColumn(ph.Kind), k == 0)
		}
		events = w.appendEvents(events, &slab, p, id, p.created.publicID)
	}
	if err := emails.exec(ctx, w.tx, nil); err != nil {
		return fmt.Errorf("insert emails: %w", err)
	}
	if err := phones.exec(ctx, w.tx, nil); err != nil {
		return fmt.Errorf("insert phones: %w", err)
	}
	w.delta.Created += int64(len(w.inserts))
	return w.appendNew(ctx, events)
}

// writePeople runs the people INSERT. Without bound ids, each person's
// comes back with its public id.
func (w *batchWriter) writePeople(ctx context.Context, people *multiRow, bound bool, byPublicID map[string]*pending) error {
	if bound {
		if err := people.exec(ctx, w.tx, nil); err != nil {
			return fmt.Errorf("insert people: %w", err)
		}
		return nil
	}
	returned := 0
	err := people.exec(ctx, w.tx, func(row interface{ Scan(...any) error }) error {
		returned++
		var publicID string
		var id int64
		if err := row.Scan(&publicID, &id); err != nil {
			return err
		}
		p, ok := byPublicID[publicID]
		if !ok {
			return errors.New("an unknown public id returned")
		}
		p.created = existingPerson{id: id, publicID: publicID}
		return nil
	})
	if err == nil && returned != len(byPublicID) {
		err = fmt.Errorf("%d rows returned for %d people", returned, len(byPublicID))
	}
	if err != nil {
		return fmt.Errorf("insert people: %w", err)
	}
	return nil
}

// eventSlabs keeps the room of a batch's events for the next batch: they
// are written, not kept, and a million-row import made a third of a
// gigabyte of them.
var eventSlabs sync.Pool

func takeEventSlab(n int) []consent.Event {
	if s, ok := eventSlabs.Get().(*[]consent.Event); ok && cap(*s) >= n {
		return (*s)[:0]
	}
	return make([]consent.Event, 0, n)
}

func releaseEventSlab(s []consent.Event) {
	clear(s)
	s = s[:0]
	eventSlabs.Put(&s)
}

// appendNew appends the events of new people to the chain and writes their
// projection rows, all as multi-row statements.
func (w *batchWriter) appendNew(ctx context.Context, events []*consent.Event) error {
	if len(events) == 0 {
		return nil
	}
	seq, hash, err := lockHead(ctx, w.tx, w.ws())
	if err != nil {
		return err
	}
	if seq, hash, err = insertChained(ctx, w.tx, w.ws(), seq, hash, events); err != nil {
		return err
	}
	states, flags := newStateRows(), newFlagRows()
	for _, e := range events {
		if e.Flag != "" {
			flags.add(e.PersonID, string(e.Flag), e.WorkspaceID, true, e.At.UnixMicro(), e.ID)
		} else {
			states.add(e.PersonID, e.Purpose, e.WorkspaceID, string(consent.Granted), e.At.UnixMicro(), e.ID)
		}
	}
	if err := states.exec(ctx, w.tx, nil); err != nil {
		return fmt.Errorf("project consent: %w", err)
	}
	if err := flags.exec(ctx, w.tx, nil); err != nil {
		return fmt.Errorf("project flags: %w", err)
	}
	if err := moveHead(ctx, w.tx, w.ws(), seq, hash); err != nil {
		return err
	}
	w.delta.Events += int64(len(events))
	return nil
}

// updatePeople applies the rows that match existing people under the
// "update" policy: the row's non-empty values replace the person's, new
// phone numbers are added, and consents and objections not yet recorded
// go through the ledger. One person at a time: updates are the rare case.
func (w *batchWriter) updatePeople(ctx context.Context) error {
	for _, p := range w.updates {
		if err := w.updateOne(ctx, p); err != nil {
			return err
		}
	}
	w.delta.Updated += int64(len(w.updates))
	return nil
}

func (w *batchWriter) updateOne(ctx context.Context, p *pending) error {
	cur := &crm.Person{}
	var custom string
	var orgID sql.NullInt64
	a := &cur.Address
	err := w.tx.QueryRow(ctx, `SELECT first_name, last_name, job_title, organisation_id, lifecycle, audience,
		address_line1, address_line2, postal_code, city, region, country, custom FROM people WHERE id = $1`, p.existing.id).
		Scan(&cur.FirstName, &cur.LastName, &cur.JobTitle, &orgID, &cur.Lifecycle, &cur.Audience,
			&a.Line1, &a.Line2, &a.PostalCode, &a.City, &a.Region, &a.Country, &custom)
	if err != nil {
		return fmt.Errorf("read person: %w", err)
	}
	cur.OrganisationID = orgID.Int64
	cur.Custom = parseJSONMap(custom)
	merge(cur, p)
	custom, err = jsonText(cur.Custom)
	if err != nil {
		return err
	}
	sortKey, altKey := cur.SortKeys()
	if _, err := w.tx.Exec(ctx, `UPDATE people SET first_name = $2, last_name = $3, sort_key = $4, alt_key = $5,
		job_title = $6, organisation_id = $7, lifecycle = $8, audience = $9, address_line1 = $10, address_line2 = $11,
		postal_code = $12, city = $13, region = $14, country = $15, custom = $16, updated_at = $17 WHERE id = $1`,
		p.existing.id, cur.FirstName, cur.LastName, sortKey, altKey, cur.JobTitle, nullID(cur.OrganisationID),
		string(cur.Lifecycle), string(cur.Audience), a.Line1, a.Line2, a.PostalCode, a.City, a.Region, a.Country,
		custom, w.now.UnixMicro()); err != nil {
		return fmt.Errorf("update person: %w", err)
	}
	if err := w.addPhones(ctx, p); err != nil {
		return err
	}
	proj, err := loadProjection(ctx, w.tx, p.existing.id)
	if err != nil {
		return err
	}
	w.changes(p, proj)
	events := w.events(p, p.existing.id, p.existing.publicID)
	if len(events) == 0 {
		return nil
	}
	w.delta.Events += int64(len(events))
	return appendEvents(ctx, w.tx, w.key, w.ws(), events)
}

// merge copies the fields the row gives into cur.
func merge(cur *crm.Person, p *pending) {
	in, set := p.r.Person, p.r.Set
	str := func(target string, dst *string, v string) {
		if set[target] {
			*dst = v
		}
	}
	str(importer.FieldFirstName, &cur.FirstName, in.FirstName)
	str(importer.FieldLastName, &cur.LastName, in.LastName)
	str(importer.FieldJobTitle, &cur.JobTitle, in.JobTitle)
	str(importer.FieldAddress1, &cur.Address.Line1, in.Address.Line1)
	str(importer.FieldAddress2, &cur.Address.Line2, in.Address.Line2)
	str(importer.FieldPostalCode, &cur.Address.PostalCode, in.Address.PostalCode)
	str(importer.FieldCity, &cur.Address.City, in.Address.City)
	str(importer.FieldRegion, &cur.Address.Region, in.Address.Region)
	str(importer.FieldCountry, &cur.Address.Country, in.Address.Country)
	if set[importer.FieldLifecycle] {
		cur.Lifecycle = in.Lifecycle
	}
	if set[importer.FieldAudience] {
		cur.Audience = in.Audience
	}
	if p.orgID != 0 {
		cur.OrganisationID = p.orgID
	}
	for k, v := range in.Custom {
		cur.Custom[k] = v
	}
}

// addPhones adds the row's numbers the person does not have yet.
func (w *batchWriter) addPhones(ctx context.Context, p *pending) error {
	have, err := personPhones(ctx, w.tx, p.existing.id)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, ph := range have {
		known[ph.E164] = true
	}
	for _, ph := range p.r.Person.Phones {
		if known[ph.E164] {
			continue
		}
		primary := len(have) == 0
		if _, err := w.tx.Exec(ctx, `INSERT INTO person_phones (workspace_id, person_id, e164, kind, is_primary)
			VALUES ($1, $2, $3, $4, $5)`, w.ws(), p.existing.id, ph.E164, phoneKindColumn(ph.Kind), primary); err != nil {
			return fmt.Errorf("add phone: %w", err)
		}
		if primary {
			if _, err := w.tx.Exec(ctx, `UPDATE people SET phone = $2 WHERE id = $1`, p.existing.id, ph.E164); err != nil {
				return fmt.Errorf("add phone: %w", err)
			}
		}
		have = append(have, ph)
		known[ph.E164] = true
	}
	return nil
}

func (w *batchWriter) insertReviews(ctx context.Context) error {
	if len(w.reviews) == 0 {
		return nil
	}
	m := newMultiRow("import_reviews", "import_id, workspace_id, line, person_id, data, created_at", "")
	for _, p := range w.reviews {
		b, err := json.Marshal(importer.NewReviewRow(p.r))
		if err != nil {
			return err
		}
		m.add(w.imp.ID, w.ws(), p.r.Line, p.existing.id, string(b), w.now.UnixMicro())
	}
	w.delta.Review += int64(len(w.reviews))
	return m.exec(ctx, w.tx, nil)
}

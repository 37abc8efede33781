package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/workspace"
)

// CRMStore implements crm.Store.
type CRMStore struct{ DB *DB }

var _ crm.Store = CRMStore{}

const personColumns = `p.id, p.public_id, p.workspace_id, p.first_name, p.last_name, p.email, p.phone,
	p.job_title, p.organisation_id, o.public_id, o.name, p.lifecycle, p.audience, p.origin,
	p.origin_detail, p.soft_opt_in, p.collected_at, p.address_line1, p.address_line2, p.postal_code, p.city,
	p.region, p.country, p.owner_user_id, u.name, p.custom, p.last_interaction_at, p.created_at, p.updated_at`

const personFrom = ` FROM people p
	LEFT JOIN organisations o ON o.id = p.organisation_id
	LEFT JOIN users u ON u.id = p.owner_user_id`

func scanPerson(row interface{ Scan(...any) error }) (*crm.Person, error) {
	var p crm.Person
	var email, phone, custom string
	var orgID, ownerID, collected, last, created, updated sql.NullInt64
	var orgPublicID, orgName, ownerName sql.NullString
	err := row.Scan(&p.ID, &p.PublicID, &p.WorkspaceID, &p.FirstName, &p.LastName, &email, &phone,
		&p.JobTitle, &orgID, &orgPublicID, &orgName, &p.Lifecycle, &p.Audience, &p.Origin,
		&p.OriginDetail, &p.SoftOptIn, &collected, &p.Address.Line1, &p.Address.Line2, &p.Address.PostalCode, &p.Address.City,
		&p.Address.Region, &p.Address.Country, &ownerID, &ownerName, &custom, &last, &created, &updated)
	if err != nil {
		return nil, err
	}
	if email != "" {
		p.Emails = []crm.Email{{Address: email}}
	}
	if phone != "" {
		p.Phones = []crm.Phone{{E164: phone}}
	}
	p.OrganisationID, p.OrganisationPublicID, p.OrganisationName = orgID.Int64, orgPublicID.String, orgName.String
	p.OwnerUserID, p.OwnerName = ownerID.Int64, ownerName.String
	p.Custom = parseJSONMap(custom)
	p.CollectedAt, p.LastInteractionAt = fromMicros(collected), fromMicros(last)
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

// Person returns one person with all their emails and phones.
func (s CRMStore) Person(ctx context.Context, workspaceID int64, publicID string) (*crm.Person, error) {
	row := s.DB.QueryRow(ctx, `SELECT `+personColumns+personFrom+
		` WHERE p.workspace_id = $1 AND p.public_id = $2`, workspaceID, publicID)
	p, err := scanPerson(row)
	if err != nil {
		return nil, notFound(err, "Person")
	}
	if p.Emails, err = personEmails(ctx, s.DB, p.ID); err != nil {
		return nil, err
	}
	if p.Phones, err = personPhones(ctx, s.DB, p.ID); err != nil {
		return nil, err
	}
	return p, nil
}

// personEmails reads a person's emails, primary first, through q (the
// read pool, or the transaction that is changing them).
func personEmails(ctx context.Context, q querier, personID int64) ([]crm.Email, error) {
	rows, err := q.Query(ctx, `SELECT email, email_norm FROM person_emails
		WHERE person_id = $1 ORDER BY is_primary DESC, id`, personID)
	if err != nil {
		return nil, fmt.Errorf("read emails: %w", err)
	}
	defer rows.Close()
	var out []crm.Email
	for rows.Next() {
		var e crm.Email
		if err := rows.Scan(&e.Address, &e.Norm); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// personPhones reads a person's phones, primary first, through q.
func personPhones(ctx context.Context, q querier, personID int64) ([]crm.Phone, error) {
	rows, err := q.Query(ctx, `SELECT e164, kind FROM person_phones
		WHERE person_id = $1 ORDER BY is_primary DESC, id`, personID)
	if err != nil {
		return nil, fmt.Errorf("read phones: %w", err)
	}
	defer rows.Close()
	var out []crm.Phone
	for rows.Next() {
		var p crm.Phone
		if err := rows.Scan(&p.E164, &p.Kind); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CreatePerson inserts a person with emails and phones, and the audit entry.
func (s CRMStore) CreatePerson(ctx context.Context, p *crm.Person, e audit.Entry) error {
	custom, err := jsonText(p.Custom)
	if err != nil {
		return err
	}
	sortKey, altKey := p.SortKeys()
	key, err := suppressionKey(ctx, s.DB, p.WorkspaceID)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		if err := insertPerson(ctx, tx, key, p, custom, sortKey, altKey); err != nil {
			return err
		}
		return insertAudit(ctx, tx, e)
	})
}

// insertPerson inserts p inside tx after the duplicate and suppression
// checks; a form submission uses it too.
func insertPerson(ctx context.Context, tx *Tx, key []byte, p *crm.Person, custom, sortKey, altKey string) error {
	if err := checkEmailsFree(ctx, tx, p.WorkspaceID, 0, p.Emails); err != nil {
		return err
	}
	flag, err := checkNotSuppressed(ctx, tx, key, p, nil)
	if err != nil {
		return err
	}
	err = tx.QueryRow(ctx, `INSERT INTO people (public_id, workspace_id, first_name, last_name,
		sort_key, alt_key, email, phone, job_title, organisation_id, lifecycle, audience, origin,
		origin_detail, collected_at, address_line1, address_line2, postal_code, city, region, country,
		owner_user_id, custom, created_at, updated_at, soft_opt_in)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
		$20, $21, $22, $23, $24, $25, $26) RETURNING id`,
		p.PublicID, p.WorkspaceID, p.FirstName, p.LastName, sortKey, altKey, p.PrimaryEmail(),
		p.PrimaryPhone(), p.JobTitle, nullID(p.OrganisationID), string(p.Lifecycle), string(p.Audience),
		string(p.Origin), p.OriginDetail, p.CollectedAt.UnixMicro(), p.Address.Line1, p.Address.Line2,
		p.Address.PostalCode, p.Address.City, p.Address.Region, p.Address.Country, nullID(p.OwnerUserID),
		custom, p.CreatedAt.UnixMicro(), p.UpdatedAt.UnixMicro(), p.SoftOptIn).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("insert person: %w", err)
	}
	if err := writeContacts(ctx, tx, p); err != nil {
		return err
	}
	if flag {
		if err := markSuppressed(ctx, tx, key, p); err != nil {
			return err
		}
	}
	return nil
}

// UpdatePerson replaces a person's fields, emails and phones.
func (s CRMStore) UpdatePerson(ctx context.Context, p *crm.Person, e audit.Entry) error {
	custom, err := jsonText(p.Custom)
	if err != nil {
		return err
	}
	sortKey, altKey := p.SortKeys()
	key, err := suppressionKey(ctx, s.DB, p.WorkspaceID)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		if err := updatePerson(ctx, tx, key, p, custom, sortKey, altKey); err != nil {
			return err
		}
		return insertAudit(ctx, tx, e)
	})
}

// updatePerson replaces p's fields and contacts inside tx after the
// duplicate and suppression checks; a form submission uses it too.
func updatePerson(ctx context.Context, tx *Tx, key []byte, p *crm.Person, custom, sortKey, altKey string) error {
	if err := checkEmailsFree(ctx, tx, p.WorkspaceID, p.ID, p.Emails); err != nil {
		return err
	}
	old, err := currentContacts(ctx, tx, key, p.ID)
	if err != nil {
		return err
	}
	flag, err := checkNotSuppressed(ctx, tx, key, p, old)
	if err != nil {
		return err
	}
	res, err := tx.Exec(ctx, `UPDATE people SET first_name = $3, last_name = $4, sort_key = $5,
		alt_key = $6, email = $7, phone = $8, job_title = $9, organisation_id = $10, lifecycle = $11,
		audience = $12, origin = $13, origin_detail = $14, collected_at = $15, address_line1 = $16,
		address_line2 = $17, postal_code = $18, city = $19, region = $20, country = $21,
		owner_user_id = $22, custom = $23, updated_at = $24, soft_opt_in = $25
		WHERE workspace_id = $1 AND id = $2`,
		p.WorkspaceID, p.ID, p.FirstName, p.LastName, sortKey, altKey, p.PrimaryEmail(), p.PrimaryPhone(),
		p.JobTitle, nullID(p.OrganisationID), string(p.Lifecycle), string(p.Audience), string(p.Origin),
		p.OriginDetail, p.CollectedAt.UnixMicro(), p.Address.Line1, p.Address.Line2, p.Address.PostalCode,
		p.Address.City, p.Address.Region, p.Address.Country, nullID(p.OwnerUserID), custom, p.UpdatedAt.UnixMicro(), p.SoftOptIn)
	if err != nil {
		return fmt.Errorf("update person: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.Errorf(errs.NotFound, "Person not found.")
	}
	for _, q := range []string{`DELETE FROM person_emails WHERE person_id = $1`, `DELETE FROM person_phones WHERE person_id = $1`} {
		if _, err := tx.Exec(ctx, q, p.ID); err != nil {
			return fmt.Errorf("replace contacts: %w", err)
		}
	}
	if err := writeContacts(ctx, tx, p); err != nil {
		return err
	}
	if flag {
		if err := markSuppressed(ctx, tx, key, p); err != nil {
			return err
		}
	}
	return nil
}

// checkEmailsFree returns Conflict, naming the person who has it, when one
// of emails belongs to another person of the workspace.
func checkEmailsFree(ctx context.Context, tx *Tx, workspaceID, selfID int64, emails []crm.Email) error {
	for _, em := range emails {
		var owner string
		err := tx.QueryRow(ctx, `SELECT p.public_id FROM person_emails e JOIN people p ON p.id = e.person_id
			WHERE e.workspace_id = $1 AND e.email_norm = $2 AND e.person_id <> $3`,
			workspaceID, em.Norm, selfID).Scan(&owner)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return fmt.Errorf("check email: %w", err)
		}
		return &errs.Error{Code: errs.Conflict, Message: "Another person already has this email address.",
			Fields: map[string]string{"emails": "belongs to another person"}, Related: owner}
	}
	return nil
}

func writeContacts(ctx context.Context, tx *Tx, p *crm.Person) error {
	for i, em := range p.Emails {
		_, err := tx.Exec(ctx, `INSERT INTO person_emails (workspace_id, person_id, email, email_norm, is_primary)
			VALUES ($1, $2, $3, $4, $5)`, p.WorkspaceID, p.ID, em.Address, em.Norm, i == 0)
		if isUniqueViolation(err) {
			return &errs.Error{Code: errs.Conflict, Message: "Another person already has this email address.",
				Fields: map[string]string{"emails": "belongs to another person"}}
		}
		if err != nil {
			return fmt.Errorf("insert email: %w", err)
		}
	}
	for i, ph := range p.Phones {
		_, err := tx.Exec(ctx, `INSERT INTO person_phones (workspace_id, person_id, e164, kind, is_primary)
			VALUES ($1, $2, $3, $4, $5)`, p.WorkspaceID, p.ID, ph.E164, phoneKindColumn(ph.Kind), i == 0)
		if err != nil {
			return fmt.Errorf("insert phone: %w", err)
		}
	}
	return nil
}

func phoneKindColumn(k crm.PhoneKind) string {
	switch k {
	case crm.PhoneMobile, crm.PhoneLandline:
		return string(k)
	}
	return "other"
}

// DeletePerson deletes a person; emails, phones and activities go with them.
func (s CRMStore) DeletePerson(ctx context.Context, workspaceID int64, publicID string, e audit.Entry) error {
	return s.DB.InTx(ctx, func(tx *Tx) error {
		// The person's activities go with them; every organisation they
		// were recorded against may lose its last interaction.
		orgs, err := activityOrganisations(ctx, tx, workspaceID, publicID)
		if err != nil {
			return err
		}
		var orgID sql.NullInt64
		err = tx.QueryRow(ctx, `DELETE FROM people WHERE workspace_id = $1 AND public_id = $2
			RETURNING organisation_id`, workspaceID, publicID).Scan(&orgID)
		if err != nil {
			return notFound(err, "Person")
		}
		if orgID.Valid {
			orgs = append(orgs, orgID.Int64)
		}
		for _, id := range orgs {
			if err := recomputeOrgInteraction(ctx, tx, id); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, e)
	})
}

// searchCondition adds to b the condition for a free-text search: an email
// (prefix) when q has an @, a phone number when q is mostly digits. A name
// prefix, on "last first" or "first last", is returned as its two
// alternatives instead: People runs them as two ordered index scans, which
// an OR would turn into a sort of every match.
func searchCondition(b *builder, workspaceArg string, q string) (nameAlternatives []string) {
	q = strings.TrimSpace(q)
	switch {
	case strings.Contains(q, "@"):
		prefix := strings.ToLower(q)
		if _, norm, problem := crm.NormalizeEmail(q); problem == "" {
			prefix = norm // a whole address: its domain in the stored (punycode) form
		}
		b.and(`p.id IN (SELECT person_id FROM person_emails WHERE workspace_id = ` + workspaceArg +
			rangeCond("email_norm", b, prefix) + `)`)
	case looksLikePhone(q):
		b.and(`p.id IN (SELECT person_id FROM person_phones WHERE workspace_id = ` + workspaceArg +
			rangeCond("e164", b, phonePrefix(q)) + `)`)
	default:
		f := crm.Fold(q)
		lo, hi := b.arg(f), b.arg(crm.PrefixUpper(f))
		return []string{
			"p.sort_key >= " + lo + " AND p.sort_key < " + hi,
			"p.alt_key >= " + lo + " AND p.alt_key < " + hi,
		}
	}
	return nil
}

func rangeCond(col string, b *builder, prefix string) string {
	return ` AND ` + col + ` >= ` + b.arg(prefix) + ` AND ` + col + ` < ` + b.arg(crm.PrefixUpper(prefix))
}

func looksLikePhone(q string) bool {
	digits := 0
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+ .-()", r):
		default:
			return false
		}
	}
	return digits >= 4
}

// phonePrefix turns a typed number, full or partial, into an E.164 prefix.
func phonePrefix(q string) string {
	if e164, _, problem := crm.NormalizePhone(q); problem == "" {
		return e164
	}
	var digits strings.Builder
	for _, r := range q {
		if r >= '0' && r <= '9' {
			digits.WriteRune(r)
		}
	}
	d := digits.String()
	switch {
	case strings.HasPrefix(strings.TrimSpace(q), "+"):
		return "+" + d
	case strings.HasPrefix(d, "00"):
		return "+" + d[2:]
	case strings.HasPrefix(d, "0"):
		return "+33" + d[1:]
	}
	return "+" + d
}

func activityOrganisations(ctx context.Context, tx *Tx, workspaceID int64, personPublicID string) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT DISTINCT a.organisation_id FROM activities a JOIN people p ON p.id = a.person_id
		WHERE p.workspace_id = $1 AND p.public_id = $2 AND a.organisation_id IS NOT NULL`, workspaceID, personPublicID)
	if err != nil {
		return nil, fmt.Errorf("read activities: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// checkNotSuppressed looks for addresses on the suppression list among
// those the person does not already have (keeping an address a person had
// when they objected is how their record stays editable). Under the
// workspace's "refuse" policy (the default) it refuses them; under "flag"
// it reports that the person must be stored suppressed.
func checkNotSuppressed(ctx context.Context, tx *Tx, key []byte, p *crm.Person, had map[string]bool) (bool, error) {
	for _, e := range personHashes(key, p.Emails, p.Phones) {
		if had[e.Hash] {
			continue
		}
		on, err := suppressedAny(ctx, tx, p.WorkspaceID, []consent.Suppression{e})
		if err != nil || !on {
			if err != nil {
				return false, err
			}
			continue
		}
		var policy string
		if err := tx.QueryRow(ctx, `SELECT COALESCE(settings->>'suppression_policy', '') FROM workspaces WHERE id = $1`, p.WorkspaceID).Scan(&policy); err != nil {
			return false, fmt.Errorf("read suppression policy: %w", err)
		}
		if policy == workspace.SuppressionFlag {
			return true, nil
		}
		field := "emails"
		if e.Kind == consent.SuppressPhone {
			field = "phones"
		}
		return false, &errs.Error{Code: errs.Conflict, Message: errSuppressed.Message, Fields: map[string]string{field: "is on the suppression list"}}
	}
	return false, nil
}

// markSuppressed records, in the transaction that stored the person, that
// one of their addresses is on the suppression list: they are kept but
// never contactable.
func markSuppressed(ctx context.Context, tx *Tx, key []byte, p *crm.Person) error {
	proj, err := loadProjection(ctx, tx, p.ID)
	if err != nil || proj.On(consent.Suppressed) {
		return err
	}
	ev := &consent.Event{At: p.UpdatedAt, PersonID: p.ID, PersonPublicID: p.PublicID, Flag: consent.Suppressed, Action: consent.Set,
		ActorKind: string(audit.ActorSystem), SourceKind: consent.SourceSystem, Note: "an address of this person is on the suppression list"}
	return appendEvents(ctx, tx, key, p.WorkspaceID, []*consent.Event{ev})
}

// currentContacts returns the suppression hashes of a person's stored
// addresses, keyed by hash.
func currentContacts(ctx context.Context, tx *Tx, key []byte, personID int64) (map[string]bool, error) {
	emails, phones, err := storedContacts(ctx, tx, personID)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, e := range personHashes(key, emails, phones) {
		out[e.Hash] = true
	}
	return out, nil
}

func storedContacts(ctx context.Context, tx *Tx, personID int64) ([]crm.Email, []crm.Phone, error) {
	emails, err := personEmails(ctx, tx, personID)
	if err != nil {
		return nil, nil, err
	}
	phones, err := personPhones(ctx, tx, personID)
	return emails, phones, err
}

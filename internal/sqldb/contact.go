package sqldb

import (
	"context"
	"fmt"
	"time"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
)

// The person facts the rules read, as SQL on people p and as Go on a
// Person: the two must say the same thing (a property test checks it).
// The address tests are written as the contact indexes of migration 0005
// expect them, word for word (TestContactCountReadsThePartialIndex).
const (
	sqlHasEmail  = `(p.email <> '') = TRUE`
	sqlHasPhone  = `(p.phone <> '') = TRUE`
	sqlHasPostal = `(p.address_line1 <> '' AND p.postal_code <> '' AND p.city <> '') = TRUE`
	sqlCustomer  = `p.lifecycle = 'customer'`
	sqlConsumer  = `p.audience <> 'b2b'`
)

// Subject builds the rules engine's view of a person from the person and
// their projection. Call history (for phone timing) is left to the caller.
func Subject(p *crm.Person, proj *consent.Projection, softOptIn bool) consent.Subject {
	return consent.Subject{
		Audience:   p.Audience,
		IsCustomer: p.Lifecycle == crm.Customer,
		HasEmail:   p.PrimaryEmail() != "",
		HasPhone:   p.PrimaryPhone() != "",
		HasPostal:  p.Address.Line1 != "" && p.Address.PostalCode != "" && p.Address.City != "",
		Consents:   proj.Purposes,
		Flags:      proj.Flags,
		SoftOptIn:  softOptIn,
	}
}

// contactable returns an SQL condition on people p that holds exactly when
// consent.Decide allows contacting the person through ch for purpose pu at
// time at — for phone calls, leaving call timing (hours, holidays, call
// counts) aside: that depends on the moment of each call, not on the person.
// Values go through b as arguments.
func contactable(b *builder, pu consent.Purpose, ch consent.Channel, at time.Time, cfg consent.Settings) string {
	if pu.Kind == consent.Transactional {
		return transactionalSQL(b, pu, ch)
	}
	if fit := channelFits(pu, ch); !fit {
		return "FALSE"
	}
	st := stateSets{b: b, bit: int64(1) << pu.Bit}
	blocking := consent.FlagMask(consent.OpposedAll, consent.Restricted, consent.ErasureRequested, consent.Suppressed)
	conds := []string{}
	if ch == consent.NoChannel || pu.Kind != consent.Marketing {
		conds = append(conds, st.is(consent.Granted))
	}
	switch ch {
	case consent.Email:
		blocking |= consent.FlagMask(consent.EmailUnsubscribed, consent.EmailInvalid)
		conds = append(conds, sqlHasEmail)
	case consent.SMS:
		blocking |= consent.FlagMask(consent.SMSOptOut)
		conds = append(conds, sqlHasPhone)
	case consent.Phone:
		blocking |= consent.FlagMask(consent.PhoneOptOut)
		conds = append(conds, sqlHasPhone)
	case consent.Postal:
		conds = append(conds, sqlHasPostal)
	}
	conds = append(conds, `(p.consent_flags & `+b.arg(blocking)+`) = 0`)
	if pu.Kind == consent.Marketing && ch != consent.NoChannel {
		conds = append(conds, marketingBasisSQL(b, ch, st, at, cfg))
	}
	return "(" + join(conds, " AND ") + ")"
}

func channelFits(pu consent.Purpose, ch consent.Channel) bool {
	if pu.Channel == consent.NoChannel {
		return ch == consent.NoChannel
	}
	return pu.Channel == ch
}

// stateSets tests a person's consent state to one purpose through the
// masks on people (a bit per purpose), which the contact indexes cover:
// a join to consent_states would cost a million probes. The rules only
// ask whether a consent is granted or withdrawn.
type stateSets struct {
	b   *builder
	bit int64
}

func (s stateSets) column(state consent.State) string {
	if state == consent.Granted {
		return "p.consent_granted"
	}
	if state == consent.Withdrawn {
		return "p.consent_withdrawn"
	}
	panic("contact rules: no mask for consent state " + string(state))
}

func (s stateSets) is(state consent.State) string {
	return `(` + s.column(state) + ` & ` + s.b.arg(s.bit) + `) <> 0`
}

func (s stateSets) isNot(state consent.State) string {
	return `(` + s.column(state) + ` & ` + s.b.arg(s.bit) + `) = 0`
}

// marketingBasisSQL mirrors rules 5–7 of docs/CONTACT_RULES.md.
func marketingBasisSQL(b *builder, ch consent.Channel, st stateSets, at time.Time, cfg consent.Settings) string {
	notWithdrawn := st.isNot(consent.Withdrawn)
	switch ch {
	case consent.Email, consent.SMS:
		consumer := st.is(consent.Granted)
		if cfg.SoftOptInEnabled {
			consumer = `(` + consumer + ` OR (` + notWithdrawn + ` AND p.soft_opt_in = TRUE AND ` + sqlCustomer + `))`
		}
		return `((NOT ` + sqlConsumer + ` AND ` + notWithdrawn + `) OR (` + sqlConsumer + ` AND ` + consumer + `))`
	case consent.Phone:
		var consumer string
		if at.Before(phoneConsentFrom(cfg)) {
			bloctel := b.arg(consent.FlagBit(consent.Bloctel))
			consumer = `(` + notWithdrawn + ` AND ((p.consent_flags & ` + bloctel + `) = 0 OR ` + sqlCustomer + `))`
		} else {
			consumer = `(` + notWithdrawn + ` AND (` + st.is(consent.Granted) + ` OR ` + sqlCustomer + `))`
		}
		return `((NOT ` + sqlConsumer + ` AND ` + notWithdrawn + `) OR (` + sqlConsumer + ` AND ` + consumer + `))`
	}
	return notWithdrawn // postal
}

func phoneConsentFrom(cfg consent.Settings) time.Time {
	if cfg.PhoneConsentFrom.IsZero() {
		return consent.DefaultSettings().PhoneConsentFrom
	}
	return cfg.PhoneConsentFrom
}

// transactionalSQL mirrors rule 9: only a missing or invalid address stops
// a service message.
func transactionalSQL(b *builder, pu consent.Purpose, ch consent.Channel) string {
	if !channelFits(pu, ch) {
		return "FALSE"
	}
	switch ch {
	case consent.Email:
		return `(` + sqlHasEmail + ` AND (p.consent_flags & ` + b.arg(consent.FlagBit(consent.EmailInvalid)) + `) = 0)`
	case consent.SMS, consent.Phone:
		return sqlHasPhone
	case consent.Postal:
		return sqlHasPostal
	}
	return "TRUE"
}

func join(parts []string, sep string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += sep
		}
		out += p
	}
	return out
}

// CountContactable counts the workspace's people who may be contacted
// through ch for the purpose (phone: leaving call timing aside).
func (s ConsentStore) CountContactable(ctx context.Context, workspaceID int64, purposeKey string, ch consent.Channel, at time.Time, cfg consent.Settings) (int, error) {
	pu, err := s.purpose(ctx, workspaceID, purposeKey)
	if err != nil {
		return 0, err
	}
	q, args := countContactableSQL(workspaceID, pu, ch, at, cfg)
	var n int
	if err := s.DB.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count contactable: %w", err)
	}
	return n, nil
}

func countContactableSQL(workspaceID int64, pu consent.Purpose, ch consent.Channel, at time.Time, cfg consent.Settings) (string, []any) {
	b := &builder{}
	b.and("p.workspace_id = " + b.arg(workspaceID))
	b.and(contactable(b, pu, ch, at, cfg))
	return `SELECT COUNT(*) FROM people p` + b.whereSQL(), b.args
}

// ContactableIDs returns the public ids of the people among ids who may be
// contacted (a test compares them with the Go rules).
func (s ConsentStore) ContactableIDs(ctx context.Context, workspaceID int64, purposeKey string, ch consent.Channel, at time.Time, cfg consent.Settings) (map[string]bool, error) {
	pu, err := s.purpose(ctx, workspaceID, purposeKey)
	if err != nil {
		return nil, err
	}
	b := &builder{}
	b.and("p.workspace_id = " + b.arg(workspaceID))
	b.and(contactable(b, pu, ch, at, cfg))
	rows, err := s.DB.Query(ctx, `SELECT p.public_id FROM people p`+b.whereSQL(), b.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

func (s ConsentStore) purpose(ctx context.Context, workspaceID int64, key string) (consent.Purpose, error) {
	ps, err := s.Purposes(ctx, workspaceID)
	if err != nil {
		return consent.Purpose{}, err
	}
	for _, p := range ps {
		if p.Key == key {
			return p, nil
		}
	}
	return consent.Purpose{}, fmt.Errorf("no purpose %q", key)
}

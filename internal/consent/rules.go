package consent

import (
	"slices"
	"time"

	"github.com/registre/registre/internal/crm"
)

// Subject is what the engine knows about a person at decision time. The
// caller builds it from the person, the consent projection and the activity
// timeline; the engine reads nothing else, so a decision can be replayed.
type Subject struct {
	Audience   crm.Audience // b2b or b2c; anything but b2b is treated as a consumer (the stricter rules)
	IsCustomer bool         // lifecycle customer (an ongoing contract / existing customer)

	HasEmail, HasPhone, HasPostal bool

	Consents map[string]PurposeState // by purpose key; missing = None
	Flags    map[Flag]FlagState      // missing = off

	// SoftOptIn: the address was collected during a sale, the person was
	// informed and offered to object at collection, and never objected.
	SoftOptIn bool

	CallsLast30Days int       // calls or attempts by this company in the 30 days before the decision time
	LastCallRefusal time.Time // zero if none
	// CallTimes, when not nil, are the times of the calls or attempts
	// (those of the 30 days before the decision time at least): the
	// engine then counts them itself for the time asked, ignoring
	// CallsLast30Days, and knows exactly when the oldest leaves the window.
	CallTimes []time.Time

	// Location is the consumer's time zone when it is known to differ from
	// the workspace's (overseas departments); nil means Settings.Location.
	Location *time.Location
}

// consent returns the state of the person's consent to the purpose key;
// a missing or empty state is None.
func (s Subject) consent(key string) State {
	st := s.Consents[key].State
	if st == "" {
		return None
	}
	return st
}

// flag reports whether a flag is on; a missing flag is off.
func (s Subject) flag(f Flag) bool { return s.Flags[f].On }

// consumer reports whether the consumer (B2C) rules apply. Anything but an
// explicit B2B audience gets them, because they are the stricter ones.
func (s Subject) consumer() bool { return s.Audience != crm.B2B }

// Settings are the workspace's contact-rule settings. Values the law fixes
// but REFERENCE.md marks "to confirm" are settings so that a customer's
// lawyer can change them. A zero field means its default (see
// DefaultSettings), so Settings{} is usable.
type Settings struct {
	// SoftOptInEnabled lets email and SMS marketing reach B2C customers
	// under the soft opt-in exception (CPCE L.34-5). Default false: the
	// workspace must assert that its collection meets the conditions.
	SoftOptInEnabled bool
	// PhoneConsentFrom: from this instant B2C phone prospecting needs prior
	// consent except under an ongoing contract (loi 2025-594 art. 13);
	// before it, Bloctel registration forbids calls except to customers.
	// Default 2026-08-11 00:00 Europe/Paris.
	PhoneConsentFrom time.Time
	// MaxCallsPer30Days: calls or attempts per 30 days (D.223-9). Default 4.
	MaxCallsPer30Days int
	// RefusalQuietDays: full calendar days without calls after a refusal
	// during a call (D.223-9). Default 60.
	RefusalQuietDays int
	// Location is the consumers' time zone for call hours and public
	// holidays. Default Europe/Paris.
	Location *time.Location
}

// Defaults of Settings.
const (
	DefaultMaxCallsPer30Days = 4
	DefaultRefusalQuietDays  = 60
)

// DefaultSettings returns the settings a new workspace starts with.
func DefaultSettings() Settings {
	return Settings{
		PhoneConsentFrom:  time.Date(2026, time.August, 11, 0, 0, 0, 0, paris),
		MaxCallsPer30Days: DefaultMaxCallsPer30Days,
		RefusalQuietDays:  DefaultRefusalQuietDays,
		Location:          paris,
	}
}

// withDefaults fills zero (or nonsensical negative) fields with defaults.
func (c Settings) withDefaults() Settings {
	d := DefaultSettings()
	if c.PhoneConsentFrom.IsZero() {
		c.PhoneConsentFrom = d.PhoneConsentFrom
	}
	if c.MaxCallsPer30Days <= 0 {
		c.MaxCallsPer30Days = d.MaxCallsPer30Days
	}
	if c.RefusalQuietDays <= 0 {
		c.RefusalQuietDays = d.RefusalQuietDays
	}
	if c.Location == nil {
		c.Location = d.Location
	}
	return c
}

// Decision is the engine's answer.
type Decision struct {
	Allowed bool
	// Reasons: every deny reason that applies when denied, or exactly the
	// allow basis when allowed; sorted and without duplicates.
	Reasons []Reason
	// NotBefore: for a phone call denied only for timing reasons (hours,
	// holiday, call limit, refusal), the earliest instant at which waiting
	// alone makes it allowed; zero otherwise.
	NotBefore time.Time
}

// verdict is a partial decision: an allow basis, the deny reasons found and
// a timing hint; deny reasons win over the basis.
type verdict struct {
	basis     Reason
	deny      []Reason
	notBefore time.Time
}

func (v *verdict) add(rs ...Reason) { v.deny = append(v.deny, rs...) }

func (v verdict) decision() Decision {
	if len(v.deny) > 0 {
		rs := slices.Clone(v.deny)
		slices.Sort(rs)
		return Decision{Reasons: slices.Compact(rs), NotBefore: v.notBefore}
	}
	return Decision{Allowed: true, Reasons: []Reason{v.basis}}
}

// Decide answers: may we contact s through channel ch for purpose p at time
// at? With ch == NoChannel and a purpose that sends nothing (profiling,
// sharing) it answers whether the processing itself is allowed. The rules
// are numbered as in docs/CONTACT_RULES.md.
func Decide(s Subject, p Purpose, ch Channel, at time.Time, cfg Settings) Decision {
	cfg = cfg.withDefaults()
	if p.Kind == Transactional {
		return decideTransactional(s, p, ch).decision()
	}
	var v verdict
	v.add(blockingFlags(s)...) // rule 1
	if r := channelFit(p, ch); r != "" {
		v.add(r) // rule 4
		return v.decision()
	}
	st := s.consent(p.Key)
	if ch == NoChannel {
		v.basis, v.deny = consentOnly(st, v.deny) // rule 8
		return v.decision()
	}
	v.add(missingAddress(s, ch)...) // rule 3
	v.add(channelOptOuts(s, ch)...) // rule 2
	if p.Kind != Marketing {
		// A profiling or sharing purpose bound to a channel (say, per-person
		// open tracking by email) still needs consent (CNIL 2026 pixels).
		v.basis, v.deny = consentOnly(st, v.deny)
		return v.decision()
	}
	switch ch {
	case Email, SMS:
		v.basis, v.deny = electronicBasis(s, st, cfg, v.deny) // rule 5
	case Phone:
		return decidePhone(s, st, at, cfg, v).decision() // rule 6
	case Postal:
		v.basis, v.deny = postalBasis(s, st, v.deny) // rule 7
	}
	return v.decision()
}

// Reason is a machine-readable code explaining a decision; the UI
// translates it.
type Reason string

// Allow bases: why a contact is allowed.
const (
	ReasonConsentGranted     Reason = "consent_granted"     // the person consented to this purpose
	ReasonB2BNotOpposed      Reason = "b2b_not_opposed"     // professional, informed, has not objected
	ReasonSoftOptIn          Reason = "soft_opt_in"         // CPCE L.34-5 exception for customers
	ReasonTransactional      Reason = "transactional"       // a service message, not prospecting
	ReasonOngoingContract    Reason = "ongoing_contract"    // phone: a customer under an ongoing contract
	ReasonNotOnBloctel       Reason = "not_on_bloctel"      // phone, before PhoneConsentFrom: consumer not registered on Bloctel
	ReasonLegitimateInterest Reason = "legitimate_interest" // postal to consumers: legitimate interest, not opposed
)

// Deny reasons.
const (
	ReasonNoConsent        Reason = "no_consent"
	ReasonConsentPending   Reason = "consent_pending"
	ReasonConsentWithdrawn Reason = "consent_withdrawn"

	ReasonOpposedAll        Reason = "opposed_all"
	ReasonEmailUnsubscribed Reason = "email_unsubscribed"
	ReasonSMSOptOut         Reason = "sms_optout"
	ReasonPhoneOptOut       Reason = "phone_optout"
	ReasonBloctel           Reason = "bloctel"
	ReasonEmailInvalid      Reason = "email_invalid"
	ReasonSuppressed        Reason = "suppressed"
	ReasonErasureRequested  Reason = "erasure_requested"
	ReasonRestricted        Reason = "restricted"

	ReasonNoEmail         Reason = "no_email"
	ReasonNoPhone         Reason = "no_phone"
	ReasonNoPostalAddress Reason = "no_postal_address"

	ReasonOutsideCallHours Reason = "outside_call_hours"
	ReasonPublicHoliday    Reason = "public_holiday"
	ReasonCallLimitReached Reason = "call_limit_reached"
	ReasonRecentRefusal    Reason = "recent_refusal"

	ReasonPurposeSendsNothing Reason = "purpose_sends_nothing"
	ReasonChannelMismatch     Reason = "channel_mismatch"
)

// Reasons lists every reason, allow bases first (the pages translate each).
var Reasons = []Reason{ReasonConsentGranted, ReasonB2BNotOpposed, ReasonSoftOptIn, ReasonTransactional,
	ReasonOngoingContract, ReasonNotOnBloctel, ReasonLegitimateInterest,
	ReasonNoConsent, ReasonConsentPending, ReasonConsentWithdrawn, ReasonOpposedAll, ReasonEmailUnsubscribed,
	ReasonSMSOptOut, ReasonPhoneOptOut, ReasonBloctel, ReasonEmailInvalid, ReasonSuppressed, ReasonErasureRequested,
	ReasonRestricted, ReasonNoEmail, ReasonNoPhone, ReasonNoPostalAddress, ReasonOutsideCallHours, ReasonPublicHoliday,
	ReasonCallLimitReached, ReasonRecentRefusal, ReasonPurposeSendsNothing, ReasonChannelMismatch}

// Timing reports whether the reason only says "not now": waiting (or the
// calendar) lifts it, nothing about the person has to change.
func (r Reason) Timing() bool {
	switch r {
	case ReasonOutsideCallHours, ReasonPublicHoliday, ReasonCallLimitReached, ReasonRecentRefusal:
		return true
	}
	return false
}

// blockingFlags is rule 1: flags that forbid any marketing, profiling and
// sharing whatever the channel or consent — an objection to all
// prospecting (GDPR Art. 21(2)-(3)), restriction (Art. 18: storage only),
// a pending erasure (Art. 17), the suppression list.
func blockingFlags(s Subject) []Reason {
	var rs []Reason
	for _, f := range []Flag{OpposedAll, Restricted, ErasureRequested, Suppressed} {
		if s.flag(f) {
			rs = append(rs, Reason(f))
		}
	}
	return rs
}

// channelFit is rule 4: the request must use the purpose's own channel, and
// a purpose without a channel sends nothing. It returns "" when they fit.
// An unknown channel never fits: the engine has no rules for it.
func channelFit(p Purpose, ch Channel) Reason {
	switch {
	case p.Channel == NoChannel && ch != NoChannel:
		return ReasonPurposeSendsNothing
	case p.Channel != ch, ch != NoChannel && !slices.Contains(Channels, ch):
		return ReasonChannelMismatch
	}
	return ""
}

// missingAddress is rule 3: there must be somewhere to send to. SMS needs
// a phone number.
func missingAddress(s Subject, ch Channel) []Reason {
	switch {
	case ch == Email && !s.HasEmail:
		return []Reason{ReasonNoEmail}
	case (ch == SMS || ch == Phone) && !s.HasPhone:
		return []Reason{ReasonNoPhone}
	case ch == Postal && !s.HasPostal:
		return []Reason{ReasonNoPostalAddress}
	}
	return nil
}

// channelOptOuts is rule 2: an objection limited to one channel denies that
// channel's marketing; an invalid email address denies any email. Bloctel
// is not here: it is a phone-regime rule (rule 6b).
func channelOptOuts(s Subject, ch Channel) []Reason {
	var rs []Reason
	switch ch {
	case Email:
		if s.flag(EmailUnsubscribed) {
			rs = append(rs, ReasonEmailUnsubscribed)
		}
		if s.flag(EmailInvalid) {
			rs = append(rs, ReasonEmailInvalid)
		}
	case SMS:
		if s.flag(SMSOptOut) {
			rs = append(rs, ReasonSMSOptOut)
		}
	case Phone:
		if s.flag(PhoneOptOut) {
			rs = append(rs, ReasonPhoneOptOut)
		}
	}
	return rs
}

// consentDenial names what is missing when consent is required but not
// granted. An unknown state counts as no consent.
func consentDenial(st State) Reason {
	switch st {
	case Pending:
		return ReasonConsentPending
	case Withdrawn:
		return ReasonConsentWithdrawn
	}
	return ReasonNoConsent
}

// consentOnly applies "granted consent is required" (rule 8, and any
// non-marketing purpose bound to a channel).
func consentOnly(st State, deny []Reason) (Reason, []Reason) {
	if st != Granted {
		deny = append(deny, consentDenial(st))
	}
	return ReasonConsentGranted, deny
}

// notOpposed is the legitimate-interest regime (B2B electronic and phone,
// postal): allowed unless the person objected. Withdrawing a consent to the
// purpose is such an objection (GDPR Art. 21(3)); a granted consent is the
// stronger basis, so it is the one reported.
func notOpposed(st State, basis Reason, deny []Reason) (Reason, []Reason) {
	switch st {
	case Withdrawn:
		deny = append(deny, ReasonConsentWithdrawn)
	case Granted:
		basis = ReasonConsentGranted
	}
	return basis, deny
}

// electronicBasis is rule 5, email and SMS marketing (CPCE L.34-5):
// consumers need prior consent unless the soft opt-in exception applies;
// professionals may be reached unless they objected.
func electronicBasis(s Subject, st State, cfg Settings, deny []Reason) (Reason, []Reason) {
	if !s.consumer() {
		return notOpposed(st, ReasonB2BNotOpposed, deny)
	}
	switch {
	case st == Granted:
		return ReasonConsentGranted, deny
	case st != Withdrawn && cfg.SoftOptInEnabled && s.SoftOptIn && s.IsCustomer:
		// A withdrawal is an objection, and an objection ends the soft
		// opt-in; pending or no consent leave it standing.
		return ReasonSoftOptIn, deny
	}
	return "", append(deny, consentDenial(st))
}

// postalBasis is rule 7: postal marketing rests on legitimate interest with
// a right to object, for consumers and professionals alike.
func postalBasis(s Subject, st State, deny []Reason) (Reason, []Reason) {
	if s.consumer() {
		return notOpposed(st, ReasonLegitimateInterest, deny)
	}
	return notOpposed(st, ReasonB2BNotOpposed, deny)
}

// phoneBasis is rules 6a–6c: the legal basis for a prospecting call at the
// given instant, ignoring call timing.
func phoneBasis(s Subject, st State, at time.Time, cfg Settings) (Reason, []Reason) {
	if !s.consumer() {
		return notOpposed(st, ReasonB2BNotOpposed, nil) // 6c
	}
	if st == Withdrawn {
		// Withdrawing is objecting (GDPR Art. 21(3)); even a customer's
		// contract does not override it.
		return "", []Reason{ReasonConsentWithdrawn}
	}
	if at.Before(cfg.PhoneConsentFrom) { // 6b: the Bloctel regime
		switch {
		case s.flag(Bloctel) && !s.IsCustomer:
			return "", []Reason{ReasonBloctel}
		case st == Granted:
			return ReasonConsentGranted, nil
		case s.IsCustomer:
			return ReasonOngoingContract, nil
		}
		return ReasonNotOnBloctel, nil
	}
	switch { // 6a: the consent regime
	case st == Granted:
		return ReasonConsentGranted, nil
	case s.IsCustomer:
		return ReasonOngoingContract, nil
	}
	return "", []Reason{consentDenial(st)}
}

// decidePhone is rule 6: the basis (6a–6c) plus, for consumers, call timing
// (6d–6g). v already holds the reasons of rules 1–3.
func decidePhone(s Subject, st State, at time.Time, cfg Settings, v verdict) verdict {
	basis, deny := phoneBasis(s, st, at, cfg)
	v.basis = basis
	v.add(deny...)
	if !s.consumer() {
		return v
	}
	timing, next := callTiming(s, at, cfg)
	v.add(timing...)
	if len(timing) == 0 || !onlyTiming(v.deny) {
		return v
	}
	// Waiting helps only if the call is still lawful then: crossing
	// PhoneConsentFrom can turn "not now" into "not without consent".
	if _, later := phoneBasis(s, st, next, cfg); len(later) == 0 {
		v.notBefore = next
	}
	return v
}

// onlyTiming reports whether every reason is a timing reason.
func onlyTiming(rs []Reason) bool {
	for _, r := range rs {
		if !r.Timing() {
			return false
		}
	}
	return true
}

// decideTransactional is rule 9. A service message (a receipt, an answer to
// a data-subject request) is not prospecting: it needs no marketing consent
// and ignores objections to prospecting, Bloctel, the suppression list,
// restriction and a pending erasure — the answer to an erasure or
// restriction request must itself reach the person. Only an address that
// cannot receive it stops it.
func decideTransactional(s Subject, p Purpose, ch Channel) verdict {
	v := verdict{basis: ReasonTransactional}
	if r := channelFit(p, ch); r != "" {
		v.add(r)
		return v
	}
	v.add(missingAddress(s, ch)...)
	if ch == Email && s.flag(EmailInvalid) {
		v.add(ReasonEmailInvalid)
	}
	return v
}

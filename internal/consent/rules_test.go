package consent

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/registre/registre/internal/crm"
	"pgregory.net/rapid"
)

// Fixed instants for the rule tables, in Paris time.
var (
	// ruleBefore is a Tuesday call time before PhoneConsentFrom (Bloctel regime).
	ruleBefore = time.Date(2026, time.June, 16, 11, 0, 0, 0, paris)
	// ruleAfter is a Tuesday call time after PhoneConsentFrom (consent regime).
	ruleAfter = time.Date(2026, time.September, 15, 11, 0, 0, 0, paris)
)

// rulePurpose returns a default purpose by key.
func rulePurpose(key string) Purpose {
	for _, p := range DefaultPurposes {
		if p.Key == key {
			return p
		}
	}
	panic("no default purpose " + key)
}

// ruleSubject is a reachable person (every address, no flag, no consent)
// changed by opts.
func ruleSubject(aud crm.Audience, opts ...func(*Subject)) Subject {
	s := Subject{Audience: aud, HasEmail: true, HasPhone: true, HasPostal: true}
	for _, o := range opts {
		o(&s)
	}
	return s
}

func withFlags(fs ...Flag) func(*Subject) {
	return func(s *Subject) {
		if s.Flags == nil {
			s.Flags = map[Flag]FlagState{}
		}
		for _, f := range fs {
			s.Flags[f] = FlagState{On: true}
		}
	}
}

func withConsent(key string, st State) func(*Subject) {
	return func(s *Subject) {
		if s.Consents == nil {
			s.Consents = map[string]PurposeState{}
		}
		s.Consents[key] = PurposeState{State: st}
	}
}

func asCustomer(s *Subject)    { s.IsCustomer = true }
func withSoftOptIn(s *Subject) { s.SoftOptIn = true }
func noEmail(s *Subject)       { s.HasEmail = false }
func noPhone(s *Subject)       { s.HasPhone = false }
func noPostal(s *Subject)      { s.HasPostal = false }

// ruleCase is one row of a rule table.
type ruleCase struct {
	name    string
	s       Subject
	purpose Purpose
	ch      Channel
	at      time.Time // zero: ruleBefore
	cfg     Settings  // zero: defaults
	want    []Reason  // the reasons, sorted
	allowed bool
}

func runRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			at := c.at
			if at.IsZero() {
				at = ruleBefore
			}
			d := Decide(c.s, c.purpose, c.ch, at, c.cfg)
			if d.Allowed != c.allowed || !slices.Equal(d.Reasons, c.want) {
				t.Errorf("Decide = allowed %v %v, want allowed %v %v", d.Allowed, d.Reasons, c.allowed, c.want)
			}
		})
	}
}

func allow(r Reason) []Reason    { return []Reason{r} }
func deny(rs ...Reason) []Reason { return rs }

var (
	emailMkt  = rulePurpose(EmailMarketing)
	smsMkt    = rulePurpose(SMSMarketing)
	phoneMkt  = rulePurpose(PhoneProspecting)
	postalMkt = rulePurpose(PostalMarketing)
	profiling = rulePurpose(ProfilingPurpose)
	sharing   = rulePurpose(ThirdPartySharing)
	transact  = rulePurpose(TransactionalMail)
)

// TestRule_1_AlwaysDeny: each blocking flag denies every marketing,
// profiling and sharing purpose, in both audiences, even with consent.
func TestRule_1_AlwaysDeny(t *testing.T) {
	var cases []ruleCase
	for _, f := range []Flag{OpposedAll, Restricted, ErasureRequested, Suppressed} {
		for _, aud := range crm.Audiences {
			for _, p := range []Purpose{emailMkt, smsMkt, phoneMkt, postalMkt, profiling, sharing} {
				s := ruleSubject(aud, withFlags(f), withConsent(p.Key, Granted))
				cases = append(cases, ruleCase{
					name: fmt.Sprintf("%s/%s/%s", f, aud, p.Key), s: s, purpose: p, ch: p.Channel,
					want: deny(Reason(f)),
				})
			}
		}
	}
	cases = append(cases, ruleCase{
		name:    "all four flags/b2c/email_marketing",
		s:       ruleSubject(crm.B2C, withFlags(OpposedAll, Restricted, ErasureRequested, Suppressed), withConsent(EmailMarketing, Granted)),
		purpose: emailMkt, ch: Email,
		want: deny(ReasonErasureRequested, ReasonOpposedAll, ReasonRestricted, ReasonSuppressed),
	})
	runRuleCases(t, cases)
}

// TestRule_2_ChannelOptOuts: an opt-out denies its own channel only;
// email_invalid denies any email.
func TestRule_2_ChannelOptOuts(t *testing.T) {
	granted := func(f Flag) Subject {
		return ruleSubject(crm.B2C, withFlags(f), withConsent(EmailMarketing, Granted),
			withConsent(SMSMarketing, Granted), withConsent(PhoneProspecting, Granted), withConsent(PostalMarketing, Granted))
	}
	runRuleCases(t, []ruleCase{
		{name: "email_unsubscribed denies email", s: granted(EmailUnsubscribed), purpose: emailMkt, ch: Email, want: deny(ReasonEmailUnsubscribed)},
		{name: "email_unsubscribed denies b2b email", s: ruleSubject(crm.B2B, withFlags(EmailUnsubscribed)), purpose: emailMkt, ch: Email, want: deny(ReasonEmailUnsubscribed)},
		{name: "email_unsubscribed leaves sms", s: granted(EmailUnsubscribed), purpose: smsMkt, ch: SMS, allowed: true, want: allow(ReasonConsentGranted)},
		{name: "email_unsubscribed leaves postal", s: granted(EmailUnsubscribed), purpose: postalMkt, ch: Postal, allowed: true, want: allow(ReasonConsentGranted)},
		{name: "sms_optout denies sms", s: granted(SMSOptOut), purpose: smsMkt, ch: SMS, want: deny(ReasonSMSOptOut)},
		{name: "sms_optout denies b2b sms", s: ruleSubject(crm.B2B, withFlags(SMSOptOut)), purpose: smsMkt, ch: SMS, want: deny(ReasonSMSOptOut)},
		{name: "sms_optout leaves phone", s: granted(SMSOptOut), purpose: phoneMkt, ch: Phone, allowed: true, want: allow(ReasonConsentGranted)},
		{name: "sms_optout leaves email", s: granted(SMSOptOut), purpose: emailMkt, ch: Email, allowed: true, want: allow(ReasonConsentGranted)},
		{name: "phone_optout denies phone", s: granted(PhoneOptOut), purpose: phoneMkt, ch: Phone, want: deny(ReasonPhoneOptOut)},
		{name: "phone_optout leaves sms", s: granted(PhoneOptOut), purpose: smsMkt, ch: SMS, allowed: true, want: allow(ReasonConsentGranted)},
		{name: "email_invalid denies email marketing", s: granted(EmailInvalid), purpose: emailMkt, ch: Email, want: deny(ReasonEmailInvalid)},
		{name: "email_invalid denies transactional", s: granted(EmailInvalid), purpose: transact, ch: Email, want: deny(ReasonEmailInvalid)},
		{name: "email_invalid leaves sms", s: granted(EmailInvalid), purpose: smsMkt, ch: SMS, allowed: true, want: allow(ReasonConsentGranted)},
		{name: "bloctel leaves email", s: granted(Bloctel), purpose: emailMkt, ch: Email, allowed: true, want: allow(ReasonConsentGranted)},
		{name: "bloctel leaves sms", s: granted(Bloctel), purpose: smsMkt, ch: SMS, allowed: true, want: allow(ReasonConsentGranted)},
	})
}

// TestRule_3_NoAddress: no address for the channel denies; SMS needs a phone.
func TestRule_3_NoAddress(t *testing.T) {
	var cases []ruleCase
	for _, aud := range crm.Audiences {
		g := func(opt func(*Subject), key string) Subject {
			return ruleSubject(aud, opt, withConsent(key, Granted))
		}
		cases = append(cases,
			ruleCase{name: string(aud) + "/no email", s: g(noEmail, EmailMarketing), purpose: emailMkt, ch: Email, want: deny(ReasonNoEmail)},
			ruleCase{name: string(aud) + "/sms needs phone", s: g(noPhone, SMSMarketing), purpose: smsMkt, ch: SMS, want: deny(ReasonNoPhone)},
			ruleCase{name: string(aud) + "/no phone", s: g(noPhone, PhoneProspecting), purpose: phoneMkt, ch: Phone, want: deny(ReasonNoPhone)},
			ruleCase{name: string(aud) + "/no postal address", s: g(noPostal, PostalMarketing), purpose: postalMkt, ch: Postal, want: deny(ReasonNoPostalAddress)},
			ruleCase{name: string(aud) + "/transactional no email", s: g(noEmail, ""), purpose: transact, ch: Email, want: deny(ReasonNoEmail)},
			ruleCase{name: string(aud) + "/no email leaves postal", s: g(noEmail, PostalMarketing), purpose: postalMkt, ch: Postal, allowed: true, want: allow(ReasonConsentGranted)},
		)
	}
	runRuleCases(t, cases)
}

// TestRule_4_ChannelFit: the purpose's channel must be the one asked for;
// profiling and sharing send nothing but may be decided with NoChannel.
func TestRule_4_ChannelFit(t *testing.T) {
	granted := ruleSubject(crm.B2C, withConsent(EmailMarketing, Granted), withConsent(ProfilingPurpose, Granted), withConsent(ThirdPartySharing, Granted))
	fax := Purpose{Key: "fax_marketing", Channel: "fax", Kind: Marketing}
	runRuleCases(t, []ruleCase{
		{name: "email purpose asked for sms", s: granted, purpose: emailMkt, ch: SMS, want: deny(ReasonChannelMismatch)},
		{name: "email purpose asked for postal", s: granted, purpose: emailMkt, ch: Postal, want: deny(ReasonChannelMismatch)},
		{name: "email purpose asked with no channel", s: granted, purpose: emailMkt, ch: NoChannel, want: deny(ReasonChannelMismatch)},
		{name: "transactional email asked for sms", s: granted, purpose: transact, ch: SMS, want: deny(ReasonChannelMismatch)},
		{name: "profiling asked for email", s: granted, purpose: profiling, ch: Email, want: deny(ReasonPurposeSendsNothing)},
		{name: "sharing asked for phone", s: granted, purpose: sharing, ch: Phone, want: deny(ReasonPurposeSendsNothing)},
		{name: "profiling as processing", s: granted, purpose: profiling, ch: NoChannel, allowed: true, want: allow(ReasonConsentGranted)},
		{name: "sharing as processing", s: granted, purpose: sharing, ch: NoChannel, allowed: true, want: allow(ReasonConsentGranted)},
		{name: "mismatch keeps rule 1 reasons", s: ruleSubject(crm.B2C, withFlags(OpposedAll)), purpose: emailMkt, ch: SMS, want: deny(ReasonChannelMismatch, ReasonOpposedAll)},
		{name: "unknown channel", s: granted, purpose: fax, ch: "fax", want: deny(ReasonChannelMismatch)},
	})
}

// TestRule_5_ElectronicMarketing: email and SMS marketing, every consent
// state, both audiences, the soft opt-in conditions.
func TestRule_5_ElectronicMarketing(t *testing.T) {
	var cases []ruleCase
	states := []struct {
		st       State
		b2c, b2b []Reason
		b2cOK    bool
		b2bOK    bool
	}{
		{Granted, allow(ReasonConsentGranted), allow(ReasonConsentGranted), true, true},
		{Pending, deny(ReasonConsentPending), allow(ReasonB2BNotOpposed), false, true},
		{Withdrawn, deny(ReasonConsentWithdrawn), deny(ReasonConsentWithdrawn), false, false},
		{None, deny(ReasonNoConsent), allow(ReasonB2BNotOpposed), false, true},
		{"", deny(ReasonNoConsent), allow(ReasonB2BNotOpposed), false, true},
		{"bogus", deny(ReasonNoConsent), allow(ReasonB2BNotOpposed), false, true},
	}
	for _, p := range []Purpose{emailMkt, smsMkt} {
		for _, c := range states {
			cases = append(cases,
				ruleCase{name: fmt.Sprintf("%s/b2c/%q", p.Key, c.st), s: ruleSubject(crm.B2C, withConsent(p.Key, c.st)), purpose: p, ch: p.Channel, allowed: c.b2cOK, want: c.b2c},
				ruleCase{name: fmt.Sprintf("%s/b2b/%q", p.Key, c.st), s: ruleSubject(crm.B2B, withConsent(p.Key, c.st)), purpose: p, ch: p.Channel, allowed: c.b2bOK, want: c.b2b},
			)
		}
		cases = append(cases,
			ruleCase{name: p.Key + "/b2c/missing consent", s: ruleSubject(crm.B2C), purpose: p, ch: p.Channel, want: deny(ReasonNoConsent)},
			ruleCase{name: p.Key + "/b2b/missing consent", s: ruleSubject(crm.B2B), purpose: p, ch: p.Channel, allowed: true, want: allow(ReasonB2BNotOpposed)},
			ruleCase{name: p.Key + "/no audience is b2c", s: ruleSubject(""), purpose: p, ch: p.Channel, want: deny(ReasonNoConsent)},
		)
		cases = append(cases, softOptInCases(p)...)
	}
	runRuleCases(t, cases)
}

// softOptInCases: all three conditions together, never after a withdrawal.
func softOptInCases(p Purpose) []ruleCase {
	on := Settings{SoftOptInEnabled: true}
	sub := func(opts ...func(*Subject)) Subject { return ruleSubject(crm.B2C, opts...) }
	return []ruleCase{
		{name: p.Key + "/soft opt-in", s: sub(asCustomer, withSoftOptIn), purpose: p, ch: p.Channel, cfg: on, allowed: true, want: allow(ReasonSoftOptIn)},
		{name: p.Key + "/soft opt-in while pending", s: sub(asCustomer, withSoftOptIn, withConsent(p.Key, Pending)), purpose: p, ch: p.Channel, cfg: on, allowed: true, want: allow(ReasonSoftOptIn)},
		{name: p.Key + "/soft opt-in ends at withdrawal", s: sub(asCustomer, withSoftOptIn, withConsent(p.Key, Withdrawn)), purpose: p, ch: p.Channel, cfg: on, want: deny(ReasonConsentWithdrawn)},
		{name: p.Key + "/soft opt-in disabled", s: sub(asCustomer, withSoftOptIn), purpose: p, ch: p.Channel, want: deny(ReasonNoConsent)},
		{name: p.Key + "/soft opt-in not a customer", s: sub(withSoftOptIn), purpose: p, ch: p.Channel, cfg: on, want: deny(ReasonNoConsent)},
		{name: p.Key + "/soft opt-in not collected in a sale", s: sub(asCustomer), purpose: p, ch: p.Channel, cfg: on, want: deny(ReasonNoConsent)},
		{name: p.Key + "/soft opt-in but granted", s: sub(asCustomer, withSoftOptIn, withConsent(p.Key, Granted)), purpose: p, ch: p.Channel, cfg: on, allowed: true, want: allow(ReasonConsentGranted)},
		{name: p.Key + "/soft opt-in but opted out", s: sub(asCustomer, withSoftOptIn, withFlags(EmailUnsubscribed, SMSOptOut)), purpose: p, ch: p.Channel, cfg: on,
			want: deny(map[Channel]Reason{Email: ReasonEmailUnsubscribed, SMS: ReasonSMSOptOut}[p.Channel])},
	}
}

// TestRule_6a_PhoneConsentRegime: from 11 August 2026, B2C calls need
// consent except under an ongoing contract; Bloctel no longer decides.
func TestRule_6a_PhoneConsentRegime(t *testing.T) {
	c := func(opts ...func(*Subject)) Subject { return ruleSubject(crm.B2C, opts...) }
	runRuleCases(t, []ruleCase{
		{name: "granted", s: c(withConsent(PhoneProspecting, Granted)), purpose: phoneMkt, ch: Phone, at: ruleAfter, allowed: true, want: allow(ReasonConsentGranted)},
		{name: "none", s: c(), purpose: phoneMkt, ch: Phone, at: ruleAfter, want: deny(ReasonNoConsent)},
		{name: "pending", s: c(withConsent(PhoneProspecting, Pending)), purpose: phoneMkt, ch: Phone, at: ruleAfter, want: deny(ReasonConsentPending)},
		{name: "withdrawn", s: c(withConsent(PhoneProspecting, Withdrawn)), purpose: phoneMkt, ch: Phone, at: ruleAfter, want: deny(ReasonConsentWithdrawn)},
		{name: "customer without consent", s: c(asCustomer), purpose: phoneMkt, ch: Phone, at: ruleAfter, allowed: true, want: allow(ReasonOngoingContract)},
		{name: "customer who withdrew", s: c(asCustomer, withConsent(PhoneProspecting, Withdrawn)), purpose: phoneMkt, ch: Phone, at: ruleAfter, want: deny(ReasonConsentWithdrawn)},
		{name: "bloctel with consent", s: c(withFlags(Bloctel), withConsent(PhoneProspecting, Granted)), purpose: phoneMkt, ch: Phone, at: ruleAfter, allowed: true, want: allow(ReasonConsentGranted)},
		{name: "bloctel without consent", s: c(withFlags(Bloctel)), purpose: phoneMkt, ch: Phone, at: ruleAfter, want: deny(ReasonNoConsent)},
		{name: "last day of the Bloctel regime", s: c(), purpose: phoneMkt, ch: Phone, at: time.Date(2026, 8, 10, 19, 59, 0, 0, paris), allowed: true, want: allow(ReasonNotOnBloctel)},
		{name: "first day of the consent regime", s: c(), purpose: phoneMkt, ch: Phone, at: time.Date(2026, 8, 11, 10, 0, 0, 0, paris), want: deny(ReasonNoConsent)},
		{name: "date is a setting", s: c(), purpose: phoneMkt, ch: Phone, at: ruleBefore, cfg: Settings{PhoneConsentFrom: ruleBefore}, want: deny(ReasonNoConsent)},
	})
}

// TestRule_6b_PhoneBloctelRegime: before 11 August 2026, B2C calls are
// allowed unless the consumer is on Bloctel and not a customer.
func TestRule_6b_PhoneBloctelRegime(t *testing.T) {
	c := func(opts ...func(*Subject)) Subject { return ruleSubject(crm.B2C, opts...) }
	runRuleCases(t, []ruleCase{
		{name: "not on bloctel", s: c(), purpose: phoneMkt, ch: Phone, allowed: true, want: allow(ReasonNotOnBloctel)},
		{name: "pending is no objection", s: c(withConsent(PhoneProspecting, Pending)), purpose: phoneMkt, ch: Phone, allowed: true, want: allow(ReasonNotOnBloctel)},
		{name: "granted", s: c(withConsent(PhoneProspecting, Granted)), purpose: phoneMkt, ch: Phone, allowed: true, want: allow(ReasonConsentGranted)},
		{name: "bloctel", s: c(withFlags(Bloctel)), purpose: phoneMkt, ch: Phone, want: deny(ReasonBloctel)},
		{name: "bloctel with consent", s: c(withFlags(Bloctel), withConsent(PhoneProspecting, Granted)), purpose: phoneMkt, ch: Phone, want: deny(ReasonBloctel)},
		{name: "bloctel customer", s: c(withFlags(Bloctel), asCustomer), purpose: phoneMkt, ch: Phone, allowed: true, want: allow(ReasonOngoingContract)},
		{name: "withdrawn", s: c(withConsent(PhoneProspecting, Withdrawn)), purpose: phoneMkt, ch: Phone, want: deny(ReasonConsentWithdrawn)},
		{name: "withdrawn customer", s: c(asCustomer, withConsent(PhoneProspecting, Withdrawn)), purpose: phoneMkt, ch: Phone, want: deny(ReasonConsentWithdrawn)},
		{name: "phone_optout customer", s: c(asCustomer, withFlags(PhoneOptOut)), purpose: phoneMkt, ch: Phone, want: deny(ReasonPhoneOptOut)},
		{name: "bloctel and outside hours", s: c(withFlags(Bloctel)), purpose: phoneMkt, ch: Phone, at: time.Date(2026, 6, 13, 11, 0, 0, 0, paris), want: deny(ReasonBloctel, ReasonOutsideCallHours)},
	})
}

// TestRule_6c_PhoneB2B: professionals may be called unless they objected,
// at any time, whatever the count; Bloctel is for consumers.
func TestRule_6c_PhoneB2B(t *testing.T) {
	b := func(opts ...func(*Subject)) Subject { return ruleSubject(crm.B2B, opts...) }
	saturdayNight := time.Date(2026, 6, 13, 22, 0, 0, 0, paris)
	runRuleCases(t, []ruleCase{
		{name: "before/none", s: b(), purpose: phoneMkt, ch: Phone, allowed: true, want: allow(ReasonB2BNotOpposed)},
		{name: "after/none", s: b(), purpose: phoneMkt, ch: Phone, at: ruleAfter, allowed: true, want: allow(ReasonB2BNotOpposed)},
		{name: "after/granted", s: b(withConsent(PhoneProspecting, Granted)), purpose: phoneMkt, ch: Phone, at: ruleAfter, allowed: true, want: allow(ReasonConsentGranted)},
		{name: "after/withdrawn", s: b(withConsent(PhoneProspecting, Withdrawn)), purpose: phoneMkt, ch: Phone, at: ruleAfter, want: deny(ReasonConsentWithdrawn)},
		{name: "bloctel ignored", s: b(withFlags(Bloctel)), purpose: phoneMkt, ch: Phone, allowed: true, want: allow(ReasonB2BNotOpposed)},
		{name: "phone_optout", s: b(withFlags(PhoneOptOut)), purpose: phoneMkt, ch: Phone, want: deny(ReasonPhoneOptOut)},
		{name: "saturday night", s: b(), purpose: phoneMkt, ch: Phone, at: saturdayNight, allowed: true, want: allow(ReasonB2BNotOpposed)},
		{name: "whit monday", s: b(), purpose: phoneMkt, ch: Phone, at: time.Date(2026, 5, 25, 11, 0, 0, 0, paris), allowed: true, want: allow(ReasonB2BNotOpposed)},
		{name: "many calls and a refusal", s: b(func(s *Subject) { s.CallsLast30Days = 9; s.LastCallRefusal = ruleBefore.Add(-time.Hour) }), purpose: phoneMkt, ch: Phone, allowed: true, want: allow(ReasonB2BNotOpposed)},
	})
}

// TestRule_7_Postal: legitimate interest for both audiences; objections,
// a withdrawn consent and a missing address deny.
func TestRule_7_Postal(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{name: "b2c/none", s: ruleSubject(crm.B2C), purpose: postalMkt, ch: Postal, allowed: true, want: allow(ReasonLegitimateInterest)},
		{name: "b2b/none", s: ruleSubject(crm.B2B), purpose: postalMkt, ch: Postal, allowed: true, want: allow(ReasonB2BNotOpposed)},
		{name: "b2c/pending", s: ruleSubject(crm.B2C, withConsent(PostalMarketing, Pending)), purpose: postalMkt, ch: Postal, allowed: true, want: allow(ReasonLegitimateInterest)},
		{name: "b2c/granted", s: ruleSubject(crm.B2C, withConsent(PostalMarketing, Granted)), purpose: postalMkt, ch: Postal, allowed: true, want: allow(ReasonConsentGranted)},
		{name: "b2c/withdrawn", s: ruleSubject(crm.B2C, withConsent(PostalMarketing, Withdrawn)), purpose: postalMkt, ch: Postal, want: deny(ReasonConsentWithdrawn)},
		{name: "b2b/withdrawn", s: ruleSubject(crm.B2B, withConsent(PostalMarketing, Withdrawn)), purpose: postalMkt, ch: Postal, want: deny(ReasonConsentWithdrawn)},
		{name: "b2c/opposed_all", s: ruleSubject(crm.B2C, withFlags(OpposedAll)), purpose: postalMkt, ch: Postal, want: deny(ReasonOpposedAll)},
		{name: "b2c/no postal address", s: ruleSubject(crm.B2C, noPostal), purpose: postalMkt, ch: Postal, want: deny(ReasonNoPostalAddress)},
		{name: "b2c/channel opt-outs do not apply", s: ruleSubject(crm.B2C, withFlags(EmailUnsubscribed, SMSOptOut, PhoneOptOut, Bloctel, EmailInvalid)), purpose: postalMkt, ch: Postal, allowed: true, want: allow(ReasonLegitimateInterest)},
		{name: "b2c/sunday", s: ruleSubject(crm.B2C), purpose: postalMkt, ch: Postal, at: time.Date(2026, 6, 14, 23, 0, 0, 0, paris), allowed: true, want: allow(ReasonLegitimateInterest)},
	})
}

// TestRule_8_ProfilingSharing: processing that sends nothing needs granted
// consent in both audiences; rule 1 applies; channel opt-outs do not.
func TestRule_8_ProfilingSharing(t *testing.T) {
	var cases []ruleCase
	for _, aud := range crm.Audiences {
		for _, p := range []Purpose{profiling, sharing} {
			n := fmt.Sprintf("%s/%s/", aud, p.Key)
			cases = append(cases,
				ruleCase{name: n + "granted", s: ruleSubject(aud, withConsent(p.Key, Granted)), purpose: p, ch: NoChannel, allowed: true, want: allow(ReasonConsentGranted)},
				ruleCase{name: n + "none", s: ruleSubject(aud), purpose: p, ch: NoChannel, want: deny(ReasonNoConsent)},
				ruleCase{name: n + "pending", s: ruleSubject(aud, withConsent(p.Key, Pending)), purpose: p, ch: NoChannel, want: deny(ReasonConsentPending)},
				ruleCase{name: n + "withdrawn", s: ruleSubject(aud, withConsent(p.Key, Withdrawn)), purpose: p, ch: NoChannel, want: deny(ReasonConsentWithdrawn)},
				ruleCase{name: n + "restricted", s: ruleSubject(aud, withConsent(p.Key, Granted), withFlags(Restricted)), purpose: p, ch: NoChannel, want: deny(ReasonRestricted)},
				ruleCase{name: n + "opposed_all and none", s: ruleSubject(aud, withFlags(OpposedAll)), purpose: p, ch: NoChannel, want: deny(ReasonNoConsent, ReasonOpposedAll)},
				ruleCase{name: n + "channel opt-outs do not apply", s: ruleSubject(aud, withConsent(p.Key, Granted), withFlags(EmailUnsubscribed, SMSOptOut, PhoneOptOut, Bloctel, EmailInvalid)), purpose: p, ch: NoChannel, allowed: true, want: allow(ReasonConsentGranted)},
			)
		}
	}
	tracking := Purpose{Key: "open_tracking", Channel: Email, Kind: Profiling}
	cases = append(cases,
		ruleCase{name: "profiling bound to email/granted", s: ruleSubject(crm.B2B, withConsent(tracking.Key, Granted)), purpose: tracking, ch: Email, allowed: true, want: allow(ReasonConsentGranted)},
		ruleCase{name: "profiling bound to email/none b2b", s: ruleSubject(crm.B2B), purpose: tracking, ch: Email, want: deny(ReasonNoConsent)},
		ruleCase{name: "unknown kind needs consent", s: ruleSubject(crm.B2B), purpose: Purpose{Key: "x", Kind: "x"}, ch: NoChannel, want: deny(ReasonNoConsent)},
	)
	runRuleCases(t, cases)
}

// TestRule_9_Transactional: a service message ignores marketing consent and
// objections; only an invalid or missing address stops it.
func TestRule_9_Transactional(t *testing.T) {
	everything := []Flag{OpposedAll, EmailUnsubscribed, SMSOptOut, PhoneOptOut, Bloctel, ErasureRequested, Restricted, Suppressed}
	smsService := Purpose{Key: "sms_service", Channel: SMS, Kind: Transactional}
	var cases []ruleCase
	for _, aud := range crm.Audiences {
		n := string(aud) + "/"
		cases = append(cases,
			ruleCase{name: n + "no consent", s: ruleSubject(aud), purpose: transact, ch: Email, allowed: true, want: allow(ReasonTransactional)},
			ruleCase{name: n + "every objection", s: ruleSubject(aud, withFlags(everything...), withConsent(EmailMarketing, Withdrawn)), purpose: transact, ch: Email, allowed: true, want: allow(ReasonTransactional)},
			ruleCase{name: n + "erasure_requested", s: ruleSubject(aud, withFlags(ErasureRequested)), purpose: transact, ch: Email, allowed: true, want: allow(ReasonTransactional)},
			ruleCase{name: n + "restricted", s: ruleSubject(aud, withFlags(Restricted)), purpose: transact, ch: Email, allowed: true, want: allow(ReasonTransactional)},
			ruleCase{name: n + "email_invalid", s: ruleSubject(aud, withFlags(EmailInvalid)), purpose: transact, ch: Email, want: deny(ReasonEmailInvalid)},
			ruleCase{name: n + "no email", s: ruleSubject(aud, noEmail, withFlags(EmailInvalid)), purpose: transact, ch: Email, want: deny(ReasonEmailInvalid, ReasonNoEmail)},
			ruleCase{name: n + "sms despite sms_optout on a sunday", s: ruleSubject(aud, withFlags(SMSOptOut)), purpose: smsService, ch: SMS, at: time.Date(2026, 6, 14, 23, 0, 0, 0, paris), allowed: true, want: allow(ReasonTransactional)},
			ruleCase{name: n + "sms without phone", s: ruleSubject(aud, noPhone), purpose: smsService, ch: SMS, want: deny(ReasonNoPhone)},
		)
	}
	runRuleCases(t, cases)
}

// TestRule_10_AllReasons: every deny reason that applies is reported,
// sorted and once; an allowed decision carries exactly its basis.
func TestRule_10_AllReasons(t *testing.T) {
	s := ruleSubject(crm.B2C, noEmail, withFlags(OpposedAll, EmailUnsubscribed, EmailInvalid, Suppressed), withConsent(EmailMarketing, Withdrawn))
	runRuleCases(t, []ruleCase{
		{name: "email, everything wrong", s: s, purpose: emailMkt, ch: Email,
			want: deny(ReasonConsentWithdrawn, ReasonEmailInvalid, ReasonEmailUnsubscribed, ReasonNoEmail, ReasonOpposedAll, ReasonSuppressed)},
		{name: "phone, everything wrong on a sunday after the call limit",
			s:       ruleSubject(crm.B2C, noPhone, withFlags(PhoneOptOut, Restricted), func(s *Subject) { s.CallsLast30Days = 4 }),
			purpose: phoneMkt, ch: Phone, at: time.Date(2026, 9, 13, 9, 0, 0, 0, paris),
			want: deny(ReasonCallLimitReached, ReasonNoConsent, ReasonNoPhone, ReasonOutsideCallHours, ReasonPhoneOptOut, ReasonRestricted)},
	})
}

// TestDefaultSettings: the defaults, and zero fields meaning defaults.
func TestDefaultSettings(t *testing.T) {
	d := DefaultSettings()
	want := time.Date(2026, 8, 11, 0, 0, 0, 0, paris)
	if !d.PhoneConsentFrom.Equal(want) || d.MaxCallsPer30Days != 4 || d.RefusalQuietDays != 60 || d.Location.String() != "Europe/Paris" || d.SoftOptInEnabled {
		t.Fatalf("DefaultSettings() = %+v", d)
	}
	if got := (Settings{}).withDefaults(); got != d {
		t.Fatalf("Settings{}.withDefaults() = %+v, want %+v", got, d)
	}
	if !want.Equal(time.Date(2026, 8, 10, 22, 0, 0, 0, time.UTC)) {
		t.Fatalf("PhoneConsentFrom is not 22:00 UTC the day before: %v", want.UTC())
	}
}

// Generators for the property tests.

var propStates = []State{None, Pending, Granted, Withdrawn, ""}

var propPurposes = append(slices.Clone(DefaultPurposes),
	Purpose{Key: "open_tracking", Channel: Email, Kind: Profiling},
	Purpose{Key: "sms_service", Channel: SMS, Kind: Transactional},
)

func genSubject(t *rapid.T) Subject {
	s := Subject{
		Audience:        rapid.SampledFrom(crm.Audiences).Draw(t, "audience"),
		IsCustomer:      rapid.Bool().Draw(t, "customer"),
		HasEmail:        rapid.Bool().Draw(t, "email"),
		HasPhone:        rapid.Bool().Draw(t, "phone"),
		HasPostal:       rapid.Bool().Draw(t, "postal"),
		SoftOptIn:       rapid.Bool().Draw(t, "soft opt-in"),
		CallsLast30Days: rapid.IntRange(0, 6).Draw(t, "calls"),
		Consents:        map[string]PurposeState{},
		Flags:           map[Flag]FlagState{},
	}
	for _, p := range propPurposes {
		s.Consents[p.Key] = PurposeState{State: rapid.SampledFrom(propStates).Draw(t, "consent "+p.Key)}
	}
	for _, f := range Flags {
		// Flags are mostly off, so that allowed decisions are common too.
		if rapid.IntRange(0, 4).Draw(t, "flag "+string(f)) == 0 {
			s.Flags[f] = FlagState{On: true}
		}
	}
	return s
}

// genTime draws a minute in 2026–2027, across the PhoneConsentFrom switch,
// both daylight-saving changes and every public holiday.
func genTime(t *rapid.T) time.Time {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, paris)
	return base.Add(time.Duration(rapid.IntRange(0, 2*366*24*60).Draw(t, "minute")) * time.Minute)
}

func genCase(t *rapid.T) (Subject, Purpose, Channel, time.Time, Settings) {
	s := genSubject(t)
	at := genTime(t)
	if rapid.Bool().Draw(t, "refused?") {
		s.LastCallRefusal = at.Add(-time.Duration(rapid.IntRange(0, 90*24*60).Draw(t, "refusal minutes ago")) * time.Minute)
	}
	p := rapid.SampledFrom(propPurposes).Draw(t, "purpose")
	ch := p.Channel
	if rapid.IntRange(0, 3).Draw(t, "other channel?") == 0 {
		ch = rapid.SampledFrom(append(slices.Clone(Channels), NoChannel)).Draw(t, "channel")
	}
	cfg := DefaultSettings()
	cfg.SoftOptInEnabled = rapid.Bool().Draw(t, "soft opt-in enabled")
	return s, p, ch, at, cfg
}

func hasReason(rs []Reason, want ...Reason) bool {
	for _, w := range want {
		if slices.Contains(rs, w) {
			return true
		}
	}
	return false
}

// TestProperty_BlockingFlagsDenyMarketing (a): any of opposed_all,
// restricted, erasure_requested, suppressed denies every marketing,
// profiling and sharing decision.
func TestProperty_BlockingFlagsDenyMarketing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s, _, ch, at, cfg := genCase(t)
		f := rapid.SampledFrom([]Flag{OpposedAll, Restricted, ErasureRequested, Suppressed}).Draw(t, "blocking flag")
		s.Flags[f] = FlagState{On: true}
		p := rapid.SampledFrom(slices.DeleteFunc(slices.Clone(propPurposes), func(p Purpose) bool { return p.Kind == Transactional })).Draw(t, "non-transactional purpose")
		if rapid.Bool().Draw(t, "its own channel?") {
			ch = p.Channel
		}
		if d := Decide(s, p, ch, at, cfg); d.Allowed {
			t.Fatalf("allowed despite %v: %+v", blockingFlags(s), d)
		}
	})
}

// TestProperty_B2CElectronicNeedsConsent (b): B2C email or SMS marketing is
// allowed only with granted consent or a standing soft opt-in.
func TestProperty_B2CElectronicNeedsConsent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s, _, _, at, cfg := genCase(t)
		s.Audience = crm.B2C
		p := rapid.SampledFrom([]Purpose{emailMkt, smsMkt}).Draw(t, "electronic purpose")
		ch := p.Channel
		d := Decide(s, p, ch, at, cfg)
		st := s.consent(p.Key)
		soft := cfg.SoftOptInEnabled && s.SoftOptIn && s.IsCustomer && st != Withdrawn
		if d.Allowed && st != Granted && !soft {
			t.Fatalf("allowed with consent %q and no soft opt-in: %+v", st, d)
		}
	})
}

// TestProperty_DecisionShape (c, d): allowed exactly when there is no deny
// reason; reasons sorted and unique; an allowed decision has one basis and
// no NotBefore; the same question gets the same answer.
func TestProperty_DecisionShape(t *testing.T) {
	bases := []Reason{ReasonConsentGranted, ReasonB2BNotOpposed, ReasonSoftOptIn, ReasonTransactional,
		ReasonOngoingContract, ReasonNotOnBloctel, ReasonLegitimateInterest}
	rapid.Check(t, func(t *rapid.T) {
		s, p, ch, at, cfg := genCase(t)
		d := Decide(s, p, ch, at, cfg)
		if len(d.Reasons) == 0 || !slices.IsSorted(d.Reasons) || len(slices.Compact(slices.Clone(d.Reasons))) != len(d.Reasons) {
			t.Fatalf("reasons not sorted, unique, non-empty: %v", d.Reasons)
		}
		denied := slices.ContainsFunc(d.Reasons, func(r Reason) bool { return !slices.Contains(bases, r) })
		if d.Allowed == denied || (d.Allowed && (len(d.Reasons) != 1 || !d.NotBefore.IsZero())) {
			t.Fatalf("inconsistent decision: %+v", d)
		}
		again := Decide(s, p, ch, at.In(time.UTC), cfg)
		if again.Allowed != d.Allowed || !slices.Equal(again.Reasons, d.Reasons) || !again.NotBefore.Equal(d.NotBefore) {
			t.Fatalf("not deterministic: %+v then %+v", d, again)
		}
	})
}

// TestProperty_NotBefore (e): NotBefore is set only for timing-only
// denials, lies at or after the question, no earlier instant is allowed,
// and at NotBefore only the call limit (whose count the caller must
// refresh) may still deny.
func TestProperty_NotBefore(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s, p, ch, at, cfg := genCase(t)
		if rapid.IntRange(0, 3).Draw(t, "aim at a B2C call?") > 0 {
			// Most draws: a reachable consumer asked to be called, so that
			// timing-only denials are frequent.
			p, ch, s.Audience, s.HasPhone = phoneMkt, Phone, crm.B2C, true
			clear(s.Flags)
		}
		if rapid.Bool().Draw(t, "call times known?") {
			s.CallTimes = []time.Time{}
			for i := rapid.IntRange(0, 8).Draw(t, "call times"); i > 0; i-- {
				ago := time.Duration(rapid.Int64Range(0, int64(40*24*time.Hour)).Draw(t, "call ago"))
				s.CallTimes = append(s.CallTimes, at.Add(-ago))
			}
		}
		d := Decide(s, p, ch, at, cfg)
		if d.NotBefore.IsZero() {
			return
		}
		if d.Allowed || !onlyTiming(d.Reasons) || d.NotBefore.Before(at) {
			t.Fatalf("NotBefore on a wrong decision: %+v at %v", d, at)
		}
		then := Decide(s, p, ch, d.NotBefore, cfg)
		if s.CallTimes != nil && !then.Allowed {
			t.Fatalf("with the call times known, still denied at NotBefore %v: %v", d.NotBefore, then.Reasons)
		}
		if !then.Allowed && !slices.Equal(then.Reasons, []Reason{ReasonCallLimitReached}) {
			t.Fatalf("at NotBefore %v still denied: %v", d.NotBefore, then.Reasons)
		}
		gap := d.NotBefore.Sub(at)
		if gap > 0 {
			mid := at.Add(time.Duration(rapid.Int64Range(0, int64(gap)-1).Draw(t, "before")))
			if e := Decide(s, p, ch, mid, cfg); e.Allowed {
				t.Fatalf("allowed at %v, before NotBefore %v", mid, d.NotBefore)
			}
		}
	})
}

// TestProperty_TransactionalIgnoresMarketing (f): a transactional message is
// never denied for a marketing reason.
func TestProperty_TransactionalIgnoresMarketing(t *testing.T) {
	allowedDenials := []Reason{ReasonEmailInvalid, ReasonNoEmail, ReasonNoPhone, ReasonNoPostalAddress, ReasonChannelMismatch, ReasonPurposeSendsNothing}
	rapid.Check(t, func(t *rapid.T) {
		s, _, ch, at, cfg := genCase(t)
		p := rapid.SampledFrom([]Purpose{transact, propPurposes[len(propPurposes)-1]}).Draw(t, "transactional purpose")
		if rapid.Bool().Draw(t, "its own channel?") {
			ch = p.Channel
		}
		d := Decide(s, p, ch, at, cfg)
		for _, r := range d.Reasons {
			if !d.Allowed && !slices.Contains(allowedDenials, r) {
				t.Fatalf("transactional denied for %q: %+v", r, d)
			}
		}
		if d.Allowed != !hasReason(d.Reasons, allowedDenials...) {
			t.Fatalf("inconsistent: %+v", d)
		}
	})
}

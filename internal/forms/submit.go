package forms

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
	"github.com/registre/registre/internal/mail"
)

// Names of the hidden inputs of a form page.
const (
	HoneypotField = "website" // hidden from people; robots fill it
	StartedField  = "_started"
	ConsentPrefix = "consent."
)

// Input is one submission as received.
type Input struct {
	Slug      string
	Values    map[string][]string
	PageURL   string
	IP        string
	UserAgent string
}

// Outcome is what the submitter is shown.
type Outcome struct {
	Form     *Form
	Version  *Version
	Settings Settings
	// Spam: a trap caught it; the submitter sees the thank-you page and
	// nothing was stored.
	Spam bool
	// Suppressed: the address is on the suppression list; the submitter
	// sees the thank-you page (the form must not tell who objected) and
	// nothing was stored.
	Suppressed bool
	Result     *Result
	// Pending: a confirmation email was queued.
	Pending bool
	// Confirm: the submission came without a fresh start time (the plain
	// HTML embed code has none; a page may have been left open for a
	// day). Its values are valid but nothing was stored: the submitter is
	// shown the form again, filled in, to send it once more.
	Confirm bool
}

// Submit validates and stores one submission: the person (found by email
// or created with the origin web_form), every value as history, the
// consent of each ticked box with its proof (pending under double opt-in),
// an interaction activity, the confirmation email in the outbox — all in
// one transaction. It returns NotFound for an unknown form, Invalid with
// field messages (with the Outcome, to show the form again), TooMany past a
// rate limit; spam, suppressed addresses and submissions to confirm come
// back as an Outcome that stored nothing.
//
// The spam traps: a filled honeypot, or a page start time younger than
// MinFillTime, is answered like a real submission. A missing, forged or
// stale start time (older than MaxFillTime) is neither refused nor
// accepted: the Outcome asks for a confirmation (after the values are
// checked), which a person gives with one more click on a page carrying a
// fresh start time, and a robot posting blindly never does.
func (s *Service) Submit(ctx context.Context, in Input) (*Outcome, error) {
	pub, err := s.published(ctx, in.Slug)
	if err != nil {
		return nil, err
	}
	f, v, st := pub.form, pub.version, pub.settings
	out := &Outcome{Form: f, Version: v, Settings: st}
	now := s.Now()
	stamp := s.checkStamp(in, now)
	if stamp == stampSpam {
		out.Spam = true
		return out, nil
	}
	d := &v.Definition
	sub, values, ticked, err := parseValues(d, in.Values, pub.fields, now)
	if err != nil {
		return out, err
	}
	if stamp == stampConfirm {
		out.Confirm = true
		return out, nil
	}
	plan := s.plan(ctx, f, v, st, sub, values, ticked, in, now)
	res, err := s.Store.Submit(ctx, plan)
	if e, ok := errs.As(err); ok && e.Code == errs.Conflict && e.Fields["emails"] == "is on the suppression list" {
		out.Suppressed = true
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	out.Result, out.Pending = res, plan.Optin != nil
	if len(plan.Messages) > 0 {
		s.queued()
	}
	return out, nil
}

// What the start time and the honeypot say of a submission.
const (
	stampOK      = iota
	stampSpam    // answered like a real submission, nothing stored
	stampConfirm // shown back to be confirmed, nothing stored
)

func (s *Service) checkStamp(in Input, now time.Time) int {
	if first(in.Values[HoneypotField]) != "" {
		return stampSpam
	}
	started, confirm, ok := s.Signer.readStarted(first(in.Values[StartedField]))
	age := now.Sub(started)
	switch {
	case !ok || (s.Limits.MaxFillTime > 0 && age > s.Limits.MaxFillTime):
		return stampConfirm
	case age < s.Limits.MinFillTime && confirm:
		// A person may press the button of a page that only asks for
		// confirmation at once: they are asked again, not dropped.
		return stampConfirm
	case age < s.Limits.MinFillTime:
		return stampSpam
	}
	return stampOK
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// parseValues checks each field of the version against what was sent and
// returns the person it describes, the values kept as history and the
// purposes ticked. The error is Invalid, keyed by field name, with
// messages the form's page translates.
func parseValues(d *Definition, raw map[string][]string, custom []crm.CustomField, now time.Time) (*crm.Person, []Value, []string, error) {
	var v errs.Validation
	in := crm.PersonInput{Custom: map[string]any{}}
	var values []Value
	for _, f := range d.Fields {
		val := strings.TrimSpace(first(raw[f.Key]))
		switch {
		case !utf8.ValidString(val) || strings.ContainsFunc(val, isControl):
			v.Add(f.Key, "This field contains characters that are not allowed.")
			continue
		case utf8.RuneCountInString(val) > MaxValue:
			v.Add(f.Key, "This field is too long.")
			continue
		case f.Kind == KindCheckbox:
			if val != "" {
				val = "true"
			}
		}
		if val == "" {
			if f.Required {
				v.Add(f.Key, "This field is required.")
			}
			continue
		}
		values = append(values, Value{Field: f.Key, Label: f.Label, Value: val})
		setField(&in, f.Key, val)
	}
	if len(raw) > 2*MaxFields+20 {
		v.Add("form", "Too many values were sent.")
	}
	p, err := in.Build(custom, now)
	if e, ok := errs.As(err); ok {
		for field, msg := range e.Fields {
			switch field {
			case "emails":
				v.Add(FieldEmail, "Enter a valid email address.")
			case "phones":
				v.Add(FieldPhone, "Enter a valid phone number.")
			case "last_name":
				if len(p.Emails) == 0 {
					continue // the email's own message says it
				}
				v.Add(field, msg)
			default:
				v.Add(field, msg)
			}
		}
	} else if err != nil {
		return nil, nil, nil, err
	}
	var ticked []string
	for _, c := range d.Checkboxes {
		if first(raw[ConsentPrefix+c.Purpose]) != "" {
			ticked = append(ticked, c.Purpose)
		}
	}
	if err := v.Err(); err != nil {
		return nil, nil, nil, err
	}
	return p, values, ticked, nil
}

func isControl(r rune) bool { return unicode.IsControl(r) }

func setField(in *crm.PersonInput, key, val string) {
	switch key {
	case FieldEmail:
		in.Emails = []string{val}
	case FieldFirstName:
		in.FirstName = val
	case FieldLastName:
		in.LastName = val
	case FieldPhone:
		in.Phones = []string{val}
	case FieldJobTitle:
		in.JobTitle = val
	case FieldPostalCode:
		in.Address.PostalCode = val
	case FieldCity:
		in.Address.City = val
	case FieldCountry:
		in.Address.Country = strings.ToUpper(val)
	default:
		in.Custom[strings.TrimPrefix(key, customPrefix)] = val
	}
}

// plan turns a valid submission into the changes the store applies.
func (s *Service) plan(ctx context.Context, f *Form, v *Version, st Settings, sub *crm.Person, values []Value, ticked []string, in Input, now time.Time) *Plan {
	d := &v.Definition
	p := &Plan{WorkspaceID: f.WorkspaceID, Form: f, Version: v, SubmissionID: crm.NewPublicID(), At: now,
		EmailNorm: sub.Emails[0].Norm, Values: values,
		Proof: consent.Proof{LegalBasis: consent.BasisConsent, SourceKind: consent.SourceForm, SourceID: f.PublicID,
			SourceVersion: v.PublicID, PageURL: clip(in.PageURL), IP: clip(in.IP), UserAgent: clip(in.UserAgent)}}
	doi := st.DoubleOptIn && d.DoubleOptIn && len(ticked) > 0
	for _, c := range d.Checkboxes {
		if !slices.Contains(ticked, c.Purpose) {
			continue
		}
		action := consent.Grant
		if doi {
			action = consent.Request
		}
		p.Consents = append(p.Consents, Consent{Purpose: c.Purpose, Action: action, Wording: c.Wording() + "\n\n" + d.Notice()})
	}
	newP := *sub
	newP.PublicID, newP.WorkspaceID = crm.NewPublicID(), f.WorkspaceID
	newP.Origin, newP.OriginDetail, newP.Audience = crm.OriginWebForm, clip(f.Name), d.Audience
	newP.Lifecycle, newP.CollectedAt, newP.CreatedAt, newP.UpdatedAt = crm.Lead, now, now, now
	p.New = &newP
	p.Merge = func(old *crm.Person) *crm.Person { return merge(old, sub, now) }
	if doi {
		p.Optin = &OptinRequest{PublicID: uuid.NewString(), WorkspaceID: f.WorkspaceID, Kind: "optin", Purposes: ticked,
			CreatedAt: now, ExpiresAt: now.Add(time.Duration(st.ExpiryDays) * 24 * time.Hour), Status: StatusPending}
		p.Messages = append(p.Messages, s.optinMessage(st, d.Lang, sub.Emails[0].Address, p.Optin))
	}
	if d.NotifyUserID != 0 {
		p.NotifyUserID = d.NotifyUserID
		p.Notify = s.notifyMessage(st, f, d.Lang)
	}
	p.RateKeys = []RateKey{{Key: s.rateKey("ip", in.IP), Limit: s.Limits.PerIP}, {Key: "form:" + f.PublicID, Limit: s.Limits.PerForm}}
	ctx = audit.WithActor(ctx, audit.Actor{Kind: audit.ActorPerson})
	p.Audit = audit.NewEntry(ctx, f.WorkspaceID, "form.submit", "form", f.PublicID, map[string]any{"version": v.Number, "consents": len(p.Consents)})
	return p
}

// clip keeps the first 1000 bytes of what a browser sent about itself
// (page address, user agent), as valid UTF-8: a byte that is not would
// make the consent event invalid, and the person unable to subscribe.
func clip(s string) string {
	if len(s) > 1000 {
		s = s[:1000]
	}
	return strings.ToValidUTF8(s, "")
}

// merge returns old with the submitted values laid over it: a value left
// empty on the form never erases what Registre knows.
func merge(old, sub *crm.Person, now time.Time) *crm.Person {
	p := *old
	if sub.FirstName != "" {
		p.FirstName = sub.FirstName
	}
	if sub.LastName != "" {
		p.LastName = sub.LastName
	}
	if sub.JobTitle != "" {
		p.JobTitle = sub.JobTitle
	}
	for _, ph := range sub.Phones {
		if !slices.ContainsFunc(p.Phones, func(x crm.Phone) bool { return x.E164 == ph.E164 }) && len(p.Phones) < crm.MaxPhones {
			p.Phones = append(slices.Clone(p.Phones), ph)
		}
	}
	a := sub.Address
	for _, pair := range [][2]*string{{&p.Address.PostalCode, &a.PostalCode}, {&p.Address.City, &a.City}, {&p.Address.Country, &a.Country}} {
		if *pair[1] != "" {
			*pair[0] = *pair[1]
		}
	}
	custom := map[string]any{}
	for k, v := range old.Custom {
		custom[k] = v
	}
	for k, v := range sub.Custom {
		custom[k] = v
	}
	p.Custom, p.UpdatedAt = custom, now
	return &p
}

// optinMessage is the double opt-in email: the workspace's template with
// the link in place of [[!OPTINLINK]], as text and as HTML.
func (s *Service) optinMessage(st Settings, lang, to string, r *OptinRequest) *mail.Message {
	link := s.BaseURL + "/optin/" + s.Signer.Sign(TokenOptin, r.PublicID, r.ExpiresAt)
	subject, body := st.SubjectFR, st.BodyFR
	if lang == "en" {
		subject, body = st.SubjectEN, st.BodyEN
	}
	return &mail.Message{Kind: mail.KindOptin, Purpose: consent.TransactionalMail, From: st.From(), ReplyTo: st.ReplyTo,
		To: to, Subject: subject, Text: strings.ReplaceAll(body, OptinPlaceholder, link),
		HTML: htmlBody(body, link, st.BrandColor, lang), MessageID: mail.NewMessageID(mail.DomainOf(st.FromEmail))}
}

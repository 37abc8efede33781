package forms

import (
	"net/mail"
	"regexp"
	"strings"

	"github.com/registre/registre/internal/errs"
)

// OptinPlaceholder is replaced by the confirmation link in the double
// opt-in email (the seed's placeholder).
const OptinPlaceholder = "[[!OPTINLINK]]"

// Settings are a workspace's form settings (Settings > Forms & double
// opt-in): the double opt-in email, its sender, how long a request waits,
// and the branding of the hosted pages.
type Settings struct {
	// DoubleOptIn off turns double opt-in off for every form; on, each
	// form chooses.
	DoubleOptIn bool   `json:"double_opt_in"`
	FromName    string `json:"from_name"`
	FromEmail   string `json:"from_email"`
	ReplyTo     string `json:"reply_to,omitempty"`
	SubjectFR   string `json:"subject_fr"`
	SubjectEN   string `json:"subject_en"`
	BodyFR      string `json:"body_fr"`
	BodyEN      string `json:"body_en"`
	// ExpiryDays: a pending consent not confirmed within this many days
	// expires.
	ExpiryDays int    `json:"expiry_days"`
	BrandColor string `json:"brand_color"`
	LogoURL    string `json:"logo_url,omitempty"`
}

// DefaultSettings are modelled on the seed's example confirmation email.
func DefaultSettings() Settings {
	return Settings{
		DoubleOptIn: true,
		FromName:    "Registre",
		FromEmail:   "no-reply@localhost",
		SubjectFR:   "Confirmez votre inscription",
		SubjectEN:   "Please confirm your subscription",
		BodyFR: "Bonjour,\n\nMerci pour votre demande d'inscription sur nos listes de diffusion.\n\n" +
			"Cliquez sur le lien ci-dessous pour confirmer votre adresse e-mail : " + OptinPlaceholder + "\n\n" +
			"Si vous ne pouvez pas cliquer sur ce lien, copiez-collez cette adresse dans votre navigateur.\n\n" +
			"Si vous n'avez pas effectué une telle demande, ignorez simplement ce message. Nous demandons confirmation après inscription pour éviter les e-mails non conformes ou les inscriptions non désirées.",
		BodyEN: "Hello,\n\nThank you for subscribing to our mailing lists.\n\n" +
			"Click the link below to confirm your email address: " + OptinPlaceholder + "\n\n" +
			"If you cannot click the link, copy and paste the address into your browser.\n\n" +
			"If you did not ask for this, simply ignore this message. We ask for confirmation after each subscription to avoid unwanted or non-compliant email.",
		ExpiryDays: DefaultExpiry,
		BrandColor: "#206bc4",
	}
}

var colorPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Validate checks the settings; the error is Invalid naming each field.
func (s *Settings) Validate() error {
	var v errs.Validation
	text(&v, "from_name", s.FromName, MaxLabel, true)
	if strings.ContainsAny(s.FromName, "\r\n<>\"") {
		v.Add("from_name", "must not contain line breaks, quotes or angle brackets")
	}
	if _, err := mail.ParseAddress(s.FromEmail); err != nil {
		v.Add("from_email", "is not a valid email address")
	}
	if s.ReplyTo != "" {
		if _, err := mail.ParseAddress(s.ReplyTo); err != nil {
			v.Add("reply_to", "is not a valid email address")
		}
	}
	for f, val := range map[string]string{"subject_fr": s.SubjectFR, "subject_en": s.SubjectEN} {
		text(&v, f, val, MaxLabel, true)
		if strings.ContainsAny(val, "\r\n") {
			v.Add(f, "must be one line")
		}
	}
	for f, val := range map[string]string{"body_fr": s.BodyFR, "body_en": s.BodyEN} {
		text(&v, f, val, MaxNotice, true)
		if !strings.Contains(val, OptinPlaceholder) {
			v.Add(f, "must contain "+OptinPlaceholder+" where the confirmation link goes")
		}
	}
	if s.ExpiryDays < 1 || s.ExpiryDays > 90 {
		v.Add("expiry_days", "must be between 1 and 90 days")
	}
	if !colorPattern.MatchString(s.BrandColor) {
		v.Add("brand_color", "must be a colour written #RRGGBB")
	}
	if s.LogoURL != "" && !strings.HasPrefix(s.LogoURL, "https://") {
		v.Add("logo_url", "must be an https address")
	}
	return v.Err()
}

// From returns the sender as "Name <address>".
func (s *Settings) From() string {
	return (&mail.Address{Name: s.FromName, Address: s.FromEmail}).String()
}

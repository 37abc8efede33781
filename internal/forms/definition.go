// Package forms holds web forms: their definitions, the immutable versions
// that publishing creates, submissions (validation, spam traps, the plan a
// store applies in one transaction), double opt-in and re-opt-in tokens.
// It imports neither net/http nor database/sql.
package forms

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// Person fields a form may ask for. Custom fields are "custom.<key>".
const (
	FieldEmail      = "email"
	FieldFirstName  = "first_name"
	FieldLastName   = "last_name"
	FieldPhone      = "phone"
	FieldJobTitle   = "job_title"
	FieldPostalCode = "postal_code"
	FieldCity       = "city"
	FieldCountry    = "country"
	customPrefix    = "custom."
)

// PersonFields lists the person fields a form may ask for, in a useful order.
var PersonFields = []string{FieldEmail, FieldFirstName, FieldLastName, FieldPhone, FieldJobTitle, FieldPostalCode, FieldCity, FieldCountry}

// Input kinds of a form field (HTML input types).
const (
	KindText     = "text"
	KindEmail    = "email"
	KindTel      = "tel"
	KindNumber   = "number"
	KindDate     = "date"
	KindCheckbox = "checkbox"
	KindSelect   = "select"
)

// Limits.
const (
	MaxFields     = 30
	MaxLabel      = 200
	MaxHelp       = 500
	MaxNotice     = 5000
	MaxValue      = 500 // one submitted value, in characters
	MaxOrigins    = 20
	MaxSlug       = 60
	DefaultExpiry = 7 // days to confirm a double opt-in
)

// Field is one input of a form, mapped to a person field or a custom field.
type Field struct {
	Key      string   `json:"key"`
	Kind     string   `json:"kind"` // filled from the mapping when published
	Label    string   `json:"label"`
	Help     string   `json:"help,omitempty"`
	Required bool     `json:"required,omitempty"`
	Options  []string `json:"options,omitempty"` // select fields
}

// Checkbox asks for consent to one purpose. It is never ticked when the
// page opens: a definition with Checked set is refused.
type Checkbox struct {
	Purpose string `json:"purpose"`
	Label   string `json:"label"` // "I agree to receive…"
	Text    string `json:"text"`  // what the purpose is, shown under the label
	Checked bool   `json:"checked,omitempty"`
	// SHA256 is the hash of Wording(), set when the version is published.
	SHA256 string `json:"sha256,omitempty"`
}

// Wording is the exact text of the checkbox as shown, kept in the proof.
func (c Checkbox) Wording() string {
	if c.Text == "" {
		return c.Label
	}
	return c.Label + "\n" + c.Text
}

// Definition is what staff edit and what a version freezes.
type Definition struct {
	Lang        string     `json:"lang"` // fr or en: labels, messages and the notice shown
	Title       string     `json:"title"`
	Intro       string     `json:"intro,omitempty"`
	SubmitLabel string     `json:"submit_label,omitempty"`
	Fields      []Field    `json:"fields"`
	Checkboxes  []Checkbox `json:"checkboxes"`
	NoticeFR    string     `json:"notice_fr"`
	NoticeEN    string     `json:"notice_en"`
	// NoticeSHA256 is the hash of the notice shown (in Lang), set when
	// published.
	NoticeSHA256   string       `json:"notice_sha256,omitempty"`
	ThankYou       string       `json:"thank_you,omitempty"`
	RedirectURL    string       `json:"redirect_url,omitempty"`
	DoubleOptIn    bool         `json:"double_opt_in"`
	NotifyUserID   int64        `json:"notify_user_id,omitempty"`
	AllowedOrigins []string     `json:"allowed_origins,omitempty"`
	Audience       crm.Audience `json:"audience"`
}

// Notice returns the legal notice shown in the form's language.
func (d *Definition) Notice() string {
	if d.Lang == "en" {
		return d.NoticeEN
	}
	return d.NoticeFR
}

// Form is a form and its draft.
type Form struct {
	ID          int64
	PublicID    string
	WorkspaceID int64
	Slug        string
	Name        string
	Draft       Definition
	// WorkspaceName brands the hosted page.
	WorkspaceName string
	// CurrentVersionID is the published version shown at /f/{slug}; 0
	// while unpublished.
	CurrentVersionID int64
	CurrentVersion   int // its number
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Version is a published, immutable definition.
type Version struct {
	ID          int64
	PublicID    string
	FormID      int64
	WorkspaceID int64
	Number      int
	Definition  Definition
	SHA256      string
	CreatedAt   time.Time
	CreatedBy   string
}

var slugPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$`)

// ValidSlug reports whether s can name a form in its URL.
func ValidSlug(s string) bool { return slugPattern.MatchString(s) }

// Validate checks a definition against the workspace's purposes and
// custom fields. A pre-ticked checkbox is refused (GDPR Art. 4(11) and
// recital 32: silence or pre-ticked boxes are not consent; CJEU Planet49).
// The error is Invalid, naming each problem.
func (d *Definition) Validate(purposes []consent.Purpose, custom []crm.CustomField) error {
	var v errs.Validation
	if d.Lang != "fr" && d.Lang != "en" {
		v.Add("lang", "must be fr or en")
	}
	text(&v, "title", d.Title, MaxLabel, true)
	text(&v, "intro", d.Intro, MaxNotice, false)
	text(&v, "submit_label", d.SubmitLabel, MaxLabel, false)
	text(&v, "thank_you", d.ThankYou, MaxNotice, false)
	text(&v, "notice_fr", d.NoticeFR, MaxNotice, true)
	text(&v, "notice_en", d.NoticeEN, MaxNotice, true)
	if d.Audience != crm.B2B && d.Audience != crm.B2C {
		v.Add("audience", "must be b2b or b2c")
	}
	d.validateFields(&v, custom)
	d.validateCheckboxes(&v, purposes)
	if d.RedirectURL != "" {
		if u, err := url.Parse(d.RedirectURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			v.Add("redirect_url", "must be an http or https address")
		}
	}
	if len(d.AllowedOrigins) > MaxOrigins {
		v.Add("allowed_origins", "too many origins (at most 20)")
	}
	for i, o := range d.AllowedOrigins {
		if u, err := url.Parse(o); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" || u.RawQuery != "" {
			v.Add("allowed_origins", "each origin is a scheme and a host, such as https://www.example.fr")
		} else {
			d.AllowedOrigins[i] = u.Scheme + "://" + strings.ToLower(u.Host)
		}
	}
	return v.Err()
}

func (d *Definition) validateFields(v *errs.Validation, custom []crm.CustomField) {
	if len(d.Fields) > MaxFields {
		v.Add("fields", "too many fields (at most 30)")
	}
	seen := map[string]bool{}
	hasEmail := false
	for i := range d.Fields {
		f := &d.Fields[i]
		if seen[f.Key] {
			v.Add("fields", "a field appears twice")
		}
		seen[f.Key] = true
		if !d.mapField(f, custom) {
			v.Add("fields", "a field is neither a person field nor a custom field of this workspace")
		}
		if f.Key == FieldEmail {
			hasEmail = true
			f.Required = true // the email is how a submission finds its person
		}
		text(v, "fields", f.Label, MaxLabel, true)
		text(v, "fields", f.Help, MaxHelp, false)
	}
	if !hasEmail {
		v.Add("fields", "a form needs an email field: it is how a submission finds its person")
	}
}

// mapField sets the input kind from the field's mapping.
func (d *Definition) mapField(f *Field, custom []crm.CustomField) bool {
	switch f.Key {
	case FieldEmail:
		f.Kind = KindEmail
		return true
	case FieldPhone:
		f.Kind = KindTel
		return true
	}
	if slices.Contains(PersonFields, f.Key) {
		f.Kind = KindText
		return true
	}
	key, ok := strings.CutPrefix(f.Key, customPrefix)
	if !ok {
		return false
	}
	for _, c := range custom {
		if c.Entity == crm.EntityPerson && c.Key == key {
			f.Kind, f.Options = customKind(c.Kind), c.Options
			return true
		}
	}
	return false
}

func customKind(k crm.FieldKind) string {
	switch k {
	case crm.FieldNumber:
		return KindNumber
	case crm.FieldDate:
		return KindDate
	case crm.FieldBoolean:
		return KindCheckbox
	case crm.FieldSelect:
		return KindSelect
	}
	return KindText
}

func (d *Definition) validateCheckboxes(v *errs.Validation, purposes []consent.Purpose) {
	seen := map[string]bool{}
	for _, c := range d.Checkboxes {
		if c.Checked {
			v.Add("checkboxes", "a consent box must not be ticked in advance: consent is the person's own act")
		}
		if seen[c.Purpose] {
			v.Add("checkboxes", "one box per purpose")
		}
		seen[c.Purpose] = true
		ok := false
		for _, p := range purposes {
			if p.Key == c.Purpose {
				ok = p.Kind != consent.Transactional
			}
		}
		if !ok {
			v.Add("checkboxes", "a box names a purpose this workspace does not have, or service messages (which need no consent)")
		}
		text(v, "checkboxes", c.Label, MaxLabel, true)
		text(v, "checkboxes", c.Text, MaxNotice, false)
	}
}

// Seal fills the hashes of every text shown: each checkbox's wording and
// the notice. Publishing calls it, so a version keeps its texts with them.
func (d *Definition) Seal() {
	for i := range d.Checkboxes {
		d.Checkboxes[i].SHA256 = SHA256Hex(d.Checkboxes[i].Wording())
	}
	d.NoticeSHA256 = SHA256Hex(d.Notice())
}

// SHA256Hex returns the hex SHA-256 of s.
func SHA256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func text(v *errs.Validation, field, s string, max int, required bool) {
	switch {
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		v.Add(field, "is not valid UTF-8 text")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "is too long")
	case required && strings.TrimSpace(s) == "":
		v.Add(field, "is required")
	}
}

// DefaultDefinition is a new form's draft: an email and a name, one box
// for email marketing, the default notice.
func DefaultDefinition(lang string, purposes []consent.Purpose, workspaceName string) Definition {
	d := Definition{Lang: lang, Audience: crm.B2C, DoubleOptIn: true,
		NoticeFR: DefaultNotice("fr", workspaceName), NoticeEN: DefaultNotice("en", workspaceName)}
	fr := lang == "fr"
	pick := func(f, e string) string {
		if fr {
			return f
		}
		return e
	}
	d.Title = pick("Inscription à notre lettre d'information", "Subscribe to our newsletter")
	d.SubmitLabel = pick("Je m'inscris", "Subscribe")
	d.ThankYou = pick("Merci ! Vérifiez votre boîte de réception pour confirmer votre inscription.",
		"Thank you! Check your inbox to confirm your subscription.")
	d.Fields = []Field{
		{Key: FieldEmail, Kind: KindEmail, Label: pick("Adresse e-mail", "Email address"), Required: true},
		{Key: FieldFirstName, Kind: KindText, Label: pick("Prénom", "First name")},
		{Key: FieldLastName, Kind: KindText, Label: pick("Nom", "Last name")},
	}
	for _, p := range purposes {
		if p.Key == consent.EmailMarketing {
			d.Checkboxes = append(d.Checkboxes, Checkbox{Purpose: p.Key,
				Label: pick("J'accepte de recevoir la lettre d'information et les offres de "+workspaceName+" par e-mail.",
					"I agree to receive "+workspaceName+"'s newsletter and offers by email."),
				Text: pick("Vous pouvez vous désinscrire à tout moment grâce au lien présent dans chaque e-mail.",
					"You can unsubscribe at any time with the link in every email.")})
		}
	}
	return d
}

// DefaultNotice is the legal notice (GDPR Art. 13) a new form starts with,
// modelled on the CNIL's example; staff complete it, and the register of
// processing will generate it (see NoticeSource).
func DefaultNotice(lang, controller string) string {
	if lang == "en" {
		return "The information collected on this form is recorded by " + controller +
			" to send you the content you asked for, on the basis of your consent. It is kept for 3 years after our last contact with you and is intended for our marketing team. " +
			"You may access, rectify or erase your data, withdraw your consent at any time, object to its processing and lodge a complaint with the CNIL (www.cnil.fr). To exercise these rights, contact us."
	}
	return "Les informations recueillies sur ce formulaire sont enregistrées par " + controller +
		" pour vous adresser les contenus demandés, sur la base de votre consentement. Elles sont conservées 3 ans après notre dernier contact et sont destinées à notre service marketing. " +
		"Vous pouvez accéder à vos données, les rectifier ou les effacer, retirer votre consentement à tout moment, vous opposer à leur traitement et introduire une réclamation auprès de la CNIL (www.cnil.fr). Pour exercer ces droits, contactez-nous."
}

package api

import (
	"context"
	"strconv"

	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/forms"
)

// formSummaryJSON is a form in the list: no definition.
type formSummaryJSON struct {
	ID     string `json:"id"`
	Slug   string `json:"slug"`
	Name   string `json:"name"`
	Status string `json:"status"` // "unpublished" or "published"
	// CurrentVersion is the number of the version /f/{slug} serves; null
	// while unpublished.
	CurrentVersion *int      `json:"current_version"`
	CreatedAt      timestamp `json:"created_at"`
	UpdatedAt      timestamp `json:"updated_at"`
}

type formList struct {
	Data []formSummaryJSON `json:"data"`
}

// formJSON is a form with its draft, the version it serves and the list
// of its versions (newest first).
type formJSON struct {
	formSummaryJSON
	Draft     definitionJSON           `json:"draft"`
	Published *formVersionJSON         `json:"published"`
	Versions  []formVersionSummaryJSON `json:"versions"`
}

// formVersionSummaryJSON names a published, immutable version.
type formVersionSummaryJSON struct {
	ID        string    `json:"id"`
	Number    int       `json:"number"`
	SHA256    string    `json:"sha256"`
	CreatedAt timestamp `json:"created_at"`
}

// formVersionJSON is a version with the definition it froze.
type formVersionJSON struct {
	formVersionSummaryJSON
	// CreatedBy is the public id of the user or API token that published
	// it; null when unknown.
	CreatedBy  *string        `json:"created_by"`
	Definition definitionJSON `json:"definition"`
}

// definitionJSON is a form's definition as read: a draft, or what a
// version froze (with the hash of each text shown).
type definitionJSON struct {
	Lang           string          `json:"lang"`
	Title          string          `json:"title"`
	Intro          string          `json:"intro"`
	SubmitLabel    string          `json:"submit_label"`
	Fields         []formFieldJSON `json:"fields"`
	Checkboxes     []checkboxJSON  `json:"checkboxes"`
	NoticeFR       string          `json:"notice_fr"`
	NoticeEN       string          `json:"notice_en"`
	NoticeSHA256   *string         `json:"notice_sha256"`
	ThankYou       string          `json:"thank_you"`
	RedirectURL    *string         `json:"redirect_url"`
	DoubleOptIn    bool            `json:"double_opt_in"`
	NotifyUserID   *string         `json:"notify_user_id"`
	AllowedOrigins []string        `json:"allowed_origins"`
	Audience       crm.Audience    `json:"audience"`
}

type formFieldJSON struct {
	Key      string   `json:"key"`
	Kind     string   `json:"kind"`
	Label    string   `json:"label"`
	Help     string   `json:"help"`
	Required bool     `json:"required"`
	Options  []string `json:"options"`
}

type checkboxJSON struct {
	Purpose string  `json:"purpose"`
	Label   string  `json:"label"`
	Text    string  `json:"text"`
	SHA256  *string `json:"sha256"`
}

// createFormBody is the body of POST /forms; lang defaults to the
// workspace's language.
type createFormBody struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
	Lang string `json:"lang"`
}

// formBody is the body of PUT /forms/{id}: the name and the whole draft.
// A form read with GET can be sent back: the other members are ignored.
type formBody struct {
	Name           string         `json:"name"`
	Draft          definitionBody `json:"draft"`
	ID             readOnly       `json:"id"`
	Slug           readOnly       `json:"slug"`
	Status         readOnly       `json:"status"`
	CurrentVersion readOnly       `json:"current_version"`
	Published      readOnly       `json:"published"`
	Versions       readOnly       `json:"versions"`
	CreatedAt      readOnly       `json:"created_at"`
	UpdatedAt      readOnly       `json:"updated_at"`
}

// definitionBody is a draft as sent. A checkbox with checked true is
// refused by the same validation as the staff page's.
type definitionBody struct {
	Lang           string          `json:"lang"`
	Title          string          `json:"title"`
	Intro          string          `json:"intro"`
	SubmitLabel    string          `json:"submit_label"`
	Fields         []formFieldBody `json:"fields"`
	Checkboxes     []checkboxBody  `json:"checkboxes"`
	NoticeFR       string          `json:"notice_fr"`
	NoticeEN       string          `json:"notice_en"`
	NoticeSHA256   readOnly        `json:"notice_sha256"`
	ThankYou       string          `json:"thank_you"`
	RedirectURL    *string         `json:"redirect_url"`
	DoubleOptIn    bool            `json:"double_opt_in"`
	NotifyUserID   *string         `json:"notify_user_id"`
	AllowedOrigins []string        `json:"allowed_origins"`
	Audience       crm.Audience    `json:"audience"`
}

type formFieldBody struct {
	Key      string   `json:"key"`
	Label    string   `json:"label"`
	Help     string   `json:"help"`
	Required bool     `json:"required"`
	Kind     readOnly `json:"kind"`
	Options  readOnly `json:"options"`
}

type checkboxBody struct {
	Purpose string   `json:"purpose"`
	Label   string   `json:"label"`
	Text    string   `json:"text"`
	Checked bool     `json:"checked"`
	SHA256  readOnly `json:"sha256"`
}

// submissionJSON is one submission with every value submitted.
type submissionJSON struct {
	ID          string                `json:"id"`
	PersonID    string                `json:"person_id"`
	Version     int                   `json:"version"`
	SubmittedAt timestamp             `json:"submitted_at"`
	PageURL     *string               `json:"page_url"`
	Status      string                `json:"status"`
	Values      []submissionValueJSON `json:"values"`
}

type submissionValueJSON struct {
	Field string `json:"field"`
	Label string `json:"label"`
	Value string `json:"value"`
}

// members maps the workspace's users between their internal ids (kept in
// a definition) and their public ids (shown by the API).
type members struct {
	public   map[int64]string
	internal map[string]int64
}

func (a *API) members(ctx context.Context, workspaceID int64) (members, error) {
	m := members{public: map[int64]string{}, internal: map[string]int64{}}
	list, err := a.Auth.Store.Members(ctx, workspaceID)
	if err != nil {
		return m, err
	}
	for _, u := range list {
		m.public[u.ID], m.internal[u.PublicID] = u.PublicID, u.ID
	}
	return m, nil
}

func formSummaryOut(f *forms.Form) formSummaryJSON {
	out := formSummaryJSON{ID: f.PublicID, Slug: f.Slug, Name: f.Name, Status: "unpublished",
		CreatedAt: timestamp(f.CreatedAt), UpdatedAt: timestamp(f.UpdatedAt)}
	if f.CurrentVersionID != 0 {
		n := f.CurrentVersion
		out.Status, out.CurrentVersion = "published", &n
	}
	return out
}

func versionSummaryOut(v *forms.Version) formVersionSummaryJSON {
	return formVersionSummaryJSON{ID: v.PublicID, Number: v.Number, SHA256: v.SHA256, CreatedAt: timestamp(v.CreatedAt)}
}

func versionOut(v *forms.Version, m members) *formVersionJSON {
	return &formVersionJSON{formVersionSummaryJSON: versionSummaryOut(v), CreatedBy: nullable(v.CreatedBy),
		Definition: definitionOut(&v.Definition, m)}
}

func definitionOut(d *forms.Definition, m members) definitionJSON {
	out := definitionJSON{Lang: d.Lang, Title: d.Title, Intro: d.Intro, SubmitLabel: d.SubmitLabel,
		Fields: []formFieldJSON{}, Checkboxes: []checkboxJSON{}, NoticeFR: d.NoticeFR, NoticeEN: d.NoticeEN,
		NoticeSHA256: nullable(d.NoticeSHA256), ThankYou: d.ThankYou, RedirectURL: nullable(d.RedirectURL),
		DoubleOptIn: d.DoubleOptIn, AllowedOrigins: d.AllowedOrigins, Audience: d.Audience}
	if out.AllowedOrigins == nil {
		out.AllowedOrigins = []string{}
	}
	if d.NotifyUserID != 0 {
		// A user no longer a member is shown as the id they had nowhere:
		// null, like the notification the store will not send.
		if id, ok := m.public[d.NotifyUserID]; ok {
			out.NotifyUserID = &id
		}
	}
	for _, f := range d.Fields {
		opts := f.Options
		if opts == nil {
			opts = []string{}
		}
		out.Fields = append(out.Fields, formFieldJSON{Key: f.Key, Kind: f.Kind, Label: f.Label, Help: f.Help, Required: f.Required, Options: opts})
	}
	for _, c := range d.Checkboxes {
		out.Checkboxes = append(out.Checkboxes, checkboxJSON{Purpose: c.Purpose, Label: c.Label, Text: c.Text, SHA256: nullable(c.SHA256)})
	}
	return out
}

// definitionIn turns a draft as sent into a definition for the forms
// service, which validates it. A notify_user_id that is not a member of
// the workspace is the only problem found here.
func definitionIn(b *definitionBody, m members) (forms.Definition, error) {
	d := forms.Definition{Lang: b.Lang, Title: b.Title, Intro: b.Intro, SubmitLabel: b.SubmitLabel,
		NoticeFR: b.NoticeFR, NoticeEN: b.NoticeEN, ThankYou: b.ThankYou, DoubleOptIn: b.DoubleOptIn,
		AllowedOrigins: b.AllowedOrigins, Audience: b.Audience}
	if b.RedirectURL != nil {
		d.RedirectURL = *b.RedirectURL
	}
	if b.NotifyUserID != nil && *b.NotifyUserID != "" {
		if id, ok := parseID(*b.NotifyUserID); ok {
			d.NotifyUserID = m.internal[id]
		}
		if d.NotifyUserID == 0 {
			return d, invalid("draft.notify_user_id", "is not a user of this workspace")
		}
	}
	for _, f := range b.Fields {
		d.Fields = append(d.Fields, forms.Field{Key: f.Key, Label: f.Label, Help: f.Help, Required: f.Required})
	}
	for _, c := range b.Checkboxes {
		d.Checkboxes = append(d.Checkboxes, forms.Checkbox{Purpose: c.Purpose, Label: c.Label, Text: c.Text, Checked: c.Checked})
	}
	return d, nil
}

func submissionOut(s *forms.Submission) submissionJSON {
	out := submissionJSON{ID: s.PublicID, PersonID: s.PersonPublicID, Version: s.VersionNumber,
		SubmittedAt: timestamp(s.At), PageURL: nullable(s.PageURL), Status: s.Status, Values: []submissionValueJSON{}}
	for _, v := range s.Values {
		out.Values = append(out.Values, submissionValueJSON{Field: v.Field, Label: v.Label, Value: v.Value})
	}
	return out
}

// versionNumber reads the {version} path segment; 0 when it is not a
// positive number.
func versionNumber(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0
	}
	return n
}

package forms

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// People reads custom field definitions and people (crm.Store does).
type People interface {
	CustomFields(ctx context.Context, workspaceID int64) ([]crm.CustomField, error)
	Person(ctx context.Context, workspaceID int64, publicID string) (*crm.Person, error)
}

// Limits are the spam and abuse limits of public submissions.
type Limits struct {
	// MinFillTime: a form submitted faster than this after the page was
	// served is taken for a robot (default 2 s).
	MinFillTime time.Duration
	// MaxFillTime: a start time older than this is stale (a page left
	// open for a day, or the plain HTML embed code, which carries none):
	// the submission is shown back to be confirmed (default 12 h).
	MaxFillTime time.Duration
	// PerIP and PerForm: accepted submissions per minute (defaults 10 and
	// 600).
	PerIP   int
	PerForm int
}

// Service manages forms and their submissions.
type Service struct {
	Store   Store
	Consent *consent.Service
	Fields  People
	Signer  Signer
	// BaseURL is the public address of Registre, for links in emails
	// (such as https://crm.example.fr); no trailing slash.
	BaseURL string
	Limits  Limits
	// Queued is called after a commit that queued email (the sender loop's
	// Wake); may be nil.
	Queued func()
	Now    func() time.Time
	// Notices, when set, gives a new form its legal notice from the
	// register of processing; nil keeps the built-in default text.
	Notices NoticeSource
	// Purposes, when set, must declare every purpose a form asks consent
	// for before it is published (the register of processing: a purpose
	// without an active entry cannot be used in a form).
	Purposes PurposeGate

	versions sync.Map // version id → *Version: versions never change
	cache    publishedCache
}

// NewService returns a Service with the wall clock and default limits.
func NewService(store Store, c *consent.Service, fields People, key []byte, baseURL string) *Service {
	return &Service{Store: store, Consent: c, Fields: fields, Signer: Signer{Key: key},
		BaseURL: strings.TrimRight(baseURL, "/"), Now: func() time.Time { return time.Now().UTC() },
		Limits: Limits{MinFillTime: 2 * time.Second, MaxFillTime: 12 * time.Hour, PerIP: 10, PerForm: 600}}
}

func (s *Service) queued() {
	if s.Queued != nil {
		s.Queued()
	}
}

// Forms lists a workspace's forms.
func (s *Service) Forms(ctx context.Context, workspaceID int64) ([]Form, error) {
	return s.Store.Forms(ctx, workspaceID)
}

// Form returns one form with its draft; NotFound.
func (s *Service) Form(ctx context.Context, workspaceID int64, publicID string) (*Form, error) {
	return s.Store.Form(ctx, workspaceID, publicID)
}

// CreateForm creates a form with the default draft. Invalid for a bad name
// or slug, Conflict for a slug in use.
func (s *Service) CreateForm(ctx context.Context, workspaceID int64, name, slug, lang, workspaceName string) (*Form, error) {
	var v errs.Validation
	name, slug = strings.TrimSpace(name), strings.ToLower(strings.TrimSpace(slug))
	text(&v, "name", name, MaxLabel, true)
	if !ValidSlug(slug) {
		v.Add("slug", "use 1 to 60 lower-case letters, digits and hyphens")
	}
	if lang != "fr" && lang != "en" {
		v.Add("lang", "must be fr or en")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	purposes, err := s.Consent.Store.Purposes(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	f := &Form{PublicID: uuid.NewString(), WorkspaceID: workspaceID, Slug: slug, Name: name,
		Draft: DefaultDefinition(lang, purposes, workspaceName), CreatedAt: now, UpdatedAt: now}
	if err := s.registerNotice(ctx, workspaceID, &f.Draft); err != nil {
		return nil, err
	}
	e := audit.NewEntry(ctx, workspaceID, "form.create", "form", f.PublicID, nil)
	if err := s.Store.CreateForm(ctx, f, e); err != nil {
		return nil, err
	}
	return f, nil
}

// SaveDraft validates and saves a form's draft. Invalid names each
// problem, including a pre-ticked box.
func (s *Service) SaveDraft(ctx context.Context, workspaceID int64, publicID, name string, d Definition) (*Form, error) {
	f, err := s.Store.Form(ctx, workspaceID, publicID)
	if err != nil {
		return nil, err
	}
	if err := s.validate(ctx, workspaceID, &d); err != nil {
		return nil, err
	}
	var v errs.Validation
	text(&v, "name", strings.TrimSpace(name), MaxLabel, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	f.Name, f.Draft, f.UpdatedAt = strings.TrimSpace(name), d, s.Now()
	e := audit.NewEntry(ctx, workspaceID, "form.update", "form", f.PublicID, nil)
	defer s.cache.forget() // the name is the published form's too
	return f, s.Store.SaveDraft(ctx, f, e)
}

func (s *Service) validate(ctx context.Context, workspaceID int64, d *Definition) error {
	purposes, err := s.Consent.Store.Purposes(ctx, workspaceID)
	if err != nil {
		return err
	}
	custom, err := s.Fields.CustomFields(ctx, workspaceID)
	if err != nil {
		return err
	}
	return d.Validate(purposes, custom)
}

// Publish freezes the draft as the next version, with the hash of every
// text shown, and makes it the one /f/{slug} serves. Invalid when the
// draft no longer validates (a purpose or custom field was removed).
func (s *Service) Publish(ctx context.Context, workspaceID int64, publicID string) (*Version, error) {
	f, err := s.Store.Form(ctx, workspaceID, publicID)
	if err != nil {
		return nil, err
	}
	d := f.Draft
	if err := s.validate(ctx, workspaceID, &d); err != nil {
		return nil, err
	}
	if s.Purposes != nil {
		for _, c := range d.Checkboxes {
			if err := s.Purposes.RequirePurpose(ctx, workspaceID, c.Purpose); err != nil {
				return nil, err
			}
		}
	}
	d.Seal()
	body, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	v := &Version{PublicID: uuid.NewString(), FormID: f.ID, WorkspaceID: workspaceID, Definition: d,
		SHA256: SHA256Hex(string(body)), CreatedAt: s.Now(), CreatedBy: audit.ActorFrom(ctx).ID}
	e := audit.NewEntry(ctx, workspaceID, "form.publish", "form", f.PublicID, nil)
	if err := s.Store.Publish(ctx, v, e); err != nil {
		return nil, err
	}
	s.cache.forget()
	return v, nil
}

// Unpublish closes a form: its address answers that there is no form
// there, until it is published again. Its versions, submissions and
// consent proofs stay, and the confirmation links already sent still work
// (a person who subscribed may still confirm). Conflict when it is not
// published.
func (s *Service) Unpublish(ctx context.Context, workspaceID int64, publicID string) (*Form, error) {
	f, err := s.Store.Form(ctx, workspaceID, publicID)
	if err != nil {
		return nil, err
	}
	if f.CurrentVersionID == 0 {
		return nil, errs.Errorf(errs.Conflict, "This form is not published.")
	}
	e := audit.NewEntry(ctx, workspaceID, "form.unpublish", "form", f.PublicID, map[string]any{"version": f.CurrentVersion})
	if err := s.Store.Unpublish(ctx, f, e); err != nil {
		return nil, err
	}
	s.cache.forget()
	f.CurrentVersionID, f.CurrentVersion = 0, 0
	return f, nil
}

// Published returns the form served at slug, its current version and the
// workspace's settings. NotFound when there is none.
func (s *Service) Published(ctx context.Context, slug string) (*Form, *Version, Settings, error) {
	p, err := s.published(ctx, slug)
	if err != nil {
		return nil, nil, Settings{}, err
	}
	return p.form, p.version, p.settings, nil
}

// version returns a version by id. Versions never change: each is read
// once.
func (s *Service) version(ctx context.Context, id int64) (*Version, error) {
	if cached, ok := s.versions.Load(id); ok {
		return cached.(*Version), nil
	}
	v, err := s.Store.Version(ctx, id)
	if err != nil {
		return nil, err
	}
	s.versions.Store(v.ID, v)
	return v, nil
}

// Settings returns a workspace's form settings.
func (s *Service) Settings(ctx context.Context, workspaceID int64) (Settings, error) {
	return s.Store.Settings(ctx, workspaceID)
}

// SaveSettings validates and saves them; Invalid names each problem.
func (s *Service) SaveSettings(ctx context.Context, workspaceID int64, st Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	defer s.cache.forget()
	return s.Store.SaveSettings(ctx, workspaceID, st, audit.NewEntry(ctx, workspaceID, "form_settings.update", "workspace", strconv.FormatInt(workspaceID, 10), nil))
}

// PersonSubmissions lists a person's submissions with their values.
func (s *Service) PersonSubmissions(ctx context.Context, workspaceID int64, personPublicID string) ([]Submission, error) {
	return s.Store.PersonSubmissions(ctx, workspaceID, personPublicID)
}

// rateKey hashes a client address under the signing key: the counters
// never hold an address.
func (s *Service) rateKey(kind, v string) string {
	m := hmac.New(sha256.New, s.Signer.Key)
	m.Write([]byte(kind + ":" + v))
	return kind + ":" + hex.EncodeToString(m.Sum(nil)[:12])
}

// registerNotice replaces the default notices of d by the register's, when
// a NoticeSource is connected and has them.
func (s *Service) registerNotice(ctx context.Context, workspaceID int64, d *Definition) error {
	if s.Notices == nil {
		return nil
	}
	var purposes []string
	for _, c := range d.Checkboxes {
		purposes = append(purposes, c.Purpose)
	}
	for _, lang := range []string{"fr", "en"} {
		text, ok, err := s.Notices.Notice(ctx, workspaceID, purposes, lang)
		if err != nil {
			return err
		}
		if ok && lang == "fr" {
			d.NoticeFR = text
		} else if ok {
			d.NoticeEN = text
		}
	}
	return nil
}

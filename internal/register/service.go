package register

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/consent"
	"github.com/registre/registre/internal/crm"
	"github.com/registre/registre/internal/errs"
)

// Organisation is the register's common sheet (the CNIL model's first
// sheet): the controller, its representative and DPO, where people
// exercise their rights, and the processors the workspace uses.
type Organisation struct {
	ControllerName    string      `json:"controller_name"`
	ControllerAddress string      `json:"controller_address"`
	ControllerEmail   string      `json:"controller_email"`
	Representative    string      `json:"representative"`
	DPOName           string      `json:"dpo_name"`
	DPOEmail          string      `json:"dpo_email"`
	RightsContact     string      `json:"rights_contact"` // an email or a web address
	Processors        []Processor `json:"processors"`
}

// Processor is a processor (Art. 28) the workspace uses, such as its SMTP
// or SMS provider or its host: the drift check wants each listed by an
// active entry.
type Processor struct {
	Name    string `json:"name"`
	Service string `json:"service"`
	Country string `json:"country"`
}

// Validate trims and checks the sheet; the error is an Invalid
// *errs.Error naming the fields.
func (o *Organisation) Validate() error {
	var v errs.Validation
	for f, s := range map[string]*string{"controller_name": &o.ControllerName, "controller_address": &o.ControllerAddress,
		"controller_email": &o.ControllerEmail, "representative": &o.Representative, "dpo_name": &o.DPOName,
		"dpo_email": &o.DPOEmail, "rights_contact": &o.RightsContact} {
		*s = strings.TrimSpace(*s)
		text(&v, f, *s, maxShort)
	}
	for f, s := range map[string]string{"controller_email": o.ControllerEmail, "dpo_email": o.DPOEmail} {
		if s != "" && !strings.Contains(s, "@") {
			v.Add(f, "is not an email address")
		}
	}
	if o.DPOEmail != "" && o.DPOName == "" {
		v.Add("dpo_name", "name the DPO (a person or a firm)")
	}
	o.Processors = slices.DeleteFunc(o.Processors, func(p Processor) bool {
		return strings.TrimSpace(p.Name+p.Service+p.Country) == ""
	})
	if len(o.Processors) > maxList {
		v.Add("processors", fmt.Sprintf("too many processors (at most %d)", maxList))
	}
	for i := range o.Processors {
		p := &o.Processors[i]
		p.Name, p.Service, p.Country = strings.TrimSpace(p.Name), strings.TrimSpace(p.Service), strings.TrimSpace(p.Country)
		f := fmt.Sprintf("processors.%d", i)
		if p.Name == "" {
			v.Add(f, "a processor needs a name")
		}
		text(&v, f, p.Name+p.Service+p.Country, maxShort*3)
	}
	if o.Processors == nil {
		o.Processors = []Processor{}
	}
	return v.Err()
}

// Store keeps entries and their versions.
type Store interface {
	// Entries lists a workspace's entries, archived ones included.
	Entries(ctx context.Context, workspaceID int64) ([]Entry, error)
	// Entry returns one entry with its current version; NotFound.
	Entry(ctx context.Context, workspaceID int64, publicID string) (*Entry, error)
	// Versions lists an entry's versions, oldest first; NotFound.
	Versions(ctx context.Context, workspaceID int64, publicID string) ([]Version, error)
	// Save inserts the entry (ID 0) or appends a version to it, in one
	// transaction with the consent purposes its activity defines (each
	// missing one gets the next free bit) and the audit entry. A new
	// version of an entry whose current version is no longer
	// e.Version-1 is a Conflict; more than consent.MaxPurposes purposes is
	// Invalid.
	Save(ctx context.Context, e *Entry, e2 audit.Entry) error
	// Organisation returns the common sheet (empty until saved).
	Organisation(ctx context.Context, workspaceID int64) (Organisation, error)
	// SetOrganisation saves the common sheet with its audit entry.
	SetOrganisation(ctx context.Context, workspaceID int64, o Organisation, e audit.Entry) error
}

// Fields reads the CRM's custom fields (drift check).
type Fields interface {
	CustomFields(ctx context.Context, workspaceID int64) ([]crm.CustomField, error)
}

// Purposes reads the consent purposes (drift check).
type Purposes interface {
	Purposes(ctx context.Context, workspaceID int64) ([]consent.Purpose, error)
}

// AuditLog records audit entries that go with no change (exports).
type AuditLog interface {
	Record(ctx context.Context, e audit.Entry) error
}

// Service is the register: the web pages, the API, the CLI and other
// domains (forms, campaigns, the retention sweep) go through it.
type Service struct {
	Store    Store
	Fields   Fields
	Purposes Purposes
	Audit    AuditLog
	// Sources are other collectors of personal data (forms) the drift
	// check compares with the register; custom fields are always checked.
	Sources []FieldSource
	Now     func() time.Time
}

// NewService returns a Service on the wall clock.
func NewService(s Store, f Fields, p Purposes, a AuditLog) *Service {
	return &Service{Store: s, Fields: f, Purposes: p, Audit: a, Now: func() time.Time { return time.Now().UTC() }}
}

// List returns the workspace's entries, active first, then drafts, then
// archived, by name.
func (s *Service) List(ctx context.Context, workspaceID int64) ([]Entry, error) {
	entries, err := s.Store.Entries(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	rank := map[Status]int{Active: 0, Draft: 1, Archived: 2}
	slices.SortStableFunc(entries, func(a, b Entry) int {
		if rank[a.Status] != rank[b.Status] {
			return rank[a.Status] - rank[b.Status]
		}
		return strings.Compare(strings.ToLower(a.Activity.Name), strings.ToLower(b.Activity.Name))
	})
	return entries, nil
}

// Get returns an entry; NotFound for an unknown id or another workspace's.
func (s *Service) Get(ctx context.Context, workspaceID int64, publicID string) (*Entry, error) {
	return s.Store.Entry(ctx, workspaceID, publicID)
}

// Versions returns an entry's versions, oldest first; NotFound.
func (s *Service) Versions(ctx context.Context, workspaceID int64, publicID string) ([]Version, error) {
	return s.Store.Versions(ctx, workspaceID, publicID)
}

// Version returns version n of an entry; NotFound.
func (s *Service) Version(ctx context.Context, workspaceID int64, publicID string, n int) (*Version, error) {
	versions, err := s.Store.Versions(ctx, workspaceID, publicID)
	if err != nil {
		return nil, err
	}
	for i := range versions {
		if versions[i].Version == n {
			return &versions[i], nil
		}
	}
	return nil, errs.Errorf(errs.NotFound, "This entry has no version %d.", n)
}

// Create adds an entry as a draft, or active when activate is set (then
// it must pass ValidateActivation). Invalid names the fields.
func (s *Service) Create(ctx context.Context, workspaceID int64, a Activity, activate bool) (*Entry, error) {
	e := &Entry{WorkspaceID: workspaceID, Status: Draft, Activity: a}
	if activate {
		e.Status = Active
	}
	return e, s.save(ctx, e, "register.create")
}

// Update saves a as a new version of the entry, keeping its status. want
// is the version the editor started from (0: do not check): a newer one
// is a Conflict. An active entry must stay complete; an archived one
// cannot be edited.
func (s *Service) Update(ctx context.Context, workspaceID int64, publicID string, want int, a Activity) (*Entry, error) {
	e, err := s.Store.Entry(ctx, workspaceID, publicID)
	if err != nil {
		return nil, err
	}
	if e.Status == Archived {
		return nil, errs.Errorf(errs.Conflict, "This entry was removed from the register; restore it as a draft to edit it.")
	}
	if want != 0 && want != e.Version {
		return nil, errs.Errorf(errs.Conflict, "Someone saved version %d of this entry meanwhile; reload it and make your change again.", e.Version)
	}
	e.Activity = a
	return e, s.save(ctx, e, "register.update")
}

// SetStatus activates, archives (removes from the register) or returns an
// entry to draft, as a new version. Activation needs ValidateActivation.
func (s *Service) SetStatus(ctx context.Context, workspaceID int64, publicID string, st Status) (*Entry, error) {
	if !slices.Contains([]Status{Draft, Active, Archived}, st) {
		return nil, &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"status": "must be draft, active or archived"}}
	}
	e, err := s.Store.Entry(ctx, workspaceID, publicID)
	if err != nil {
		return nil, err
	}
	if e.Status == st {
		return e, nil
	}
	e.Status = st
	return e, s.save(ctx, e, "register."+string(st))
}

func (s *Service) save(ctx context.Context, e *Entry, action string) error {
	var err error
	if e.Status == Active {
		err = e.Activity.ValidateActivation()
	} else {
		err = e.Activity.Validate()
	}
	if err != nil {
		return err
	}
	e.UpdatedAt = s.Now()
	if e.ID == 0 {
		e.CreatedAt, e.PublicID = e.UpdatedAt, uuid.NewString()
	}
	e.Version++
	detail := map[string]any{"version": e.Version, "status": string(e.Status)}
	if e.Template != "" {
		detail["template"] = e.Template
	}
	return s.Store.Save(ctx, e, audit.NewEntry(ctx, e.WorkspaceID, action, "register_entry", e.PublicID, detail))
}

// AdoptTemplates creates an active entry from each template named in keys
// (all when keys is empty) that the workspace has not adopted yet (an
// archived adoption does not count). It returns the entries created; an
// unknown key is Invalid and adopts nothing. Each entry is saved in its own
// transaction, so after a failure running it again adopts the rest.
func (s *Service) AdoptTemplates(ctx context.Context, workspaceID int64, keys []string) ([]Entry, error) {
	for _, k := range keys {
		if _, ok := TemplateByKey(k); !ok {
			return nil, &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{"templates": "unknown template " + quote(k)}}
		}
	}
	existing, err := s.Store.Entries(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	adopted := map[string]bool{}
	for _, e := range existing {
		if e.Status != Archived && e.Template != "" {
			adopted[e.Template] = true
		}
	}
	var out []Entry
	for _, t := range Templates() {
		if (len(keys) > 0 && !slices.Contains(keys, t.Key)) || adopted[t.Key] {
			continue
		}
		e := &Entry{WorkspaceID: workspaceID, Template: t.Key, Status: Active, Activity: t.Activity}
		if err := s.save(ctx, e, "register.adopt"); err != nil {
			return out, err
		}
		out = append(out, *e)
	}
	return out, nil
}

// ActiveEntryFor returns the active entry that defines the consent purpose
// key (the one updated last when several do). It returns NotFound when no
// active entry covers it: forms and campaigns must then refuse the purpose.
func (s *Service) ActiveEntryFor(ctx context.Context, workspaceID int64, key string) (*Entry, error) {
	entries, err := s.Store.Entries(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	var best *Entry
	for i := range entries {
		e := &entries[i]
		if e.Status == Active && e.Activity.Covers(key) && (best == nil || e.UpdatedAt.After(best.UpdatedAt)) {
			best = e
		}
	}
	if best == nil {
		return nil, errs.Errorf(errs.NotFound, "No active entry of the register of processing activities covers the purpose %s.", quote(key))
	}
	return best, nil
}

// PurposeCovered reports whether an active entry covers the consent
// purpose key.
func (s *Service) PurposeCovered(ctx context.Context, workspaceID int64, key string) (bool, error) {
	_, err := s.ActiveEntryFor(ctx, workspaceID, key)
	if errs.Is(err, errs.NotFound) {
		return false, nil
	}
	return err == nil, err
}

// RequirePurpose returns nil when an active entry covers the purpose, and
// otherwise an Invalid error naming it (for forms and campaigns to show).
func (s *Service) RequirePurpose(ctx context.Context, workspaceID int64, key string) error {
	ok, err := s.PurposeCovered(ctx, workspaceID, key)
	if err != nil || ok {
		return err
	}
	return &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.", Fields: map[string]string{
		"purpose": "no active entry of the register of processing activities covers " + quote(key) + ": add or activate one first"}}
}

// Organisation returns the common sheet.
func (s *Service) Organisation(ctx context.Context, workspaceID int64) (Organisation, error) {
	o, err := s.Store.Organisation(ctx, workspaceID)
	if o.Processors == nil {
		o.Processors = []Processor{}
	}
	return o, err
}

// SetOrganisation validates and saves the common sheet.
func (s *Service) SetOrganisation(ctx context.Context, workspaceID int64, o Organisation) (Organisation, error) {
	if err := o.Validate(); err != nil {
		return o, err
	}
	e := audit.NewEntry(ctx, workspaceID, "register.organisation", "workspace", "", map[string]any{"processors": len(o.Processors)})
	return o, s.Store.SetOrganisation(ctx, workspaceID, o, e)
}

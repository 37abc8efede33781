package crm

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/errs"
)

// Service applies the CRM core's rules on top of a Store: validation,
// normalisation, public ids and audit entries for reads and changes.
type Service struct {
	Store Store
	Audit AuditRecorder
	Now   func() time.Time
}

// NewService returns a Service using the wall clock.
func NewService(s Store, a AuditRecorder) *Service {
	return &Service{Store: s, Audit: a, Now: func() time.Time { return time.Now().UTC() }}
}

// NewPublicID returns the id of a new record for use in links: a UUID
// version 7, random but ordered by creation time, so that the unique
// index on public ids grows at its end instead of at a random page (one
// B-tree insertion per person that no longer misses the cache on a large
// table). It reveals when the record was created, which the record's page
// shows anyway.
func NewPublicID() string { return uuid.Must(uuid.NewV7()).String() }

// CreatePerson validates in and stores a new person. It returns Invalid for
// bad input, NotFound for an unknown organisation and Conflict (with the
// existing person's id in Related) for an email already in use.
func (s *Service) CreatePerson(ctx context.Context, workspaceID int64, in PersonInput) (*Person, error) {
	p, err := s.buildPerson(ctx, workspaceID, in)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	p.PublicID = NewPublicID()
	p.WorkspaceID = workspaceID
	p.CreatedAt, p.UpdatedAt = now, now
	e := audit.NewEntry(ctx, workspaceID, "person.create", "person", p.PublicID, nil)
	if err := s.Store.CreatePerson(ctx, p, e); err != nil {
		return nil, err
	}
	return p, nil
}

// UpdatePerson replaces the editable fields of a person. Errors as for
// CreatePerson, plus NotFound.
func (s *Service) UpdatePerson(ctx context.Context, workspaceID int64, publicID string, in PersonInput) (*Person, error) {
	old, err := s.Store.Person(ctx, workspaceID, publicID)
	if err != nil {
		return nil, err
	}
	if in.CollectedAt.IsZero() {
		in.CollectedAt = old.CollectedAt
	}
	p, err := s.buildPerson(ctx, workspaceID, in)
	if err != nil {
		return nil, err
	}
	p.ID, p.PublicID, p.WorkspaceID = old.ID, old.PublicID, workspaceID
	p.CreatedAt, p.UpdatedAt = old.CreatedAt, s.Now()
	p.LastInteractionAt = old.LastInteractionAt
	changed := changedPersonFields(old, p)
	e := audit.NewEntry(ctx, workspaceID, "person.update", "person", p.PublicID, map[string]any{"fields": changed})
	if err := s.Store.UpdatePerson(ctx, p, e); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Service) buildPerson(ctx context.Context, workspaceID int64, in PersonInput) (*Person, error) {
	fields, err := s.Store.CustomFields(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	p, err := in.Build(fields, s.Now())
	if err != nil {
		return nil, err
	}
	if err := s.checkOwner(ctx, workspaceID, p.OwnerUserID); err != nil {
		return nil, err
	}
	if in.OrganisationID != "" {
		org, err := s.Store.Organisation(ctx, workspaceID, in.OrganisationID)
		if errs.Is(err, errs.NotFound) {
			return nil, &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.",
				Fields: map[string]string{"organisation_id": "is not an organisation of this workspace"}}
		}
		if err != nil {
			return nil, err
		}
		p.OrganisationID, p.OrganisationPublicID, p.OrganisationName = org.ID, org.PublicID, org.Name
	}
	return p, nil
}

// DeletePerson deletes a person with their emails, phones and activities.
// It returns NotFound when there is no such person.
func (s *Service) DeletePerson(ctx context.Context, workspaceID int64, publicID string) error {
	e := audit.NewEntry(ctx, workspaceID, "person.delete", "person", publicID, nil)
	return s.Store.DeletePerson(ctx, workspaceID, publicID, e)
}

// Person returns one person and records the read. It returns NotFound.
func (s *Service) Person(ctx context.Context, workspaceID int64, publicID string) (*Person, error) {
	p, err := s.Store.Person(ctx, workspaceID, publicID)
	if err != nil {
		return nil, err
	}
	return p, s.Audit.Record(ctx, audit.NewEntry(ctx, workspaceID, "person.view", "person", publicID, nil))
}

// People returns a page of people and records the read with its size.
func (s *Service) People(ctx context.Context, workspaceID int64, f PeopleFilter) (*PeoplePage, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	page, err := s.Store.People(ctx, workspaceID, f)
	if err != nil {
		return nil, err
	}
	detail := map[string]any{"count": len(page.People), "search": f.Query != ""}
	return page, s.Audit.Record(ctx, audit.NewEntry(ctx, workspaceID, "person.list", "person", "", detail))
}

// CountPeople counts the people matching f (pagination fields are
// ignored), up to max+1 when max is positive.
func (s *Service) CountPeople(ctx context.Context, workspaceID int64, f PeopleFilter, max int) (int, error) {
	return s.Store.CountPeople(ctx, workspaceID, f, max)
}

func changedPersonFields(a, b *Person) []string {
	var out []string
	add := func(name string, changed bool) {
		if changed {
			out = append(out, name)
		}
	}
	add("first_name", a.FirstName != b.FirstName)
	add("last_name", a.LastName != b.LastName)
	add("emails", !sameEmails(a.Emails, b.Emails))
	add("phones", !samePhones(a.Phones, b.Phones))
	add("job_title", a.JobTitle != b.JobTitle)
	add("address", a.Address != b.Address)
	add("organisation_id", a.OrganisationID != b.OrganisationID)
	add("lifecycle", a.Lifecycle != b.Lifecycle)
	add("audience", a.Audience != b.Audience)
	add("origin", a.Origin != b.Origin || a.OriginDetail != b.OriginDetail)
	add("collected_at", !a.CollectedAt.Equal(b.CollectedAt))
	add("soft_opt_in", a.SoftOptIn != b.SoftOptIn)
	add("owner_user_id", a.OwnerUserID != b.OwnerUserID)
	add("custom", !sameCustom(a.Custom, b.Custom))
	return out
}

func sameEmails(a, b []Email) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func samePhones(a, b []Phone) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].E164 != b[i].E164 {
			return false
		}
	}
	return true
}

func sameCustom(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// checkOwner refuses an owner who is not a member of the workspace.
func (s *Service) checkOwner(ctx context.Context, workspaceID, userID int64) error {
	if userID == 0 {
		return nil
	}
	ok, err := s.Store.IsMember(ctx, workspaceID, userID)
	if err != nil {
		return err
	}
	if !ok {
		return &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.",
			Fields: map[string]string{"owner": "is not a member of this workspace"}}
	}
	return nil
}

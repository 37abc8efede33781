package crm

import (
	"context"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/errs"
)

// CreateOrganisation validates in and stores a new organisation. It returns
// Invalid for bad input.
func (s *Service) CreateOrganisation(ctx context.Context, workspaceID int64, in OrganisationInput) (*Organisation, error) {
	fields, err := s.Store.CustomFields(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	o, err := in.Build(fields)
	if err != nil {
		return nil, err
	}
	if err := s.checkOwner(ctx, workspaceID, o.OwnerUserID); err != nil {
		return nil, err
	}
	now := s.Now()
	o.PublicID, o.WorkspaceID, o.CreatedAt, o.UpdatedAt = NewPublicID(), workspaceID, now, now
	e := audit.NewEntry(ctx, workspaceID, "organisation.create", "organisation", o.PublicID, nil)
	if err := s.Store.CreateOrganisation(ctx, o, e); err != nil {
		return nil, err
	}
	return o, nil
}

// UpdateOrganisation replaces the editable fields of an organisation. It
// returns Invalid or NotFound.
func (s *Service) UpdateOrganisation(ctx context.Context, workspaceID int64, publicID string, in OrganisationInput) (*Organisation, error) {
	old, err := s.Store.Organisation(ctx, workspaceID, publicID)
	if err != nil {
		return nil, err
	}
	fields, err := s.Store.CustomFields(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	o, err := in.Build(fields)
	if err != nil {
		return nil, err
	}
	if err := s.checkOwner(ctx, workspaceID, o.OwnerUserID); err != nil {
		return nil, err
	}
	o.ID, o.PublicID, o.WorkspaceID = old.ID, old.PublicID, workspaceID
	o.CreatedAt, o.UpdatedAt, o.LastInteractionAt = old.CreatedAt, s.Now(), old.LastInteractionAt
	e := audit.NewEntry(ctx, workspaceID, "organisation.update", "organisation", o.PublicID, nil)
	if err := s.Store.UpdateOrganisation(ctx, o, e); err != nil {
		return nil, err
	}
	return o, nil
}

// DeleteOrganisation deletes an organisation and its own activities; its
// people stay, without an organisation. It returns NotFound.
func (s *Service) DeleteOrganisation(ctx context.Context, workspaceID int64, publicID string) error {
	e := audit.NewEntry(ctx, workspaceID, "organisation.delete", "organisation", publicID, nil)
	return s.Store.DeleteOrganisation(ctx, workspaceID, publicID, e)
}

// Organisation returns one organisation and records the read. NotFound.
func (s *Service) Organisation(ctx context.Context, workspaceID int64, publicID string) (*Organisation, error) {
	o, err := s.Store.Organisation(ctx, workspaceID, publicID)
	if err != nil {
		return nil, err
	}
	return o, s.Audit.Record(ctx, audit.NewEntry(ctx, workspaceID, "organisation.view", "organisation", publicID, nil))
}

// Organisations returns a page of organisations.
func (s *Service) Organisations(ctx context.Context, workspaceID int64, f OrganisationFilter) (*OrganisationPage, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	page, err := s.Store.Organisations(ctx, workspaceID, f)
	if err != nil {
		return nil, err
	}
	detail := map[string]any{"count": len(page.Organisations), "search": f.Query != ""}
	return page, s.Audit.Record(ctx, audit.NewEntry(ctx, workspaceID, "organisation.list", "organisation", "", detail))
}

// AddActivity validates in and adds it to the timeline of its person or
// organisation, moving their last interaction date when it counts. It
// returns Invalid, or NotFound for an unknown person or organisation.
func (s *Service) AddActivity(ctx context.Context, workspaceID int64, authorUserID int64, in ActivityInput) (*Activity, error) {
	now := s.Now()
	a, err := in.Build(now)
	if err != nil {
		return nil, err
	}
	a.PublicID, a.WorkspaceID, a.AuthorUserID, a.CreatedAt = NewPublicID(), workspaceID, authorUserID, now
	objType, objID := "person", in.PersonID
	if in.PersonID != "" {
		p, err := s.Store.Person(ctx, workspaceID, in.PersonID)
		if err != nil {
			return nil, notFoundField(err, "person_id")
		}
		a.PersonID, a.PersonPublicID, a.OrganisationID = p.ID, p.PublicID, p.OrganisationID
	} else {
		o, err := s.Store.Organisation(ctx, workspaceID, in.OrganisationID)
		if err != nil {
			return nil, notFoundField(err, "organisation_id")
		}
		a.OrganisationID, a.OrganisationPublicID = o.ID, o.PublicID
		objType, objID = "organisation", o.PublicID
	}
	e := audit.NewEntry(ctx, workspaceID, "activity.create", objType, objID,
		map[string]any{"activity": a.PublicID, "kind": string(a.Kind)})
	if err := s.Store.AddActivity(ctx, a, e); err != nil {
		return nil, err
	}
	return a, nil
}

// DeleteActivity removes an activity and recomputes the last interaction
// dates it contributed to. It returns NotFound.
func (s *Service) DeleteActivity(ctx context.Context, workspaceID int64, publicID string) error {
	e := audit.NewEntry(ctx, workspaceID, "activity.delete", "activity", publicID, nil)
	return s.Store.DeleteActivity(ctx, workspaceID, publicID, e)
}

// Activities returns a timeline, newest first.
func (s *Service) Activities(ctx context.Context, workspaceID, personID, organisationID int64, limit int) ([]Activity, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	acts, err := s.Store.Activities(ctx, workspaceID, personID, organisationID, limit)
	if err != nil || personID != 0 || organisationID != 0 {
		// A record's timeline is read with the record, whose view is audited.
		return acts, err
	}
	detail := map[string]any{"count": len(acts)}
	return acts, s.Audit.Record(ctx, audit.NewEntry(ctx, workspaceID, "activity.list", "activity", "", detail))
}

func notFoundField(err error, field string) error {
	if errs.Is(err, errs.NotFound) {
		return &errs.Error{Code: errs.Invalid, Message: "Some fields are not valid.",
			Fields: map[string]string{field: "does not exist in this workspace"}}
	}
	return err
}

// CreateCustomField validates and adds a custom field definition. It
// returns Invalid or Conflict.
func (s *Service) CreateCustomField(ctx context.Context, workspaceID int64, f CustomField) (*CustomField, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	f.WorkspaceID, f.CreatedAt = workspaceID, s.Now()
	e := audit.NewEntry(ctx, workspaceID, "custom_field.create", "custom_field", f.Key, nil)
	if err := s.Store.CreateCustomField(ctx, &f, e); err != nil {
		return nil, err
	}
	return &f, nil
}

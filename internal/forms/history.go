package forms

import (
	"context"

	"github.com/registre/registre/internal/audit"
	"github.com/registre/registre/internal/errs"
)

// Page sizes of Submissions.
const (
	DefaultSubmissionPage = 50
	MaxSubmissionPage     = 200
)

// Versions lists the published versions of a form, newest first.
// NotFound for a form of another workspace or none.
func (s *Service) Versions(ctx context.Context, workspaceID int64, formPublicID string) ([]Version, error) {
	f, err := s.Store.Form(ctx, workspaceID, formPublicID)
	if err != nil {
		return nil, err
	}
	return s.Store.Versions(ctx, workspaceID, f.ID)
}

// Version returns version number n of a form; NotFound when the form or
// the version does not exist.
func (s *Service) Version(ctx context.Context, workspaceID int64, formPublicID string, n int) (*Version, error) {
	versions, err := s.Versions(ctx, workspaceID, formPublicID)
	if err != nil {
		return nil, err
	}
	for i := range versions {
		if versions[i].Number == n {
			return &versions[i], nil
		}
	}
	return nil, errs.Errorf(errs.NotFound, "This form has no such version.")
}

// Submissions returns a page of a form's submissions, newest first, with
// every value submitted. Values are personal data: the read is recorded in
// the audit log (form.submissions.list, with the count) in the same
// transaction. limit outside 1..MaxSubmissionPage takes the default.
// NotFound for an unknown form; Invalid (on "cursor") when after is not
// one of the form's submissions.
func (s *Service) Submissions(ctx context.Context, workspaceID int64, formPublicID, after string, limit int) (*SubmissionPage, error) {
	f, err := s.Store.Form(ctx, workspaceID, formPublicID)
	if err != nil {
		return nil, err
	}
	if limit < 1 || limit > MaxSubmissionPage {
		limit = DefaultSubmissionPage
	}
	e := audit.NewEntry(ctx, workspaceID, "form.submissions.list", "form", f.PublicID, nil)
	return s.Store.FormSubmissions(ctx, SubmissionQuery{WorkspaceID: workspaceID, FormID: f.ID, After: after, Limit: limit}, e)
}

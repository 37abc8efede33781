package crm

import (
	"context"
	"time"

	"github.com/registre/registre/internal/audit"
)

// PeopleSort names a sort order of the people list.
type PeopleSort string

// Sort orders; each is backed by an index.
const (
	SortName            PeopleSort = "name"
	SortCreated         PeopleSort = "created"
	SortLastInteraction PeopleSort = "last_interaction"
)

// PeopleFilter selects a page of people. Pagination is by keyset: After (or
// Before) is the public id of the last (or first) person of the page
// before, so a deep page costs what the first does.
type PeopleFilter struct {
	// Query searches by name prefix, by email (exact or prefix) and by phone.
	Query          string
	Lifecycle      Lifecycle
	Audience       Audience
	OrganisationID int64
	OwnerUserID    int64
	Sort           PeopleSort
	Desc           bool
	After          string
	Before         string
	Limit          int
}

// PeoplePage is one page of people.
type PeoplePage struct {
	People  []Person
	HasNext bool
	HasPrev bool
}

// OrganisationFilter selects a page of organisations, sorted by name.
type OrganisationFilter struct {
	Query  string
	Status OrgStatus
	Kind   Audience
	After  string
	Before string
	Limit  int
}

// OrganisationPage is one page of organisations.
type OrganisationPage struct {
	Organisations []Organisation
	HasNext       bool
	HasPrev       bool
}

// Store persists the CRM core. Every method is scoped to one workspace and
// finds nothing outside it. Write methods record the given audit entry in
// the same transaction. Methods return *errs.Error NotFound for a missing
// object and Conflict for a duplicate email.
type Store interface {
	// IsMember reports whether a user belongs to the workspace; owners
	// must, so that no record points at a stranger.
	IsMember(ctx context.Context, workspaceID, userID int64) (bool, error)

	CustomFields(ctx context.Context, workspaceID int64) ([]CustomField, error)
	CreateCustomField(ctx context.Context, f *CustomField, e audit.Entry) error
	DeleteCustomField(ctx context.Context, workspaceID, id int64, e audit.Entry) error

	CreatePerson(ctx context.Context, p *Person, e audit.Entry) error
	UpdatePerson(ctx context.Context, p *Person, e audit.Entry) error
	DeletePerson(ctx context.Context, workspaceID int64, publicID string, e audit.Entry) error
	Person(ctx context.Context, workspaceID int64, publicID string) (*Person, error)
	People(ctx context.Context, workspaceID int64, f PeopleFilter) (*PeoplePage, error)
	// CountPeople counts the people matching f, stopping at max+1 when max
	// is positive: an exact count of a million rows costs more than a page.
	CountPeople(ctx context.Context, workspaceID int64, f PeopleFilter, max int) (int, error)

	CreateOrganisation(ctx context.Context, o *Organisation, e audit.Entry) error
	UpdateOrganisation(ctx context.Context, o *Organisation, e audit.Entry) error
	DeleteOrganisation(ctx context.Context, workspaceID int64, publicID string, e audit.Entry) error
	Organisation(ctx context.Context, workspaceID int64, publicID string) (*Organisation, error)
	Organisations(ctx context.Context, workspaceID int64, f OrganisationFilter) (*OrganisationPage, error)

	// Counts returns the workspace's headline figures.
	Counts(ctx context.Context, workspaceID int64, since time.Time) (Counts, error)

	AddActivity(ctx context.Context, a *Activity, e audit.Entry) error
	DeleteActivity(ctx context.Context, workspaceID int64, publicID string, e audit.Entry) error
	Activity(ctx context.Context, workspaceID int64, publicID string) (*Activity, error)
	// Activities returns the newest activities of a person or an
	// organisation (its own and its people's), newest first.
	Activities(ctx context.Context, workspaceID int64, personID, organisationID int64, limit int) ([]Activity, error)
}

// AuditRecorder writes audit entries that are not part of a change (reads
// and exports).
type AuditRecorder interface {
	Record(ctx context.Context, e audit.Entry) error
}

// Counts are a workspace's headline figures.
type Counts struct {
	People              int
	Organisations       int
	ActivitiesSince     int
	PeopleNoInteraction int
}

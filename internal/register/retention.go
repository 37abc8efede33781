package register

import (
	"context"

	"github.com/registre/registre/internal/crm"
)

// Retention is one retention rule of an active entry, as the retention
// sweep reads it.
type Retention struct {
	EntryID   string        `json:"entry_id"`
	EntryName string        `json:"entry_name"`
	Version   int           `json:"version"`
	Rule      RetentionRule `json:"rule"`
}

// RetentionRules returns the rules of every active entry, in the order of
// the register. Archived and draft entries do not apply.
func (s *Service) RetentionRules(ctx context.Context, workspaceID int64) ([]Retention, error) {
	entries, err := s.List(ctx, workspaceID)
	if err != nil {
		return nil, err
	}
	out := []Retention{}
	for _, e := range entries {
		if e.Status != Active {
			continue
		}
		for _, r := range e.Activity.Retention {
			out = append(out, Retention{EntryID: e.PublicID, EntryName: e.Activity.Name, Version: e.Version, Rule: r})
		}
	}
	return out, nil
}

// Lifecycles returns the CRM lifecycle stages a rule's subjects select;
// nil for all people, and an empty slice for subjects that are not people
// of the CRM (objectors live in the suppression list, visitors in the
// website's trackers).
func (s Subjects) Lifecycles() []crm.Lifecycle {
	switch s {
	case Customers:
		return []crm.Lifecycle{crm.Customer}
	case FormerCustomers:
		return []crm.Lifecycle{crm.FormerCustomer}
	case Prospects:
		return []crm.Lifecycle{crm.Lead, crm.Prospect}
	case Objectors, Visitors:
		return []crm.Lifecycle{}
	}
	return nil
}
